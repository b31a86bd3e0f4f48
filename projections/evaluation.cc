#include "projections/evaluation.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include <boost/json.hpp>

#include "projections/access.h"
#include "projections/dashboard.h"
#include "projections/fact_index.h"
#include "projections/period.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;

// A quotable entry, rendered only once selected: a year may hold far more
// analyses and decisions than the balance quotes.
struct QualitativeEntry {
  std::int64_t occurred_at_ns = 0;
  std::uint64_t position = 0;
  std::variant<const Meeting*, const Analysis*, const Decision*> source;
  std::string_view cell_id;  // the cell it is quoted under
};

struct Withheld {
  std::int64_t minutes = 0;
  std::int64_t analyses = 0;
  std::int64_t decisions = 0;
};

bool ConfidentialCell(const State& s, const std::string& cell_id) {
  auto it = s.cells.find(cell_id);
  return it != s.cells.end() && it->second.confidential;
}

std::string CellName(const State& s, std::string_view cell_id) {
  auto it = s.cells.find(std::string(cell_id));
  return it == s.cells.end() ? std::string(cell_id) : it->second.name;
}

void CollectMinute(const State& s, const Period& year, const Meeting& m,
                   std::vector<QualitativeEntry>& out, Withheld& withheld) {
  if (!m.held || !year.Contains(m.held->stamp.occurred_at_ns) || m.held->minutes.empty()) return;
  if (ConfidentialCell(s, m.cell_id)) {
    ++withheld.minutes;
    return;
  }
  out.push_back({m.held->stamp.occurred_at_ns, m.held->stamp.position, &m, m.cell_id});
}

void CollectAnalysis(const State& s, const Period& year, const Analysis& a,
                     std::vector<QualitativeEntry>& out, Withheld& withheld) {
  if (!year.Contains(a.recorded.occurred_at_ns)) return;
  std::string_view cell_id;
  bool quotable = !a.info_ids.empty();
  for (const std::string& info_id : a.info_ids) {
    auto item = s.information.find(info_id);
    if (item == s.information.end() || (item->second.sensitivity != "public" &&
                                        item->second.sensitivity != "restricted")) {
      quotable = false;
      break;
    }
    if (!item->second.situation_id.empty() || ConfidentialCell(s, item->second.cell_id)) {
      quotable = false;
      break;
    }
    if (cell_id.empty()) cell_id = item->second.cell_id;
  }
  if (!quotable) {
    ++withheld.analyses;
    return;
  }
  out.push_back({a.recorded.occurred_at_ns, a.recorded.position, &a, cell_id});
}

void CollectDecision(const State& s, const Period& year, const Decision& d,
                     std::vector<QualitativeEntry>& out, Withheld& withheld) {
  if (!year.Contains(d.recorded.occurred_at_ns)) return;
  // A cell decision about a person may name them in its text: withheld.
  if (ConfidentialCell(s, d.cell_id) || (!d.situation_id.empty() && !d.situation_decision)) {
    ++withheld.decisions;
    return;
  }
  out.push_back({d.recorded.occurred_at_ns, d.recorded.position, &d, d.cell_id});
}

std::string_view KindOf(const QualitativeEntry& e) {
  if (std::holds_alternative<const Meeting*>(e.source)) return "minutes";
  if (std::holds_alternative<const Analysis*>(e.source)) return "analysis";
  return "decision";
}

json::object Render(const State& s, const QualitativeEntry& e, std::int64_t names_at) {
  json::object o;
  o["kind"] = KindOf(e);
  o["cell_id"] = e.cell_id;
  o["cell_name"] = CellName(s, e.cell_id);
  o["occurred_at"] = TimeJson(e.occurred_at_ns);
  o["qualitative_material"] = true;
  if (const Meeting* const* m = std::get_if<const Meeting*>(&e.source)) {
    o["meeting_id"] = (*m)->id;
    o["emergency"] = (*m)->emergency;
    o["text"] = (*m)->held->minutes;
  } else if (const Analysis* const* a = std::get_if<const Analysis*>(&e.source)) {
    o["analysis_id"] = (*a)->id;
    o["information_items"] = (*a)->info_ids.size();
    o["text"] = (*a)->conclusion;
    o["recommended_action"] = (*a)->recommended_action;
  } else {
    const Decision& d = *std::get<const Decision*>(e.source);
    o["owner"] = PartnerJson(s, d.owner_partner, names_at);
    o["due"] = TimeJson(d.due_ns);
    o["completed"] = d.completed.has_value();
    if (d.situation_id.empty()) {
      o["decision_id"] = d.id;
      o["situation_related"] = false;
      o["text"] = d.text;
    } else {
      // A measure from the closed list; the situation's id stays in its file.
      o["situation_related"] = true;
      o["measure"] = CodeJson(s, "measures", d.measure, names_at);
      o["text"] = nullptr;
    }
  }
  return o;
}

json::object TerritoryJson(const State& s, const Period& year) {
  const Territory& ty = s.territory;
  json::object o;
  o["name"] = ty.name;
  o["kind"] = ty.kind;
  json::array communes;
  for (const std::string& c : ty.communes) communes.push_back(json::value(c));
  o["communes"] = std::move(communes);
  json::array neighbourhoods;
  for (const std::string& n : ty.neighbourhoods) neighbourhoods.push_back(json::value(n));
  o["neighbourhoods"] = std::move(neighbourhoods);
  const PopulationFigure* figure = ty.populations.empty() ? nullptr : &ty.populations.front();
  for (const PopulationFigure& f : ty.populations) {
    if (f.valid_from_ns < year.end_ns) figure = &f;
  }
  o["population"] = figure ? json::value(figure->population) : json::value(nullptr);
  o["population_year"] = figure ? json::value(figure->year) : json::value(nullptr);
  return o;
}

json::array IndicatorsJson(const State& s) {
  json::array out;
  for (const auto& [id, i] : s.indicators) {
    json::object o;
    o["indicator_id"] = i.id;
    o["name"] = i.name;
    o["kind"] = i.kind;
    o["unit"] = i.unit;
    o["category"] = i.category;
    o["source_partner"] = i.source_partner;
    o["per_thousand"] = i.per_thousand;
    o["target"] = i.target ? json::value(*i.target) : json::value(nullptr);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

Result<json::value> EvaluationBody(const State& shown, int year, const std::string& checkpoint,
                                   const FactIndex* facts) {
  if (facts && facts->size() < shown.size) facts = nullptr;
  if (year < kMinEvaluationYear || year > kMaxEvaluationYear) {
    return Fail(InvalidArgument("year must be between " + std::to_string(kMinEvaluationYear) +
                                " and " + std::to_string(kMaxEvaluationYear)));
  }
  const Period period = ParisYear(year);
  // The name a partner bore during the year: the one of its last day.
  const std::int64_t names_at = period.end_ns - 1;

  json::object statistics;
  const std::vector<Granularity> granularities{Granularity::kMonth, Granularity::kYear};
  Result<std::vector<json::value>> dashboards =
      DashboardBodies(shown, period.start_ns, period.end_ns, granularities, std::nullopt, facts);
  if (!dashboards) return Fail(dashboards.error());
  for (std::size_t k = 0; k < granularities.size(); ++k) {
    statistics[GranularityName(granularities[k])] = std::move((*dashboards)[k]);
  }

  std::vector<QualitativeEntry> entries;
  Withheld withheld;
  json::object omitted{{"minutes", 0}, {"analyses", 0}, {"decisions", 0}};
  if (facts) {
    // The index sorts the year's entries and names the earliest quotable
    // ones: only those are looked up in the state, and collected by the
    // same rule as below (they are all quotable).
    const FactIndex::QualitativeSelection selection =
        facts->Qualitative(shown.size, period, kMaxQualitativePerKind);
    Withheld none;
    auto pick = [&](const auto& map, const FactIndex::QualitativeKind& kind, auto collect) {
      for (std::string_view id : kind.earliest) {
        auto it = map.find(id);
        if (it != map.end()) collect(shown, period, it->second, entries, none);
      }
    };
    pick(shown.meetings, selection.minutes, CollectMinute);
    pick(shown.analyses, selection.analyses, CollectAnalysis);
    pick(shown.decisions, selection.decisions, CollectDecision);
    withheld = {selection.minutes.withheld, selection.analyses.withheld, selection.decisions.withheld};
    auto beyond = [](const FactIndex::QualitativeKind& kind) {
      return kind.quotable - static_cast<std::int64_t>(kind.earliest.size());
    };
    omitted = {{"minutes", beyond(selection.minutes)},
               {"analyses", beyond(selection.analyses)},
               {"decisions", beyond(selection.decisions)}};
  } else {
    for (const auto& [id, m] : shown.meetings) CollectMinute(shown, period, m, entries, withheld);
    for (const auto& [id, a] : shown.analyses) CollectAnalysis(shown, period, a, entries, withheld);
    for (const auto& [id, d] : shown.decisions) CollectDecision(shown, period, d, entries, withheld);
  }
  std::sort(entries.begin(), entries.end(), [](const QualitativeEntry& a, const QualitativeEntry& b) {
    return std::tie(a.occurred_at_ns, a.position) < std::tie(b.occurred_at_ns, b.position);
  });
  json::array qualitative;
  std::map<std::string_view, std::size_t> kept;
  for (const QualitativeEntry& e : entries) {
    const std::string_view kind = KindOf(e);
    if (++kept[kind] > kMaxQualitativePerKind) {
      const char* key = kind == "minutes" ? "minutes" : kind == "analysis" ? "analyses" : "decisions";
      omitted[key] = omitted[key].to_number<std::int64_t>() + 1;
      continue;
    }
    qualitative.push_back(Render(shown, e, names_at));
  }
  json::object withheld_json;
  withheld_json["minutes"] = withheld.minutes;
  withheld_json["analyses"] = withheld.analyses;
  withheld_json["decisions"] = withheld.decisions;

  json::array priorities;
  for (const auto& [id, p] : shown.priorities) {
    json::object o;
    o["priority_id"] = p.id;
    o["number"] = p.number;
    o["title"] = p.title;
    priorities.push_back(std::move(o));
  }

  json::array commitments;
  json::object by_partner;
  for (const auto& [id, c] : shown.commitments) {
    if (c.recorded.occurred_at_ns >= period.end_ns) continue;
    const CommitmentEvaluation* e = c.EvaluationOf(year);
    json::object o;
    o["commitment_id"] = c.id;
    o["priority"] = c.priority_id;
    o["partner_id"] = c.partner_id;
    o["partner_name"] = PartnerName(shown, c.partner_id, names_at);
    o["text"] = c.text;
    o["target"] = c.target ? json::value(*c.target) : json::value(nullptr);
    o["status"] = e ? json::value(e->status) : json::value(nullptr);
    o["comment"] = e ? json::value(e->comment) : json::value(nullptr);
    commitments.push_back(std::move(o));

    json::value& counts = by_partner[c.partner_id];
    if (!counts.is_object()) {
      counts = json::object{{"met", 0}, {"partially_met", 0}, {"not_met", 0}, {"dropped", 0}};
    }
    if (e) {
      if (json::value* n = counts.get_object().if_contains(e->status)) {
        *n = n->to_number<std::int64_t>() + 1;
      }
    }
  }

  json::object body;
  body["year"] = year;
  body["as_of_position"] = shown.size;
  body["territory"] = TerritoryJson(shown, period);
  body["statistics"] = std::move(statistics);
  body["indicators"] = IndicatorsJson(shown);
  body["qualitative"] = std::move(qualitative);
  body["qualitative_withheld"] = std::move(withheld_json);
  body["qualitative_omitted"] = std::move(omitted);
  body["priorities"] = std::move(priorities);
  body["commitments"] = std::move(commitments);
  body["by_partner"] = std::move(by_partner);
  body["checkpoint"] = checkpoint;
  return json::value(std::move(body));
}

Status CheckEvaluationRead(const Caller& caller) {
  if (CanReadEvaluation(caller)) return Status::Ok();
  return PermissionDenied("the evaluation is read by the evaluation committee, the referent, chairs and auditors");
}

Result<json::value> EvaluationView(const ViewScope& scope, const Caller& caller, int year,
                                   const std::string& checkpoint) {
  if (Status allowed = CheckEvaluationRead(caller); !allowed.ok()) return Fail(std::move(allowed));
  Result<json::value> body = EvaluationBody(scope.shown, year, checkpoint, scope.facts);
  if (body) body->as_object()["as_of"] = TimeJson(scope.shown_time_ns);
  return body;
}

}  // namespace vigie::projections
