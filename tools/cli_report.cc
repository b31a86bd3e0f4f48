// `vigie report`: the yearly evaluation (SPEC §9), as the evaluation
// committee reads it: JSON (Ledger::Evaluation), the self-contained French
// HTML report with its charts (Ledger::EvaluationHtml), or French Markdown
// rendered here from the same JSON (tools/report_markdown.h). Counts and
// plan texts only: never a pseudonym, a birth year or a note text. The
// store is opened read-only: report runs beside `vigie serve`.
#include <cstdio>

#include <boost/json.hpp>

#include "tools/cli.h"
#include "tools/json_pretty.h"
#include "tools/read_session.h"
#include "tools/report_markdown.h"

namespace vigie::tools {
namespace {

struct ReportArgs {
  std::string dir;
  int year = 0;
  std::string as_of;
  std::string format = "html";
  std::string output;
};

Result<std::string> Render(const ReportArgs& args) {
  projections::AsOf when;
  if (!args.as_of.empty()) {
    auto parsed = projections::ParseAsOf(args.as_of);
    if (!parsed) return Fail(InvalidArgument("--as-of: " + parsed.error().message()));
    when = *parsed;
  }
  auto session = OpenReadSession(args.dir);
  if (!session) return Fail(session.error());
  const projections::Caller evaluator = CliCaller("evaluator");
  if (args.format == "html") return (*session)->ledger->EvaluationHtml(evaluator, args.year, when);
  auto evaluation = (*session)->ledger->Evaluation(evaluator, args.year, when);
  if (!evaluation) return Fail(evaluation.error());
  if (args.format == "md") return RenderEvaluationMarkdown(*evaluation);
  return PrettyJson(*evaluation);
}

Status Write(const std::string& text, const std::string& path) {
  std::FILE* out = path.empty() ? stdout : std::fopen(path.c_str(), "wb");
  if (!out) return Internal("cannot create " + path);
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const bool closed = path.empty() ? std::fflush(out) == 0 : std::fclose(out) == 0;
  if (!written || !closed) return Internal("writing " + (path.empty() ? std::string("stdout") : path) + " failed");
  return Status::Ok();
}

}  // namespace

void AddReportCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "report",
      "The yearly evaluation as the evaluation committee reads it: statistics, qualitative balance, commitments "
      "per partner and the signed checkpoint; HTML (self-contained, with charts), JSON or Markdown, in French");
  auto args = std::make_shared<ReportArgs>();
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--year", args->year, "Calendar year evaluated (Paris time), e.g. 2013")
      ->required()
      ->check(CLI::Range(1971, 2261));
  cmd->add_option("--as-of", args->as_of,
                  "What was known: a tree size N or an RFC 3339 time, e.g. 2014-02-15T00:00:00+01:00 (default: now)");
  cmd->add_option("--format", args->format, "html | json | md")
      ->capture_default_str()
      ->check(CLI::IsMember({"html", "json", "md"}));
  cmd->add_option("--output", args->output, "Write to this file instead of stdout");
  cmd->callback([args, &ctx] {
    Result<std::string> text = [&] {
      Activity activity("report: computing the " + std::to_string(args->year) + " evaluation");
      return Render(*args);
    }();
    if (!text) {
      ctx.exit_code = ReportError(text.error());
      return;
    }
    if (Status s = Write(*text, args->output); !s.ok()) ctx.exit_code = ReportError(s);
  });
}

}  // namespace vigie::tools
