#include "projections/decide_context.h"

#include "projections/rfc3339.h"

namespace vigie::projections::decide_internal {

std::string Quote(std::string_view id) { return "'" + std::string(id) + "'"; }

std::unique_ptr<fbs::SealedT> Unsealed(std::string_view key_id, std::string_view plaintext) {
  auto sealed = std::make_unique<fbs::SealedT>();
  sealed->key_id = std::string(key_id);
  sealed->ciphertext.assign(plaintext.begin(), plaintext.end());
  return sealed;
}

Status Context::Role(std::initializer_list<std::string_view> roles, std::string_view what) {
  for (std::string_view role : roles) {
    if (Has(role)) {
      role_ = std::string(role);
      return Status::Ok();
    }
  }
  std::string who;
  for (std::string_view role : roles) who += (who.empty() ? "" : ", ") + std::string(role);
  return PermissionDenied("only these roles may " + std::string(what) + ": " + who);
}

Status Context::Charter(std::string_view before_what) const {
  if (person_.HasSignedCharter(state_.current_charter)) return Status::Ok();
  std::string version = state_.current_charter ? " (version " + *state_.current_charter + ")" : "";
  return FailedPrecondition("the charter" + version + " must be signed before " +
                            std::string(before_what));
}

Status Context::Code(std::string_view list, std::string_view code, std::string_view field) const {
  const ReferenceEntry* entry = state_.reference.Find(list, code);
  if (!entry) {
    return FailedPrecondition("field '" + std::string(field) + "': " + Quote(code) +
                              " is not in the closed list " + std::string(list));
  }
  if (!entry->ValidAt(t_)) {
    return FailedPrecondition("field '" + std::string(field) + "': " + Quote(code) + " of " +
                              std::string(list) + " is not valid on " + FormatRfc3339(t_));
  }
  return Status::Ok();
}

Status Context::ActivePartner(std::string_view id, std::string_view field, const Partner** out) const {
  auto it = state_.partners.find(std::string(id));
  if (it == state_.partners.end()) {
    return FailedPrecondition("field '" + std::string(field) + "': partner " + Quote(id) +
                              " is not registered");
  }
  if (!it->second.ActiveAt(t_)) {
    return FailedPrecondition("field '" + std::string(field) + "': partner " + Quote(id) +
                              " is retired");
  }
  if (out) *out = &it->second;
  return Status::Ok();
}

namespace {
template <typename Map, typename T>
Status FindIn(const Map& map, std::string_view id, std::string_view kind, const T** out) {
  auto it = map.find(std::string(id));
  if (it == map.end()) return NotFound(std::string(kind) + " " + Quote(id) + " does not exist");
  *out = &it->second;
  return Status::Ok();
}
}  // namespace

Status Context::FindCell(std::string_view id, const Cell** out) const {
  return FindIn(state_.cells, id, "cell", out);
}
Status Context::FindMeeting(std::string_view id, const Meeting** out) const {
  return FindIn(state_.meetings, id, "meeting", out);
}
Status Context::FindControl(std::string_view id, const Control** out) const {
  return FindIn(state_.controls, id, "control", out);
}
Status Context::FindCommitment(std::string_view id, const Commitment** out) const {
  return FindIn(state_.commitments, id, "commitment", out);
}
Status Context::FindIndicator(std::string_view id, const Indicator** out) const {
  return FindIn(state_.indicators, id, "indicator", out);
}

bool Context::CanSee(const Situation& situation) const {
  return SeesSituation(person_, situation);
}

Status Context::VisibleSituation(std::string_view id, const Situation** out) const {
  auto it = state_.situations.find(std::string(id));
  if (it == state_.situations.end() || !CanSee(it->second)) {
    return NotFound("situation " + Quote(id) + " does not exist");
  }
  *out = &it->second;
  return Status::Ok();
}

Status Context::OpenSituation(std::string_view id, const Situation** out) const {
  VIGIE_RETURN_IF_ERROR(VisibleSituation(id, out));
  if ((*out)->erased) {
    return FailedPrecondition("situation " + Quote(id) + " was erased: nothing more may be recorded on it");
  }
  if ((*out)->closed) {
    return FailedPrecondition("situation " + Quote(id) + " is closed: nothing more may be recorded on it");
  }
  return Status::Ok();
}

Status Context::Member(const Cell& cell, std::string_view partner, std::string_view field) const {
  if (cell.WasMemberAt(partner, t_)) return Status::Ok();
  return FailedPrecondition("field '" + std::string(field) + "': partner " + Quote(partner) +
                            " is not a member of cell " + Quote(cell.id) + " on " + FormatRfc3339(t_));
}

Status Context::NotBefore(std::int64_t when, std::string_view what) const {
  if (t_ >= when) return Status::Ok();
  return FailedPrecondition("occurred_at " + FormatRfc3339(t_) + " precedes " + std::string(what) +
                            " (" + FormatRfc3339(when) + ")");
}

}  // namespace vigie::projections::decide_internal
