#pragma once
// Router: the whole HTTP API of SPEC §6 as a pure function of a request.
//
//   Response Handle(const Request&)
//   void HandleAsync(const Request&, Responder)   (the same, answered later)
//
// It matches the route (404 problem, or 405 with Allow), authenticates the
// bearer token through Ledger::Authenticate (401 with WWW-Authenticate),
// parses path and query strictly (400 naming the parameter), calls one
// Ledger or EventStore method and writes JSON, text or problem+json. It
// holds no domain rule: access is the ledger's (plus Ledger::CheckAuditor
// before the audit routes, which read the store directly). It never
// answers 500 for client input; a 5xx carries the cause in log_note.
//
// Which routes may block (see RouteKind) is what the HTTP layer needs to
// keep its I/O threads free: Ledger::Situation waits for an fsync, as-of
// queries fold from a snapshot. A command does not wait for its fsync when
// handled through HandleAsync: its answer comes from the store's thread
// that synced it, and the calling thread goes on (Ledger::ExecuteAsync).
//
// Ownership: the ledger, the store and the metrics are borrowed and must
// outlive the router. Thread safety: Handle may be called concurrently
// (the router itself is immutable after construction).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/event_store.h"
#include "projections/ledger.h"
#include "server/http_message.h"
#include "server/json_body.h"
#include "server/metrics.h"
#include "server/query_params.h"
#include "server/response_cache.h"

namespace vigie::server {

enum class RouteKind {
  kInline,       // cheap, never blocks: may run on an I/O thread
  kBlocking,     // may wait on the store: run on a worker thread
  kCommand,      // seldom waits: tried on the I/O thread (TryHandleAsync),
                 // else run on a worker thread
  kEventStream,  // GET /v1/subscribe: a server-sent event stream
};

struct RouteInfo {
  std::string_view method;
  std::string_view pattern;  // "/v1/cells/{id}"
  RouteKind kind;
  bool needs_token;
};

struct RouterOptions {
  JsonBodyLimits json;  // json.bytes_max also bounds every request body
  std::size_t purpose_bytes_max = kTextParamBytesMax;
  std::size_t bearer_token_bytes_max = 512;
  // Serialised answers of the current read views (cells, a cell, the
  // information list, situations list, dashboard, plan) kept per person and target while the
  // log does not grow (response_cache.h). 0: no cache.
  std::size_t response_cache_bytes = 0;
  std::chrono::milliseconds response_cache_max_age{1000};
};

// A validated subscription request: who, and the first position to send.
struct Subscription {
  projections::Caller caller;
  std::uint64_t from = 0;
};

// One page of a subscription, already in text/event-stream form.
struct EventStreamPage {
  std::string text;       // "id: 7\nevent: CellCreated\ndata: {...}\n\n" per event
  std::uint64_t next = 0;  // the position after the last event written
};

class Router {
 public:
  Router(projections::Ledger& ledger, eventstore::EventStore& store, Metrics& metrics,
         RouterOptions options = {});
  // Waits for the commands still being answered (WaitForCommands): their
  // completion, on the store's thread, counts them out of this router after
  // their Responder returned, so the one that answered Handle may still be
  // running when Handle's caller lets the router go.
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  Response Handle(const Request& request) const;
  // Handle that may answer later: `done` runs exactly once, on this thread
  // or, for a command, on the store's thread once the command is durable.
  // It must not block. Handle is HandleAsync waited for.
  using Responder = std::move_only_function<void(Response)>;
  void HandleAsync(const Request& request, Responder done) const;
  // HandleAsync on a thread that must not wait (an I/O thread), for a
  // kCommand route: false when a step would wait (Ledger::TryAuthenticate,
  // Ledger::TryExecuteAsync); then nothing was answered nor recorded,
  // `done` is dropped uncalled, and the caller calls HandleAsync from a
  // thread that may wait. Saves a command the hand-off to a worker.
  bool TryHandleAsync(const Request& request, Responder done) const;
  // Blocks until every command HandleAsync started has been answered (the
  // server's Stop, before the router and the ledger go).
  void WaitForCommands() const;

  // The route table, in matching order.
  static std::span<const RouteInfo> Routes();
  // The route `method target` selects, or nullptr (the answer is then a
  // cheap 404 or 405 problem).
  const RouteInfo* Match(std::string_view method, std::string_view target) const;

  // GET /v1/subscribe: authenticates (auditor role), reads `from` or the
  // Last-Event-ID header. The problem answer when refused.
  Parsed<Subscription> OpenSubscription(const Request& request) const;
  // Up to `limit` events from `from` as SSE text, through Ledger::Events so
  // that each `data:` line is the event JSON of /v1/events.
  Result<EventStreamPage> ReadEventStreamPage(const Subscription& subscription, std::uint64_t from,
                                              std::size_t limit) const;

  // One routed request and one row of the table (router_internal.h).
  struct Call;
  struct Route;

 private:
  static std::span<const Route> Table();

  // HandleAsync (may_wait) or TryHandleAsync (!may_wait).
  bool Dispatch(const Request& request, Responder done, bool may_wait) const;
  Parsed<projections::Caller> Authenticate(const Request& request) const;
  // nullopt: !may_wait and the ledger would wait.
  std::optional<Parsed<projections::Caller>> Authenticate(const Request& request, bool may_wait) const;
  // The problem answer when the caller may not read the audit routes.
  std::optional<Response> RequireAuditor(const Call& call) const;
  Parsed<Subscription> SubscriptionOf(Call& call) const;

  // Handlers, one per route (router.cc, ledger_routes.cc, audit_routes.cc).
  Response GetHealth(Call& call) const;
  Response GetMetrics(Call& call) const;
  Response GetOpenApi(Call& call) const;
  // false: !may_wait and the ledger would wait (nothing done).
  bool PostCommand(Call& call, Responder done, bool may_wait) const;
  // One command counted in commands_in_flight_ from construction until
  // destroyed (a moved-from one counts nothing): PostCommand's answer
  // function holds it, so the command is counted out however it ends,
  // answered, refused before it started, or unwound by an exception.
  class CommandInFlight {
   public:
    explicit CommandInFlight(const Router& router);
    CommandInFlight(CommandInFlight&& other) noexcept;
    CommandInFlight& operator=(CommandInFlight&&) = delete;
    ~CommandInFlight();

   private:
    const Router* router_;
  };
  // A command's answer: 201 (200 replayed) with the ledger's body, or the
  // problem; counted in the metrics.
  Response CommandResponse(const std::string& name, const Result<projections::CommandAnswer>& answer) const;
  Response GetMe(Call& call) const;
  Response GetEvents(Call& call) const;
  Response GetStream(Call& call) const;
  Response GetCells(Call& call) const;
  Response GetCell(Call& call) const;
  Response GetInformation(Call& call) const;
  Response GetSituations(Call& call) const;
  Response GetSituation(Call& call) const;
  Response GetDashboard(Call& call) const;
  Response GetPlan(Call& call) const;
  Response GetEvaluation(Call& call) const;
  Response GetSubscribe(Call& call) const;
  Response GetCheckpoint(Call& call) const;
  Response GetVerifierKey(Call& call) const;
  Response GetInclusion(Call& call) const;
  Response GetConsistency(Call& call) const;
  Response GetAccessLog(Call& call) const;

  projections::Ledger& ledger_;
  eventstore::EventStore& store_;
  Metrics& metrics_;
  const RouterOptions options_;
  mutable ResponseCache cache_;
  // Commands started by HandleAsync and not answered yet.
  mutable std::mutex commands_mu_;
  mutable std::condition_variable commands_done_;
  mutable std::size_t commands_in_flight_ = 0;
};

}  // namespace vigie::server
