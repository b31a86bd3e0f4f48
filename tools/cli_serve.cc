// `vigie serve`: the HTTP API over the store, until SIGTERM or SIGINT.
//
// Shutdown order keeps every acknowledged command: the server stops
// accepting and finishes in-flight requests (whose answers were given only
// after their fsync), then the ledger is released, then the store drains its
// queue, syncs and stores a signed checkpoint.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "eventstore/event_store.h"
#include "projections/ledger.h"
#include "server/http_server.h"
#include "tools/cli.h"

namespace vigie::tools {
namespace {

struct ServeArgs {
  std::string dir;
  std::string listen = "127.0.0.1:8080";
  std::string log_format = "text";
  std::size_t max_connections = 1024;
  std::size_t body_bytes_max = 1024 * 1024;
  std::size_t worker_threads = 64;
  bool commands_on_workers = false;
  std::size_t max_pending_appends = 16384;
  int request_timeout_ms = 30'000;
  int idle_timeout_ms = 60'000;
  int retention_interval_s = 3600;
};

Result<std::pair<std::string, std::uint16_t>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Fail(InvalidArgument("--listen takes HOST:PORT"));
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned long port = 0;
  try {
    std::size_t used = 0;
    port = std::stoul(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    return Fail(InvalidArgument("--listen takes HOST:PORT with a numeric port"));
  }
  if (port > 65535) return Fail(InvalidArgument("the port must be 0 to 65535"));
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

// Runs retention now and then every `interval` until stopped.
class RetentionLoop {
 public:
  RetentionLoop(projections::Ledger& ledger, std::chrono::seconds interval)
      : thread_([this, &ledger, interval] {
          std::unique_lock lock(mu_);
          do {
            lock.unlock();
            auto erased = ledger.ApplyRetention();
            if (!erased) spdlog::warn("retention failed: {}", erased.error().message());
            else if (*erased > 0) spdlog::info("retention erased {} subject(s)", *erased);
            lock.lock();
          } while (!cv_.wait_for(lock, interval, [this] { return stop_; }));
        }) {}
  ~RetentionLoop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

int Serve(const ServeArgs& args) {
  auto address = ParseListen(args.listen);
  if (!address) return ReportError(address.error());
  if (args.log_format != "text" && args.log_format != "json") {
    return ReportError(InvalidArgument("--log-format is text or json"));
  }
  // Block the stop signals in every thread; this one waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  eventstore::StoreOptions store_options;
  store_options.max_pending_appends = args.max_pending_appends;
  auto store = eventstore::EventStore::Open(args.dir, store_options);
  if (!store) return ReportError(store.error());
  projections::LedgerOptions ledger_options;
  ledger_options.key_dir = args.dir + "/keys";
  auto ledger = projections::Ledger::Open(store->get(), ledger_options);
  if (!ledger) return ReportError(ledger.error());

  server::HttpServerOptions options;
  options.host = address->first;
  options.port = address->second;
  options.max_connections = args.max_connections;
  options.body_bytes_max = args.body_bytes_max;
  options.worker_threads = args.worker_threads;
  options.commands_on_io_threads = !args.commands_on_workers;
  options.handling_timeout = std::chrono::milliseconds(args.request_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(args.idle_timeout_ms);
  options.log_format = args.log_format == "json" ? server::LogFormat::kJsonLines : server::LogFormat::kText;
  int exit_code = kExitOk;
  {
    server::HttpServer http(**ledger, **store, options);
    if (Status started = http.Start(); !started.ok()) return ReportError(started);
    {
      RetentionLoop retention(**ledger, std::chrono::seconds(std::max(1, args.retention_interval_s)));
      int signal_number = 0;
      sigwait(&stop_signals, &signal_number);
      spdlog::info("received {}, shutting down", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    http.Stop();
  }
  ledger->reset();
  if (Status closed = (*store)->Close(); !closed.ok()) exit_code = ReportError(closed);
  else spdlog::info("store closed at tree size {}, checkpoint stored", (*store)->Size());
  return exit_code;
}

}  // namespace

void AddServeCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("serve", "Serve the HTTP API (SPEC §6) until SIGTERM or SIGINT");
  auto args = std::make_shared<ServeArgs>();
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  cmd->add_option("--log-format", args->log_format, "text or json (JSON lines)")->capture_default_str();
  cmd->add_option("--max-connections", args->max_connections, "Open connections at most")->capture_default_str();
  cmd->add_option("--max-body-bytes", args->body_bytes_max, "Request body size limit")->capture_default_str();
  cmd->add_option("--workers", args->worker_threads, "Requests handled at once (a command only until it is handed to the store)")
      ->capture_default_str();
  cmd->add_flag("--commands-on-workers", args->commands_on_workers,
                "Hand every command to a worker, even one the I/O thread could decide without waiting");
  cmd->add_option("--max-pending-appends", args->max_pending_appends,
                  "Commands waiting for the disk before answering 429")
      ->capture_default_str();
  cmd->add_option("--request-timeout-ms", args->request_timeout_ms, "Time limit per request")->capture_default_str();
  cmd->add_option("--idle-timeout-ms", args->idle_timeout_ms, "Idle keep-alive connections are closed after")
      ->capture_default_str();
  cmd->add_option("--retention-interval-s", args->retention_interval_s, "How often retention runs")
      ->capture_default_str();
  cmd->callback([args, &ctx] { ctx.exit_code = Serve(*args); });
}

}  // namespace vigie::tools
