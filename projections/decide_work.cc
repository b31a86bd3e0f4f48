// Rules for the cells' daily work: meetings, decisions, information items,
// analyses and coordinated controls (SPEC §2, circulaire du 30 juillet 2012
// in seeds/).
#include <set>

#include "projections/decide_context.h"
#include "projections/streams.h"

namespace vigie::projections::decide_internal {
namespace {

// Chairs act for the cells their organisation chairs.
Status ChairOf(Context& c, const Cell& cell, std::string_view what) {
  if (c.Has("chair") && cell.IsChair(c.partner())) {
    c.UseRole("chair");
    return Status::Ok();
  }
  return PermissionDenied("only a chair of cell " + Quote(cell.id) + " may " + std::string(what));
}

// Chairs of the cell, or the referents who prepare its meetings.
Status ChairOrReferent(Context& c, const Cell& cell, std::string_view what) {
  if (c.Has("chair") && cell.IsChair(c.partner())) {
    c.UseRole("chair");
    return Status::Ok();
  }
  if (c.IsReferent()) return c.Role({"referent", "deputy_referent"}, what);
  return PermissionDenied("only a chair of cell " + Quote(cell.id) + " or the referent may " +
                          std::string(what));
}

}  // namespace

// Ordinary meetings are convened ahead of time; an emergency meeting (the
// steering committee "en cas de crise") may be convened for any moment,
// even one already past when it is recorded.
Status On(Context& c, const ScheduleMeeting& cmd) {
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(cmd.cell_id, &cell));
  VIGIE_RETURN_IF_ERROR(ChairOrReferent(c, *cell, "convene its meetings"));
  if (c.state().meetings.contains(cmd.meeting_id)) {
    return AlreadyExists("meeting " + Quote(cmd.meeting_id) + " already exists");
  }
  VIGIE_RETURN_IF_ERROR(c.NotBefore(cell->created.occurred_at_ns, "the cell's creation"));
  if (!cmd.emergency && cmd.scheduled_for_ns < c.t()) {
    return FailedPrecondition("an ordinary meeting is convened ahead of time: scheduled_for precedes "
                              "occurred_at (set emergency for a meeting convened at once)");
  }
  fbs::MeetingScheduledT e;
  e.meeting_id = cmd.meeting_id;
  e.cell_id = cmd.cell_id;
  e.scheduled_for = cmd.scheduled_for_ns;
  e.emergency = cmd.emergency;
  e.agenda = cmd.agenda;
  c.Emit(streams::Meeting(cmd.meeting_id), true, std::move(e));
  return Status::Ok();
}

// occurred_at is when the meeting was held. Attendees are the partner
// organisations present, members or chairs of the cell on that day.
Status On(Context& c, const RecordMeeting& cmd) {
  const Meeting* meeting = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindMeeting(cmd.meeting_id, &meeting));
  const Cell* cell_of_meeting = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(meeting->cell_id, &cell_of_meeting));
  const Cell& cell = *cell_of_meeting;
  VIGIE_RETURN_IF_ERROR(ChairOrReferent(c, cell, "record its meetings"));
  if (meeting->held) return FailedPrecondition("meeting " + Quote(cmd.meeting_id) + " is already recorded");
  VIGIE_RETURN_IF_ERROR(c.NotBefore(meeting->scheduled.occurred_at_ns, "the meeting being convened"));
  for (const std::string& partner : cmd.attendees) {
    if (!cell.WasMemberAt(partner, c.t()) && !cell.IsChair(partner)) {
      return FailedPrecondition("field 'attendees': partner " + Quote(partner) +
                                " is neither a member nor a chair of cell " + Quote(cell.id));
    }
  }
  fbs::MeetingRecordedT e;
  e.meeting_id = cmd.meeting_id;
  e.held_at = c.t();
  e.attendees = cmd.attendees;
  e.minutes = cmd.minutes;
  c.Emit(streams::Meeting(cmd.meeting_id), false, std::move(e));
  return Status::Ok();
}

// Recorded by a chair of the cell. A decision taken at a meeting needs that
// meeting to be the cell's and to have taken place; one about a situation
// needs the situation open, in the same cell, and visible to the chair.
Status On(Context& c, const RecordDecision& cmd) {
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(cmd.cell_id, &cell));
  VIGIE_RETURN_IF_ERROR(ChairOf(c, *cell, "record its decisions"));
  if (c.state().decisions.contains(cmd.decision_id)) {
    return AlreadyExists("decision " + Quote(cmd.decision_id) + " already exists");
  }
  if (cmd.meeting_id) {
    const Meeting* meeting = nullptr;
    VIGIE_RETURN_IF_ERROR(c.FindMeeting(*cmd.meeting_id, &meeting));
    if (meeting->cell_id != cmd.cell_id) {
      return FailedPrecondition("meeting " + Quote(*cmd.meeting_id) + " is not a meeting of cell " +
                                Quote(cmd.cell_id));
    }
    const std::int64_t held = meeting->held ? meeting->held->stamp.occurred_at_ns : meeting->scheduled_for_ns;
    VIGIE_RETURN_IF_ERROR(c.NotBefore(held, "the meeting it was taken at"));
  }
  if (cmd.situation_id) {
    const Situation* situation = nullptr;
    VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
    VIGIE_RETURN_IF_ERROR(c.OpenSituation(*cmd.situation_id, &situation));
    if (situation->cell_id != cmd.cell_id) {
      return FailedPrecondition("situation " + Quote(*cmd.situation_id) + " is followed by another cell");
    }
  }
  VIGIE_RETURN_IF_ERROR(c.ActivePartner(cmd.owner_partner, "owner_partner"));
  VIGIE_RETURN_IF_ERROR(c.Member(*cell, cmd.owner_partner, "owner_partner"));
  if (cmd.due_ns < c.t()) return FailedPrecondition("field 'due': the due date precedes the decision");
  fbs::DecisionRecordedT e;
  e.decision_id = cmd.decision_id;
  e.cell_id = cmd.cell_id;
  e.meeting_id = cmd.meeting_id.value_or("");
  e.situation_id = cmd.situation_id.value_or("");
  e.text = cmd.text;
  e.owner_partner = cmd.owner_partner;
  e.due = cmd.due_ns;
  c.Emit(streams::Decision(cmd.decision_id), true, std::move(e));
  return Status::Ok();
}

// Completed by its owner organisation, a chair of its cell or the
// referent; a situation's decision only by someone who may see it.
Status On(Context& c, const CompleteDecision& cmd) {
  auto it = c.state().decisions.find(cmd.decision_id);
  if (it == c.state().decisions.end()) return NotFound("decision " + Quote(cmd.decision_id) + " does not exist");
  const Decision& d = it->second;
  std::string stream = streams::Decision(d.id);
  if (!d.situation_id.empty()) {
    const Situation* situation = nullptr;
    VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
    VIGIE_RETURN_IF_ERROR(c.VisibleSituation(d.situation_id, &situation));
    if (d.situation_decision) stream = streams::Situation(d.situation_id);
  }
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(d.cell_id, &cell));
  if (c.IsReferent()) {
    VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent"}, "complete decisions"));
  } else if (c.Has("chair") && cell->IsChair(c.partner())) {
    c.UseRole("chair");
  } else if ((c.Has("member") || c.Has("chair")) && c.partner() == d.owner_partner) {
    c.UseRole(c.Has("member") ? "member" : "chair");
  } else {
    return PermissionDenied("only the owner organisation, a chair of the cell or the referent may "
                            "complete decision " + Quote(cmd.decision_id));
  }
  if (d.completed) return FailedPrecondition("decision " + Quote(cmd.decision_id) + " is already completed");
  VIGIE_RETURN_IF_ERROR(c.NotBefore(d.recorded.occurred_at_ns, "the decision"));
  VIGIE_RETURN_IF_ERROR(c.Code("decision_outcomes", cmd.outcome, "outcome"));
  fbs::DecisionCompletedT e;
  e.decision_id = cmd.decision_id;
  e.outcome = cmd.outcome;
  c.Emit(stream, false, std::move(e));
  return Status::Ok();
}

// Shared by a person for their own organisation, only with cells it
// belongs to. An item about a situation must be confidential (it is
// personal) and shared in the situation's cell, by someone who may see it.
Status On(Context& c, const ShareInformation& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"member", "referent", "deputy_referent"}, "share information"));
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(cmd.cell_id, &cell));
  if (c.state().information.contains(cmd.info_id)) {
    return AlreadyExists("information item " + Quote(cmd.info_id) + " already exists");
  }
  if (c.partner().empty() || !cell->WasMemberAt(c.partner(), c.t())) {
    return FailedPrecondition("information is shared only with cells your organisation belongs to; it is "
                              "not a member of cell " + Quote(cmd.cell_id));
  }
  VIGIE_RETURN_IF_ERROR(c.Code("topics", cmd.topic, "topic"));
  const auto& neighbourhoods = c.state().territory.neighbourhoods;
  if (!cmd.neighbourhood.empty() &&
      std::find(neighbourhoods.begin(), neighbourhoods.end(), cmd.neighbourhood) == neighbourhoods.end()) {
    return FailedPrecondition("field 'neighbourhood': '" + cmd.neighbourhood +
                              "' is not a neighbourhood of the territory");
  }
  if (cmd.sensitivity == "confidential") VIGIE_RETURN_IF_ERROR(c.Charter("sharing confidential information"));
  if (cmd.situation_id) {
    const Situation* situation = nullptr;
    VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
    VIGIE_RETURN_IF_ERROR(c.OpenSituation(*cmd.situation_id, &situation));
    if (cmd.sensitivity != "confidential") {
      return FailedPrecondition("information about an individual situation must be confidential");
    }
    if (situation->cell_id != cmd.cell_id) {
      return FailedPrecondition("confidential information stays in its cell: situation " +
                                Quote(*cmd.situation_id) + " is followed by another cell");
    }
  }
  fbs::InformationSharedT e;
  e.info_id = cmd.info_id;
  e.from_partner = c.partner();
  e.cell_id = cmd.cell_id;
  e.topic = cmd.topic;
  e.neighbourhood = cmd.neighbourhood;
  e.summary = cmd.summary;
  e.sensitivity = cmd.sensitivity;
  e.situation_id = cmd.situation_id.value_or("");
  c.Emit(streams::Information(cmd.info_id), true, std::move(e));
  return Status::Ok();
}

// The référent unique centralises and analyses. Confidential items never
// leave their cell, so an analysis covering one covers only its cell.
Status On(Context& c, const RecordAnalysis& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent"}, "record analyses"));
  if (c.state().analyses.contains(cmd.analysis_id)) {
    return AlreadyExists("analysis " + Quote(cmd.analysis_id) + " already exists");
  }
  std::set<std::string> cells;
  bool confidential = false;
  for (const std::string& id : cmd.info_ids) {
    auto it = c.state().information.find(id);
    if (it == c.state().information.end()) {
      return FailedPrecondition("field 'info_ids': information item " + Quote(id) + " does not exist");
    }
    VIGIE_RETURN_IF_ERROR(c.NotBefore(it->second.shared.occurred_at_ns, "information item " + Quote(id)));
    cells.insert(it->second.cell_id);
    confidential = confidential || it->second.sensitivity == "confidential";
  }
  if (confidential) {
    VIGIE_RETURN_IF_ERROR(c.Charter("analysing confidential information"));
    if (cells.size() > 1) {
      return FailedPrecondition("confidential information stays in its cell: an analysis covering a "
                                "confidential item may only cover items of that cell");
    }
  }
  fbs::AnalysisRecordedT e;
  e.analysis_id = cmd.analysis_id;
  e.info_ids = cmd.info_ids;
  e.conclusion = cmd.conclusion;
  e.recommended_action = cmd.recommended_action;
  c.Emit(streams::Analysis(cmd.analysis_id), true, std::move(e));
  return Status::Ok();
}

// Planned by the referent in a security_operational cell; every service
// named must be a member of that cell.
Status On(Context& c, const PlanControl& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent"}, "plan coordinated controls"));
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(cmd.cell_id, &cell));
  if (c.state().controls.contains(cmd.control_id)) {
    return AlreadyExists("control " + Quote(cmd.control_id) + " already exists");
  }
  if (cell->kind != "security_operational") {
    return FailedPrecondition("coordinated controls are planned by a security_operational cell; cell " +
                              Quote(cmd.cell_id) + " is " + cell->kind);
  }
  for (const std::string& service : cmd.services) {
    VIGIE_RETURN_IF_ERROR(c.ActivePartner(service, "services"));
    VIGIE_RETURN_IF_ERROR(c.Member(*cell, service, "services"));
  }
  if (cmd.planned_for_ns < c.t()) {
    return FailedPrecondition("field 'planned_for': a control is planned ahead of time");
  }
  fbs::ControlPlannedT e;
  e.control_id = cmd.control_id;
  e.cell_id = cmd.cell_id;
  e.planned_for = cmd.planned_for_ns;
  e.place = cmd.place;
  e.services = cmd.services;
  e.objectives = cmd.objectives;
  c.Emit(streams::Control(cmd.control_id), true, std::move(e));
  return Status::Ok();
}

// occurred_at is when the control was executed; recorded by the referent
// or a member whose organisation took part in it.
Status On(Context& c, const RecordControlOutcome& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent", "member"}, "record control outcomes"));
  const Control* control = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindControl(cmd.control_id, &control));
  const bool took_part = std::find(control->services.begin(), control->services.end(), c.partner()) !=
                         control->services.end();
  if (!c.IsReferent() && !took_part) {
    return PermissionDenied("only the referent or a service that took part may record the outcome of control " +
                            Quote(cmd.control_id));
  }
  if (control->cancelled) return FailedPrecondition("control " + Quote(cmd.control_id) + " was cancelled");
  if (control->outcome) return FailedPrecondition("control " + Quote(cmd.control_id) + " already has its outcome");
  VIGIE_RETURN_IF_ERROR(c.NotBefore(control->planned.occurred_at_ns, "the control's planning"));
  fbs::ControlOutcomeRecordedT e;
  e.control_id = cmd.control_id;
  e.executed_at = c.t();
  e.persons_controlled = cmd.persons_controlled;
  e.offences_found = cmd.offences_found;
  e.seizures = cmd.seizures;
  e.administrative_closures = cmd.administrative_closures;
  e.fines = cmd.fines;
  c.Emit(streams::Control(cmd.control_id), false, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const CancelControl& cmd) {
  const Control* control = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindControl(cmd.control_id, &control));
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(control->cell_id, &cell));
  VIGIE_RETURN_IF_ERROR(ChairOrReferent(c, *cell, "cancel its controls"));
  if (!control->Pending()) {
    return FailedPrecondition("control " + Quote(cmd.control_id) + " was already " +
                              (control->cancelled ? "cancelled" : "executed"));
  }
  VIGIE_RETURN_IF_ERROR(c.NotBefore(control->planned.occurred_at_ns, "the control's planning"));
  fbs::ControlCancelledT e;
  e.control_id = cmd.control_id;
  e.reason = cmd.reason;
  c.Emit(streams::Control(cmd.control_id), false, std::move(e));
  return Status::Ok();
}

}  // namespace vigie::projections::decide_internal
