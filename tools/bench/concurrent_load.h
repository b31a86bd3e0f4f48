#pragma once
// Throughput of an operation run by several threads for a fixed time: the
// one way every write measurement of the bench is taken, so that RocksDB,
// Vigie and their ratios are measured alike.
#include <chrono>
#include <cstdint>
#include <functional>

#include "eventstore/status.h"

namespace vigie::bench {

struct Throughput {
  std::uint64_t operations = 0;
  double seconds = 0;
  double PerSecond() const { return seconds > 0 ? static_cast<double>(operations) / seconds : 0; }
  Throughput& operator+=(const Throughput& other) {
    operations += other.operations;
    seconds += other.seconds;
    return *this;
  }
};

// Starts `threads` workers together; each calls op(worker) until
// `duration` has passed since the start. An operation counts `op`'s return
// value (records written by it). The time runs until the last operation
// returns, so operations still in flight at the deadline are counted whole.
// The first failure stops every worker and is returned.
Result<Throughput> RunForDuration(int threads, std::chrono::duration<double> duration,
                                  const std::function<Result<std::uint64_t>(int worker)>& op);

}  // namespace vigie::bench
