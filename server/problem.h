#pragma once
// Problem details (RFC 9457): every error answer of the API.
//
// This is the one place where a StatusCode becomes an HTTP status (the table
// in eventstore/status.h) and where an error body is written:
//
//   {"type": "urn:vigie:problem:<slug>", "title": ..., "status": ..., "detail": ...}
//
// served as application/problem+json. A 5xx never echoes the Status message
// (it may name files or keys): the message goes to Response::log_note, the
// client reads a generic detail and the request id. 401 carries
// WWW-Authenticate: Bearer; 429 and 503 carry Retry-After.
//
// Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/status.h"
#include "server/http_message.h"

namespace vigie::server {

inline constexpr std::string_view kProblemContentType = "application/problem+json";
inline constexpr int kRetryAfterSeconds = 1;

// The HTTP status answering a failed Status with `code`.
int HttpStatusOf(StatusCode code);

// The problem answer for a failed Status.
Response ProblemFromStatus(const Status& status);

// A problem the HTTP edge finds itself, for statuses no StatusCode yields
// (405, 413, 415, 431) or when it has no Status at hand (400, 401, 503...).
Response Problem(int http_status, std::string detail);

// 400 naming the offending parameter (also as the "parameter" member).
Response InvalidParameter(std::string_view parameter, std::string detail);

// 401 for a missing (`token_given` false) or refused bearer token.
Response AuthenticationRequired(bool token_given, std::string detail);

}  // namespace vigie::server
