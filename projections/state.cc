#include "projections/state.h"

#include <algorithm>

namespace vigie::projections {

const std::string& NameAt(const std::vector<NameVersion>& history, std::int64_t t_ns) {
  static const std::string kNone;
  if (history.empty()) return kNone;
  const NameVersion* current = &history.front();
  for (const NameVersion& version : history) {
    if (version.valid_from_ns <= t_ns) current = &version;
  }
  return current->name;
}

std::uint64_t Territory::PopulationAt(std::int64_t t_ns) const {
  if (populations.empty()) return 0;
  // Before the first figure, the first one is the best estimate there is.
  const PopulationFigure* current = &populations.front();
  for (const PopulationFigure& figure : populations) {
    if (figure.valid_from_ns <= t_ns) current = &figure;
  }
  return current->population;
}

bool ReferenceEntry::ValidAt(std::int64_t t_ns) const {
  return valid_from_ns <= t_ns && (!valid_until_ns || t_ns < *valid_until_ns);
}

const ReferenceEntry* ReferenceData::Find(std::string_view list, std::string_view code) const {
  auto l = lists.find(list);
  if (l == lists.end()) return nullptr;
  auto c = l->second.find(code);
  return c == l->second.end() ? nullptr : &c->second;
}

const std::string& Partner::NameAt(std::int64_t t_ns) const {
  return projections::NameAt(names, t_ns);
}

bool Partner::ActiveAt(std::int64_t t_ns) const {
  return !retired || t_ns < retired->occurred_at_ns;
}

bool Cell::IsMember(std::string_view partner_id) const {
  return std::any_of(memberships.begin(), memberships.end(), [&](const Membership& m) {
    return m.partner_id == partner_id && !m.left_ns;
  });
}

bool Cell::WasMemberAt(std::string_view partner_id, std::int64_t t_ns) const {
  return std::any_of(memberships.begin(), memberships.end(), [&](const Membership& m) {
    return m.partner_id == partner_id && m.ActiveAt(t_ns);
  });
}

std::set<std::string> Cell::MembersAt(std::int64_t t_ns) const {
  std::set<std::string> members;
  for (const Membership& m : memberships) {
    if (m.ActiveAt(t_ns)) members.insert(m.partner_id);
  }
  return members;
}

std::set<std::string> Cell::CurrentMembers() const {
  std::set<std::string> members;
  for (const Membership& m : memberships) {
    if (!m.left_ns) members.insert(m.partner_id);
  }
  return members;
}

bool Cell::IsChair(std::string_view partner_id) const {
  return std::find(chairs.begin(), chairs.end(), partner_id) != chairs.end();
}

bool Person::Has(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Person::HasSigned(std::string_view version) const {
  return std::any_of(charters.begin(), charters.end(),
                     [&](const CharterSignature& c) { return c.version == version; });
}

bool Person::HasSignedCharter(const std::optional<std::string>& current) const {
  return current ? HasSigned(*current) : !charters.empty();
}

std::optional<std::string> Person::LatestCharter() const {
  if (charters.empty()) return std::nullopt;
  return charters.back().version;
}

const CommitmentEvaluation* Commitment::EvaluationOf(int year) const {
  const CommitmentEvaluation* found = nullptr;
  for (const CommitmentEvaluation& e : evaluations) {
    if (e.year == year) found = &e;
  }
  return found;
}

}  // namespace vigie::projections
