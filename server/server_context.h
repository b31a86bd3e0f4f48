#pragma once
// What the connections of one HttpServer share (internal to server/).
//
// ConnectionRegistry counts open sockets (the max_connections bound) and
// lets Stop() reach every connection. A ConnectionTicket is one open socket:
// it moves with the socket from HttpSession to EventStreamSession and, when
// destroyed, frees the slot. Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "eventstore/event_store.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/request_log.h"
#include "server/router.h"
#include "server/worker_pool.h"

namespace vigie::server {

// A connection Stop() can ask to finish. Shutdown may be called from any
// thread; implementations post to their strand.
class Connection {
 public:
  virtual ~Connection() = default;
  // force false: close once the current answer is written (idle: now).
  // force true: close the socket now.
  virtual void Shutdown(bool force) = 0;
};

class ConnectionRegistry {
 public:
  std::uint64_t Open();
  void Attach(std::uint64_t id, std::weak_ptr<Connection> connection);
  void Close(std::uint64_t id);

  std::size_t size() const;
  void ShutdownAll(bool force);
  // true when every connection closed before `deadline`.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline);

 private:
  mutable std::mutex mutex_;  // guards next_id_ and open_
  std::condition_variable emptied_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> open_;
};

struct ServerContext {
  HttpServerOptions options;
  Router& router;
  WorkerPool& workers;
  Metrics& metrics;
  const RequestLog& log;
  eventstore::EventStore& store;
  ConnectionRegistry connections;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> rejecting{0};  // connections being refused with 503
};

// One open socket's slot in the registry and the connection gauge.
class ConnectionTicket {
 public:
  ConnectionTicket() = default;
  explicit ConnectionTicket(ServerContext& context);
  ConnectionTicket(ConnectionTicket&& other) noexcept;
  ConnectionTicket& operator=(ConnectionTicket&&) = delete;
  ~ConnectionTicket();

  void Attach(std::weak_ptr<Connection> connection);

 private:
  ServerContext* context_ = nullptr;
  std::uint64_t id_ = 0;
};

// Runs `task` on the worker pool with the queue and busy gauges kept;
// false when the pool refused it (queue full or stopping).
bool PostWork(ServerContext& context, WorkerPool::Task task);

}  // namespace vigie::server
