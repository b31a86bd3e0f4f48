#pragma once
// How big and how long each part of the bench runs: the full run, whose
// figures are reported, and --smoke, which runs every part at toy sizes in
// seconds so that ctest (bench_smoke) keeps the bench from rotting.
#include <cstdint>
#include <vector>

namespace vigie::bench {

struct BenchPlan {
  bool smoke = false;
  // (a), (b), (d): for each writer count, `write_rounds` rounds of one slice
  // each of RocksDB, Vigie and PostgreSQL, so that a disk whose speed
  // drifts (shared machines, other I/O) weighs on all three alike.
  double slice_seconds = 2;
  int write_rounds = 5;
  std::vector<int> writers = {1, 8, 32, 64};
  std::vector<int> postgres_clients = {1, 8, 32};
  int records_per_batch = 256;  // RocksDB's batched baseline
  // (c): records in the store that is scanned and verified; best of repeats.
  std::uint64_t read_records = 1'000'000;
  int read_repeats = 3;
};

inline BenchPlan FullPlan() { return {}; }

inline BenchPlan SmokePlan() {
  BenchPlan plan;
  plan.smoke = true;
  plan.slice_seconds = 0.25;
  plan.write_rounds = 1;
  plan.read_records = 5000;
  plan.read_repeats = 1;
  return plan;
}

}  // namespace vigie::bench
