#include "tools/cli.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>

#include "eventstore/signed_note.h"

namespace vigie::tools {
namespace {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void AddDataOption(CLI::App* command, std::string* dir) {
  *dir = "./vigie-data";
  command->add_option("--data", *dir, "Data directory of the store")->capture_default_str();
}

CLI::Option* AddVerifierKeyOption(CLI::App* command, std::optional<std::string>* key, const std::string& description) {
  return command->add_option("--verifier-key", *key, description)
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            Status s = note::CheckVerifierKey(text);
            return s.ok() ? std::string() : s.message() + " (expected name+hash+base64key, as `vigie init` printed it)";
          },
          "KEY", "VerifierKey"));
}

const CLI::Validator& WholeNumber() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        // No leading zero: strtoull, which CLI11 then calls, reads "010" as octal.
        const bool decimal = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos &&
                             (text.size() == 1 || text[0] != '0');
        const auto [stop, error] = std::from_chars(text.data(), end, value, 10);
        if (!decimal || stop != end) {
          return "'" + text.substr(0, 40) + "' is not a whole number (0, 1, 2, ... in decimal, no leading zero)";
        }
        if (error != std::errc()) return "'" + text.substr(0, 40) + "' is too large";
        return std::string();
      },
      "UINT", "WholeNumber");
  return validator;
}

std::string OneClearLine(std::string message) {
  // RocksDB's words for a store another process holds open for writing.
  for (std::string_view jargon : {"IO error: While lock file", "IO error: lock "}) {
    if (const std::size_t at = message.find(jargon); at != std::string::npos) {
      message = message.substr(0, at) + "the store is in use by another process (is `vigie serve` running on it?)";
      break;
    }
  }
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return message;
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "vigie: %s\n", OneClearLine(status.message()).c_str());
  return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

Progress::Progress(std::string label)
    : label_(std::move(label)), tty_(::isatty(STDERR_FILENO) == 1), started_ms_(NowMs()) {}

Progress::~Progress() {
  if (shown_ && tty_) std::fputc('\n', stderr);
}

void Progress::Update(std::uint64_t done, std::uint64_t total) {
  if (total == 0 || NowMs() - started_ms_ < 1000) return;
  int percent = static_cast<int>(done * 100 / total);
  if (tty_) {
    if (percent == last_shown_) return;
    constexpr int kWidth = 40;
    int filled = percent * kWidth / 100;
    std::fprintf(stderr, "\r%s [%.*s%*s] %3d%% (%llu/%llu)", label_.c_str(), filled,
                 "########################################", kWidth - filled, "", percent,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  } else {
    if (percent / 10 == last_shown_ / 10 && last_shown_ >= 0) return;
    std::fprintf(stderr, "%s: %d%% (%llu/%llu)\n", label_.c_str(), percent,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  }
  std::fflush(stderr);
  last_shown_ = percent;
  shown_ = true;
}

Activity::Activity(std::string label)
    : label_(std::move(label)), tty_(::isatty(STDERR_FILENO) == 1), thread_([this] { Run(); }) {}

Activity::~Activity() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Activity::Run() {
  using namespace std::chrono_literals;
  static constexpr const char* kSpinner = "|/-\\";
  const auto started = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  if (cv_.wait_for(lock, 1s, [this] { return stop_; })) return;
  bool shown = false;
  for (int tick = 0;; ++tick) {
    const long long seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    if (tty_) {
      std::fprintf(stderr, "\r%s %c %llds", label_.c_str(), kSpinner[tick % 4], seconds);
      shown = true;
    } else if (tick % 20 == 0) {
      std::fprintf(stderr, "%s: %llds\n", label_.c_str(), seconds);
    }
    std::fflush(stderr);
    if (cv_.wait_for(lock, 250ms, [this] { return stop_; })) break;
  }
  if (shown) {
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }
}

}  // namespace vigie::tools
