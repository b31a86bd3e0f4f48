#include "server/metrics.h"

#include <charconv>

namespace vigie::server {
namespace {

std::string_view BoundedMethod(std::string_view method) {
  static constexpr std::string_view kKnown[] = {"GET", "HEAD", "POST", "PUT",
                                                "DELETE", "PATCH", "OPTIONS"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

// Label values are route patterns and names we chose, but escape anyway so
// the exposition stays well-formed whatever a caller passes in.
std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// Shortest fixed-point text that reads back as the same double: "0.0005",
// not "5e-04" nor "0.00050000000000000001". Values here stay well below 1e30.
std::string Number(double value) {
  char text[64];
  std::to_chars_result result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed);
  if (result.ec != std::errc()) result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

void Family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

template <typename T>
void Sample(std::string& out, std::string_view name, std::string_view labels, T value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(value)).append("\n");
}

// A store histogram: cumulative buckets whose last bound stands for +Inf.
template <std::size_t N>
void StoreHistogram(std::string& out, std::string_view name, std::string_view help,
                    const std::array<double, N>& bounds, const std::array<std::uint64_t, N>& buckets,
                    double sum) {
  Family(out, name, "histogram", help);
  std::string bucket_name = std::string(name) + "_bucket";
  for (std::size_t i = 0; i + 1 < N; ++i) {
    out.append(bucket_name).append("{le=\"").append(Number(bounds[i])).append("\"} ")
        .append(std::to_string(buckets[i])).append("\n");
  }
  out.append(bucket_name).append("{le=\"+Inf\"} ").append(std::to_string(buckets[N - 1])).append("\n");
  out.append(name).append("_sum ").append(Number(sum)).append("\n");
  out.append(name).append("_count ").append(std::to_string(buckets[N - 1])).append("\n");
}

}  // namespace

void Metrics::ObserveRequest(std::string_view method, std::string_view route, int status,
                             std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  std::size_t bucket = 0;
  while (bucket < kLatencyBucketsSeconds.size() && seconds > kLatencyBucketsSeconds[bucket]) ++bucket;

  std::lock_guard lock(mutex_);
  LatencySeries& series = requests_[RequestKey{std::string(BoundedMethod(method)),
                                               route.empty() ? "unmatched" : std::string(route),
                                               status}];
  ++series.count;
  series.sum_seconds += seconds;
  if (bucket < series.buckets.size()) ++series.buckets[bucket];
}

void Metrics::ObserveCommand(std::string_view command, std::string_view result,
                             std::size_t events_appended) {
  std::lock_guard lock(mutex_);
  ++commands_[{std::string(command), std::string(result)}];
  appended_events_ += events_appended;
}

std::string Metrics::Render(std::uint64_t log_size, const eventstore::StoreStats& store) const {
  std::string out;
  {
    std::lock_guard lock(mutex_);
    Family(out, "vigie_http_requests_total", "counter", "HTTP requests answered, by route pattern and status.");
    for (const auto& [key, series] : requests_) {
      const auto& [method, route, status] = key;
      std::string labels = "method=\"" + method + "\",route=\"" + Escape(route) +
                           "\",status=\"" + std::to_string(status) + "\"";
      Sample(out, "vigie_http_requests_total", labels, series.count);
    }
    Family(out, "vigie_http_request_duration_seconds", "histogram",
           "Time from a complete request to its answer, by route pattern and status.");
    for (const auto& [key, series] : requests_) {
      const auto& [method, route, status] = key;
      std::string labels = "method=\"" + method + "\",route=\"" + Escape(route) +
                           "\",status=\"" + std::to_string(status) + "\"";
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kLatencyBucketsSeconds.size(); ++i) {
        cumulative += series.buckets[i];
        out.append("vigie_http_request_duration_seconds_bucket{").append(labels)
            .append(",le=\"").append(Number(kLatencyBucketsSeconds[i])).append("\"} ")
            .append(std::to_string(cumulative)).append("\n");
      }
      out.append("vigie_http_request_duration_seconds_bucket{").append(labels)
          .append(",le=\"+Inf\"} ").append(std::to_string(series.count)).append("\n");
      out.append("vigie_http_request_duration_seconds_sum{").append(labels).append("} ")
          .append(Number(series.sum_seconds)).append("\n");
      out.append("vigie_http_request_duration_seconds_count{").append(labels).append("} ")
          .append(std::to_string(series.count)).append("\n");
    }
    Family(out, "vigie_commands_total", "counter", "Commands executed, by command and result.");
    for (const auto& [key, count] : commands_) {
      Sample(out, "vigie_commands_total",
             "command=\"" + Escape(key.first) + "\",result=\"" + Escape(key.second) + "\"", count);
    }
    Family(out, "vigie_appended_events_total", "counter", "Events appended by commands of this process.");
    Sample(out, "vigie_appended_events_total", "", appended_events_);
  }
  Family(out, "vigie_log_size", "gauge", "Durable size of the event log (tree size).");
  Sample(out, "vigie_log_size", "", log_size);
  Family(out, "vigie_store_commands_total", "counter", "Commands appended by the event store (replays excluded).");
  Sample(out, "vigie_store_commands_total", "", store.commands);
  Family(out, "vigie_store_events_total", "counter", "Events appended by the event store.");
  Sample(out, "vigie_store_events_total", "", store.events);
  Family(out, "vigie_store_refused_commands_total", "counter",
         "Commands the store's writer refused (expected version, duplicate id).");
  Sample(out, "vigie_store_refused_commands_total", "", store.refused);
  StoreHistogram(out, "vigie_store_batch_commands", "Commands per group-commit batch.",
                 eventstore::StoreStats::kBatchBounds, store.batch_commands_buckets,
                 store.batch_commands_sum);
  StoreHistogram(out, "vigie_store_sync_seconds", "Time to write and fsync one group-commit batch.",
                 eventstore::StoreStats::kSyncBoundsSeconds, store.sync_seconds_buckets,
                 store.sync_seconds_sum);
  Family(out, "vigie_store_pending_commands", "gauge", "Commands waiting for the store's writer.");
  Sample(out, "vigie_store_pending_commands", "", store.pending);
  Family(out, "vigie_http_connections_open", "gauge", "Open HTTP connections.");
  Sample(out, "vigie_http_connections_open", "", connections_open_.load());
  Family(out, "vigie_http_connections_accepted_total", "counter", "HTTP connections accepted.");
  Sample(out, "vigie_http_connections_accepted_total", "", connections_accepted_.load());
  Family(out, "vigie_http_connections_rejected_total", "counter",
         "HTTP connections refused with 503 because the connection limit was reached.");
  Sample(out, "vigie_http_connections_rejected_total", "", connections_rejected_.load());
  Family(out, "vigie_http_read_timeouts_total", "counter",
         "Connections closed because a request did not arrive in time.");
  Sample(out, "vigie_http_read_timeouts_total", "", read_timeouts_.load());
  Family(out, "vigie_http_handling_timeouts_total", "counter",
         "Requests answered 503 because handling took longer than the limit.");
  Sample(out, "vigie_http_handling_timeouts_total", "", handling_timeouts_.load());
  Family(out, "vigie_http_work_queue_depth", "gauge", "Requests waiting for a worker thread.");
  Sample(out, "vigie_http_work_queue_depth", "", work_queue_depth_.load());
  Family(out, "vigie_http_workers_busy", "gauge", "Worker threads handling a request.");
  Sample(out, "vigie_http_workers_busy", "", workers_busy_.load());
  Family(out, "vigie_http_commands_on_io_threads_total", "counter",
         "Commands tried on their I/O thread: handled there, or handed to a worker because a step would wait.");
  Sample(out, "vigie_http_commands_on_io_threads_total", "outcome=\"handled\"", io_commands_handled_.load());
  Sample(out, "vigie_http_commands_on_io_threads_total", "outcome=\"to_worker\"", io_commands_to_worker_.load());
  Family(out, "vigie_subscribers", "gauge", "Open server-sent event subscriptions.");
  Sample(out, "vigie_subscribers", "", subscribers_.load());
  Family(out, "vigie_subscribers_dropped_total", "counter",
         "Subscriptions closed because the client did not keep up.");
  Sample(out, "vigie_subscribers_dropped_total", "", subscribers_dropped_.load());
  return out;
}

}  // namespace vigie::server
