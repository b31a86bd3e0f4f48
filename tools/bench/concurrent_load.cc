#include "tools/bench/concurrent_load.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace vigie::bench {

Result<Throughput> RunForDuration(int threads, std::chrono::duration<double> duration,
                                  const std::function<Result<std::uint64_t>(int worker)>& op) {
  using Clock = std::chrono::steady_clock;
  std::atomic<bool> go{false}, stop{false};
  std::atomic<std::uint64_t> operations{0};
  std::mutex failure_mu;
  std::optional<Status> failure;  // guarded by failure_mu
  Clock::time_point start, deadline;

  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      std::uint64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed) && Clock::now() < deadline) {
        auto done = op(w);
        if (!done) {
          std::lock_guard lock(failure_mu);
          if (!failure) failure = done.error();
          stop = true;
          break;
        }
        mine += *done;
      }
      operations += mine;
    });
  }
  start = Clock::now();
  deadline = start + std::chrono::duration_cast<Clock::duration>(duration);
  go.store(true, std::memory_order_release);  // publishes start and deadline
  for (auto& t : workers) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failure) return Fail(*failure);
  return Throughput{operations.load(), seconds};
}

}  // namespace vigie::bench
