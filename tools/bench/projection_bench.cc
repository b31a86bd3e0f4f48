// vigie-bench-projections: the read side of issue 3, measured in one run
// against a plain RocksDB scan of the same log.
//
//   vigie-bench-projections [--events N] [--dir DIR] [--rounds R] [--year Y] [--cache C]
//                           [--end-only K]
//
// Builds a store of N synthetic events (tests/projections/synthetic_history.h:
// ten years of a partnership), closes it, then, R rounds interleaved:
//   raw      a plain RocksDB iterator over the log family (rocksdb_baseline.h)
//   rebuild  StateAt::CatchUp from nothing: every event verified, folded into
//            the live State and the fact index, snapshots taken (default
//            options: every 50 000 events, at most 128)
// and then, on the rebuilt StateAt, the evaluation of year Y (default: the
// last full year of the history):
//   as of the end (the live state; SPEC's "evaluation of one year as of the
//   end of the history"), with the fact index and with the plain walk of the
//   state; and "Y as known 45 days after its end" (an as-of time inside the
//   history, so a materialised state), with snapshots and without (a
//   StateAt whose snapshot spacing exceeds the log). Resident memory (now
//   and peak, from /proc/self/status) after the rebuild and after the as-of
//   queries; the StateAt with snapshots is released before the one without
//   is built.
// --end-only K: after the rebuild, only the evaluation as of the end with
// the fact index, K times (to profile it: the rest of the run is skipped).
// --ledger-open: instead of the rounds, `vigie serve`'s start-up on the
// store just built, in this fresh process: Ledger::Open (the fold, the
// write model, the stream heads, the key store), timed.
// Progress goes to stderr, figures to stdout. Nothing is asserted: the
// figures are the result.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "projections/evaluation.h"
#include "projections/ledger.h"
#include "projections/period.h"
#include "projections/state_at.h"
#include "tests/projections/synthetic_history.h"
#include "tools/bench/rocksdb_baseline.h"

namespace vigie::bench {
namespace {

namespace fs = std::filesystem;
using projections::AsOf;
using projections::StateAt;
using projections::StateAtOptions;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

Status BuildStore(const std::string& dir, std::uint64_t events, std::int64_t* last_recorded_ns) {
  if (auto init = eventstore::EventStore::Init(dir, "vigie.bench/projections"); !init) return init.error();
  std::int64_t clock_ns = 0;
  eventstore::StoreOptions options;
  options.sync = false;
  options.clock = [&clock_ns] { return clock_ns; };
  auto store = eventstore::EventStore::Open(dir, options);
  if (!store) return store.error();
  eventstore::AppendRequest batch;
  Status failed = Status::Ok();
  auto flush = [&] {
    if (batch.events.empty() || !failed.ok()) return;
    auto appended = (*store)->Append(std::move(batch));
    if (!appended) failed = appended.error();
    batch = eventstore::AppendRequest();
  };
  projections::testing::SyntheticOptions synthetic;
  synthetic.events = events;
  synthetic.seed = 2026;
  projections::testing::GenerateHistory(
      synthetic, [&](const projections::EventMeta& meta, const std::string& type, const std::string& payload) {
        // One batch shares one recorded_at (the store's clock); every
        // event keeps its own occurred_at.
        if (batch.events.empty()) clock_ns = meta.recorded_at_ns;
        batch.actor = {meta.person_id, meta.partner_id, "member"};
        batch.events.push_back(projections::testing::ToNewEvent(
            meta, type, payload, "bench-" + std::to_string(meta.position % 97), 0xb3));
        if (batch.events.size() == eventstore::kMaxEventsPerAppend) flush();
        if (meta.position % 1'000'000 == 999'999) std::cerr << "  " << meta.position + 1 << " events\n";
      });
  flush();
  VIGIE_RETURN_IF_ERROR(failed);
  *last_recorded_ns = clock_ns;
  VIGIE_RETURN_IF_ERROR((*store)->Close());
  // Close leaves the last writes in the WAL; a reopen's recovery flushes
  // them, so that every measured scan reads table files only.
  auto reopened = eventstore::EventStore::Open(dir, options);
  if (!reopened) return reopened.error();
  return (*reopened)->Close();
}

// A line of /proc/self/status in MiB (VmRSS: now; VmHWM: the peak).
std::uint64_t ResidentMiB(std::string_view field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10) / 1024;  // kB
    }
  }
  return 0;
}

struct Timed {
  double seconds = 0;            // view and evaluation body
  double serialize_seconds = 0;  // the body as JSON text
  std::size_t bytes = 0;         // of the answer
};

Result<Timed> Evaluate(StateAt& states, const AsOf& as_of, int year, bool use_facts) {
  const auto start = Clock::now();
  auto view = states.View(as_of);
  if (!view) return Fail(view.error());
  auto body = projections::EvaluationBody(view->shown(), year, "", use_facts ? view->facts() : nullptr);
  if (!body) return Fail(body.error());
  Timed t;
  t.seconds = Seconds(start);
  const auto serialize_start = Clock::now();
  t.bytes = boost::json::serialize(*body).size();
  t.serialize_seconds = Seconds(serialize_start);
  return t;
}

int Main(int argc, char** argv) {
  CLI::App app{"vigie-bench-projections: rebuild and as-of evaluation against a raw RocksDB scan"};
  std::uint64_t events = 1'000'000;
  int rounds = 3;
  std::optional<int> year_option;
  const char* tmp = std::getenv("TMPDIR");
  std::string parent = tmp && *tmp ? tmp : "/tmp";
  app.add_option("--events", events, "events in the synthetic history (default 1000000)")
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{100'000'000}));
  app.add_option("--dir", parent, "where to create the working store")->check(CLI::ExistingDirectory);
  app.add_option("--rounds", rounds, "interleaved rounds of raw scan and rebuild (default 3)")
      ->check(CLI::Range(1, 20));
  app.add_option("--year", year_option, "the year evaluated (default: the history's last full year)");
  std::size_t cache_entries = StateAtOptions{}.cache_entries;
  app.add_option("--cache", cache_entries,
                 "as-of states StateAt keeps (default: StateAtOptions'; each holds alone what it "
                 "folded after its snapshot)");
  int end_only = 0;
  app.add_option("--end-only", end_only,
                 "after the rebuild, only the evaluation as of the end (fact index), this many times")
      ->check(CLI::Range(1, 10'000));
  bool ledger_open = false;
  app.add_flag("--ledger-open", ledger_open,
               "instead of the rounds, time Ledger::Open on the store (the server's start-up)");
  CLI11_PARSE(app, argc, argv);

  std::string dir = parent + "/vigie-bench-projections-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    std::cerr << "cannot create a directory in " << parent << "\n";
    return 1;
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};
  const std::string store_dir = dir + "/store";

  std::cerr << "building a store of " << events << " synthetic events in " << store_dir << "\n";
  auto start = Clock::now();
  std::int64_t last_recorded_ns = 0;
  if (Status built = BuildStore(store_dir, events, &last_recorded_ns); !built.ok()) {
    std::cerr << "vigie-bench-projections: " << built.ToString() << "\n";
    return 1;
  }
  const double build_seconds = Seconds(start);
  const int year = year_option.value_or(projections::ParisDate(last_recorded_ns).year - 1);

  auto store = eventstore::EventStore::OpenReadOnly(store_dir);
  if (!store) {
    std::cerr << "vigie-bench-projections: " << store.error().ToString() << "\n";
    return 1;
  }
  std::cout << "vigie-bench-projections: " << events << " events (built in " << build_seconds << " s), year "
            << year << ", " << rounds << " rounds\n";

  if (ledger_open) {
    store->reset();
    auto writable = eventstore::EventStore::Open(store_dir, eventstore::StoreOptions{});
    if (!writable) {
      std::cerr << "vigie-bench-projections: " << writable.error().ToString() << "\n";
      return 1;
    }
    projections::LedgerOptions options;
    options.key_dir = dir + "/keys";
    start = Clock::now();
    auto ledger = projections::Ledger::Open(writable->get(), options);
    if (!ledger) {
      std::cerr << "vigie-bench-projections: " << ledger.error().ToString() << "\n";
      return 1;
    }
    const double open_seconds = Seconds(start);
    std::cout << "Ledger::Open (the server's start-up): " << open_seconds << " s, "
              << static_cast<std::uint64_t>(static_cast<double>(events) / open_seconds)
              << " ev/s; resident " << ResidentMiB("VmRSS") << " MiB" << std::endl;
    ledger->reset();
    return (*writable)->Close().ok() ? 0 : 1;
  }
  double best_raw = 0, best_rebuild = 0;
  std::unique_ptr<StateAt> states;
  for (int r = 0; r < rounds; ++r) {
    std::uint64_t bytes = 0;
    auto raw = ScanLogFamily(store_dir, &bytes);
    if (!raw) {
      std::cerr << "vigie-bench-projections: " << raw.error().ToString() << "\n";
      return 1;
    }
    states.reset();  // before the next one, so that two never coexist
    StateAtOptions options;
    options.cache_entries = cache_entries;
    states = std::make_unique<StateAt>(store->get(), options);
    start = Clock::now();
    if (Status st = states->CatchUp(); !st.ok()) {
      std::cerr << "vigie-bench-projections: " << st.ToString() << "\n";
      return 1;
    }
    const double rebuild_seconds = Seconds(start);
    const double raw_rate = raw->PerSecond();
    const double rebuild_rate = static_cast<double>(events) / rebuild_seconds;
    best_raw = std::max(best_raw, raw_rate);
    best_rebuild = std::max(best_rebuild, rebuild_rate);
    std::cout << "round " << r + 1 << ": raw RocksDB scan " << static_cast<std::uint64_t>(raw_rate)
              << " rec/s (" << raw->seconds << " s, " << bytes / (1 << 20) << " MiB); full rebuild "
              << static_cast<std::uint64_t>(rebuild_rate) << " ev/s (" << rebuild_seconds
              << " s); ratio " << rebuild_rate / raw_rate << " (target >= 0.7)" << std::endl;
  }
  std::cout << "best of rounds: raw " << static_cast<std::uint64_t>(best_raw) << " rec/s, rebuild "
            << static_cast<std::uint64_t>(best_rebuild) << " ev/s, ratio " << best_rebuild / best_raw << "\n";
  {
    auto view = states->View(AsOf{});
    if (view) {
      std::cout << "fact index: " << view->facts()->rows() << " rows, "
                << view->facts()->memory_bytes() / (1 << 20) << " MiB; snapshots held: "
                << states->snapshot_positions().size() << ", "
                << states->snapshot_bytes() / (1 << 20) << " MiB held alone (the rest shared with the live state)\n";
    }
  }

  std::cout << "memory after the rebuild: " << ResidentMiB("VmRSS") << " MiB resident (peak so far "
            << ResidentMiB("VmHWM") << " MiB)\n";

  auto report = [&](const char* what, StateAt& s, const AsOf& as_of, bool facts) {
    for (int r = 0; r < 2; ++r) {
      auto t = Evaluate(s, as_of, year, facts);
      if (!t) {
        std::cerr << "vigie-bench-projections: " << t.error().ToString() << "\n";
        return;
      }
      std::cout << "evaluation " << year << " " << what << ": " << t->seconds * 1000 << " ms (+ "
                << t->serialize_seconds * 1000 << " ms to serialize " << t->bytes << " bytes)"
                << (r == 0 ? "" : " [repeated: cache]") << std::endl;
    }
  };
  if (end_only > 0) {
    double total = 0, worst = 0;
    for (int r = 0; r < end_only; ++r) {
      auto t = Evaluate(*states, AsOf{}, year, true);
      if (!t) {
        std::cerr << "vigie-bench-projections: " << t.error().ToString() << "\n";
        return 1;
      }
      total += t->seconds;
      worst = std::max(worst, t->seconds);
    }
    std::cout << "evaluation " << year << " as of the end, fact index, " << end_only << " times: mean "
              << total / end_only * 1000 << " ms, worst " << worst * 1000 << " ms" << std::endl;
    (void)(*store)->Close();
    return 0;
  }
  report("as of the end, fact index", *states, AsOf{}, true);
  report("as of the end, plain walk of the state", *states, AsOf{}, false);
  const std::int64_t known_on = projections::ParisYear(year).end_ns + 45LL * 86'400'000'000'000;
  AsOf inside;
  inside.recorded_at_ns = known_on;
  report("as known 45 days after it, snapshots, fact index", *states, inside, true);

  // What an as-of state costs: decoding the nearest snapshot, then folding
  // from it (measured at sizes the cache does not hold).
  if (auto size = states->Resolve(inside); size && *size > 1) {
    std::uint64_t snapshot = 0;
    for (std::uint64_t p : states->snapshot_positions()) {
      if (p < *size - 1) snapshot = p;
    }
    for (std::uint64_t n : {snapshot + 1, *size - 1}) {
      start = Clock::now();
      if (auto folded = states->Materialize(n); !folded) return 1;
      std::cout << "as-of state at size " << n << ": " << Seconds(start) * 1000 << " ms (snapshot at "
                << snapshot << " copied, then " << n - snapshot << " events folded)\n";
    }
  }

  AsOf end_minus_one;
  end_minus_one.position = events - 1;
  report("as of position N-1, snapshots, fact index", *states, end_minus_one, true);
  std::cout << "memory with snapshots and as-of states: " << ResidentMiB("VmRSS") << " MiB resident (peak "
            << ResidentMiB("VmHWM") << " MiB)\n";
  states.reset();

  StateAtOptions no_snapshots;
  no_snapshots.snapshot_every_events = events * 4;
  no_snapshots.cache_entries = 0;
  StateAt bare(store->get(), no_snapshots);
  start = Clock::now();
  if (Status st = bare.CatchUp(); !st.ok()) return 1;
  std::cout << "rebuild without snapshots: " << static_cast<std::uint64_t>(events / Seconds(start))
            << " ev/s\n";
  report("as known 45 days after it, no snapshot, fact index", bare, inside, true);
  report("as of the end, no snapshot (live), fact index", bare, AsOf{}, true);
  report("as of position N-1, no snapshot, fact index", bare, end_minus_one, true);
  (void)(*store)->Close();
  return 0;
}

}  // namespace
}  // namespace vigie::bench

int main(int argc, char** argv) { return vigie::bench::Main(argc, argv); }
