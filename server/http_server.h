#pragma once
// HttpServer: the API over HTTP/1.1 (Boost.Beast), with every bound explicit.
//
//   ioc threads (I/O only)  --- blocking routes --->  WorkerPool (fsync waits)
//        ^       (commands: decided here              |
//        |        unless a step would wait)            |
//        +------ result posted back to the connection's strand
//
// - One strand per connection; keep-alive; one request at a time per
//   connection (no pipelining of answers).
// - Limits, each with an answer: body (413), header (431), connections
//   (503 + Retry-After, then close), worker queue (503 + Retry-After),
//   handling time (503 + Retry-After; a command may still complete, and
//   the client retries it with the same command_id), idle and read
//   timeouts (the connection is closed: a slowloris client holds a socket
//   for at most read_timeout), write timeout.
// - Why a worker pool: reads may fold an as-of state or record a
//   consultation (an fsync), so handlers do not run on the I/O threads. A
//   command holds its worker only while it is decided and handed to the
//   store (Router::HandleAsync, Ledger::ExecuteAsync): its answer comes
//   from the store's thread once durable, and every command waiting for
//   the disk at once shares one fsync, however many workers there are.
//   A command is first tried on its I/O thread (Router::TryHandleAsync):
//   the ledger's lock free within a few tries, no replay in flight, no key
//   to write, no write model to rebuild; otherwise it goes to a worker
//   untouched. That saves the hand-off (a futex wake and a context switch)
//   for nearly every command (/metrics: http_commands_on_io_threads_total).
//   Commands in flight are bounded by the connections (one request at a
//   time each) and the store's max_pending_appends.
// - GET /v1/subscribe streams server-sent events (auditors): one page of
//   events is read (through Ledger::Events) only when the previous page
//   was written, so a subscriber holds at most one page in memory; one
//   that does not take a write within write_timeout is dropped.
//
// Lifetime: the ledger and the store must outlive the server. Stop() stops
// accepting, closes idle connections, lets in-flight requests finish (up
// to shutdown_timeout, then closes what remains), waits for the workers and
// for the commands still on their way to the disk, and returns; the caller
// then closes the store, which syncs and checkpoints.
// Thread safety: Start, Stop and the destructor are called from one thread;
// port() and metrics() from any.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "eventstore/event_store.h"
#include "eventstore/status.h"
#include "projections/ledger.h"
#include "server/metrics.h"
#include "server/request_log.h"

namespace spdlog { class logger; }

namespace vigie::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IP address or a name that resolves to one
  std::uint16_t port = 8080;       // 0: an ephemeral port, see port()

  std::size_t io_threads = 0;  // 0: std::thread::hardware_concurrency()
  // Handlers running at once (a command's only until it is handed to the
  // store); idle threads cost only their stacks' address space.
  std::size_t worker_threads = 64;
  std::size_t worker_queue_max = 1024;
  // A command is first tried on its I/O thread (Router::TryHandleAsync),
  // which saves it the hand-off to a worker; one that would wait goes to
  // a worker. false: every command goes to a worker.
  bool commands_on_io_threads = true;

  // Start raises the soft RLIMIT_NOFILE to fit these and what the store
  // needs, or, when the hard limit forbids, serves fewer and logs a
  // warning (descriptor_limit.h).
  std::size_t max_connections = 1024;
  std::size_t body_bytes_max = 1024 * 1024;
  std::size_t header_bytes_max = 16 * 1024;
  std::size_t json_depth_max = 32;

  std::chrono::milliseconds idle_timeout{60'000};     // between requests
  std::chrono::milliseconds read_timeout{30'000};     // header and body of one request
  std::chrono::milliseconds write_timeout{30'000};    // one answer, one event page
  std::chrono::milliseconds handling_timeout{30'000};  // queueing plus handling
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::chrono::milliseconds sse_heartbeat{15'000};
  std::size_t sse_page_events = 100;

  // Serialised answers of the current read views reused while the log does
  // not grow (response_cache.h); 0 turns the cache off.
  std::size_t response_cache_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds response_cache_max_age{1000};

  LogFormat log_format = LogFormat::kText;
  // Null: a logger "vigie.http" on stderr ("%v" pattern for JSON lines).
  std::shared_ptr<spdlog::logger> logger;
};

class HttpServer {
 public:
  HttpServer(projections::Ledger& ledger, eventstore::EventStore& store,
             HttpServerOptions options = {});
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads; logs one line saying where.
  // kUnavailable when the address cannot be bound, kInvalidArgument for a
  // bad option, kResourceExhausted when the descriptor limit leaves room
  // for no connection, kFailedPrecondition when called twice.
  Status Start();
  void Stop();

  std::uint16_t port() const;  // the bound port, valid after Start()
  const Metrics& metrics() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::server
