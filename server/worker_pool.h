#pragma once
// WorkerPool: a fixed set of threads running blocking request handlers, so
// that Beast's I/O threads never wait on an fsync.
//
// Bounded: at most `queue_max` tasks wait; TryPost refuses beyond that and
// the caller answers 503 at once rather than queueing without bound.
// Shutdown() lets the queued and running tasks finish, then joins; tasks
// posted after it are refused. Thread-safe; the destructor shuts down.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vigie::server {

class WorkerPool {
 public:
  using Task = std::move_only_function<void()>;

  WorkerPool(std::size_t threads, std::size_t queue_max);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // false when the queue is full or the pool is shutting down.
  [[nodiscard]] bool TryPost(Task task);
  void Shutdown();

  std::size_t queue_depth() const;

 private:
  void Run();

  const std::size_t queue_max_;
  mutable std::mutex mutex_;  // guards queue_ and stopping_
  std::condition_variable ready_;
  std::deque<Task> queue_;
  bool stopping_ = false;

  std::vector<std::thread> threads_;  // written only by the constructor and Shutdown
};

}  // namespace vigie::server
