// Rules for the partnership's structure: territory, partners, cells,
// people, the charter and the closed lists. All of it is the
// administrator's work (SPEC §1), except signing the charter, which every
// person does for themself.
#include <algorithm>

#include "projections/decide_context.h"
#include "projections/streams.h"

namespace vigie::projections::decide_internal {

// Reconfiguring is how a new census figure is recorded; earlier figures
// stay in force for the periods before it.
Status On(Context& c, const ConfigureTerritory& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "configure the territory"));
  fbs::TerritoryConfiguredT e;
  e.name = cmd.name;
  e.kind = cmd.kind;
  e.communes = cmd.communes;
  e.neighbourhoods = cmd.neighbourhoods;
  e.population = cmd.population;
  e.population_year = cmd.population_year;
  c.Emit(streams::kTerritory, !c.state().territory.configured, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const RegisterPartner& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "register partners"));
  if (c.state().partners.contains(cmd.partner_id)) {
    return AlreadyExists("partner " + Quote(cmd.partner_id) + " is already registered");
  }
  VIGIE_RETURN_IF_ERROR(c.Code("partner_kinds", cmd.kind, "kind"));
  fbs::PartnerRegisteredT e;
  e.partner_id = cmd.partner_id;
  e.name = cmd.name;
  e.kind = cmd.kind;
  c.Emit(streams::Partner(cmd.partner_id), true, std::move(e));
  return Status::Ok();
}

// A renaming takes effect on occurred_at: views of earlier dates keep the
// earlier name (DDSP before, DDPN after).
Status On(Context& c, const RenamePartner& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "rename partners"));
  auto it = c.state().partners.find(cmd.partner_id);
  if (it == c.state().partners.end()) {
    return NotFound("partner " + Quote(cmd.partner_id) + " is not registered");
  }
  const Partner& p = it->second;
  if (p.retired) return FailedPrecondition("partner " + Quote(cmd.partner_id) + " is retired");
  VIGIE_RETURN_IF_ERROR(c.NotBefore(p.registered.occurred_at_ns, "the partner's registration"));
  if (p.NameAt(c.t()) == cmd.name) {
    return FailedPrecondition("partner " + Quote(cmd.partner_id) + " already bears that name");
  }
  fbs::PartnerRenamedT e;
  e.partner_id = cmd.partner_id;
  e.name = cmd.name;
  c.Emit(streams::Partner(cmd.partner_id), false, std::move(e));
  return Status::Ok();
}

// A retired partner leaves every cell it belonged to, in the same command,
// so that "members then" stays true without a second step.
Status On(Context& c, const RetirePartner& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "retire partners"));
  auto it = c.state().partners.find(cmd.partner_id);
  if (it == c.state().partners.end()) {
    return NotFound("partner " + Quote(cmd.partner_id) + " is not registered");
  }
  if (it->second.retired) {
    return FailedPrecondition("partner " + Quote(cmd.partner_id) + " is already retired");
  }
  VIGIE_RETURN_IF_ERROR(c.NotBefore(it->second.registered.occurred_at_ns, "the partner's registration"));
  for (const auto& [cell_id, cell] : c.state().cells) {
    if (!cell.IsMember(cmd.partner_id)) continue;
    fbs::CellMemberRemovedT removed;
    removed.cell_id = cell_id;
    removed.partner_id = cmd.partner_id;
    c.Emit(streams::Cell(cell_id), false, std::move(removed));
  }
  fbs::PartnerRetiredT e;
  e.partner_id = cmd.partner_id;
  c.Emit(streams::Partner(cmd.partner_id), false, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const CreateCell& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "create cells"));
  if (c.state().cells.contains(cmd.cell_id)) {
    return AlreadyExists("cell " + Quote(cmd.cell_id) + " already exists");
  }
  VIGIE_RETURN_IF_ERROR(c.Code("cell_kinds", cmd.kind, "kind"));
  for (const std::string& chair : cmd.chairs) VIGIE_RETURN_IF_ERROR(c.ActivePartner(chair, "chairs"));
  for (const std::string& member : cmd.members) VIGIE_RETURN_IF_ERROR(c.ActivePartner(member, "members"));
  fbs::CellCreatedT e;
  e.cell_id = cmd.cell_id;
  e.name = cmd.name;
  e.kind = cmd.kind;
  e.chairs = cmd.chairs;
  e.members = cmd.members;
  e.confidential = cmd.confidential;
  c.Emit(streams::Cell(cmd.cell_id), true, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const AddCellMember& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "change cell membership"));
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(cmd.cell_id, &cell));
  VIGIE_RETURN_IF_ERROR(c.ActivePartner(cmd.partner_id, "partner_id"));
  if (cell->IsMember(cmd.partner_id)) {
    return AlreadyExists("partner " + Quote(cmd.partner_id) + " is already a member of cell " +
                         Quote(cmd.cell_id));
  }
  VIGIE_RETURN_IF_ERROR(c.NotBefore(cell->created.occurred_at_ns, "the cell's creation"));
  fbs::CellMemberAddedT e;
  e.cell_id = cmd.cell_id;
  e.partner_id = cmd.partner_id;
  c.Emit(streams::Cell(cmd.cell_id), false, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const RemoveCellMember& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "change cell membership"));
  const Cell* cell = nullptr;
  VIGIE_RETURN_IF_ERROR(c.FindCell(cmd.cell_id, &cell));
  if (!cell->IsMember(cmd.partner_id)) {
    return FailedPrecondition("partner " + Quote(cmd.partner_id) + " is not a member of cell " +
                              Quote(cmd.cell_id));
  }
  for (const Membership& m : cell->memberships) {
    if (m.partner_id == cmd.partner_id && !m.left_ns) {
      VIGIE_RETURN_IF_ERROR(c.NotBefore(m.joined_ns, "the partner joining the cell"));
    }
  }
  fbs::CellMemberRemovedT e;
  e.cell_id = cmd.cell_id;
  e.partner_id = cmd.partner_id;
  c.Emit(streams::Cell(cmd.cell_id), false, std::move(e));
  return Status::Ok();
}

// Roles that act for an organisation need one; auditors and evaluators
// (inspection, DPO, court, evaluation committee) may come from outside.
Status On(Context& c, const EnrollPerson& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "enroll people"));
  if (c.state().people.contains(cmd.person_id)) {
    return AlreadyExists("person " + Quote(cmd.person_id) + " is already enrolled");
  }
  const bool acts_for_partner = std::any_of(cmd.roles.begin(), cmd.roles.end(), [](const std::string& r) {
    return r == "referent" || r == "deputy_referent" || r == "member" || r == "chair";
  });
  if (cmd.partner_id.empty() && acts_for_partner) {
    return FailedPrecondition("field 'partner_id': referents, members and chairs act for a partner organisation");
  }
  if (!cmd.partner_id.empty()) VIGIE_RETURN_IF_ERROR(c.ActivePartner(cmd.partner_id, "partner_id"));
  if (cmd.token_sha256.size() != 32) return Internal("enroll-person needs the token hash from the ledger");
  fbs::PersonEnrolledT e;
  e.person_id = cmd.person_id;
  e.partner_id = cmd.partner_id;
  e.display_name = cmd.display_name;
  e.roles = cmd.roles;
  e.token_sha256.assign(cmd.token_sha256.begin(), cmd.token_sha256.end());
  c.Emit(streams::Person(cmd.person_id), true, std::move(e));
  return Status::Ok();
}

// The last active administrator cannot be revoked: nobody could enroll
// anyone again.
Status On(Context& c, const RevokePerson& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "revoke people"));
  auto it = c.state().people.find(cmd.person_id);
  if (it == c.state().people.end()) return NotFound("person " + Quote(cmd.person_id) + " is not enrolled");
  if (it->second.revoked) return FailedPrecondition("person " + Quote(cmd.person_id) + " is already revoked");
  if (it->second.Has("admin")) {
    const auto admins = std::count_if(c.state().people.begin(), c.state().people.end(), [](const auto& kv) {
      return kv.second.Has("admin") && !kv.second.revoked;
    });
    if (admins <= 1) return FailedPrecondition("the last administrator cannot be revoked");
  }
  fbs::PersonRevokedT e;
  e.person_id = cmd.person_id;
  c.Emit(streams::Person(cmd.person_id), false, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const SignCharter& cmd) {
  c.UseRole(c.person().roles.empty() ? "" : c.person().roles.front());
  const auto& current = c.state().current_charter;
  if (current && *current != cmd.charter_version) {
    return FailedPrecondition("the charter in force is version " + *current);
  }
  if (c.person().HasSigned(cmd.charter_version)) {
    return AlreadyExists("charter version " + cmd.charter_version + " is already signed");
  }
  fbs::CharterSignedT e;
  e.person_id = c.person().id;
  e.charter_version = cmd.charter_version;
  c.Emit(streams::Person(c.person().id), false, std::move(e));
  return Status::Ok();
}

// From publication on, everyone must have signed this version before
// reading confidential information or touching a situation.
Status On(Context& c, const PublishCharter& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "publish the charter"));
  const auto& current = c.state().current_charter;
  if (current && *current == cmd.charter_version) {
    return AlreadyExists("charter version " + cmd.charter_version + " is already in force");
  }
  fbs::CharterPublishedT e;
  e.charter_version = cmd.charter_version;
  c.Emit(streams::kCharter, !current.has_value(), std::move(e));
  return Status::Ok();
}

Status On(Context& c, const DefineReferenceEntry& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "manage reference data"));
  if (c.state().reference.Find(cmd.list, cmd.code)) {
    return AlreadyExists(cmd.list + " already holds " + Quote(cmd.code));
  }
  const auto list = c.state().reference.lists.find(cmd.list);
  const bool list_exists = list != c.state().reference.lists.end() && !list->second.empty();
  fbs::ReferenceEntryDefinedT e;
  e.list = cmd.list;
  e.code = cmd.code;
  e.label = cmd.label;
  e.valid_from = c.t();
  c.Emit(streams::Reference(cmd.list), !list_exists, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const RenameReferenceEntry& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "manage reference data"));
  const ReferenceEntry* entry = c.state().reference.Find(cmd.list, cmd.code);
  if (!entry) return NotFound(cmd.list + " holds no " + Quote(cmd.code));
  if (entry->LabelAt(c.t()) == cmd.label) {
    return FailedPrecondition(Quote(cmd.code) + " already bears that label");
  }
  fbs::ReferenceEntryRenamedT e;
  e.list = cmd.list;
  e.code = cmd.code;
  e.label = cmd.label;
  c.Emit(streams::Reference(cmd.list), false, std::move(e));
  return Status::Ok();
}

Status On(Context& c, const RetireReferenceEntry& cmd) {
  VIGIE_RETURN_IF_ERROR(c.Role({"admin"}, "manage reference data"));
  const ReferenceEntry* entry = c.state().reference.Find(cmd.list, cmd.code);
  if (!entry) return NotFound(cmd.list + " holds no " + Quote(cmd.code));
  if (!entry->ValidAt(c.t())) {
    return FailedPrecondition(Quote(cmd.code) + " of " + cmd.list + " is not in force on that date");
  }
  fbs::ReferenceEntryRetiredT e;
  e.list = cmd.list;
  e.code = cmd.code;
  c.Emit(streams::Reference(cmd.list), false, std::move(e));
  return Status::Ok();
}

}  // namespace vigie::projections::decide_internal
