// Handlers of the domain routes: one Ledger call each, after strict parsing.
#include <algorithm>
#include <limits>
#include <utility>

#include "server/problem.h"
#include "server/router_internal.h"
#include "server/uri_text.h"

namespace vigie::server {
namespace {

namespace json = boost::json;

Response Answer(const Result<json::value>& result) {
  if (!result) return ProblemFromStatus(result.error());
  return JsonResponse(200, *result);
}

// application/json, with or without parameters ("; charset=utf-8").
bool IsJsonMediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return EqualsIgnoreCase(type, "application/json");
}

// Stream names are "<kind>-<id>" (projections/streams.h): the id grammar,
// longer. [a-z0-9] [a-z0-9._-]{0,199}
bool IsStreamName(std::string_view name) {
  if (name.empty() || name.size() > eventstore::kMaxStreamNameBytes) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return lower_or_digit(c) || c == '.' || c == '_' || c == '-';
  });
}

constexpr std::uint64_t kUint64Max = std::numeric_limits<std::uint64_t>::max();
constexpr int kEvaluationYearMin = 1900;
constexpr int kEvaluationYearMax = 2200;

}  // namespace

// The request is read here, on the calling thread; the answer comes when
// the ledger has one (for a new command, once it is durable, from the
// store's thread). Counted in commands_in_flight_ until then.
bool Router::PostCommand(Call& call, Responder done, bool may_wait) const {
  auto name = PercentDecode(call.params.at(0), false);
  const auto& known = projections::Ledger::CommandNames();
  if (!name || std::find(known.begin(), known.end(), *name) == known.end()) {
    done(Problem(404, "no such command; see /v1/openapi.json for the list"));
    return true;
  }
  auto content_types = call.request.HeaderValues("Content-Type");
  if (content_types.size() != 1 || !IsJsonMediaType(content_types.front())) {
    done(Problem(415, "a command body is sent as Content-Type: application/json"));
    return true;
  }
  if (auto query = QueryParams::Parse(call.query, {}); !query) {
    done(std::move(query.error()));
    return true;
  }
  auto body = ParseJsonObject(call.request.body, options_.json);
  if (!body) {
    done(std::move(body.error()));
    return true;
  }

  projections::Ledger::CommandDone answered =
      [this, counted = CommandInFlight(*this), name = *name,
       done = std::move(done)](Result<projections::CommandAnswer> answer) mutable {
        // Counted out once answered, even if answering throws; not when
        // the ledger lets go of this function, which may be later.
        CommandInFlight answering = std::move(counted);
        done(CommandResponse(name, answer));
      };
  if (may_wait) {
    ledger_.ExecuteAsync(call.caller, *name, *body, std::move(answered));
    return true;
  }
  // Refused: `answered` was neither called nor moved from, and counts the
  // command out as it goes out of scope.
  return ledger_.TryExecuteAsync(call.caller, *name, *body, answered);
}

Router::CommandInFlight::CommandInFlight(const Router& router) : router_(&router) {
  std::lock_guard lock(router.commands_mu_);
  ++router.commands_in_flight_;
}

Router::CommandInFlight::CommandInFlight(CommandInFlight&& other) noexcept
    : router_(std::exchange(other.router_, nullptr)) {}

Router::CommandInFlight::~CommandInFlight() {
  if (router_ == nullptr) return;
  std::lock_guard lock(router_->commands_mu_);
  if (--router_->commands_in_flight_ == 0) router_->commands_done_.notify_all();
}

Response Router::CommandResponse(const std::string& name, const Result<projections::CommandAnswer>& answer) const {
  if (!answer) {
    metrics_.ObserveCommand(name, StatusCodeName(answer.error().code()), 0);
    return ProblemFromStatus(answer.error());
  }
  std::size_t appended = 0;
  if (const json::object* object = answer->body.if_object()) {
    if (const json::value* events = object->if_contains("events"); events && events->is_array()) {
      appended = events->get_array().size();
    }
  }
  metrics_.ObserveCommand(name, answer->replayed ? "replayed" : "created", answer->replayed ? 0 : appended);
  return JsonResponse(answer->replayed ? 200 : 201, answer->body);
}

Response Router::GetMe(Call& call) const {
  if (auto query = QueryParams::Parse(call.query, {}); !query) return std::move(query.error());
  return Answer(ledger_.Me(call.caller));
}

Response Router::GetEvents(Call& call) const {
  auto query = QueryParams::Parse(call.query, {"from", "limit"});
  if (!query) return std::move(query.error());
  auto from = query->Uint("from", 0, kUint64Max);
  if (!from) return std::move(from.error());
  auto limit = query->Limit();
  if (!limit) return std::move(limit.error());
  // Up to the log's size: a page from there is empty, and one beyond it
  // would hide from the caller that it skips whatever is appended between.
  if (auto beyond = BeyondTheLog("from", from->value_or(0), store_.Size())) return std::move(*beyond);
  return Answer(ledger_.Events(call.caller, from->value_or(0), *limit));
}

Response Router::GetStream(Call& call) const {
  auto stream = PercentDecode(call.params.at(0), false);
  if (!stream || !IsStreamName(*stream)) {
    return InvalidParameter("stream",
                            "path parameter 'stream' must match ^[a-z0-9][a-z0-9._-]{0,199}$");
  }
  auto query = QueryParams::Parse(call.query, {"from_version", "limit"});
  if (!query) return std::move(query.error());
  auto from_version = query->Uint("from_version", 0, kUint64Max);
  if (!from_version) return std::move(from_version.error());
  auto limit = query->Limit();
  if (!limit) return std::move(limit.error());
  return Answer(ledger_.Stream(call.caller, *stream, from_version->value_or(0), *limit));
}

Response Router::GetCells(Call& call) const {
  auto query = QueryParams::Parse(call.query, {"as_of"});
  if (!query) return std::move(query.error());
  auto as_of = query->AsOf();
  if (!as_of) return std::move(as_of.error());
  return Answer(ledger_.Cells(call.caller, *as_of));
}

Response Router::GetCell(Call& call) const {
  auto id = PathId(call, 0, "id");
  if (!id) return std::move(id.error());
  auto query = QueryParams::Parse(call.query, {"as_of", "limit", "before"});
  if (!query) return std::move(query.error());
  auto as_of = query->AsOf();
  if (!as_of) return std::move(as_of.error());
  auto limit = query->Limit();
  if (!limit) return std::move(limit.error());
  auto before = query->Uint("before", 0, kUint64Max);
  if (!before) return std::move(before.error());
  return Answer(ledger_.Cell(call.caller, *id, *as_of, projections::CellPage{*limit, *before}));
}

Response Router::GetInformation(Call& call) const {
  auto query = QueryParams::Parse(call.query, {"cell", "from", "to", "limit", "before", "as_of"});
  if (!query) return std::move(query.error());
  auto cell = query->Id("cell");
  if (!cell) return std::move(cell.error());
  auto period = query->OptionalTimeRange();
  if (!period) return std::move(period.error());
  auto limit = query->Limit();
  if (!limit) return std::move(limit.error());
  auto before = query->Uint("before", 0, kUint64Max);
  if (!before) return std::move(before.error());
  auto as_of = query->AsOf();
  if (!as_of) return std::move(as_of.error());

  projections::InformationQuery information;
  information.cell = std::move(*cell);
  information.from_ns = period->from_ns;
  information.to_ns = period->to_ns;
  information.limit = *limit;
  information.before = *before;
  information.as_of = *as_of;
  return Answer(ledger_.Information(call.caller, information));
}

Response Router::GetSituations(Call& call) const {
  auto query = QueryParams::Parse(call.query, {"cell", "as_of"});
  if (!query) return std::move(query.error());
  auto cell = query->Id("cell");
  if (!cell) return std::move(cell.error());
  auto as_of = query->AsOf();
  if (!as_of) return std::move(as_of.error());
  return Answer(ledger_.Situations(call.caller, *cell, *as_of));
}

Response Router::GetSituation(Call& call) const {
  auto id = PathId(call, 0, "id");
  if (!id) return std::move(id.error());
  auto query = QueryParams::Parse(call.query, {"as_of", "purpose"});
  if (!query) return std::move(query.error());
  auto as_of = query->AsOf();
  if (!as_of) return std::move(as_of.error());
  auto purpose = query->Text("purpose", options_.purpose_bytes_max);
  if (!purpose) return std::move(purpose.error());
  return Answer(ledger_.Situation(call.caller, *id, *as_of, *purpose));
}

Response Router::GetDashboard(Call& call) const {
  auto query = QueryParams::Parse(call.query, {"from", "to", "granularity", "cell", "as_of"});
  if (!query) return std::move(query.error());
  auto from = query->Time("from");
  if (!from) return std::move(from.error());
  auto to = query->Time("to");
  if (!to) return std::move(to.error());
  if (!*from) return InvalidParameter("from", "parameter 'from' is required");
  if (!*to) return InvalidParameter("to", "parameter 'to' is required");
  if (**to <= **from) return InvalidParameter("to", "parameter 'to' must come after 'from'");
  auto granularity = query->OneOf("granularity", {"month", "quarter", "semester", "year"}, "month");
  if (!granularity) return std::move(granularity.error());
  auto cell = query->Id("cell");
  if (!cell) return std::move(cell.error());
  auto as_of = query->AsOf();
  if (!as_of) return std::move(as_of.error());

  projections::DashboardQuery dashboard;
  dashboard.from_ns = **from;
  dashboard.to_ns = **to;
  dashboard.granularity = std::move(*granularity);
  dashboard.cell = std::move(*cell);
  dashboard.as_of = *as_of;
  return Answer(ledger_.Dashboard(call.caller, dashboard));
}

Response Router::GetPlan(Call& call) const {
  auto query = QueryParams::Parse(call.query, {"as_of"});
  if (!query) return std::move(query.error());
  auto as_of = query->AsOf();
  if (!as_of) return std::move(as_of.error());
  return Answer(ledger_.Plan(call.caller, *as_of));
}

Response Router::GetEvaluation(Call& call) const {
  std::string_view year_text = call.params.at(0);
  int year = 0;
  bool four_digits = year_text.size() == 4 &&
                     std::all_of(year_text.begin(), year_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (four_digits) year = std::stoi(std::string(year_text));
  if (!four_digits || year < kEvaluationYearMin || year > kEvaluationYearMax) {
    return InvalidParameter("year", "path parameter 'year' must be a year from " +
                                        std::to_string(kEvaluationYearMin) + " to " +
                                        std::to_string(kEvaluationYearMax));
  }
  auto query = QueryParams::Parse(call.query, {"as_of", "format"});
  if (!query) return std::move(query.error());
  auto as_of = query->AsOf();
  if (!as_of) return std::move(as_of.error());
  auto format = query->OneOf("format", {"json", "html"}, "json");
  if (!format) return std::move(format.error());
  if (*format == "json") return Answer(ledger_.Evaluation(call.caller, year, *as_of));

  auto html = ledger_.EvaluationHtml(call.caller, year, *as_of);
  if (!html) return ProblemFromStatus(html.error());
  Response response = TextResponse("text/html; charset=utf-8", std::move(*html));
  // The report is self-contained: inline styles and SVG, no script, nothing fetched.
  response.SetHeader("Content-Security-Policy",
                     "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  return response;
}

}  // namespace vigie::server
