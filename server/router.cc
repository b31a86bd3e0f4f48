#include "server/router.h"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "eventstore/await.h"
#include "server/openapi.h"
#include "server/problem.h"
#include "server/router_internal.h"
#include "server/uri_text.h"

namespace vigie::server {
namespace {

using Kind = RouteKind;

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view QueryOf(std::string_view target) {
  std::size_t mark = target.find('?');
  return mark == std::string_view::npos ? std::string_view() : target.substr(mark + 1);
}

// Raw path segments of "/a/b/c". Empty for anything but an origin-form
// path; "." and ".." segments are refused (a route never contains them and
// we do not normalise: the raw path is what the route sees).
std::optional<std::vector<std::string_view>> Segments(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string_view> segments;
  std::size_t start = 1;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash - start);
    if (segment.size() <= 6) {  // "%2e%2e" at most
      auto decoded = PercentDecode(segment, false);
      if (decoded && (*decoded == "." || *decoded == "..")) return std::nullopt;
    }
    segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

// Does `segments` fit `pattern`? A {name} matches one non-empty segment.
// The pattern is walked in place: this runs for every route on every
// request (twice: HttpSession's Match, then Dispatch), so no allocation
// unless the caller wants the bound parameters.
bool Matches(std::string_view pattern, const std::vector<std::string_view>& segments,
             std::vector<std::string_view>* params) {
  if (pattern.empty() || pattern.front() != '/') return false;
  std::vector<std::string_view> bound;
  std::size_t index = 0;
  std::size_t start = 1;
  while (true) {
    if (index == segments.size()) return false;
    std::size_t slash = pattern.find('/', start);
    std::string_view want = pattern.substr(start, slash - start);
    if (!want.empty() && want.front() == '{') {
      if (segments[index].empty()) return false;
      if (params) bound.push_back(segments[index]);
    } else if (want != segments[index]) {
      return false;
    }
    ++index;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (index != segments.size()) return false;
  if (params) *params = std::move(bound);
  return true;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool IsB64Token(std::string_view token) {
  std::size_t i = 0;
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  };
  while (i < token.size() && ok(token[i])) ++i;
  if (i == 0) return false;
  while (i < token.size() && token[i] == '=') ++i;
  return i == token.size();
}

Response Denied(Response response, std::string_view reason) {
  response.denial = reason;
  return response;
}

}  // namespace

Response JsonResponse(int status, const boost::json::value& body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = boost::json::serialize(body);
  return response;
}

Response TextResponse(std::string_view content_type, std::string body) {
  Response response;
  response.content_type = content_type;
  response.body = std::move(body);
  return response;
}

void NoteDenial(Response& response, std::string_view person_id) {
  response.person_id = person_id;
  if (!response.denial.empty()) return;
  if (response.status == 401) response.denial = "unauthenticated";
  else if (response.status == 403) response.denial = "permission_denied";
  // A token route's 404 is a refusal too when the resource exists but is
  // hidden; the router cannot tell (that is the point), so one code for both.
  else if (response.status == 404) response.denial = "not_found_or_hidden";
}

Parsed<std::string> PathId(const Router::Call& call, std::size_t index, std::string_view name) {
  auto decoded = PercentDecode(call.params.at(index), false);
  if (!decoded || !IsEntityId(*decoded)) {
    return std::unexpected(InvalidParameter(
        name, "path parameter '" + std::string(name) +
                  "' must be an id matching ^[a-z0-9][a-z0-9._-]{0,63}$"));
  }
  return *decoded;
}

std::optional<Response> BeyondTheLog(std::string_view parameter, std::uint64_t from, std::uint64_t size) {
  if (from <= size) return std::nullopt;
  return InvalidParameter(parameter, "parameter '" + std::string(parameter) + "' " + std::to_string(from) +
                                         " is beyond the log, whose size is " + std::to_string(size));
}

std::span<const Router::Route> Router::Table() {
  static const Route kTable[] = {
      {{"GET", "/healthz", Kind::kInline, false}, &Router::GetHealth},
      {{"GET", "/metrics", Kind::kInline, false}, &Router::GetMetrics},
      {{"GET", "/v1/openapi.json", Kind::kInline, false}, &Router::GetOpenApi},
      {{"POST", "/v1/commands/{command}", Kind::kCommand, true}, nullptr, false, &Router::PostCommand},
      {{"GET", "/v1/me", Kind::kBlocking, true}, &Router::GetMe},
      {{"GET", "/v1/events", Kind::kBlocking, true}, &Router::GetEvents},
      {{"GET", "/v1/streams/{stream}", Kind::kBlocking, true}, &Router::GetStream},
      {{"GET", "/v1/subscribe", Kind::kEventStream, true}, &Router::GetSubscribe},
      {{"GET", "/v1/cells", Kind::kBlocking, true}, &Router::GetCells, true},
      {{"GET", "/v1/cells/{id}", Kind::kBlocking, true}, &Router::GetCell, true},
      {{"GET", "/v1/information", Kind::kBlocking, true}, &Router::GetInformation, true},
      {{"GET", "/v1/situations", Kind::kBlocking, true}, &Router::GetSituations, true},
      {{"GET", "/v1/situations/{id}", Kind::kBlocking, true}, &Router::GetSituation},
      {{"GET", "/v1/dashboard", Kind::kBlocking, true}, &Router::GetDashboard, true},
      {{"GET", "/v1/plan", Kind::kBlocking, true}, &Router::GetPlan, true},
      {{"GET", "/v1/evaluations/{year}", Kind::kBlocking, true}, &Router::GetEvaluation},
      {{"GET", "/v1/audit/checkpoint", Kind::kBlocking, true}, &Router::GetCheckpoint},
      {{"GET", "/v1/audit/verifier-key", Kind::kBlocking, true}, &Router::GetVerifierKey},
      {{"GET", "/v1/audit/inclusion", Kind::kBlocking, true}, &Router::GetInclusion},
      {{"GET", "/v1/audit/consistency", Kind::kBlocking, true}, &Router::GetConsistency},
      {{"GET", "/v1/audit/access-log", Kind::kBlocking, true}, &Router::GetAccessLog},
  };
  return kTable;
}

std::span<const RouteInfo> Router::Routes() {
  static const std::vector<RouteInfo> kRoutes = [] {
    std::vector<RouteInfo> routes;
    for (const Route& route : Table()) routes.push_back(route.info);
    return routes;
  }();
  return kRoutes;
}

Router::Router(projections::Ledger& ledger, eventstore::EventStore& store, Metrics& metrics,
               RouterOptions options)
    : ledger_(ledger),
      store_(store),
      metrics_(metrics),
      options_(options),
      cache_(options.response_cache_bytes, options.response_cache_max_age) {}

const RouteInfo* Router::Match(std::string_view method, std::string_view target) const {
  auto segments = Segments(PathOf(target));
  if (!segments) return nullptr;
  for (const Route& route : Table()) {
    if (route.info.method == method && Matches(route.info.pattern, *segments, nullptr)) {
      return &route.info;
    }
  }
  return nullptr;
}

Response Router::Handle(const Request& request) const {
  return Await<Response>([&](auto answer) { HandleAsync(request, std::move(answer)); });
}

namespace {

Router::Responder WithStoreHeaders(Router::Responder done) {
  return [done = std::move(done)](Response response) mutable {
    // Answers may carry tokens or personal data: never cached by anything.
    response.SetHeader("Cache-Control", "no-store");
    response.SetHeader("X-Content-Type-Options", "nosniff");
    done(std::move(response));
  };
}

}  // namespace

void Router::HandleAsync(const Request& request, Responder done) const {
  (void)Dispatch(request, WithStoreHeaders(std::move(done)), /*may_wait=*/true);
}

bool Router::TryHandleAsync(const Request& request, Responder done) const {
  return Dispatch(request, WithStoreHeaders(std::move(done)), /*may_wait=*/false);
}

Router::~Router() { WaitForCommands(); }

void Router::WaitForCommands() const {
  std::unique_lock lock(commands_mu_);
  commands_done_.wait(lock, [&] { return commands_in_flight_ == 0; });
}

bool Router::Dispatch(const Request& request, Responder done, bool may_wait) const {
  auto segments = Segments(PathOf(request.target));
  if (!segments) {
    done(Problem(404, "no such resource"));
    return true;
  }

  std::string allow;
  for (const Route& route : Table()) {
    std::vector<std::string_view> params;
    if (!Matches(route.info.pattern, *segments, &params)) continue;
    if (route.info.method != request.method) {
      if (allow.find(route.info.method) == std::string::npos) {
        allow += (allow.empty() ? "" : ", ") + std::string(route.info.method);
      }
      continue;
    }
    // Only a route whose handler knows how not to wait (a command) is
    // tried on a thread that must not.
    if (!may_wait && route.async_handler == nullptr) return false;

    // Every answer of the route, now or later: named by its route, and a
    // refusal noted with the caller's person id.
    auto respond = [&route, &done](std::string person_id) -> Responder {
      return [pattern = route.info.pattern, needs_token = route.info.needs_token, person_id = std::move(person_id),
              done = std::move(done)](Response response) mutable {
        response.route = pattern;
        if (needs_token) NoteDenial(response, person_id);
        done(std::move(response));
      };
    };
    if (request.body.size() > options_.json.bytes_max) {
      respond({})(Problem(413, "the body is larger than " + std::to_string(options_.json.bytes_max) + " bytes"));
      return true;
    }
    if (route.info.method != "POST" && !request.body.empty()) {
      respond({})(Problem(400, "a " + std::string(route.info.method) + " request carries no body"));
      return true;
    }
    Call call{request, QueryOf(request.target), std::move(params), {}};
    if (route.info.needs_token) {
      auto caller = Authenticate(request, may_wait);
      if (!caller) return false;
      if (!*caller) {
        respond({})(std::move(caller->error()));
        return true;
      }
      call.caller = std::move(**caller);
    }
    const std::string person_id = call.caller.person_id;
    if (route.async_handler) return (this->*route.async_handler)(call, respond(person_id), may_wait);
    if (!route.cacheable || !cache_.enabled()) {
      respond(person_id)((this->*route.handler)(call));
      return true;
    }
    // Read before the answer is made: the view then reflects at least
    // this size, so the answer is right for any request at this size.
    const std::uint64_t size = store_.Size();
    ResponseCache::Ticket ticket = cache_.Begin(person_id, request.target, size);
    if (ticket.body) {
      Response cached;
      cached.content_type = "application/json";
      cached.body = std::move(*ticket.body);
      respond(person_id)(std::move(cached));
      return true;
    }
    Response answer = (this->*route.handler)(call);
    const bool cacheable = answer.status == 200 && answer.headers.empty();
    cache_.Finish(ticket, cacheable ? std::optional<std::string>(answer.body) : std::nullopt);
    respond(person_id)(std::move(answer));
    return true;
  }
  if (!allow.empty()) {
    Response response = Problem(405, "this resource answers " + allow);
    response.SetHeader("Allow", allow);
    done(std::move(response));
    return true;
  }
  done(Problem(404, "no such resource"));
  return true;
}

Parsed<projections::Caller> Router::Authenticate(const Request& request) const {
  return *Authenticate(request, /*may_wait=*/true);
}

std::optional<Parsed<projections::Caller>> Router::Authenticate(const Request& request, bool may_wait) const {
  auto values = request.HeaderValues("Authorization");
  if (values.empty()) {
    return std::unexpected(Denied(AuthenticationRequired(false, "this request needs Authorization: Bearer <token>"),
                                  "token_missing"));
  }
  constexpr std::string_view kScheme = "bearer ";
  std::string_view value = values.front();
  if (values.size() != 1 || value.size() <= kScheme.size() ||
      !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return std::unexpected(Denied(AuthenticationRequired(true, "the Authorization header is not one Bearer token"),
                                  "authorization_malformed"));
  }
  std::string_view token = value.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.size() > options_.bearer_token_bytes_max || !IsB64Token(token)) {
    return std::unexpected(Denied(AuthenticationRequired(true, "the bearer token is malformed"), "token_malformed"));
  }
  std::optional<Result<projections::Caller>> answer =
      may_wait ? std::optional(ledger_.Authenticate(token)) : ledger_.TryAuthenticate(token);
  if (!answer) return std::nullopt;
  Result<projections::Caller>& caller = *answer;
  if (!caller) {
    if (caller.error().code() == StatusCode::kUnauthenticated) {
      return std::unexpected(Denied(AuthenticationRequired(true, "the bearer token is unknown or revoked"),
                                    "token_unknown_or_revoked"));
    }
    return std::unexpected(ProblemFromStatus(caller.error()));
  }
  return std::move(*caller);
}

std::optional<Response> Router::RequireAuditor(const Call& call) const {
  if (Status allowed = ledger_.CheckAuditor(call.caller); !allowed.ok()) {
    return ProblemFromStatus(allowed);
  }
  return std::nullopt;
}

Response Router::GetHealth(Call& call) const {
  if (auto query = QueryParams::Parse(call.query, {}); !query) return std::move(query.error());
  boost::json::object body;
  body["status"] = "ok";
  return JsonResponse(200, body);
}

Response Router::GetMetrics(Call& call) const {
  if (auto query = QueryParams::Parse(call.query, {}); !query) return std::move(query.error());
  return TextResponse(kMetricsContentType, metrics_.Render(store_.Size(), store_.Stats()));
}

Response Router::GetOpenApi(Call& call) const {
  if (auto query = QueryParams::Parse(call.query, {}); !query) return std::move(query.error());
  return TextResponse("application/json", std::string(OpenApiDocument()));
}

}  // namespace vigie::server
