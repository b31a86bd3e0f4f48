// Rules for individual situations (SPEC §2-§4). Every command needs the
// charter signed and the situation visible: the referents see every
// situation, members only those their organisation is need-to-know on; to
// anyone else a situation does not exist (kNotFound, never kPermission-
// Denied, so that nobody learns it exists). The charter is checked before
// the situation is looked up, so that a member who has not signed it cannot
// tell an existing situation from a missing one. A closed situation takes
// nothing more.
#include <string>

#include "projections/decide_context.h"
#include "projections/rfc3339.h"
#include "projections/streams.h"

namespace vigie::projections::decide_internal {
namespace {

constexpr std::string_view kFollowers[] = {"referent", "deputy_referent", "member"};

Status Follower(Context& c, std::string_view what) {
  return c.Role({kFollowers[0], kFollowers[1], kFollowers[2]}, what);
}

// Only these cells follow individual situations: the partnership cell and
// the working groups (SPEC §2).
bool FollowsSituations(const Cell& cell) {
  return cell.kind == "partnership" || cell.kind == "gltd" || cell.kind == "thematic_group";
}

}  // namespace

Status On(Context& c, const OpenSituation& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent"}, "open situations"));
  VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(cmd.cell_id, &cell));
  if (c.state().situations.contains(cmd.situation_id)) {
    return AlreadyExists("situation " + Quote(cmd.situation_id) + " already exists");
  }
  if (!FollowsSituations(*cell)) {
    return FailedPrecondition("individual situations are followed by a partnership cell or a working "
                              "group; cell " + Quote(cmd.cell_id) + " is " + cell->kind);
  }
  VIGIE_RETURN_IF_ERROR(c.Code("referral_sources", cmd.referral_source, "referral_source"));
  VIGIE_RETURN_IF_ERROR(c.Code("reasons", cmd.reason, "reason"));
  if (cmd.birth_year > CivilFromNs(c.t()).year) {
    return FailedPrecondition("field 'birth_year' lies after occurred_at");
  }
  if (c.t() >= StartOfUtcYear(cmd.birth_year + c.max_subject_age())) {
    return FailedPrecondition("field 'birth_year': no situation is kept past the subject's " +
                              std::to_string(c.max_subject_age()) + "th birthday");
  }
  for (const std::string& partner : cmd.need_to_know) {
    VIGIE_RETURN_IF_ERROR(c.ActivePartner(partner, "need_to_know"));
    VIGIE_RETURN_IF_ERROR(c.Member(*cell, partner, "need_to_know"));
  }
  fbs::SituationOpenedT e;
  e.situation_id = cmd.situation_id;
  e.cell_id = cmd.cell_id;
  e.pseudonym = Unsealed("", cmd.pseudonym);
  e.birth_year = Unsealed("", std::to_string(cmd.birth_year));
  e.referral_source = cmd.referral_source;
  e.reason = cmd.reason;
  e.need_to_know = cmd.need_to_know;
  c.Emit(streams::Situation(cmd.situation_id), true, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const AddSituationNote& cmd) {
  VIGIE_RETURN_IF_ERROR(Follower(c, "add notes to situations"));
  const Situation* s = nullptr;
  VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
  VIGIE_RETURN_IF_ERROR(c.OpenSituation(cmd.situation_id, &s));
  for (const SituationNote& note : s->notes) {
    if (note.note_id == cmd.note_id) {
      return AlreadyExists("situation " + Quote(cmd.situation_id) + " already has note " + Quote(cmd.note_id));
    }
  }
  VIGIE_RETURN_IF_ERROR(c.Code("note_categories", cmd.category, "category"));
  VIGIE_RETURN_IF_ERROR(c.NotBefore(s->opened.occurred_at_ns, "the situation's opening"));
  fbs::SituationNoteAddedT e;
  e.situation_id = cmd.situation_id;
  e.note_id = cmd.note_id;
  e.category = cmd.category;
  e.text = Unsealed(s->key_id, cmd.text);
  c.Emit(streams::Situation(cmd.situation_id), false, std::move(e));
  return Status::Ok();
}

// The owner organisation carries the measure out, so it must be on the
// need-to-know list.
Status On(Context& c, const RecordSituationDecision& cmd) {
  VIGIE_RETURN_IF_ERROR(Follower(c, "record decisions on situations"));
  const Situation* s = nullptr;
  VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
  VIGIE_RETURN_IF_ERROR(c.OpenSituation(cmd.situation_id, &s));
  if (c.state().decisions.contains(cmd.decision_id)) {
    return AlreadyExists("decision " + Quote(cmd.decision_id) + " already exists");
  }
  VIGIE_RETURN_IF_ERROR(c.Code("measures", cmd.measure, "measure"));
  VIGIE_RETURN_IF_ERROR(c.ActivePartner(cmd.owner_partner, "owner_partner"));
  if (!s->NeedToKnow(cmd.owner_partner)) {
    return FailedPrecondition("field 'owner_partner': partner " + Quote(cmd.owner_partner) +
                              " is not on the situation's need-to-know list");
  }
  VIGIE_RETURN_IF_ERROR(c.NotBefore(s->opened.occurred_at_ns, "the situation's opening"));
  if (cmd.due_ns < c.t()) return FailedPrecondition("field 'due': the due date precedes the decision");
  fbs::SituationDecisionRecordedT e;
  e.situation_id = cmd.situation_id;
  e.decision_id = cmd.decision_id;
  e.measure = cmd.measure;
  e.owner_partner = cmd.owner_partner;
  e.due = cmd.due_ns;
  c.Emit(streams::Situation(cmd.situation_id), false, std::move(e));
  return Status::Ok();
}

// The referent decides who needs to know, among the cell's members.
Status On(Context& c, const GrantSituationAccess& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent"}, "grant access to situations"));
  const Situation* s = nullptr;
  VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
  VIGIE_RETURN_IF_ERROR(c.OpenSituation(cmd.situation_id, &s));
  VIGIE_RETURN_IF_ERROR(c.ActivePartner(cmd.partner_id, "partner_id"));
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(s->cell_id, &cell));
  VIGIE_RETURN_IF_ERROR(c.Member(*cell, cmd.partner_id, "partner_id"));
  if (s->NeedToKnow(cmd.partner_id)) {
    return AlreadyExists("partner " + Quote(cmd.partner_id) + " is already on the need-to-know list");
  }
  fbs::SituationAccessGrantedT e;
  e.situation_id = cmd.situation_id;
  e.partner_id = cmd.partner_id;
  c.Emit(streams::Situation(cmd.situation_id), false, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const RevokeSituationAccess& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent"}, "revoke access to situations"));
  const Situation* s = nullptr;
  VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
  VIGIE_RETURN_IF_ERROR(c.OpenSituation(cmd.situation_id, &s));
  if (!s->NeedToKnow(cmd.partner_id)) {
    return FailedPrecondition("partner " + Quote(cmd.partner_id) + " is not on the need-to-know list");
  }
  fbs::SituationAccessRevokedT e;
  e.situation_id = cmd.situation_id;
  e.partner_id = cmd.partner_id;
  c.Emit(streams::Situation(cmd.situation_id), false, std::move(e));
  return Status::Ok();
}

// The subject (or their legal representative) is told their situation is
// followed (RGPD art. 14); recorded as many times as it happens.
Status On(Context& c, const RecordSubjectInformed& cmd) {
  VIGIE_RETURN_IF_ERROR(Follower(c, "record that a subject was informed"));
  const Situation* s = nullptr;
  VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
  VIGIE_RETURN_IF_ERROR(c.OpenSituation(cmd.situation_id, &s));
  VIGIE_RETURN_IF_ERROR(c.Code("information_means", cmd.means, "means"));
  VIGIE_RETURN_IF_ERROR(c.NotBefore(s->opened.occurred_at_ns, "the situation's opening"));
  fbs::SubjectInformedT e;
  e.situation_id = cmd.situation_id;
  e.means = cmd.means;
  c.Emit(streams::Situation(cmd.situation_id), false, std::move(e));
  return Status::Ok();
}

// Closing starts the archive period (SPEC §4, see DecideRetention).
Status On(Context& c, const CloseSituation& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"referent", "deputy_referent"}, "close situations"));
  const Situation* s = nullptr;
  VIGIE_RETURN_IF_ERROR(c.Charter("touching a situation"));
  VIGIE_RETURN_IF_ERROR(c.OpenSituation(cmd.situation_id, &s));
  VIGIE_RETURN_IF_ERROR(c.Code("situation_outcomes", cmd.outcome, "outcome"));
  VIGIE_RETURN_IF_ERROR(c.NotBefore(s->opened.occurred_at_ns, "the situation's opening"));
  fbs::SituationClosedT e;
  e.situation_id = cmd.situation_id;
  e.outcome = cmd.outcome;
  c.Emit(streams::Situation(cmd.situation_id), false, std::move(e));
  return Status::Ok();
}

}  // namespace vigie::projections::decide_internal
