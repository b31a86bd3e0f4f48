#include "server/http_server.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "server/descriptor_limit.h"
#include "server/listener.h"
#include "server/server_context.h"

namespace vigie::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::shared_ptr<spdlog::logger> DefaultLogger(LogFormat format) {
  auto logger = std::make_shared<spdlog::logger>(
      "vigie.http", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  // JSON lines carry their own time and level: the line is the object alone.
  if (format == LogFormat::kJsonLines) logger->set_pattern("%v");
  return logger;
}

RouterOptions RouterOptionsOf(const HttpServerOptions& options) {
  RouterOptions router;
  router.json.bytes_max = options.body_bytes_max;
  router.json.depth_max = options.json_depth_max;
  router.response_cache_bytes = options.response_cache_bytes;
  router.response_cache_max_age = options.response_cache_max_age;
  return router;
}

Status Validate(const HttpServerOptions& o) {
  if (o.worker_threads == 0 || o.worker_queue_max == 0 || o.max_connections == 0 ||
      o.body_bytes_max == 0 || o.header_bytes_max == 0 || o.sse_page_events == 0 ||
      o.sse_page_events > kPageLimitMax || o.json_depth_max == 0) {
    return InvalidArgument("server limits must be positive (sse_page_events at most 1000)");
  }
  if (o.header_bytes_max > std::numeric_limits<std::uint32_t>::max()) {
    return InvalidArgument("header_bytes_max is too large");
  }
  return Status::Ok();
}

}  // namespace

struct HttpServer::Impl {
  Impl(projections::Ledger& ledger, eventstore::EventStore& store, HttpServerOptions opts)
      : options(std::move(opts)),
        log(options.logger ? options.logger : DefaultLogger(options.log_format), options.log_format),
        router(ledger, store, metrics, RouterOptionsOf(options)),
        workers(options.worker_threads, options.worker_queue_max),
        context{options, router, workers, metrics, log, store, {}, {false}, {0}} {}

  Status FitConnectionsToDescriptors();

  HttpServerOptions options;
  Metrics metrics;
  RequestLog log;
  Router router;
  WorkerPool workers;
  ServerContext context;
  // Declared after the context: the io_context's destructor destroys
  // pending handlers, and with them sessions that still use the context.
  net::io_context io;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> threads;
  bool started = false;
  bool stopped = false;
};

// Connections past the descriptor limit would fail accept() and take the
// store's files (descriptor_limit.h): raises the soft limit if it is too
// low, else serves fewer connections than asked, and says so.
Status HttpServer::Impl::FitConnectionsToDescriptors() {
  const std::size_t asked = options.max_connections;
  const DescriptorLimit limit = RaiseDescriptorLimit(asked);
  if (limit.now > limit.before) {
    log.Info("raised the descriptor limit (RLIMIT_NOFILE) from " + std::to_string(limit.before) + " to " +
             std::to_string(limit.now));
  }
  const std::size_t connections = ConnectionsWithin(limit.now, asked);
  const std::string kept = std::to_string(DescriptorsNeeded(0));
  if (connections == 0) {
    return ResourceExhausted("the descriptor limit (RLIMIT_NOFILE " + std::to_string(limit.now) +
                             ") leaves none for connections beside the " + kept +
                             " kept for the store and refusals; raise it (ulimit -n)");
  }
  if (connections < asked) {
    log.Warn("serving at most " + std::to_string(connections) + " connections, not max_connections " +
             std::to_string(asked) + ": the descriptor limit (RLIMIT_NOFILE) is " + std::to_string(limit.now) +
             " and cannot be raised, and " + kept + " are kept for the store and refusals");
    options.max_connections = connections;
    context.options.max_connections = connections;
  }
  return Status::Ok();
}

HttpServer::HttpServer(projections::Ledger& ledger, eventstore::EventStore& store,
                       HttpServerOptions options)
    : impl_(std::make_unique<Impl>(ledger, store, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

std::uint16_t HttpServer::port() const { return impl_->listener ? impl_->listener->port() : 0; }

const Metrics& HttpServer::metrics() const { return impl_->metrics; }

Status HttpServer::Start() {
  Impl& s = *impl_;
  if (s.started) return FailedPrecondition("the server was already started");
  VIGIE_RETURN_IF_ERROR(Validate(s.options));

  // Start-up is where exceptions may be met (resolution); none escapes.
  tcp::endpoint endpoint;
  try {
    boost::system::error_code ec;
    auto address = net::ip::make_address(s.options.host, ec);
    if (!ec) {
      endpoint = tcp::endpoint(address, s.options.port);
    } else {
      tcp::resolver resolver(s.io);
      auto results = resolver.resolve(s.options.host, std::to_string(s.options.port), ec);
      if (ec || results.empty()) {
        return InvalidArgument("cannot resolve host '" + s.options.host + "'");
      }
      endpoint = results.begin()->endpoint();
    }
  } catch (const std::exception& e) {
    return InvalidArgument("bad listen address: " + std::string(e.what()));
  }

  VIGIE_RETURN_IF_ERROR(s.FitConnectionsToDescriptors());
  s.listener = std::make_shared<Listener>(s.io, s.context);
  VIGIE_RETURN_IF_ERROR(s.listener->Listen(endpoint));
  s.started = true;
  s.listener->Run();
  s.work.emplace(s.io.get_executor());

  std::size_t io_threads = s.options.io_threads;
  if (io_threads == 0) io_threads = std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < io_threads; ++i) {
    s.threads.emplace_back([&s] {
      // A handler that throws (it should not) must not take the server down.
      while (true) {
        try {
          s.io.run();
          return;
        } catch (const std::exception& e) {
          s.log.Info(std::string("error in an I/O handler: ") + e.what());
        }
      }
    });
  }
  s.log.Info("listening on http://" + endpoint.address().to_string() + ":" +
             std::to_string(s.listener->port()) + " (" + std::to_string(io_threads) +
             " I/O threads, " + std::to_string(s.options.worker_threads) + " workers)");
  return Status::Ok();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;

  s.context.stopping = true;
  s.listener->Stop();
  // Idle connections close now; busy ones after their answer.
  s.context.connections.ShutdownAll(false);
  auto deadline = std::chrono::steady_clock::now() + s.options.shutdown_timeout;
  if (!s.context.connections.WaitUntilEmpty(deadline)) {
    s.context.connections.ShutdownAll(true);
  }
  // Handlers still running finish here, then the commands they left on
  // their way to the disk are answered (the store answers every one), all
  // before the caller releases the ledger and closes the store.
  s.workers.Shutdown();
  s.context.router.WaitForCommands();
  s.context.connections.WaitUntilEmpty(std::chrono::steady_clock::now() + s.options.shutdown_timeout);

  s.work.reset();
  s.io.stop();
  for (std::thread& thread : s.threads) thread.join();
  s.threads.clear();
  s.log.Info("stopped");
}

}  // namespace vigie::server
