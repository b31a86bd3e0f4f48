#include "projections/access.h"

namespace vigie::projections {
namespace {

bool Reads(const Caller& caller) { return caller.Has("member") || caller.Has("chair"); }

const Cell* FindCell(const State& now, std::string_view cell_id) {
  auto it = now.cells.find(std::string(cell_id));
  return it == now.cells.end() ? nullptr : &it->second;
}

bool InsideCell(const Caller& caller, const Cell& cell) {
  if (IsReferent(caller)) return true;
  if (caller.partner_id.empty()) return false;
  if (Reads(caller) && cell.IsMember(caller.partner_id)) return true;
  return caller.Has("chair") && cell.IsChair(caller.partner_id);
}

}  // namespace

bool IsReferent(const Caller& caller) {
  return caller.Has("referent") || caller.Has("deputy_referent");
}

bool HasSignedCharter(const State& now, const Caller& caller) {
  // Before any charter is published, a signature of any version counts, as
  // for commands: never "no charter, so no rule".
  const auto& current = now.current_charter;
  // The state is the authority; the caller's copy may predate a signature.
  if (auto it = now.people.find(caller.person_id); it != now.people.end()) {
    return it->second.HasSignedCharter(current);
  }
  return current ? caller.charter_signed == current : caller.charter_signed.has_value();
}

bool CanSeeCell(const State& now, const Caller& caller, std::string_view cell_id) {
  const Cell* cell = FindCell(now, cell_id);
  return cell && InsideCell(caller, *cell);
}

bool CanSeeInformation(const State& now, const Caller& caller, const InformationItem& item) {
  if (item.sensitivity == "public") return !caller.roles.empty();
  const Cell* cell = FindCell(now, item.cell_id);
  if (!cell || !InsideCell(caller, *cell)) return false;
  if (item.sensitivity == "restricted") return true;
  // Confidential, or any level this code does not know: the strictest rule.
  return HasSignedCharter(now, caller);
}

bool CanSeeSituation(const State& now, const Caller& caller, std::string_view situation_id) {
  auto it = now.situations.find(std::string(situation_id));
  if (it == now.situations.end()) return false;
  if (!HasSignedCharter(now, caller)) return false;
  if (IsReferent(caller)) return true;
  return Reads(caller) && !caller.partner_id.empty() && it->second.NeedToKnow(caller.partner_id);
}

bool CanReadInformationList(const Caller& caller) {
  return IsReferent(caller) || Reads(caller) || caller.Has("auditor");
}

bool CanReadAggregates(const Caller& caller) { return !caller.roles.empty(); }

bool CanReadEvaluation(const Caller& caller) {
  return caller.Has("evaluator") || IsReferent(caller) || caller.Has("chair") ||
         caller.Has("auditor");
}

}  // namespace vigie::projections
