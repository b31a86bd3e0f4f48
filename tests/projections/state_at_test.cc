// As-of materialisation over a real event store holding the ZSP scenario.
#include "projections/state_at.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "eventstore/scan_ahead.h"
#include "projections/dashboard.h"
#include "projections/evaluation.h"
#include "projections/views.h"
#include "tests/projections/synthetic_history.h"
#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;
using namespace testing;

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/vigie-state-at-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) std::abort();
  return templ;
}

// What the views make of a state: equal fingerprints, equal states for
// every reader of this scenario.
std::string Fingerprint(const State& s) {
  const ViewScope scope{s, s, T("2014-03-01T00:00:00Z")};
  std::string out = std::to_string(s.size);
  out += json::serialize(*EvaluationBody(s, 2013, ""));
  if (Result<json::value> cell = CellView(scope, Referent(), "cp"); cell) {
    out += json::serialize(*cell);
  }
  return out;
}

class StateAtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { scenario_ = new ZspScenario(BuildZspScenario()); }
  static void TearDownTestSuite() { delete scenario_; }

  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_TRUE(eventstore::EventStore::Init(dir_, "vigie.test").has_value());
    eventstore::StoreOptions options;
    options.sync = false;
    options.checkpoint_every_events = 0;
    options.clock = [this] { return clock_ns_.load(); };
    auto store = eventstore::EventStore::Open(dir_, options);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  void TearDown() override {
    if (store_) (void)store_->Close();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Appends scenario events [from, to), each at its recorded time.
  void Append(std::uint64_t from, std::uint64_t to) {
    for (std::uint64_t i = from; i < to; ++i) {
      const ScenarioEvent& e = scenario_->events[i];
      clock_ns_ = e.meta.recorded_at_ns;
      eventstore::AppendRequest request;
      request.actor = {e.meta.person_id, e.meta.partner_id, "member"};
      eventstore::NewEvent event;
      event.stream = e.stream;
      event.type = e.type;
      event.event_id[0] = 0x51;
      event.event_id[8] = static_cast<std::uint8_t>(i >> 8);
      event.event_id[15] = static_cast<std::uint8_t>(i);
      event.occurred_at_ns = e.meta.occurred_at_ns;
      event.payload = e.payload;
      request.events.push_back(std::move(event));
      auto appended = store_->Append(std::move(request));
      ASSERT_TRUE(appended.has_value()) << appended.error().ToString();
      ASSERT_EQ(appended->events[0].position, i);
    }
  }

  StateAtOptions Options(std::uint64_t every, std::size_t max) {
    StateAtOptions o;
    o.snapshot_every_events = every;
    o.max_snapshots = max;
    o.clock = [] { return T("2014-03-01T00:00:00Z"); };
    return o;
  }

  static ZspScenario* scenario_;
  std::string dir_;
  std::atomic<std::int64_t> clock_ns_{0};
  std::unique_ptr<eventstore::EventStore> store_;
};
ZspScenario* StateAtTest::scenario_ = nullptr;

TEST_F(StateAtTest, EveryAsOfEqualsAFoldFromScratch) {
  Append(0, scenario_->size_all);
  StateAt states(store_.get(), Options(10, 4));
  ASSERT_TRUE(states.CatchUp().ok());
  EXPECT_EQ(states.live_size(), scenario_->size_all);
  EXPECT_EQ(states.skipped_events(), 0u);
  // Visit sizes in a scrambled order so that both snapshots and cached
  // as-of states serve as bases.
  for (std::uint64_t k = 0; k <= scenario_->size_all; ++k) {
    const std::uint64_t n = (k * 37) % (scenario_->size_all + 1);
    auto folded = states.Materialize(n);
    ASSERT_TRUE(folded.has_value()) << folded.error().ToString();
    ASSERT_EQ(Fingerprint((*folded)->state), Fingerprint(scenario_->FoldTo(n))) << "size " << n;
  }
}

TEST_F(StateAtTest, SnapshotsStayBoundedAndEvenlySpread) {
  Append(0, scenario_->size_all);
  StateAt states(store_.get(), Options(5, 4));
  ASSERT_TRUE(states.CatchUp().ok());
  const std::vector<std::uint64_t> positions = states.snapshot_positions();
  ASSERT_FALSE(positions.empty());
  EXPECT_LE(positions.size(), 4u);
  // Evenly spread: consecutive multiples of one spacing, from the first.
  const std::uint64_t spacing = positions.front();
  for (std::size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], spacing * (i + 1));
  EXPECT_GT(spacing * (positions.size() + 1), scenario_->size_all - spacing);
}

// States compare by every field, not only what the views show.
TEST_F(StateAtTest, AsOfStatesAreTheSameWithAndWithoutSnapshots) {
  Append(0, scenario_->size_all);
  StateAt with(store_.get(), Options(7, 8));
  StateAtOptions bare_options = Options(1'000'000, 2);
  bare_options.cache_entries = 0;
  StateAt without(store_.get(), bare_options);
  ASSERT_TRUE(with.CatchUp().ok());
  ASSERT_TRUE(without.CatchUp().ok());
  ASSERT_FALSE(with.snapshot_positions().empty());
  EXPECT_TRUE(without.snapshot_positions().empty());
  for (std::uint64_t k = 0; k <= scenario_->size_all; ++k) {
    const std::uint64_t n = (k * 37) % (scenario_->size_all + 1);
    auto a = with.Materialize(n);
    auto b = without.Materialize(n);
    ASSERT_TRUE(a.has_value() && b.has_value()) << "size " << n;
    ASSERT_TRUE(**a == **b) << "size " << n;
  }
}

TEST_F(StateAtTest, SnapshotsShareTheLiveStateAndStayWithinTheirByteBound) {
  Append(0, scenario_->size_all);
  // Unbounded, every 5 events: what the snapshots hold alone, in all.
  std::size_t unbounded = 0;
  std::size_t count = 0;
  {
    StateAt states(store_.get(), Options(5, 64));
    ASSERT_TRUE(states.CatchUp().ok());
    unbounded = states.snapshot_bytes();
    count = states.snapshot_positions().size();
  }
  ASSERT_GT(unbounded, 0u) << "the live fold wrote entities a snapshot shares";
  ASSERT_GT(count, 4u);
  // A third of that: some snapshots must go, the rest evenly spread.
  const std::size_t bound = unbounded / 3;
  StateAtOptions options = Options(5, 64);
  options.snapshot_bytes_max = bound;
  StateAt states(store_.get(), options);
  ASSERT_TRUE(states.CatchUp().ok());
  const std::vector<std::uint64_t> positions = states.snapshot_positions();
  ASSERT_FALSE(positions.empty());
  EXPECT_LE(states.snapshot_bytes(), bound);
  EXPECT_LT(positions.size(), count);
  const std::uint64_t spacing = positions.front();
  for (std::size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], spacing * (i + 1));
  for (std::uint64_t n = 0; n <= scenario_->size_all; n += 3) {
    auto folded = states.Materialize(n);
    ASSERT_TRUE(folded.has_value());
    ASSERT_TRUE((*folded)->state == scenario_->FoldTo(n)) << "size " << n;
    ASSERT_EQ(Fingerprint((*folded)->state), Fingerprint(scenario_->FoldTo(n))) << "size " << n;
  }
  // A later append changes the live state, never a snapshot taken before.
  auto before = states.Materialize(positions.back());
  ASSERT_TRUE(before.has_value());
  EXPECT_TRUE((*before)->state == scenario_->FoldTo(positions.back()));
}

TEST_F(StateAtTest, CachedAsOfStatesStayWithinTheirByteBound) {
  Append(0, scenario_->size_all);
  const std::uint64_t a = scenario_->size_all / 3, b = scenario_->size_all / 2;
  // No snapshot: each as-of state is folded from nothing and holds alone
  // every node it made.
  std::size_t bytes_a = 0, bytes_b = 0;
  {
    StateAt states(store_.get(), Options(1'000'000, 2));
    ASSERT_TRUE(states.CatchUp().ok());
    auto first = states.Materialize(a);
    auto again = states.Materialize(a);
    ASSERT_TRUE(first.has_value() && again.has_value());
    EXPECT_EQ(first->get(), again->get()) << "kept: the second read is the same state";
    bytes_a = states.cache_bytes();
    ASSERT_TRUE(states.Materialize(b).has_value());
    bytes_b = states.cache_bytes() - bytes_a;
  }
  // b starts from the cached a: it holds alone what it folded after a.
  ASSERT_GT(bytes_a, sizeof(FoldedState));
  ASSERT_GT(bytes_b, sizeof(FoldedState));
  {
    StateAtOptions options = Options(1'000'000, 2);
    options.cache_bytes_max = 0;
    StateAt states(store_.get(), options);
    ASSERT_TRUE(states.CatchUp().ok());
    auto first = states.Materialize(a);
    auto again = states.Materialize(a);
    ASSERT_TRUE(first.has_value() && again.has_value());
    EXPECT_NE(first->get(), again->get()) << "no room: folded again";
    EXPECT_EQ(Fingerprint((*again)->state), Fingerprint(scenario_->FoldTo(a)));
    EXPECT_EQ(states.cache_bytes(), 0u);
  }
  {
    // Room for either but not for both: the least recent goes.
    StateAtOptions options = Options(1'000'000, 2);
    options.cache_bytes_max = std::max(bytes_a, bytes_b) + std::min(bytes_a, bytes_b) / 2;
    StateAt states(store_.get(), options);
    ASSERT_TRUE(states.CatchUp().ok());
    auto first_a = states.Materialize(a);
    auto first_b = states.Materialize(b);
    ASSERT_TRUE(first_a.has_value() && first_b.has_value());
    EXPECT_LE(states.cache_bytes(), options.cache_bytes_max);
    EXPECT_EQ(states.cache_bytes(), bytes_b);
    EXPECT_EQ(states.Materialize(b)->get(), first_b->get());
    EXPECT_NE(states.Materialize(a)->get(), first_a->get());
  }
}

TEST_F(StateAtTest, AsOfFoldsAreBoundedAndShared) {
  Append(0, scenario_->size_all);
  {
    // No slot at all: an uncached as-of state is refused as unavailable,
    // while the live state needs no fold.
    StateAtOptions options = Options(5, 64);
    options.folds_max = 0;
    options.fold_wait = std::chrono::milliseconds(1);
    StateAt states(store_.get(), options);
    ASSERT_TRUE(states.CatchUp().ok());
    auto refused = states.Materialize(scenario_->size_all / 2);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code(), StatusCode::kUnavailable);
    EXPECT_TRUE(states.Materialize(scenario_->size_all).has_value());
  }
  {
    // One slot, many callers on a few sizes: they queue or share a fold,
    // and every one gets the right state.
    StateAtOptions options = Options(5, 64);
    options.folds_max = 1;
    options.cache_entries = 0;
    StateAt states(store_.get(), options);
    ASSERT_TRUE(states.CatchUp().ok());
    std::vector<std::uint64_t> sizes;
    std::vector<std::string> expected;
    for (std::uint64_t q = 1; q <= 3; ++q) {
      sizes.push_back(scenario_->size_all * q / 4);
      expected.push_back(Fingerprint(scenario_->FoldTo(sizes.back())));
    }
    std::vector<std::thread> callers;
    std::atomic<int> wrong = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      callers.emplace_back([&, i] {
        auto folded = states.Materialize(sizes[i % 3]);
        if (!folded.has_value() || Fingerprint((*folded)->state) != expected[i % 3]) ++wrong;
      });
    }
    for (std::thread& t : callers) t.join();
    EXPECT_EQ(wrong.load(), 0);
  }
}

TEST_F(StateAtTest, NoRoomForASnapshotFoldsFromTheStart) {
  Append(0, scenario_->size_all);
  StateAtOptions options = Options(5, 64);
  options.snapshot_bytes_max = 0;
  StateAt states(store_.get(), options);
  ASSERT_TRUE(states.CatchUp().ok());
  EXPECT_TRUE(states.snapshot_positions().empty());
  EXPECT_EQ(states.snapshot_bytes(), 0u);
  auto folded = states.Materialize(scenario_->size_all / 2);
  ASSERT_TRUE(folded.has_value());
  EXPECT_EQ(Fingerprint((*folded)->state), Fingerprint(scenario_->FoldTo(scenario_->size_all / 2)));
}

TEST_F(StateAtTest, ViewAtAPositionCarriesItAndItsTime) {
  Append(0, scenario_->size_all);
  StateAt states(store_.get(), Options(10, 8));
  const std::uint64_t n = scenario_->size_before_rename;
  auto view = states.View(AsOf{n, std::nullopt});
  ASSERT_TRUE(view.has_value()) << view.error().ToString();
  EXPECT_EQ(view->shown().size, n);
  EXPECT_EQ(view->now().size, scenario_->size_all);
  EXPECT_EQ(view->shown_time_ns(), scenario_->events[n - 1].meta.recorded_at_ns);
  auto cell = CellView(view->scope(), MemberVille(), "cp");
  ASSERT_TRUE(cell.has_value());
  EXPECT_EQ(cell->at("as_of_position").as_uint64(), n);
  EXPECT_NE(json::serialize(*cell).find("DDSP de la Loire"), std::string::npos);
}

TEST_F(StateAtTest, AsKnownOnADate) {
  Append(0, scenario_->size_all);
  StateAt states(store_.get(), Options(10, 8));
  // "2013, as known on 2014-02-15": the evaluations are in, i8 is not.
  auto view = states.View(AsOf{std::nullopt, T("2014-02-15T00:00:00Z")});
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->shown().size, scenario_->size_before_late_item);
  auto evaluation = EvaluationBody(view->shown(), 2013, "");
  const auto& year = evaluation->at("statistics").at("year").at("periods").at(0).at("derived");
  EXPECT_EQ(year.at("information_shared").as_int64(), 7);
  EXPECT_NEAR(year.at("commitments_met_share").as_double(), 1.0 / 3.0, 1e-9);
  // On 1 February 2013 at midnight UTC, i6 (recorded at 00:30) was unknown.
  auto early = states.View(AsOf{std::nullopt, T("2013-02-01T00:00:00Z")});
  ASSERT_TRUE(early.has_value());
  EXPECT_FALSE(early->shown().information.contains("i6"));
  EXPECT_TRUE(early->shown().information.contains("i2"));
}

TEST_F(StateAtTest, BeyondTheLogIsRefused) {
  Append(0, 10);
  StateAt states(store_.get(), Options(4, 4));
  auto view = states.View(AsOf{11, std::nullopt});
  ASSERT_FALSE(view.has_value());
  EXPECT_EQ(view.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(StateAtTest, FollowsTheTail) {
  const std::uint64_t half = scenario_->size_all / 2;
  Append(0, half);
  StateAt states(store_.get(), Options(10, 4));
  ASSERT_TRUE(states.CatchUp().ok());
  EXPECT_EQ(states.live_size(), half);
  Append(half, scenario_->size_all);
  {
    auto view = states.View(AsOf{});
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->shown().size, scenario_->size_all);
    EXPECT_EQ(&view->shown(), &view->now());  // the live state, no copy
  }
  EXPECT_EQ(Fingerprint(states.View(AsOf{})->now()), Fingerprint(scenario_->Fold()));
}

TEST_F(StateAtTest, ConcurrentReadersWhileTheLogGrows) {
  const std::uint64_t start = 40;
  Append(0, start);
  StateAt states(store_.get(), Options(8, 4));
  ASSERT_TRUE(states.CatchUp().ok());
  std::atomic<bool> failed{false};
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      std::uint64_t k = static_cast<std::uint64_t>(r);
      while (!done) {
        const std::uint64_t n = (k++ * 13) % (start + 1);
        auto view = states.View(AsOf{n, std::nullopt});
        if (!view || view->shown().size != n) failed = true;
      }
    });
  }
  Append(start, scenario_->size_all);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(states.CatchUp().ok());
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(states.live_size(), scenario_->size_all);
}

// A catch-up or an as-of fold of many events reads the log on a second
// thread (eventstore/scan_ahead.h); it folds the very state that short
// folds, reading inline, give — skipped events included (a chaotic history).
TEST(StateAtLongFoldTest, ReadingAheadFoldsTheSameStateAsShortFolds) {
  const std::string dir = MakeTempDir();
  const std::uint64_t events = 3 * eventstore::ScanAhead::kWorthIt + 77;
  {
    ASSERT_TRUE(eventstore::EventStore::Init(dir, "vigie.test").has_value());
    std::int64_t clock_ns = 0;
    eventstore::StoreOptions options;
    options.sync = false;
    options.checkpoint_every_events = 0;
    options.clock = [&clock_ns] { return clock_ns; };
    auto store = eventstore::EventStore::Open(dir, options);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    SyntheticOptions synthetic;
    synthetic.events = events;
    synthetic.chaos = true;
    GenerateHistory(synthetic, [&](const EventMeta& meta, const std::string& type, const std::string& payload) {
      clock_ns = meta.recorded_at_ns;
      eventstore::AppendRequest request;
      request.actor = {meta.person_id, meta.partner_id, "member"};
      request.events.push_back(ToNewEvent(meta, type, payload, "s-" + std::to_string(meta.position % 31), 0x5a));
      ASSERT_TRUE((*store)->Append(std::move(request)).has_value());
    });
    ASSERT_TRUE((*store)->Close().ok());
  }
  auto store = eventstore::EventStore::OpenReadOnly(dir);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  ASSERT_EQ((*store)->Size(), events);

  // In steps below the read-ahead threshold: every record read inline.
  auto stepped = [&](std::uint64_t to, std::uint64_t* skipped) {
    FoldedState folded;
    while (folded.state.size < to) {
      const std::uint64_t step = std::min(to, folded.state.size + eventstore::ScanAhead::kWorthIt / 2);
      EXPECT_TRUE(FoldFromStore(**store, step, folded, skipped).ok());
    }
    return folded;
  };

  StateAtOptions options;
  options.snapshot_every_events = 1'000'000;  // no snapshot: an as-of folds from 0
  options.clock = [] { return T("2014-03-01T00:00:00Z"); };
  StateAt states(store->get(), options);
  ASSERT_TRUE(states.CatchUp().ok());
  std::uint64_t skipped = 0;
  const FoldedState expected_live = stepped(events, &skipped);
  EXPECT_GT(skipped, 0u) << "a chaotic history has events the fold skips";
  EXPECT_EQ(states.skipped_events(), skipped);
  auto live = states.Materialize(events);
  ASSERT_TRUE(live.has_value()) << live.error().ToString();
  EXPECT_TRUE(**live == expected_live);

  const std::uint64_t earlier = 2 * eventstore::ScanAhead::kWorthIt + 5;
  auto as_of = states.Materialize(earlier);
  ASSERT_TRUE(as_of.has_value()) << as_of.error().ToString();
  EXPECT_EQ((*as_of)->state.size, earlier);
  const FoldedState expected_earlier = stepped(earlier, nullptr);
  EXPECT_TRUE(**as_of == expected_earlier);

  // The catch-up added the fact index's rows on a thread of its own
  // (fact_writer.h): at the end and below it, the index answers as the
  // plain walk of the state does, every year of the history.
  auto view = states.View(AsOf{});
  ASSERT_TRUE(view.has_value()) << view.error().ToString();
  ASSERT_NE(view->facts(), nullptr);
  EXPECT_EQ(view->facts()->size(), events);
  for (const FoldedState* folded : {&expected_live, &expected_earlier}) {
    for (int year = 2010; year <= 2019; ++year) {
      auto fast = EvaluationBody(folded->state, year, "cp", view->facts());
      auto plain = EvaluationBody(folded->state, year, "cp");
      ASSERT_TRUE(fast.has_value() && plain.has_value());
      EXPECT_EQ(json::serialize(*fast), json::serialize(*plain)) << "size " << folded->state.size << ", " << year;
    }
  }

  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigie::projections
