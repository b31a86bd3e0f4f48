// `vigie backup` and `vigie restore` (tools/store_backup.h): a consistent
// copy of a data directory, taken while `vigie serve` runs if need be, and
// its verified restoration, in which erased subjects stay erased.
#include <cstdio>

#include <boost/json.hpp>

#include "tools/cli.h"
#include "tools/store_backup.h"

namespace vigie::tools {

void AddBackupCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "backup",
      "Copy the store, its signing key and the subject keys it needs into a new directory, verified; works while "
      "`vigie serve` runs (the store is read without its lock). A backup holds subject keys: keep it no longer "
      "than the archive period");
  struct Args {
    std::string dir;
    std::string to;
  };
  auto args = std::make_shared<Args>();
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--to", args->to, "New directory to hold the backup (must not exist)")->required();
  cmd->callback([args, &ctx] {
    Progress progress("backup (reading the log, then verifying the copy)");
    auto result = BackupStore(args->dir, args->to, [&](std::uint64_t done, std::uint64_t total) {
      progress.Update(done, total);
    });
    if (!result) {
      ctx.exit_code = ReportError(result.error());
      return;
    }
    boost::json::object out{{"backup", args->to},
                            {"tree_size", result->tree_size},
                            {"root_hash", result->root_hash},
                            {"subject_keys", result->keys},
                            {"checkpoint", result->checkpoint}};
    std::printf("%s\n", boost::json::serialize(out).c_str());
  });
}

void AddRestoreCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "restore",
      "Verify a backup (every record, every checkpoint, its latest signed checkpoint covering all of it) and put it "
      "in place of --data; subjects erased since the backup stay erased, and retention runs at today's date");
  auto options = std::make_shared<RestoreOptions>();
  AddDataOption(cmd, &options->data_dir);
  cmd->add_option("--from", options->backup_dir, "Backup directory made by `vigie backup`")->required();
  cmd->add_flag("--replace", options->replace,
                "Replace the store --data holds (it is kept beside it as <DIR>.replaced-<time>, without its keys)");
  AddVerifierKeyOption(cmd, &options->verifier_key,
                       "Expected verifier key of the log (as `vigie init` printed it); the backup must be signed by it");
  cmd->callback([options, &ctx] {
    Progress progress("restore (verifying the backup, then the restored copy)");
    auto result = RestoreStore(*options, [&](std::uint64_t done, std::uint64_t total) {
      progress.Update(done, total);
    });
    if (!result) {
      ctx.exit_code = ReportError(result.error());
      return;
    }
    boost::json::object out{{"restored", options->data_dir},
                            {"tree_size", result->tree_size},
                            {"root_hash", result->root_hash},
                            {"subject_keys", result->keys},
                            {"subject_keys_withheld", result->keys_withheld},
                            {"erasures_recorded", result->erasures_recorded},
                            {"erased_by_retention", result->erased_by_retention}};
    if (result->replaced_dir.empty()) {
      out["replaced"] = nullptr;
    } else {
      out["replaced"] = result->replaced_dir;
    }
    std::printf("%s\n", boost::json::serialize(out).c_str());
  });
}

}  // namespace vigie::tools
