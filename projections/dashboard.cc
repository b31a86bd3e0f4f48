#include "projections/dashboard.h"

#include <algorithm>
#include <limits>
#include <string_view>
#include <unordered_map>

#include <boost/json.hpp>

#include "projections/access.h"
#include "projections/fact_index.h"
#include "projections/period_index.h"
#include "projections/statistics.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;

constexpr double kNsPerDay = 86'400.0 * 1e9;

bool InCell(const std::optional<std::string>& cell, const std::string& cell_id) {
  return !cell || *cell == cell_id;
}

// Earliest occurred_at per id, filled in one pass over a collection so that
// no entity needs a lookup by string in an ordered map (the cost that
// dominates on large states).
using EarliestById = std::unordered_map<std::string_view, std::int64_t>;

void KeepEarliest(EarliestById& earliest, std::string_view id, std::int64_t t) {
  auto [it, inserted] = earliest.try_emplace(id, t);
  if (!inserted && t < it->second) it->second = t;
}

EarliestById FirstAnalysisByItem(const State& s) {
  EarliestById first;
  first.reserve(s.analyses.size());
  for (const auto& [id, analysis] : s.analyses) {
    for (const std::string& info_id : analysis.info_ids) {
      KeepEarliest(first, info_id, analysis.recorded.occurred_at_ns);
    }
  }
  return first;
}

EarliestById FirstDecisionBySituation(const State& s) {
  EarliestById first;
  for (const auto& [id, decision] : s.decisions) {
    if (!decision.situation_id.empty()) {
      KeepEarliest(first, decision.situation_id, decision.recorded.occurred_at_ns);
    }
  }
  return first;
}

// Counts the items, and notes for each situation its earliest item shared
// at or before its first decision.
void CountInformation(const State& s, const PeriodIndex& index,
                      const std::optional<std::string>& cell, const EarliestById& first_decision,
                      std::vector<DerivedIndicators>& out, EarliestById& first_item) {
  const std::size_t none = index.size();
  const EarliestById first_analysis = FirstAnalysisByItem(s);
  for (const auto& [id, item] : s.information) {
    const std::int64_t t = item.shared.occurred_at_ns;
    if (!item.situation_id.empty()) {
      auto decided = first_decision.find(item.situation_id);
      if (decided != first_decision.end() && t <= decided->second) {
        KeepEarliest(first_item, item.situation_id, t);
      }
    }
    if (!InCell(cell, item.cell_id)) continue;
    if (std::size_t p = index.Find(t); p != none) ++out[p].information_shared;
    if (auto a = first_analysis.find(id); a != first_analysis.end()) {
      if (std::size_t p = index.Find(a->second); p != none) ++out[p].information_analysed;
    }
  }
}

void CountControls(const State& s, const PeriodIndex& index, const std::optional<std::string>& cell,
                   std::vector<DerivedIndicators>& out) {
  const std::size_t none = index.size();
  for (const auto& [id, control] : s.controls) {
    if (!InCell(cell, control.cell_id)) continue;
    if (std::size_t p = index.Find(control.planned.occurred_at_ns); p != none) {
      ++out[p].controls_planned;
    }
    if (control.outcome) {
      if (std::size_t p = index.Find(control.outcome->stamp.occurred_at_ns); p != none) {
        DerivedIndicators& d = out[p];
        ++d.controls_executed;
        d.persons_controlled += control.outcome->persons_controlled;
        d.offences_found += control.outcome->offences_found;
        d.seizures += control.outcome->seizures;
        d.administrative_closures += control.outcome->administrative_closures;
        d.fines += control.outcome->fines;
      }
    }
    if (control.cancelled) {
      if (std::size_t p = index.Find(control.cancelled->stamp.occurred_at_ns); p != none) {
        ++out[p].controls_cancelled;
      }
    }
  }
}

void CountSituations(const State& s, const PeriodIndex& index,
                     const std::optional<std::string>& cell, const EarliestById& first_decision,
                     const EarliestById& first_item, std::vector<DerivedIndicators>& out,
                     std::vector<std::vector<double>>& days_to_first_decision) {
  const std::size_t none = index.size();
  RangeCounter active(index.size());
  for (const auto& [id, situation] : s.situations) {
    if (!InCell(cell, situation.cell_id)) continue;
    const std::int64_t opened = situation.opened.occurred_at_ns;
    if (std::size_t p = index.Find(opened); p != none) ++out[p].situations_opened;
    std::size_t active_until = index.size();
    if (situation.closed) {
      const std::int64_t closed = situation.closed->stamp.occurred_at_ns;
      if (std::size_t p = index.Find(closed); p != none) ++out[p].situations_closed;
      active_until = index.FirstEndingAfter(closed);
    }
    active.Add(index.FirstEndingAfter(opened), active_until);

    auto decided = first_decision.find(id);
    if (decided == first_decision.end()) continue;
    const std::size_t p = index.Find(decided->second);
    if (p == none) continue;
    auto item = first_item.find(id);
    const std::int64_t from = item == first_item.end() ? opened : item->second;
    days_to_first_decision[p].push_back(static_cast<double>(decided->second - from) / kNsPerDay);
  }
  const std::vector<std::int64_t> totals = active.Totals();
  for (std::size_t p = 0; p < totals.size(); ++p) out[p].situations_active = totals[p];
}

void CountDecisions(const State& s, const PeriodIndex& index, const std::optional<std::string>& cell,
                    std::vector<DerivedIndicators>& out) {
  const std::size_t none = index.size();
  RangeCounter overdue(index.size());
  for (const auto& [id, decision] : s.decisions) {
    if (!InCell(cell, decision.cell_id)) continue;
    const std::int64_t recorded = decision.recorded.occurred_at_ns;
    if (std::size_t p = index.Find(recorded); p != none) ++out[p].decisions_recorded;
    std::size_t overdue_until = index.size();
    if (decision.completed) {
      const std::int64_t completed = decision.completed->stamp.occurred_at_ns;
      if (std::size_t p = index.Find(completed); p != none) ++out[p].decisions_completed;
      overdue_until = index.FirstEndingAfter(completed);
    }
    overdue.Add(index.FirstEndingAfter(std::max(recorded, decision.due_ns)), overdue_until);
  }
  const std::vector<std::int64_t> totals = overdue.Totals();
  for (std::size_t p = 0; p < totals.size(); ++p) out[p].decisions_overdue = totals[p];
}

void CountMeetings(const State& s, const PeriodIndex& index, const std::optional<std::string>& cell,
                   std::vector<DerivedIndicators>& out,
                   std::vector<std::vector<double>>& attendance) {
  const std::size_t none = index.size();
  for (const auto& [id, meeting] : s.meetings) {
    if (!meeting.held || !InCell(cell, meeting.cell_id)) continue;
    const std::int64_t held_at = meeting.held->stamp.occurred_at_ns;
    const std::size_t p = index.Find(held_at);
    if (p == none) continue;
    ++out[p].meetings_held;
    if (meeting.emergency) ++out[p].emergency_meetings_held;
    auto c = s.cells.find(meeting.cell_id);
    if (c == s.cells.end()) continue;
    const std::set<std::string> members = c->second.MembersAt(held_at);
    if (members.empty()) continue;
    const std::set<std::string> present(meeting.held->attendees.begin(),
                                        meeting.held->attendees.end());
    const auto attending = std::count_if(present.begin(), present.end(),
                                         [&](const std::string& a) { return members.contains(a); });
    attendance[p].push_back(static_cast<double>(attending) / static_cast<double>(members.size()));
  }
}

// Among the commitments made before the year's end (those the evaluation
// of the year lists), the share of those evaluated for it that were met.
std::optional<double> MetShare(const State& s, int year) {
  std::int64_t evaluated = 0;
  std::int64_t met = 0;
  const std::int64_t year_end = ParisYear(year).end_ns;
  for (const auto& [id, commitment] : s.commitments) {
    if (commitment.recorded.occurred_at_ns >= year_end) continue;
    const CommitmentEvaluation* e = commitment.EvaluationOf(year);
    if (!e) continue;
    ++evaluated;
    if (e->status == "met") ++met;
  }
  return Ratio(static_cast<double>(met), static_cast<double>(evaluated));
}

json::value Optional(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

std::vector<DerivedIndicators> ComputeDerived(const State& state,
                                              const std::vector<Period>& periods,
                                              const std::optional<std::string>& cell) {
  std::vector<DerivedIndicators> out(periods.size());
  const PeriodIndex index(periods);
  std::vector<std::vector<double>> days(periods.size());
  std::vector<std::vector<double>> attendance(periods.size());
  const EarliestById first_decision = FirstDecisionBySituation(state);
  EarliestById first_item;
  CountInformation(state, index, cell, first_decision, out, first_item);
  CountControls(state, index, cell, out);
  CountSituations(state, index, cell, first_decision, first_item, out, days);
  CountDecisions(state, index, cell, out);
  CountMeetings(state, index, cell, out, attendance);
  std::map<int, std::optional<double>> share_by_year;
  for (std::size_t p = 0; p < periods.size(); ++p) {
    out[p].median_days_to_first_decision = Median(std::move(days[p]));
    out[p].attendance_rate = Mean(attendance[p]);
    const int year = ParisDate(periods[p].start_ns).year;
    auto it = share_by_year.find(year);
    if (it == share_by_year.end()) it = share_by_year.emplace(year, MetShare(state, year)).first;
    out[p].commitments_met_share = it->second;
  }
  return out;
}

std::map<std::string, RecordedValue> ComputeRecorded(const State& state, const Period& period) {
  std::map<std::string, RecordedValue> out;
  const std::uint64_t population = state.territory.PopulationAt(period.end_ns - 1);
  for (const auto& [id, indicator] : state.indicators) {
    bool any = false;
    double sum = 0;
    for (const IndicatorValue& v : indicator.values) {
      if (v.period_start_ns >= period.start_ns && v.period_end_ns <= period.end_ns &&
          v.period_start_ns < v.period_end_ns) {
        any = true;
        sum += v.value;
      }
    }
    if (!any) continue;
    RecordedValue r{sum, std::nullopt};
    if (indicator.per_thousand && population > 0) {
      r.per_thousand = sum * 1000.0 / static_cast<double>(population);
    }
    out.emplace(id, r);
  }
  return out;
}

json::object DerivedJson(const DerivedIndicators& d) {
  json::object o;
  o["information_shared"] = d.information_shared;
  o["information_analysed"] = d.information_analysed;
  o["controls_planned"] = d.controls_planned;
  o["controls_executed"] = d.controls_executed;
  o["controls_cancelled"] = d.controls_cancelled;
  o["persons_controlled"] = d.persons_controlled;
  o["offences_found"] = d.offences_found;
  o["seizures"] = d.seizures;
  o["administrative_closures"] = d.administrative_closures;
  o["fines"] = d.fines;
  o["situations_opened"] = d.situations_opened;
  o["situations_closed"] = d.situations_closed;
  o["situations_active"] = d.situations_active;
  o["decisions_recorded"] = d.decisions_recorded;
  o["decisions_completed"] = d.decisions_completed;
  o["decisions_overdue"] = d.decisions_overdue;
  o["meetings_held"] = d.meetings_held;
  o["emergency_meetings_held"] = d.emergency_meetings_held;
  o["attendance_rate"] = Optional(d.attendance_rate);
  o["median_days_to_first_decision"] = Optional(d.median_days_to_first_decision);
  o["commitments_met_share"] = Optional(d.commitments_met_share);
  return o;
}

namespace {

json::value DashboardJson(const State& shown, std::int64_t from_ns, std::int64_t to_ns,
                          Granularity granularity, const std::optional<std::string>& cell,
                          const std::vector<Period>& periods, const std::vector<DerivedIndicators>& derived) {
  json::array rows;
  rows.reserve(periods.size());
  for (std::size_t p = 0; p < periods.size(); ++p) {
    const Period& period = periods[p];
    json::object recorded;
    for (const auto& [id, value] : ComputeRecorded(shown, period)) {
      json::object v;
      v["value"] = value.value;
      if (value.per_thousand) v["per_thousand"] = *value.per_thousand;
      recorded[id] = std::move(v);
    }
    json::object row;
    row["start"] = FormatParisTime(period.start_ns);
    row["end"] = FormatParisTime(period.end_ns);
    row["derived"] = DerivedJson(derived[p]);
    row["recorded"] = std::move(recorded);
    rows.push_back(std::move(row));
  }
  json::object body;
  body["from"] = FormatParisTime(from_ns);
  body["to"] = FormatParisTime(to_ns);
  body["granularity"] = GranularityName(granularity);
  if (cell) body["cell"] = *cell;
  body["as_of_position"] = shown.size;
  body["periods"] = std::move(rows);
  return json::value(std::move(body));
}

}  // namespace

Result<std::vector<json::value>> DashboardBodies(const State& shown, std::int64_t from_ns, std::int64_t to_ns,
                                                 const std::vector<Granularity>& granularities,
                                                 const std::optional<std::string>& cell, const FactIndex* facts) {
  std::vector<std::vector<Period>> splits;
  for (const Granularity g : granularities) {
    Result<std::vector<Period>> periods = SplitPeriods(from_ns, to_ns, g);
    if (!periods) return Fail(periods.error());
    splits.push_back(std::move(*periods));
  }
  std::vector<std::vector<DerivedIndicators>> derived;
  if (facts && facts->size() >= shown.size) {
    std::vector<const std::vector<Period>*> lists;
    for (const std::vector<Period>& periods : splits) lists.push_back(&periods);
    derived = facts->ComputeDerived(shown.size, lists, cell);
  } else {
    for (const std::vector<Period>& periods : splits) derived.push_back(ComputeDerived(shown, periods, cell));
  }
  std::vector<json::value> bodies;
  for (std::size_t k = 0; k < splits.size(); ++k) {
    bodies.push_back(DashboardJson(shown, from_ns, to_ns, granularities[k], cell, splits[k], derived[k]));
  }
  return bodies;
}

Result<json::value> DashboardBody(const State& shown, std::int64_t from_ns, std::int64_t to_ns,
                                  Granularity granularity,
                                  const std::optional<std::string>& cell, const FactIndex* facts) {
  Result<std::vector<json::value>> bodies = DashboardBodies(shown, from_ns, to_ns, {granularity}, cell, facts);
  if (!bodies) return Fail(bodies.error());
  return std::move(bodies->front());
}

Result<json::value> DashboardView(const State& now, const State& shown, const Caller& caller,
                                  const DashboardQuery& query, const FactIndex* facts) {
  if (!CanReadAggregates(caller)) return Fail(PermissionDenied("no role may read dashboards"));
  Result<Granularity> granularity = ParseGranularity(query.granularity);
  if (!granularity) return Fail(granularity.error());
  if (query.cell) {
    // Counts of a cell are aggregates, but a cell's very existence is
    // shown only to those who may see it, or whose office is to oversee.
    const bool overseer = caller.Has("evaluator") || caller.Has("auditor") ||
                          caller.Has("admin") || IsReferent(caller);
    const bool exists = now.cells.contains(*query.cell);
    if (!exists || (!overseer && !CanSeeCell(now, caller, *query.cell))) {
      return Fail(NotFound("cell not found"));
    }
  }
  return DashboardBody(shown, query.from_ns, query.to_ns, *granularity, query.cell, facts);
}

}  // namespace vigie::projections
