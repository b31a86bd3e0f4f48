#pragma once
// Metrics: the server's counters, rendered in the Prometheus text
// exposition format 0.0.4 at GET /metrics.
//
// Every label set is bounded: `route` is a route pattern ("/v1/cells/{id}")
// or "unmatched", never a raw path; `method` is one of the standard methods
// or "other"; `command` is a name the ledger knows. So the number of series
// cannot grow with client input.
//
// Families (all prefixed vigie_):
//   http_requests_total{method,route,status}                counter
//   http_request_duration_seconds{method,route,status}      histogram
//   http_connections_open                                   gauge
//   http_connections_accepted_total / _rejected_total       counter
//   http_read_timeouts_total, http_handling_timeouts_total  counter
//   http_work_queue_depth, http_workers_busy                gauge
//   http_commands_on_io_threads_total{outcome}              counter
//     (outcome: "handled" there, or "to_worker" when a step would wait)
//   commands_total{command,result}, appended_events_total   counter
//   subscribers, subscribers_dropped_total                  gauge, counter
//   log_size                                                gauge (store->Size())
//   store_commands_total, store_events_total,
//   store_refused_commands_total                            counter
//   store_batch_commands (commands per group commit)        histogram
//   store_sync_seconds (fsync latency per group commit)     histogram
//   store_pending_commands                                  gauge
// (the store_ families come from EventStore::Stats()).
//
// Thread safety: every method may be called concurrently. Histograms and
// command counters sit under one mutex (a request takes far longer than
// the lock); gauges and plain counters are atomics.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "eventstore/event_store.h"

namespace vigie::server {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implicit).
  static constexpr std::array<double, 14> kLatencyBucketsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  void ObserveRequest(std::string_view method, std::string_view route, int status,
                      std::chrono::nanoseconds duration);
  // `result`: "created", "replayed" or a StatusCode name.
  void ObserveCommand(std::string_view command, std::string_view result, std::size_t events_appended);

  void ConnectionOpened() { ++connections_open_, ++connections_accepted_; }
  void ConnectionClosed() { --connections_open_; }
  void ConnectionRejected() { ++connections_rejected_; }
  void ReadTimedOut() { ++read_timeouts_; }
  void HandlingTimedOut() { ++handling_timeouts_; }
  void WorkQueued(std::int64_t delta) { work_queue_depth_ += delta; }
  void WorkersBusy(std::int64_t delta) { workers_busy_ += delta; }
  // A command tried on its I/O thread: handled there, or handed to a worker.
  void CommandTriedOnIoThread(bool handled) { ++(handled ? io_commands_handled_ : io_commands_to_worker_); }
  void SubscriberAdded() { ++subscribers_; }
  void SubscriberRemoved() { --subscribers_; }
  void SubscriberDropped() { ++subscribers_dropped_; }

  std::int64_t connections_open() const { return connections_open_; }
  std::int64_t subscribers() const { return subscribers_; }

  // The exposition text, with the event store's size and statistics.
  std::string Render(std::uint64_t log_size, const eventstore::StoreStats& store) const;

 private:
  struct LatencySeries {
    std::uint64_t count = 0;
    double sum_seconds = 0;
    std::array<std::uint64_t, kLatencyBucketsSeconds.size()> buckets{};  // not cumulative
  };
  using RequestKey = std::tuple<std::string, std::string, int>;  // method, route, status

  mutable std::mutex mutex_;  // guards requests_, commands_, appended_events_
  std::map<RequestKey, LatencySeries> requests_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> commands_;
  std::uint64_t appended_events_ = 0;

  std::atomic<std::int64_t> connections_open_{0};
  std::atomic<std::uint64_t> connections_accepted_{0};
  std::atomic<std::uint64_t> connections_rejected_{0};
  std::atomic<std::uint64_t> read_timeouts_{0};
  std::atomic<std::uint64_t> handling_timeouts_{0};
  std::atomic<std::int64_t> work_queue_depth_{0};
  std::atomic<std::int64_t> workers_busy_{0};
  std::atomic<std::uint64_t> io_commands_handled_{0};
  std::atomic<std::uint64_t> io_commands_to_worker_{0};
  std::atomic<std::int64_t> subscribers_{0};
  std::atomic<std::uint64_t> subscribers_dropped_{0};
};

}  // namespace vigie::server
