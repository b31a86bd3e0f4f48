#include "tools/bench/read_comparison.h"

#include <cstdio>

#include "tools/bench/bench_event.h"
#include "tools/bench/read_measures.h"
#include "tools/bench/rocksdb_baseline.h"

namespace vigie::bench {
namespace {

constexpr double kVerifyTarget = 0.7;

std::string Fixed(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", v);
  return text;
}

void Progress(const std::string& what) { std::fprintf(stderr, "vigie-bench: %s\n", what.c_str()); }

// Keeps the faster: the round least disturbed by the rest of the machine.
void KeepBest(Throughput* best, const Throughput& run) {
  if (run.PerSecond() > best->PerSecond()) *best = run;
}

}  // namespace

Status CompareReads(const BenchPlan& plan, const std::string& work, BenchReport* report) {
  const std::string dir = work + "/vigie-read";
  Progress("(c) building a store of " + std::to_string(plan.read_records) + " events");
  VIGIE_RETURN_IF_ERROR(BuildReadStore(dir, plan.read_records));
  std::uint64_t bytes = 0;
  // An untimed pass first, so that every timed one finds the same page cache.
  if (auto warm = ScanLogFamily(dir, &bytes); !warm) return warm.error();
  Throughput raw, scan, verify, hashing;
  const std::string record = BenchRecord();
  for (int i = 1; i <= plan.read_repeats; ++i) {
    Progress("(c) scans, verify and hashing, round " + std::to_string(i) + " of " + std::to_string(plan.read_repeats));
    auto r = ScanLogFamily(dir, &bytes);
    if (!r) return r.error();
    KeepBest(&raw, *r);
    auto s = MeasureStoreScan(dir);
    if (!s) return s.error();
    KeepBest(&scan, *s);
    auto v = MeasureVerify(dir);
    if (!v) return v.error();
    KeepBest(&verify, *v);
    KeepBest(&hashing, MeasureLeafHashing(record, plan.read_records));
  }
  const double record_mb = static_cast<double>(bytes) / static_cast<double>(raw.operations) / 1e6;
  auto mb = [&](const Throughput& t) { return Fixed(t.PerSecond() * record_mb) + " MB/s of records"; };
  report->Add({"rocksdb.scan", "c", "RocksDB iterator over the log family", raw.PerSecond(), "records/s", mb(raw)});
  report->Add({"vigie.scan", "c", "EventStore::Scan (FlatBuffers-verified)", scan.PerSecond(), "records/s",
               mb(scan)});
  report->Add({"vigie.verify", "c", "VerifyStore, whole store, end to end", verify.PerSecond(), "records/s",
               mb(verify)});
  report->Add({"sha256.leaf", "c", "SHA-256 leaf hashes of " + std::to_string(record.size()) + "-byte records",
               hashing.PerSecond(), "hashes/s",
               Fixed(hashing.PerSecond() * static_cast<double>(record.size() + 1) / 1e6) + " MB/s, one core"});
  report->AddRatio("EventStore::Scan / RocksDB scan", "vigie.scan", "rocksdb.scan");
  report->AddRatio("VerifyStore / RocksDB scan", "vigie.verify", "rocksdb.scan", kVerifyTarget);
  report->AddRatio("VerifyStore / SHA-256 leaf hashing", "vigie.verify", "sha256.leaf");
  return Status::Ok();
}

}  // namespace vigie::bench
