#include "tools/bench/read_measures.h"

#include <atomic>
#include <chrono>
#include <semaphore>

#include "eventstore/event_store.h"
#include "eventstore/merkle_tree.h"
#include "tools/bench/bench_event.h"

namespace vigie::bench {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr std::uint64_t kEventsPerCommand = 8;
constexpr std::uint64_t kStreams = 1000;
// Commands queued at once while building: well under the store's bound.
constexpr std::ptrdiff_t kInFlight = 4096;

}  // namespace

Status BuildReadStore(const std::string& dir, std::uint64_t records) {
  if (auto init = eventstore::EventStore::Init(dir, "bench.vigie.example/read"); !init) return init.error();
  {
    eventstore::StoreOptions options;
    options.sync = false;
    auto store = eventstore::EventStore::Open(dir, options);
    if (!store) return store.error();
    std::counting_semaphore<kInFlight> slots(kInFlight);
    std::atomic<bool> failed{false};
    for (std::uint64_t n = 0; n < records;) {
      eventstore::AppendRequest request;
      request.command_id = BenchCommandId(1, n);
      request.actor = BenchActor();
      for (std::uint64_t i = 0; i < kEventsPerCommand && n < records; ++i, ++n) {
        request.events.push_back(BenchEvent("case-" + std::to_string(n % kStreams), 1, n));
      }
      slots.acquire();
      (*store)->AppendAsync(std::move(request), [&](Result<eventstore::AppendResult> r) {
        if (!r) failed = true;
        slots.release();
      });
    }
    for (std::ptrdiff_t i = 0; i < kInFlight; ++i) slots.acquire();  // every command answered
    if (failed) return Internal("an append of the read store was refused");
    VIGIE_RETURN_IF_ERROR((*store)->Close());
  }
  // Close leaves the last writes in the WAL; a reopen's recovery flushes
  // them, so the measured scans read table files only.
  auto reopened = eventstore::EventStore::Open(dir);
  if (!reopened) return reopened.error();
  if ((*reopened)->Size() != records) return Internal("the read store lost records");
  return (*reopened)->Close();
}

Result<Throughput> MeasureStoreScan(const std::string& dir) {
  auto store = eventstore::EventStore::OpenReadOnly(dir);
  if (!store) return Fail(store.error());
  std::uint64_t records = 0;
  const auto start = Clock::now();
  Status s = (*store)->Scan(0, (*store)->Size(), [&](const eventstore::RecordView&) {
    ++records;
    return true;
  });
  const double seconds = SecondsSince(start);
  if (!s.ok()) return Fail(s);
  return Throughput{records, seconds};
}

Result<Throughput> MeasureVerify(const std::string& dir) {
  const auto start = Clock::now();
  auto report = eventstore::VerifyStore(dir);
  const double seconds = SecondsSince(start);
  if (!report) return Fail(report.error());
  if (!report->ok()) return Fail(DataLoss("the read store does not verify: " + report->problem));
  return Throughput{report->records, seconds};
}

Throughput MeasureLeafHashing(const std::string& record, std::uint64_t count) {
  std::uint8_t sink = 0;  // keeps the hashes from being optimized away
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < count; ++i) sink ^= merkle::HashLeaf(record)[0];
  const double seconds = SecondsSince(start);
  volatile std::uint8_t keep = sink;
  (void)keep;
  return Throughput{count, seconds};
}

}  // namespace vigie::bench
