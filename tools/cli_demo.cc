// `vigie demo`: a new store holding a realistic year of the ZSP of
// Montreynaud (tools/demo_year.h). Prints one line per person on stdout —
// person id, roles (comma-separated), bearer token, tab-separated — so that
// `vigie demo --data d > tokens.tsv` keeps them; a summary goes to stderr.
#include <cstdio>

#include "tools/cli.h"
#include "tools/demo_year.h"

namespace vigie::tools {

void AddDemoCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "demo",
      "Create a store holding a realistic year (2013) of the ZSP of Montreynaud, recorded through every domain "
      "rule; print each demo person's id, roles and token (tab-separated, one per line). Demo tokens and keys "
      "come from a public seed: never put real data in a demo store");
  auto options = std::make_shared<DemoOptions>();
  AddDataOption(cmd, &options->dir);
  cmd->add_option("--origin", options->origin, "Name of the demo log (first line of its checkpoints)")
      ->capture_default_str();
  cmd->callback([options, &ctx] {
    Progress progress("demo");
    DemoOptions run = *options;
    run.progress = [&progress](std::uint64_t done, std::uint64_t total) { progress.Update(done, total); };
    auto result = LoadDemoYear(run);
    if (!result) {
      ctx.exit_code = ReportError(result.error());
      return;
    }
    for (const DemoPerson& person : result->people) {
      std::string roles;
      for (const std::string& role : person.roles) roles += (roles.empty() ? "" : ",") + role;
      std::printf("%s\t%s\t%s\n", person.person_id.c_str(), roles.c_str(), person.token.c_str());
    }
    std::fprintf(stderr, "vigie: demo year loaded in %s: %llu commands, tree size %llu, root %s\n",
                 options->dir.c_str(), static_cast<unsigned long long>(result->commands),
                 static_cast<unsigned long long>(result->tree_size), result->root_hash.c_str());
  });
}

}  // namespace vigie::tools
