#include "projections/plan_view.h"

#include <algorithm>
#include <vector>

#include <boost/json.hpp>

#include "projections/access.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;

json::object CommitmentJson(const ViewScope& v, const Commitment& c) {
  json::object o;
  o["commitment_id"] = c.id;
  o["priority_id"] = c.priority_id;
  o["partner"] = PartnerJson(v.shown, c.partner_id, v.shown_time_ns);
  o["text"] = c.text;
  o["indicator_id"] = c.indicator_id.empty() ? json::value(nullptr) : json::value(c.indicator_id);
  o["target"] = c.target ? json::value(*c.target) : json::value(nullptr);
  o["due"] = TimeJson(c.due_ns);
  // When it was made (like adopted_at and evaluated_at), and when the log
  // recorded it (SPEC §5's server clock).
  o["made_at"] = TimeJson(c.recorded.occurred_at_ns);
  o["recorded_at"] = TimeJson(c.recorded.recorded_at_ns);
  json::array evaluations;
  for (const CommitmentEvaluation& e : c.evaluations) {
    json::object eval;
    eval["year"] = e.year;
    eval["status"] = e.status;
    eval["comment"] = e.comment;
    eval["evaluated_at"] = TimeJson(e.stamp.occurred_at_ns);
    evaluations.push_back(std::move(eval));
  }
  o["evaluations"] = std::move(evaluations);
  return o;
}

}  // namespace

Result<json::value> PlanView(const ViewScope& v, const Caller& caller) {
  if (!CanReadAggregates(caller)) return Fail(PermissionDenied("no role may read the plan"));
  const State& s = v.shown;
  std::vector<const Priority*> priorities;
  for (const auto& [id, p] : s.priorities) priorities.push_back(&p);
  std::stable_sort(priorities.begin(), priorities.end(),
                   [](const Priority* a, const Priority* b) { return a->number < b->number; });
  json::array out;
  for (const Priority* p : priorities) {
    json::object o;
    o["priority_id"] = p->id;
    o["number"] = p->number;
    o["title"] = p->title;
    o["adopted_at"] = TimeJson(p->adopted.occurred_at_ns);
    json::array commitments;
    for (const auto& [id, c] : s.commitments) {
      if (c.priority_id == p->id) commitments.push_back(CommitmentJson(v, c));
    }
    o["commitments"] = std::move(commitments);
    out.push_back(std::move(o));
  }
  // A commitment whose priority is not (yet) known as of this state.
  json::array unassigned;
  for (const auto& [id, c] : s.commitments) {
    if (!s.priorities.contains(c.priority_id)) unassigned.push_back(CommitmentJson(v, c));
  }
  std::vector<const Amendment*> amendments;
  for (const auto& [id, a] : s.amendments) amendments.push_back(&a);
  std::sort(amendments.begin(), amendments.end(), [](const Amendment* a, const Amendment* b) {
    return a->adopted.position < b->adopted.position;
  });
  json::array avenants;
  for (const Amendment* a : amendments) {
    json::object o;
    o["amendment_id"] = a->id;
    o["meeting_id"] = a->meeting_id;
    o["summary"] = a->summary;
    o["adopted_at"] = TimeJson(a->adopted.occurred_at_ns);
    avenants.push_back(std::move(o));
  }
  json::object body;
  body["as_of_position"] = s.size;
  body["priorities"] = std::move(out);
  body["unassigned_commitments"] = std::move(unassigned);
  body["amendments"] = std::move(avenants);
  return json::value(std::move(body));
}

}  // namespace vigie::projections
