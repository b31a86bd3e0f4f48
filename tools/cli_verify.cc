// `vigie verify`: offline check of a whole store (eventstore::VerifyStore).
#include <cstdio>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "tools/cli.h"

namespace vigie::tools {

void AddVerifyCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "verify", "Recompute every leaf and the whole tree from the records; check every stored checkpoint");
  auto dir = std::make_shared<std::string>();
  AddDataOption(cmd, dir.get());
  cmd->callback([dir, &ctx] {
    Progress progress("verify");
    auto report = eventstore::VerifyStore(*dir, [&](std::uint64_t done, std::uint64_t total) {
      progress.Update(done, total);
    });
    if (!report) {
      ctx.exit_code = ReportError(report.error());
      return;
    }
    boost::json::object out{{"ok", report->ok()},
                            {"records", report->records},
                            {"checkpoints", report->checkpoints}};
    if (!report->ok()) {
      out["first_bad_position"] = report->first_bad_position.value_or(0);
      out["problem"] = report->problem;
    }
    std::printf("%s\n", boost::json::serialize(out).c_str());
    if (!report->ok()) {
      std::fprintf(stderr, "vigie: verification failed at position %llu: %s\n",
                   static_cast<unsigned long long>(report->first_bad_position.value_or(0)),
                   report->problem.c_str());
      ctx.exit_code = kExitFailure;
    }
  });
}

}  // namespace vigie::tools
