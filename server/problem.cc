#include "server/problem.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace vigie::server {
namespace {

struct ProblemKind {
  int status;
  std::string_view slug;
  std::string_view title;
};

// One row per answer the API can give in error; `type` is urn:vigie:problem:<slug>.
ProblemKind KindOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:  // not an error; treated as a bug if it ever gets here
    case StatusCode::kInternal: return {500, "internal", "Internal error"};
    case StatusCode::kInvalidArgument: return {400, "invalid-argument", "Invalid request"};
    case StatusCode::kUnauthenticated: return {401, "unauthenticated", "Authentication required"};
    case StatusCode::kPermissionDenied: return {403, "permission-denied", "Not allowed"};
    case StatusCode::kNotFound: return {404, "not-found", "Not found"};
    case StatusCode::kAborted: return {409, "version-conflict", "Conflicting concurrent change"};
    case StatusCode::kAlreadyExists: return {409, "already-exists", "Already exists"};
    case StatusCode::kFailedPrecondition: return {422, "rule-refused", "Refused by a rule"};
    case StatusCode::kResourceExhausted: return {429, "overloaded", "Too many pending requests"};
    case StatusCode::kUnavailable: return {503, "unavailable", "Service unavailable"};
    case StatusCode::kDataLoss: return {500, "data-loss", "Stored data failed a check"};
  }
  return {500, "internal", "Internal error"};
}

ProblemKind KindOf(int http_status) {
  switch (http_status) {
    case 400: return KindOf(StatusCode::kInvalidArgument);
    case 401: return KindOf(StatusCode::kUnauthenticated);
    case 403: return KindOf(StatusCode::kPermissionDenied);
    case 404: return KindOf(StatusCode::kNotFound);
    case 405: return {405, "method-not-allowed", "Method not allowed"};
    case 409: return KindOf(StatusCode::kAlreadyExists);
    case 413: return {413, "body-too-large", "Request body too large"};
    case 415: return {415, "unsupported-media-type", "Unsupported media type"};
    case 422: return KindOf(StatusCode::kFailedPrecondition);
    case 429: return KindOf(StatusCode::kResourceExhausted);
    case 431: return {431, "headers-too-large", "Request header fields too large"};
    case 503: return KindOf(StatusCode::kUnavailable);
    default: return {http_status, "error", "Error"};
  }
}

Response Build(const ProblemKind& kind, std::string detail, std::string_view parameter = {}) {
  boost::json::object body;
  body["type"] = "urn:vigie:problem:" + std::string(kind.slug);
  body["title"] = kind.title;
  body["status"] = kind.status;
  body["detail"] = detail;
  if (!parameter.empty()) body["parameter"] = parameter;

  Response response;
  response.status = kind.status;
  response.content_type = kProblemContentType;
  response.body = boost::json::serialize(body);
  if (kind.status == 429 || kind.status == 503) {
    response.SetHeader("Retry-After", std::to_string(kRetryAfterSeconds));
  }
  if (kind.status == 401) response.SetHeader("WWW-Authenticate", "Bearer realm=\"vigie\"");
  return response;
}

}  // namespace

int HttpStatusOf(StatusCode code) { return KindOf(code).status; }

Response ProblemFromStatus(const Status& status) {
  ProblemKind kind = KindOf(status.code());
  if (kind.status >= 500 && kind.status != 503) {
    Response response = Build(kind, "the server failed; the request id identifies it in the log");
    response.log_note = status.ToString();
    return response;
  }
  return Build(kind, status.message());
}

Response Problem(int http_status, std::string detail) {
  return Build(KindOf(http_status), std::move(detail));
}

Response InvalidParameter(std::string_view parameter, std::string detail) {
  return Build(KindOf(400), std::move(detail), parameter);
}

Response AuthenticationRequired(bool token_given, std::string detail) {
  Response response = Build(KindOf(401), std::move(detail));
  if (token_given) {
    response.SetHeader("WWW-Authenticate", "Bearer realm=\"vigie\", error=\"invalid_token\"");
  }
  return response;
}

}  // namespace vigie::server
