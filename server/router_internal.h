#pragma once
// Shared by the router's translation units (router.cc, ledger_routes.cc,
// audit_routes.cc), and NoteDenial by the event stream's session; not part
// of the server's interface.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "server/router.h"

namespace vigie::server {

// What a handler gets: the request, its split target, the raw (still
// percent-encoded) path segments bound to the pattern's {names}, and the
// authenticated caller when the route needs a token.
struct Router::Call {
  const Request& request;
  std::string_view query;
  std::vector<std::string_view> params;
  projections::Caller caller;
};

struct Router::Route {
  RouteInfo info;
  Response (Router::*handler)(Call&) const;
  // A current read view whose 200 answers may be reused (response_cache.h):
  // no side effect, no consultation recorded, nothing signed.
  bool cacheable = false;
  // Instead of `handler`, for a route answered later (a command); false
  // when called with may_wait false and it would wait.
  bool (Router::*async_handler)(Call&, Responder, bool may_wait) const = nullptr;
};

Response JsonResponse(int status, const boost::json::value& body);
Response TextResponse(std::string_view content_type, std::string body);

// Marks a refusal (401, 403, or 404 on a route that needs a token) for the
// log line: the caller's person id and a reason code, unless set already.
void NoteDenial(Response& response, std::string_view person_id);

// Path parameter `index`, percent-decoded and checked as an entity id
// (400 naming `name` when it is not one).
Parsed<std::string> PathId(const Router::Call& call, std::size_t index, std::string_view name);

// 400 naming `parameter` when `from`, a position to read the log from, is
// beyond its `size` (the log's size itself is the next event); else none.
std::optional<Response> BeyondTheLog(std::string_view parameter, std::uint64_t from, std::uint64_t size);

}  // namespace vigie::server
