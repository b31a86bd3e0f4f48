#pragma once
// Router: the whole HTTP API of SPEC §6 as a pure function of a request.
//
//   Response Handle(const Request&)
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
// keep its I/O threads free: Ledger::Execute and Ledger::Situation wait for
// an fsync, as-of queries fold from a snapshot.
//
// Ownership: the ledger, the store and the metrics are borrowed and must
// outlive the router. Thread safety: Handle may be called concurrently
// (the router itself is immutable after construction).
#include <chrono>
#include <cstdint>
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
  // Serialised answers of the current read views (cells, a cell,
  // situations list, dashboard, plan) kept per person and target while the
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

  Response Handle(const Request& request) const;

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

  Response Dispatch(const Request& request) const;
  Parsed<projections::Caller> Authenticate(const Request& request) const;
  // The problem answer when the caller may not read the audit routes.
  std::optional<Response> RequireAuditor(const Call& call) const;
  Parsed<Subscription> SubscriptionOf(Call& call) const;

  // Handlers, one per route (router.cc, ledger_routes.cc, audit_routes.cc).
  Response GetHealth(Call& call) const;
  Response GetMetrics(Call& call) const;
  Response GetOpenApi(Call& call) const;
  Response PostCommand(Call& call) const;
  Response GetMe(Call& call) const;
  Response GetEvents(Call& call) const;
  Response GetStream(Call& call) const;
  Response GetCells(Call& call) const;
  Response GetCell(Call& call) const;
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
};

}  // namespace vigie::server
