// `vigie replay`: rebuilds one projection from the log, as it was known at a
// tree size or a time, and prints it as JSON (the body the HTTP API gives).
//
// Whose view (the CLI is no enrolled person, see read_session.h):
//   dashboard, plan, evaluation  as the evaluation committee (counts, plan
//                                texts and the qualitative balance; never a
//                                personal field)
//   cells                        as the administrator: every cell's
//                                composition and membership history, never
//                                its contents
//   situations                   the référent's list: every situation's
//                                status, cell, codes and counts; no personal
//                                field, and a list is no consultation
// The store is opened read-only: replay runs beside `vigie serve`.
#include <cstdio>

#include <boost/json.hpp>
#include <flatbuffers/flatbuffers.h>

#include "projections/period.h"
#include "schemas/events_generated.h"
#include "schemas/record_generated.h"
#include "tools/cli.h"
#include "tools/json_pretty.h"
#include "tools/read_session.h"

namespace vigie::tools {
namespace {

struct ReplayArgs {
  std::string dir;
  std::string projection;
  std::string as_of;
  std::optional<int> year;
  std::string granularity = "month";
  std::optional<std::string> cell;
};

// The charter version in force at the end of the log, which the référent's
// list requires to be signed.
Result<std::optional<std::string>> CurrentCharter(const eventstore::EventStore& store) {
  std::optional<std::string> version;
  Status status = store.Scan(0, store.Size(), [&](const eventstore::RecordView& view) {
    const auto* type = view.record->type();
    if (!type || type->string_view() != "CharterPublished" || !view.record->payload()) return true;
    const auto* payload = view.record->payload();
    flatbuffers::Verifier verifier(payload->data(), payload->size());
    if (!schema::VerifyDomainEventBuffer(verifier)) return true;
    const auto* published = schema::GetDomainEvent(payload->data())->body_as_CharterPublished();
    if (published && published->charter_version()) version = published->charter_version()->str();
    return true;
  });
  if (!status.ok()) return Fail(std::move(status));
  return version;
}

Result<int> RequireYear(const ReplayArgs& args) {
  if (!args.year) return Fail(InvalidArgument("--projection " + args.projection + " needs --year"));
  return *args.year;
}

Result<boost::json::value> Replay(const ReplayArgs& args) {
  auto as_of = projections::ParseAsOf(args.as_of);
  if (!args.as_of.empty() && !as_of) return Fail(InvalidArgument("--as-of: " + as_of.error().message()));
  const projections::AsOf when = args.as_of.empty() ? projections::AsOf{} : *as_of;
  auto session = OpenReadSession(args.dir);
  if (!session) return Fail(session.error());
  projections::Ledger& ledger = *(*session)->ledger;

  if (args.projection == "cells") {
    const projections::Caller admin = CliCaller("admin");
    return args.cell ? ledger.Cell(admin, *args.cell, when) : ledger.Cells(admin, when);
  }
  if (args.projection == "situations") {
    projections::Caller referent = CliCaller("referent");
    auto charter = CurrentCharter(*(*session)->store);
    if (!charter) return Fail(charter.error());
    referent.charter_signed = *charter;
    return ledger.Situations(referent, args.cell, when);
  }
  const projections::Caller evaluator = CliCaller("evaluator");
  if (args.projection == "plan") return ledger.Plan(evaluator, when);
  auto year = RequireYear(args);
  if (!year) return Fail(year.error());
  if (*year < 1971 || *year > 2261) return Fail(InvalidArgument("--year must be between 1971 and 2261"));
  if (args.projection == "evaluation") return ledger.Evaluation(evaluator, *year, when);
  const projections::Period period = projections::ParisYear(*year);
  projections::DashboardQuery query;
  query.from_ns = period.start_ns;
  query.to_ns = period.end_ns;
  query.granularity = args.granularity;
  query.cell = args.cell;
  query.as_of = when;
  return ledger.Dashboard(evaluator, query);
}

}  // namespace

void AddReplayCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "replay",
      "Rebuild a projection from the log as known at --as-of and print it as JSON. Views: dashboard, plan and "
      "evaluation as the evaluation committee; cells as the administrator (composition only); situations as the "
      "référent's list (no personal field)");
  auto args = std::make_shared<ReplayArgs>();
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--projection", args->projection, "cells | situations | dashboard | plan | evaluation")
      ->required()
      ->check(CLI::IsMember({"cells", "situations", "dashboard", "plan", "evaluation"}));
  cmd->add_option("--as-of", args->as_of,
                  "What was known: a tree size N (positions 0..N-1) or an RFC 3339 time (default: the whole log)");
  cmd->add_option("--year", args->year, "Calendar year (Paris time) of the dashboard or evaluation");
  cmd->add_option("--granularity", args->granularity, "Dashboard periods: month | quarter | semester | year")
      ->capture_default_str()
      ->check(CLI::IsMember({"month", "quarter", "semester", "year"}));
  cmd->add_option("--cell", args->cell, "One cell (cells, situations, dashboard)");
  cmd->callback([args, &ctx] {
    Result<boost::json::value> body = [&] {
      Activity activity("replay: rebuilding " + args->projection);
      return Replay(*args);
    }();
    if (!body) {
      ctx.exit_code = ReportError(body.error());
      return;
    }
    const std::string text = PrettyJson(*body);
    std::fwrite(text.data(), 1, text.size(), stdout);
  });
}

}  // namespace vigie::tools
