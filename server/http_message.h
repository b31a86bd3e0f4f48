#pragma once
// Request and Response: HTTP messages as plain values, so the router is a
// pure function testable without sockets (STYLE: no Beast type in a public
// header). The HTTP layer (http_session.cc) converts to and from Beast.
//
// Both are plain values: no sharing, no thread safety beyond that of a value.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // as sent: "GET", "POST", ...
  std::string target;  // origin-form, still percent-encoded: "/v1/events?from=3"
  HeaderList headers;  // in arrival order, names as sent
  std::string body;

  // The values of header `name` (compared case-insensitively), in order.
  std::vector<std::string_view> HeaderValues(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty when there is no body
  HeaderList headers;        // besides Content-Type and Content-Length
  std::string body;

  // Never sent: the matched route pattern ("/v1/cells/{id}"; empty when no
  // route matched) for logs and metrics, and the cause of a 500 for the log.
  std::string route;
  std::string log_note;
  // Also never sent, for the log line of a refused request (SPEC §3: a
  // denial records nothing but a log line): the authenticated person, if
  // any, and a reason code such as "token_missing", "permission_denied" or
  // "not_found_or_hidden". Ids and codes only: never a token or a text.
  std::string person_id;
  std::string denial;

  void SetHeader(std::string name, std::string value);
  // The first value of header `name` (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace vigie::server
