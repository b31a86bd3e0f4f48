#pragma once
// Status and Result<T>: how every fallible call in Vigie reports failure.
//
// No exceptions cross a module boundary. A function that can fail returns a
// [[nodiscard]] Status, or Result<T> (std::expected<T, Status>). The codes
// follow abseil's meanings so that the HTTP edge can map them in one place
// (server/problem.cc):
//
//   kInvalidArgument     400  the input is malformed, whatever the state
//   kUnauthenticated     401  no or bad credentials
//   kPermissionDenied    403  authenticated, not allowed
//   kNotFound            404  no such thing (or one the caller may not see)
//   kAborted             409  a lost test-and-set: wrong expected version
//   kAlreadyExists       409  a duplicate id
//   kFailedPrecondition  422  a domain rule refused the command
//   kResourceExhausted   429  a limit was reached; retry later
//   kUnavailable         503  the store is closing or failed
//   kDataLoss            500  stored bytes failed a check (corruption)
//   kInternal            500  a bug or an I/O failure
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace vigie {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kAborted,
  kAlreadyExists,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kDataLoss,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

template <typename T>
using Result = std::expected<T, Status>;

// Lets a function returning Result<T> write `return Fail(status);`.
inline std::unexpected<Status> Fail(Status s) { return std::unexpected<Status>(std::move(s)); }

}  // namespace vigie

// Early return on failure, for functions returning Status.
#define VIGIE_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::vigie::Status vigie_status_ = (expr);   \
    if (!vigie_status_.ok()) return vigie_status_; \
  } while (0)
