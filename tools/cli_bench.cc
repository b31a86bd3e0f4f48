// `vigie bench`: runs the benchmark program (tools/bench, `vigie-bench`),
// which measures Vigie against raw RocksDB and PostgreSQL in one run. It is a
// program of its own so that `vigie` does not link the baselines; this
// sub-command finds it beside `vigie` (installed layout) or in `bench/`
// (build tree) and replaces the current process with it.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tools/cli.h"

namespace vigie::tools {
namespace {

std::string FindBenchProgram() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  for (const auto& candidate : {self.parent_path() / "vigie-bench", self.parent_path() / "bench" / "vigie-bench"}) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

}  // namespace

void AddBenchCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "bench",
      "Measure durable appends, scans, verification and PostgreSQL in one run, as ratios against baselines "
      "measured in the same run (runs vigie-bench; try `vigie bench -- --help` for its options)");
  auto dir = std::make_shared<std::string>();
  AddDataOption(cmd, dir.get());
  cmd->get_option("--data")->description("Directory under which the benchmark creates (and removes) its working store");
  auto smoke = std::make_shared<bool>(false);
  cmd->add_flag("--smoke", *smoke, "Every part at toy sizes, in seconds");
  auto json = std::make_shared<std::string>();
  cmd->add_option("--json", *json, "Also write the results as JSON to this file");
  cmd->allow_extras();
  cmd->callback([cmd, dir, smoke, json, &ctx] {
    std::string program = FindBenchProgram();
    if (program.empty()) {
      std::fprintf(stderr, "vigie: vigie-bench was not found beside vigie or in its bench/ folder\n");
      ctx.exit_code = kExitFailure;
      return;
    }
    std::error_code error;
    std::filesystem::create_directories(*dir, error);
    if (error) {
      std::fprintf(stderr, "vigie: cannot create %s: %s\n", dir->c_str(), error.message().c_str());
      ctx.exit_code = kExitFailure;
      return;
    }
    std::vector<std::string> args{program, "--dir", *dir};
    if (*smoke) args.push_back("--smoke");
    if (!json->empty()) args.insert(args.end(), {"--json", *json});
    for (const std::string& extra : cmd->remaining()) args.push_back(extra);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::fflush(nullptr);
    ::execv(program.c_str(), argv.data());
    std::fprintf(stderr, "vigie: cannot run %s: %s\n", program.c_str(), std::strerror(errno));
    ctx.exit_code = kExitFailure;
  });
}

}  // namespace vigie::tools
