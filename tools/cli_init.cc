// `vigie init`: a new store, its signing key and the administrator's token.
#include <cstdio>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "projections/ledger.h"
#include "tools/cli.h"

namespace vigie::tools {

void AddInitCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "init", "Create a new store and signing key; print the administrator token (shown once) and the verifier key");
  struct Args {
    std::string dir;
    std::string origin;
  };
  auto args = std::make_shared<Args>();
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--origin", args->origin, "Name of the log, first line of every checkpoint (e.g. vigie.example/zsp)")
      ->required();
  cmd->callback([args, &ctx] {
    auto init = eventstore::EventStore::Init(args->dir, args->origin);
    if (!init) {
      ctx.exit_code = ReportError(init.error());
      return;
    }
    auto store = eventstore::EventStore::Open(args->dir);
    if (!store) {
      ctx.exit_code = ReportError(store.error());
      return;
    }
    projections::LedgerOptions options;
    options.key_dir = args->dir + "/keys";
    auto ledger = projections::Ledger::Open(store->get(), options);
    if (!ledger) {
      ctx.exit_code = ReportError(ledger.error());
      return;
    }
    auto token = (*ledger)->Bootstrap(args->origin);
    if (!token) {
      ctx.exit_code = ReportError(token.error());
      return;
    }
    ledger->reset();
    if (Status closed = (*store)->Close(); !closed.ok()) {
      ctx.exit_code = ReportError(closed);
      return;
    }
    boost::json::object out{{"admin_token", *token}, {"verifier_key", init->verifier_key}};
    std::printf("%s\n", boost::json::serialize(out).c_str());
  });
}

}  // namespace vigie::tools
