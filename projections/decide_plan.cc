// Rules for the action plan and the indicators: chairs adopt priorities,
// commitments and avenants (at a steering committee meeting), the
// evaluation committee evaluates, the administrator defines indicators and
// their source organisations record the values.
#include "projections/decide_context.h"
#include "projections/period.h"
#include "projections/rfc3339.h"
#include "projections/streams.h"

namespace vigie::projections::decide_internal {

Status On(Context& c, const AdoptPriority& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"chair"}, "adopt priorities"));
  if (c.state().priorities.contains(cmd.priority_id)) {
    return AlreadyExists("priority " + Quote(cmd.priority_id) + " already exists");
  }
  for (const auto& [id, priority] : c.state().priorities) {
    if (priority.number == cmd.number) {
      return AlreadyExists("priority number " + std::to_string(cmd.number) + " is already " + Quote(id));
    }
  }
  fbs::PriorityAdoptedT e;
  e.priority_id = cmd.priority_id;
  e.number = cmd.number;
  e.title = cmd.title;
  c.Emit(streams::Priority(cmd.priority_id), true, std::move(e));
  return Status::Ok();
}

// A partner commits to something under a priority; retired partners
// commit to nothing.
Status On(Context& c, const RecordCommitment& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"chair"}, "record commitments"));
  if (c.state().commitments.contains(cmd.commitment_id)) {
    return AlreadyExists("commitment " + Quote(cmd.commitment_id) + " already exists");
  }
  auto priority = c.state().priorities.find(cmd.priority_id);
  if (priority == c.state().priorities.end()) {
    return FailedPrecondition("field 'priority_id': priority " + Quote(cmd.priority_id) + " does not exist");
  }
  VIGIE_RETURN_IF_ERROR(c.ActivePartner(cmd.partner_id, "partner_id"));
  if (cmd.indicator_id && !c.state().indicators.contains(*cmd.indicator_id)) {
    return FailedPrecondition("field 'indicator_id': indicator " + Quote(*cmd.indicator_id) + " does not exist");
  }
  VIGIE_RETURN_IF_ERROR(c.NotBefore(priority->second.adopted.occurred_at_ns, "the priority's adoption"));
  if (cmd.due_ns < c.t()) return FailedPrecondition("field 'due': the due date precedes the commitment");
  fbs::CommitmentRecordedT e;
  e.commitment_id = cmd.commitment_id;
  e.priority_id = cmd.priority_id;
  e.partner_id = cmd.partner_id;
  e.text = cmd.text;
  e.indicator_id = cmd.indicator_id.value_or("");
  if (cmd.target) e.target = *cmd.target;
  e.due = cmd.due_ns;
  c.Emit(streams::Commitment(cmd.commitment_id), true, std::move(e));
  return Status::Ok();
}

// An avenant is adopted by the steering committee, at one of its meetings
// that took place, by one of its chairs (the CLS of Poitiers: "le Comité
// de pilotage ... arrête les avenants nécessaires").
Status On(Context& c, const AmendPlan& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"chair"}, "amend the plan"));
  if (c.state().amendments.contains(cmd.amendment_id)) {
    return AlreadyExists("amendment " + Quote(cmd.amendment_id) + " already exists");
  }
  auto meeting = c.state().meetings.find(cmd.meeting_id);
  if (meeting == c.state().meetings.end()) {
    return FailedPrecondition("field 'meeting_id': meeting " + Quote(cmd.meeting_id) + " does not exist");
  }
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(meeting->second.cell_id, &cell));
  if (cell->kind != "steering_committee") {
    return FailedPrecondition("an amendment is adopted at a steering committee meeting; meeting " +
                              Quote(cmd.meeting_id) + " is one of cell " + Quote(cell->id));
  }
  if (!cell->IsChair(c.partner())) {
    return PermissionDenied("only a chair of the steering committee " + Quote(cell->id) + " may amend the plan");
  }
  if (!meeting->second.held) {
    return FailedPrecondition("meeting " + Quote(cmd.meeting_id) + " has not been held yet");
  }
  VIGIE_RETURN_IF_ERROR(c.NotBefore(meeting->second.held->stamp.occurred_at_ns, "the meeting"));
  fbs::PlanAmendedT e;
  e.amendment_id = cmd.amendment_id;
  e.meeting_id = cmd.meeting_id;
  e.summary = cmd.summary;
  c.Emit(streams::Amendment(cmd.amendment_id), true, std::move(e));
  return Status::Ok();
}

// A year is evaluated once it has begun, never before the commitment was
// made; years are the partnership's, Paris time (as the evaluation's). A
// later evaluation of the same year corrects the earlier one.
Status On(Context& c, const EvaluateCommitment& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"evaluator"}, "evaluate commitments"));
  const Commitment* commitment = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCommitment(cmd.commitment_id, &commitment));
  if (cmd.year > ParisDate(c.t()).year) {
    return FailedPrecondition("field 'year': " + std::to_string(cmd.year) + " has not begun");
  }
  if (cmd.year < ParisDate(commitment->recorded.occurred_at_ns).year) {
    return FailedPrecondition("field 'year': the commitment was made after " + std::to_string(cmd.year));
  }
  fbs::CommitmentEvaluatedT e;
  e.commitment_id = cmd.commitment_id;
  e.year = cmd.year;
  e.status = cmd.status;
  e.comment = cmd.comment;
  c.Emit(streams::Commitment(cmd.commitment_id), false, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const DefineIndicator& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "define indicators"));
  if (c.state().indicators.contains(cmd.indicator_id)) {
    return AlreadyExists("indicator " + Quote(cmd.indicator_id) + " already exists");
  }
  VIGIE_RETURN_IF_ERROR(c.ActivePartner(cmd.source_partner, "source_partner"));
  fbs::IndicatorDefinedT e;
  e.indicator_id = cmd.indicator_id;
  e.name = cmd.name;
  e.kind = cmd.kind;
  e.unit = cmd.unit;
  e.source_partner = cmd.source_partner;
  e.category = cmd.category;
  e.per_thousand = cmd.per_thousand;
  if (cmd.target) e.target = *cmd.target;
  c.Emit(streams::Indicator(cmd.indicator_id), true, std::move(e));
  return Status::Ok();
}

// Values come from the indicator's source organisation (or the referent
// and administrator who collect them). A value for a period already
// recorded replaces it; a period must have begun.
Status On(Context& c, const RecordIndicatorValue& cmd) {
  const Indicator* indicator = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindIndicator(cmd.indicator_id, &indicator));
  if (c.Has("admin") || c.IsReferent()) {
    VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent", "admin"}, "record indicator values"));
  } else if ((c.Has("member") || c.Has("chair")) && c.partner() == indicator->source_partner) {
    c.UseRole(c.Has("member") ? "member" : "chair");
  } else {
    return PermissionDenied("only the source organisation of indicator " + Quote(cmd.indicator_id) +
                            ", the referent or the administrator may record its values");
  }
  if (cmd.period_start_ns > c.t()) {
    return FailedPrecondition("field 'period_start': the period has not begun");
  }
  fbs::IndicatorValueRecordedT e;
  e.indicator_id = cmd.indicator_id;
  e.period_start = cmd.period_start_ns;
  e.period_end = cmd.period_end_ns;
  e.value = cmd.value;
  c.Emit(streams::Indicator(cmd.indicator_id), false, std::move(e));
  return Status::Ok();
}

}  // namespace vigie::projections::decide_internal
