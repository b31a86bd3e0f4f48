#pragma once
// How big and how long each part of the bench runs: the full run, whose
// figures are reported, and --smoke, which runs every part at toy sizes in
// seconds so that ctest (bench_smoke) keeps the bench from rotting.
#include <cstdint>
#include <vector>

namespace vigie::bench {

struct BenchPlan {
  bool smoke = false;
  // (a), (b): each writer count runs this long, RocksDB then Vigie.
  double write_seconds = 5;
  std::vector<int> writers = {1, 8, 32, 64};
  int records_per_batch = 256;  // RocksDB's batched baseline
  // (c): records in the store that is scanned and verified; best of repeats.
  std::uint64_t read_records = 1'000'000;
  int read_repeats = 3;
  // (d): whole seconds per pgbench run (pgbench's unit).
  int postgres_seconds = 5;
  std::vector<int> postgres_clients = {1, 8, 32};
};

inline BenchPlan FullPlan() { return {}; }

inline BenchPlan SmokePlan() {
  BenchPlan plan;
  plan.smoke = true;
  plan.write_seconds = 0.25;
  plan.read_records = 5000;
  plan.read_repeats = 1;
  plan.postgres_seconds = 1;
  return plan;
}

}  // namespace vigie::bench
