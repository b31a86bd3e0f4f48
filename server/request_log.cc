#include "server/request_log.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "server/uri_text.h"

namespace vigie::server {
namespace {

std::string Utc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

// The method is a token chosen by the client; keep it short in the log.
std::string Method(std::string_view method) { return Abbreviate(method, 16); }

// A line that is not a request's (RequestLog::Info, RequestLog::Warn).
void WriteMessage(spdlog::logger& logger, LogFormat format, spdlog::level::level_enum level,
                  std::string_view message) {
  if (format == LogFormat::kJsonLines) {
    boost::json::object line;
    line["ts"] = Utc(std::chrono::system_clock::now());
    line["level"] = level == spdlog::level::warn ? "warn" : "info";
    line["message"] = message;
    logger.log(level, "{}", boost::json::serialize(line));
    return;
  }
  logger.log(level, "{}", message);
}

}  // namespace

RequestLog::RequestLog(std::shared_ptr<spdlog::logger> logger, LogFormat format)
    : logger_(std::move(logger)), format_(format) {}

void RequestLog::Write(const RequestLogEntry& entry) const {
  const double duration_ms = std::chrono::duration<double, std::milli>(entry.duration).count();
  const bool failed = entry.status >= 500;
  const std::string_view route = entry.route.empty() ? "unmatched" : entry.route;
  if (format_ == LogFormat::kJsonLines) {
    boost::json::object line;
    line["ts"] = Utc(std::chrono::system_clock::now());
    line["level"] = failed ? "error" : "info";
    line["request_id"] = entry.request_id;
    line["method"] = Method(entry.method);
    line["route"] = route;
    line["status"] = entry.status;
    line["duration_ms"] = duration_ms;
    line["peer"] = entry.peer;
    if (!entry.log_note.empty()) line["note"] = entry.log_note;
    if (!entry.person_id.empty()) line["person"] = entry.person_id;
    if (!entry.denial.empty()) line["denial"] = entry.denial;
    std::string text = boost::json::serialize(line);
    logger_->log(failed ? spdlog::level::err : spdlog::level::info, "{}", text);
    return;
  }
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", duration_ms);
  std::string text = "request_id=" + std::string(entry.request_id) + " method=" + Method(entry.method) +
                     " route=" + std::string(route) + " status=" + std::to_string(entry.status) +
                     " duration_ms=" + duration + " peer=" + std::string(entry.peer);
  if (!entry.person_id.empty()) text += " person=" + std::string(entry.person_id);
  if (!entry.denial.empty()) text += " denial=" + std::string(entry.denial);
  if (!entry.log_note.empty()) text += " note=\"" + std::string(entry.log_note) + "\"";
  logger_->log(failed ? spdlog::level::err : spdlog::level::info, "{}", text);
}

void RequestLog::Info(std::string_view message) const {
  WriteMessage(*logger_, format_, spdlog::level::info, message);
}

void RequestLog::Warn(std::string_view message) const {
  WriteMessage(*logger_, format_, spdlog::level::warn, message);
}

std::string RequestLog::NewRequestId() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // Only reached if the CSPRNG fails; an id must still be unique.
    static std::atomic<std::uint64_t> fallback{0};
    std::uint64_t n = ++fallback;
    for (auto& b : bytes) b = static_cast<unsigned char>(n), n >>= 8;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) id += kHex[b >> 4], id += kHex[b & 15];
  return id;
}

}  // namespace vigie::server
