#pragma once
// RequestLog: one line per answered request.
//
//   text:        request_id=... method=GET route=/v1/cells/{id} status=200 duration_ms=0.41 peer=...
//                [person=ref] [denial=permission_denied]
//   JSON lines:  {"ts":"...","level":"info","request_id":"...","method":"GET",...}
//
// What a line never holds: the raw target (query strings carry purposes,
// ids, times), headers (tokens), bodies (pseudonyms, notes). The route is
// the pattern, so a situation id does not reach the log either. For JSON
// lines, give the logger a "%v" pattern (HttpServer does when it makes its
// own logger) so each line is exactly one JSON object.
//
// Thread-safe (spdlog loggers are); the logger is shared.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog { class logger; }

namespace vigie::server {

enum class LogFormat { kText, kJsonLines };

struct RequestLogEntry {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  // pattern; empty when no route matched
  int status = 0;
  std::chrono::nanoseconds duration{0};
  std::string_view peer;      // remote address
  std::string_view log_note;  // cause of a 5xx, from Response::log_note
  std::string_view person_id;  // the authenticated caller, empty if none
  std::string_view denial;     // reason code of a 401/403/404 refusal, else empty
};

class RequestLog {
 public:
  RequestLog(std::shared_ptr<spdlog::logger> logger, LogFormat format);

  void Write(const RequestLogEntry& entry) const;
  // A server event that is not a request (listening, stopping...).
  void Info(std::string_view message) const;
  // One that asks for the operator's attention (a limit lowered, a resource
  // running out).
  void Warn(std::string_view message) const;

  // 16 hex digits from a CSPRNG: unguessable, so an id quoted in a support
  // request reveals nothing about traffic volume.
  static std::string NewRequestId();

 private:
  std::shared_ptr<spdlog::logger> logger_;
  LogFormat format_;
};

}  // namespace vigie::server
