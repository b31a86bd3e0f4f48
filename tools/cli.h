#pragma once
// Shared plumbing of the `vigie` sub-commands (tools/cli_*.cc).
//
// Exit codes (SPEC §7): 0 ok, 1 a failure was found (or the operation
// failed), 2 usage error. Every sub-command registers itself on the CLI11 app
// with a `--data DIR` option and runs only when selected.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <CLI/CLI.hpp>

#include "eventstore/status.h"

namespace vigie::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Where a sub-command puts its exit code once it has run.
struct CliContext {
  int exit_code = kExitOk;
};

// Adds `--data DIR` (default ./vigie-data) bound to *dir.
void AddDataOption(CLI::App* command, std::string* dir);

// Adds `--verifier-key KEY`, the key as `vigie init` prints it and
// GET /v1/audit/verifier-key serves it (name+hash+base64key), bound to
// *key. A malformed key is a usage error, before the command runs.
CLI::Option* AddVerifierKeyOption(CLI::App* command, std::optional<std::string>* key, const std::string& description);

// For options bound to unsigned integers: accepts only decimal digits
// without a leading zero, within std::uint64_t, and names the value as
// typed otherwise. (CLI11 2.1 reads them with strtoull: "-1" wraps to
// 2^64-1, "010" is octal, "0x10" hexadecimal; its NonNegativeNumber names a
// bound of 309 digits in its message.)
const CLI::Validator& WholeNumber();

// The message of an error as one line, with RocksDB's wording of a store
// held by another process replaced by plain words.
std::string OneClearLine(std::string message);

// Prints "vigie: <message>" on stderr and returns the exit code for it:
// 2 for invalid arguments, 1 for everything else.
int ReportError(const Status& status);

// A progress bar on a terminal, a plain line every 10% otherwise. Silent for
// work that ends within a second.
class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  void Update(std::uint64_t done, std::uint64_t total);

 private:
  std::string label_;
  bool tty_;
  std::int64_t started_ms_;
  int last_shown_ = -1;
  bool shown_ = false;
};

// For work whose size is not known beforehand (rebuilding projections,
// copying a store): after a second, a spinner with the elapsed time on a
// terminal, a plain line every 5 seconds otherwise, from a thread of its
// own until the object goes away.
class Activity {
 public:
  explicit Activity(std::string label);
  ~Activity();
  Activity(const Activity&) = delete;
  Activity& operator=(const Activity&) = delete;

 private:
  void Run();

  std::string label_;
  bool tty_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

void AddInitCommand(CLI::App& app, CliContext& ctx);
void AddVerifyCommand(CLI::App& app, CliContext& ctx);
void AddProofCommand(CLI::App& app, CliContext& ctx);
void AddDemoCommand(CLI::App& app, CliContext& ctx);
void AddReplayCommand(CLI::App& app, CliContext& ctx);
void AddReportCommand(CLI::App& app, CliContext& ctx);
void AddExportCommand(CLI::App& app, CliContext& ctx);
void AddImportCommand(CLI::App& app, CliContext& ctx);
void AddBackupCommand(CLI::App& app, CliContext& ctx);
void AddRestoreCommand(CLI::App& app, CliContext& ctx);
void AddServeCommand(CLI::App& app, CliContext& ctx);
void AddBenchCommand(CLI::App& app, CliContext& ctx);

}  // namespace vigie::tools
