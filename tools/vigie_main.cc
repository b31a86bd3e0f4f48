// `vigie`: the command line of SPEC §7. Each sub-command lives in its own
// tools/cli_*.cc and registers itself here.
#include <CLI/CLI.hpp>

#include "tools/cli.h"

int main(int argc, char** argv) {
  using namespace vigie::tools;
  CLI::App app{"Vigie: the accountability ledger of a local public-safety partnership"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vigie 0.1.0");
  // A usage error is one line, as every other error (SPEC §7).
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "vigie: " + OneClearLine(e.what()) + " (see --help)\n";
  });
  CliContext ctx;
  AddInitCommand(app, ctx);
  AddVerifyCommand(app, ctx);
  AddProofCommand(app, ctx);
  AddDemoCommand(app, ctx);
  AddReplayCommand(app, ctx);
  AddReportCommand(app, ctx);
  AddExportCommand(app, ctx);
  AddImportCommand(app, ctx);
  AddBackupCommand(app, ctx);
  AddRestoreCommand(app, ctx);
  AddServeCommand(app, ctx);
  AddBenchCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return ctx.exit_code;
}
