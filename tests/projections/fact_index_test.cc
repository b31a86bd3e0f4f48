// The fact index against the plain fold: the dashboard's derived
// indicators and the whole evaluation body must be the same, for every
// as-of size, several period splits and cell filters — on the hand-worked
// ZSP scenario and on synthetic histories full of overwrites, unknown
// references and late-recorded events.
#include "projections/fact_index.h"

#include <gtest/gtest.h>

#include <latch>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <flatbuffers/flatbuffers.h>

#include "projections/dashboard.h"
#include "projections/evaluation.h"
#include "projections/fact_writer.h"
#include "projections/period.h"
#include "schemas/events_generated.h"
#include "tests/projections/synthetic_history.h"
#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;
using testing::T;

struct Logged {
  EventMeta meta;
  std::string payload;
};

std::string DerivedText(const std::vector<DerivedIndicators>& derived) {
  json::array out;
  for (const DerivedIndicators& d : derived) out.push_back(DerivedJson(d));
  return json::serialize(out);
}

std::vector<std::vector<Period>> Splits(int first_year, int last_year) {
  std::vector<std::vector<Period>> out;
  const std::int64_t from = ParisYear(first_year).start_ns;
  const std::int64_t to = ParisYear(last_year).end_ns;
  for (const char* g : {"month", "quarter", "semester", "year"}) {
    auto periods = SplitPeriods(from, to, *ParseGranularity(g));
    if (periods) out.push_back(*periods);
  }
  return out;
}

// How the fact index gets its rows: as each event folds, or through a
// FactWriter whose batches hold a few events each (so the fold waits for
// free batches all along).
enum class Rows { kInline, kWriterThread };

// Folds `log` once into a fact index, and from scratch to each checked size
// into a State, and compares at every size in `sizes`.
void ExpectSameAnswers(const std::vector<Logged>& log, const std::vector<std::uint64_t>& sizes,
                       const std::vector<std::vector<Period>>& splits,
                       const std::vector<std::optional<std::string>>& cells, const std::vector<int>& years,
                       std::size_t parallel_replay_rows = FactIndex::kParallelReplayRows,
                       Rows rows = Rows::kInline) {
  FactIndex facts;
  facts.set_parallel_replay_rows(parallel_replay_rows);
  State live;
  if (rows == Rows::kInline) {
    for (const Logged& e : log) (void)ApplyPayload(live, e.meta, e.payload, &facts);
  } else {
    auto writer = FactWriter::Start(facts, /*batch_words=*/64);
    ASSERT_NE(writer, nullptr);
    for (const Logged& e : log) {
      if (!ApplyPayload(live, e.meta, e.payload).ok()) continue;
      const auto& event = *schema::GetDomainEvent(e.payload.data());
      writer->Add(e.meta, e.payload, FactIndex::SituationCell(live, event));
    }
    writer->Finish(live.size);
  }
  ASSERT_EQ(facts.size(), log.size());

  State state;
  std::size_t folded = 0;
  for (std::uint64_t n : sizes) {
    ASSERT_GE(n, folded) << "sizes must grow";
    for (; folded < n; ++folded) (void)ApplyPayload(state, log[folded].meta, log[folded].payload);
    state.size = n;
    for (const auto& periods : splits) {
      for (const auto& cell : cells) {
        ASSERT_EQ(DerivedText(facts.ComputeDerived(n, periods, cell)),
                  DerivedText(ComputeDerived(state, periods, cell)))
            << "size " << n << ", " << periods.size() << " periods, cell " << cell.value_or("(all)");
      }
    }
    for (int year : years) {
      auto fast = EvaluationBody(state, year, "cp", &facts);
      auto plain = EvaluationBody(state, year, "cp");
      ASSERT_TRUE(fast.has_value() && plain.has_value());
      ASSERT_EQ(json::serialize(*fast), json::serialize(*plain)) << "size " << n << ", year " << year;
    }
  }
}

TEST(FactIndexTest, ZspScenarioAtEverySize) {
  const testing::ZspScenario scenario = testing::BuildZspScenario();
  std::vector<Logged> log;
  for (const testing::ScenarioEvent& e : scenario.events) log.push_back({e.meta, e.payload});
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t n = 0; n <= scenario.size_all; ++n) sizes.push_back(n);
  const State all = scenario.Fold();
  std::vector<std::optional<std::string>> cells{std::nullopt, std::string("nowhere")};
  for (const auto& [id, cell] : all.cells) cells.push_back(id);
  ExpectSameAnswers(log, sizes, Splits(2012, 2014), cells, {2012, 2013, 2014});
}

TEST(FactIndexTest, ZspDashboardNumbersUnchanged) {
  // One hand-worked figure through the fast path, as a sanity anchor: the
  // scenario's 2013 year as known at the end equals the plain fold's.
  const testing::ZspScenario scenario = testing::BuildZspScenario();
  FactIndex facts;
  State live;
  for (const auto& e : scenario.events) ASSERT_TRUE(ApplyPayload(live, e.meta, e.payload, &facts).ok());
  auto fast = DashboardBody(live, T("2013-01-01T00:00:00+01:00"), T("2014-01-01T00:00:00+01:00"),
                            Granularity::kYear, std::nullopt, &facts);
  auto plain = DashboardBody(live, T("2013-01-01T00:00:00+01:00"), T("2014-01-01T00:00:00+01:00"),
                             Granularity::kYear, std::nullopt);
  ASSERT_TRUE(fast && plain);
  EXPECT_EQ(json::serialize(*fast), json::serialize(*plain));
}

class FactIndexSyntheticTest : public ::testing::TestWithParam<bool> {};

TEST_P(FactIndexSyntheticTest, ManySizesPeriodsAndCells) {
  testing::SyntheticOptions options;
  options.seed = GetParam() ? 7 : 11;
  options.chaos = GetParam();
  options.events = 3000;
  options.span_ns = 3LL * 365 * 86'400'000'000'000;  // 2010-2012
  std::vector<Logged> log;
  testing::GenerateHistory(options, [&](const EventMeta& meta, const std::string&, const std::string& payload) {
    log.push_back({meta, payload});
  });
  std::vector<std::uint64_t> sizes{0, 1, 10, 19, 100, 257, 500, 999, 1000, 1501, 2222, 2999, 3000};
  std::vector<std::optional<std::string>> cells{std::nullopt, std::string("c0"), std::string("c5"),
                                                std::string("c6"), std::string("none")};
  ExpectSameAnswers(log, sizes, Splits(2009, 2013), cells, {2010, 2011, 2012});
  // Every replay on two threads (FactIndex::kParallelReplayRows).
  ExpectSameAnswers(log, sizes, Splits(2009, 2013), cells, {2010, 2011, 2012}, 1);
  // The rows added on a writer's thread, as a long catch-up does.
  ExpectSameAnswers(log, sizes, Splits(2009, 2013), cells, {2010, 2011, 2012},
                    FactIndex::kParallelReplayRows, Rows::kWriterThread);
}

TEST(FactIndexTest, ReservingGrowsTheRowsAtLeastTwofold) {
  FactIndex facts;
  const std::size_t empty = facts.memory_bytes();
  const std::size_t row = sizeof(FactIndex::Row);
  facts.Reserve(1000);
  EXPECT_GE(facts.memory_bytes(), empty + 1000 * row);
  const std::size_t reserved = facts.memory_bytes();
  facts.Reserve(600);  // room already
  EXPECT_EQ(facts.memory_bytes(), reserved);
  // One row more than the room: a doubling, not one row, so that catch-ups
  // in a row do not copy every row each time.
  facts.Reserve(1001);
  EXPECT_GE(facts.memory_bytes(), empty + 2000 * row);
}

// A year with more quotable entries than the balance quotes: the index
// picks the earliest ones and counts the rest as the full walk does.
TEST(FactIndexTest, YearBeyondTheQualitativeBound) {
  for (const bool chaos : {false, true}) {
    testing::SyntheticOptions options;
    options.seed = 5;
    options.chaos = chaos;
    options.events = 20000;
    options.span_ns = 365LL * 86'400'000'000'000;  // 2010
    std::vector<Logged> log;
    testing::GenerateHistory(options, [&](const EventMeta& meta, const std::string&, const std::string& payload) {
      log.push_back({meta, payload});
    });
    ExpectSameAnswers(log, {7000, 20000}, {}, {}, {2009, 2010});
    if (chaos) continue;  // most of its events refer to nothing and fold into nothing

    FactIndex facts;
    State live;
    for (const Logged& e : log) (void)ApplyPayload(live, e.meta, e.payload, &facts);
    auto body = EvaluationBody(live, 2010, "cp", &facts);
    ASSERT_TRUE(body.has_value());
    const json::object& b = body->as_object();
    std::int64_t omitted = 0, withheld = 0;
    for (const auto& [kind, n] : b.at("qualitative_omitted").as_object()) omitted += n.as_int64();
    for (const auto& [kind, n] : b.at("qualitative_withheld").as_object()) withheld += n.as_int64();
    EXPECT_GT(omitted, 0) << "the history must exceed the bound for the test to mean anything";
    EXPECT_GT(withheld, 0);
  }
}

// The index skips blocks of entities whose instants all miss the periods:
// an old control executed or cancelled years later, old items analysed
// years later and an old situation's first decision must still count.
TEST(FactIndexTest, OldEntitiesWithRecentFactsAreCounted) {
  namespace fbs = vigie::schema;
  std::vector<Logged> log;
  auto emit = [&](std::int64_t t, fbs::EventBody type, flatbuffers::FlatBufferBuilder& fbb,
                  flatbuffers::Offset<void> body) {
    fbs::FinishDomainEventBuffer(fbb, fbs::CreateDomainEvent(fbb, type, body));
    EventMeta meta;
    meta.position = log.size();
    meta.recorded_at_ns = meta.occurred_at_ns = t;
    meta.person_id = "u1";
    meta.partner_id = "p1";
    log.push_back({meta, std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize())});
  };
  const std::int64_t old_t = T("2010-03-01T10:00:00+01:00");
  const std::int64_t new_t = T("2012-05-01T10:00:00+02:00");
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto members = fbb.CreateVector(std::vector<flatbuffers::Offset<flatbuffers::String>>{fbb.CreateString("p1")});
    auto body = fbs::CreateCellCreated(fbb, fbb.CreateString("c0"), fbb.CreateString("Cellule"),
                                       fbb.CreateString("operational"), 0, members, false);
    emit(old_t, fbs::EventBody::CellCreated, fbb, body.Union());
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto body = fbs::CreateSituationOpenedDirect(fbb, "s0", "c0", "key-s0", 0, 0, "school", "absenteeism", nullptr);
    emit(old_t, fbs::EventBody::SituationOpened, fbb, body.Union());
  }
  for (int k = 0; k < 600; ++k) {  // more than two blocks of each
    const std::string id = std::to_string(k);
    flatbuffers::FlatBufferBuilder fbb;
    auto info = fbs::CreateInformationSharedDirect(fbb, ("i" + id).c_str(), "p1", "c0", "drugs", "Montreynaud",
                                                   "résumé", "public", k == 5 ? "s0" : "");
    emit(old_t + k, fbs::EventBody::InformationShared, fbb, info.Union());
    flatbuffers::FlatBufferBuilder fbb2;
    auto control = fbs::CreateControlPlannedDirect(fbb2, ("k" + id).c_str(), "c0", old_t, "place", nullptr,
                                                   "objectives");
    emit(old_t + k, fbs::EventBody::ControlPlanned, fbb2, control.Union());
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto body = fbs::CreateControlOutcomeRecordedDirect(fbb, "k10", new_t, 3, 1, 0, 0, 1);
    emit(new_t, fbs::EventBody::ControlOutcomeRecorded, fbb, body.Union());
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto body = fbs::CreateControlCancelledDirect(fbb, "k300", "reason");
    emit(new_t, fbs::EventBody::ControlCancelled, fbb, body.Union());
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<flatbuffers::Offset<flatbuffers::String>> items{fbb.CreateString("i20"), fbb.CreateString("i400")};
    auto body = fbs::CreateAnalysisRecorded(fbb, fbb.CreateString("a0"), fbb.CreateVector(items),
                                            fbb.CreateString("conclusion"), fbb.CreateString("action"));
    emit(new_t, fbs::EventBody::AnalysisRecorded, fbb, body.Union());
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto body = fbs::CreateSituationDecisionRecordedDirect(fbb, "s0", "d0", "support", "p1", new_t);
    emit(new_t, fbs::EventBody::SituationDecisionRecorded, fbb, body.Union());
  }
  ExpectSameAnswers(log, {log.size()}, Splits(2010, 2012), {std::nullopt, std::string("c0")}, {2010, 2012});

  // What the comparison above rests on: the plain fold counts them in 2012.
  State state;
  for (const Logged& e : log) ASSERT_TRUE(ApplyPayload(state, e.meta, e.payload).ok());
  state.size = log.size();
  const DerivedIndicators year = ComputeDerived(state, {ParisYear(2012)}, std::nullopt).front();
  EXPECT_EQ(year.controls_executed, 1);
  EXPECT_EQ(year.controls_cancelled, 1);
  EXPECT_EQ(year.information_analysed, 2);
  EXPECT_EQ(year.decisions_recorded, 1);
  EXPECT_TRUE(year.median_days_to_first_decision.has_value());
}

// Readers share the index under StateAt's shared lock; the first to need
// the items' earliest analyses after an analysis was recorded again
// rebuilds them (under the index's own mutex) while others may be counting
// or sorting the qualitative balance. Run under TSan (CI's TSan set).
TEST(FactIndexTest, ReadersRebuildTheEarliestAnalysesConcurrently) {
  testing::SyntheticOptions options;
  options.seed = 7;
  options.chaos = true;  // analyses recorded again: the earliest analyses go stale
  options.events = 20000;
  options.span_ns = 3LL * 365 * 86'400'000'000'000;
  std::vector<Logged> log;
  testing::GenerateHistory(options, [&](const EventMeta& meta, const std::string&, const std::string& payload) {
    log.push_back({meta, payload});
  });
  // Two indexes of the same log: one asked from a single thread first, for
  // the expected answers, the other left stale for the readers.
  FactIndex shared, reference;
  State state, reference_state;
  for (const Logged& e : log) {
    (void)ApplyPayload(state, e.meta, e.payload, &shared);
    (void)ApplyPayload(reference_state, e.meta, e.payload, &reference);
  }
  const std::uint64_t n = log.size();
  const auto periods = *SplitPeriods(ParisYear(2010).start_ns, ParisYear(2012).end_ns, Granularity::kMonth);
  const std::string expected = DerivedText(reference.ComputeDerived(n, periods, std::nullopt));
  const std::string expected_body = json::serialize(*EvaluationBody(reference_state, 2011, "cp", &reference));

  std::vector<std::string> derived(4), bodies(4);
  std::latch start(static_cast<std::ptrdiff_t>(derived.size()));  // all ask at once
  std::vector<std::thread> readers;
  for (std::size_t k = 0; k < derived.size(); ++k) {
    readers.emplace_back([&, k] {
      start.arrive_and_wait();
      derived[k] = DerivedText(shared.ComputeDerived(n, periods, std::nullopt));
      bodies[k] = json::serialize(*EvaluationBody(state, 2011, "cp", &shared));
    });
  }
  for (std::thread& t : readers) t.join();
  for (std::size_t k = 0; k < derived.size(); ++k) {
    EXPECT_EQ(derived[k], expected) << "reader " << k;
    EXPECT_EQ(bodies[k], expected_body) << "reader " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Histories, FactIndexSyntheticTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "Chaos" : "Orderly"; });

}  // namespace
}  // namespace vigie::projections
