#include "tools/cli.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

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

int ReportError(const Status& status) {
  std::fprintf(stderr, "vigie: %s\n", status.message().c_str());
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

}  // namespace vigie::tools
