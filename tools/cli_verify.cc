// `vigie verify`: offline check of a whole store (eventstore::VerifyStore).
//
// With --verifier-key, the checkpoints must be signed by a key the auditor
// holds from elsewhere (as `vigie init` printed it): the key file in the
// data directory proves nothing to someone who suspects whoever could
// rewrite the directory.
#include <cstdio>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "tools/cli.h"

namespace vigie::tools {

void AddVerifyCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "verify", "Recompute every leaf and the whole tree from the records; check every stored checkpoint");
  struct Args {
    std::string dir;
    std::optional<std::string> verifier_key;
  };
  auto args = std::make_shared<Args>();
  AddDataOption(cmd, &args->dir);
  AddVerifierKeyOption(cmd, &args->verifier_key,
                       "Verifier key of the log known from elsewhere (as `vigie init` printed it); every stored "
                       "checkpoint must be signed by it, and at least one must be stored (default: the key the data "
                       "directory holds)");
  cmd->callback([args, &ctx] {
    Progress progress("verify");
    auto report = eventstore::VerifyStore(
        args->dir, [&](std::uint64_t done, std::uint64_t total) { progress.Update(done, total); },
        args->verifier_key.value_or(""));
    if (!report) {
      ctx.exit_code = ReportError(report.error());
      return;
    }
    boost::json::object out{{"ok", report->ok()},
                            {"records", report->records},
                            {"checkpoints", report->checkpoints},
                            {"verifier_key", report->verifier_key},
                            {"verifier_key_given", args->verifier_key.has_value()}};
    if (!report->ok()) {
      out["first_bad_position"] = nullptr;
      if (report->first_bad_position) out["first_bad_position"] = *report->first_bad_position;
      out["problem"] = report->problem;
    }
    std::printf("%s\n", boost::json::serialize(out).c_str());
    if (!report->ok()) {
      const std::string where = report->first_bad_position
                                    ? " at position " + std::to_string(*report->first_bad_position)
                                    : std::string();
      std::fprintf(stderr, "vigie: verification failed%s: %s\n", where.c_str(), report->problem.c_str());
      ctx.exit_code = kExitFailure;
    }
  });
}

}  // namespace vigie::tools
