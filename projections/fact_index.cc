#include "projections/fact_index.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <set>

#include "projections/period_index.h"
#include "projections/statistics.h"
#include "schemas/events_generated.h"

namespace vigie::projections {
namespace {

namespace fbs = vigie::schema;

constexpr double kNsPerDay = 86'400.0 * 1e9;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

std::string_view View(const flatbuffers::String* s) {
  return s ? std::string_view(s->c_str(), s->size()) : std::string_view();
}

// Keeps the smallest t per slot; kNever means none.
void KeepEarliest(std::vector<std::int64_t>& earliest, std::uint32_t id, std::int64_t t) {
  if (t < earliest[id]) earliest[id] = t;
}

}  // namespace

std::size_t FactIndex::Names::Probe(std::string_view name, std::size_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0 || (hashes_[slot - 1] == hash && names_[slot - 1] == name)) return i;
  }
}

void FactIndex::Names::Grow() {
  std::vector<std::uint32_t> slots(std::max<std::size_t>(16, 2 * slots_.size()), 0);
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t id = 0; id < names_.size(); ++id) {
    std::size_t i = hashes_[id] & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }
  slots_ = std::move(slots);
}

std::uint32_t FactIndex::Names::Intern(std::string_view name) {
  if (slots_.empty()) Grow();
  const std::size_t hash = std::hash<std::string_view>{}(name);
  const std::size_t i = Probe(name, hash);
  if (slots_[i] != 0) return slots_[i] - 1;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  hashes_.push_back(hash);
  slots_[i] = id + 1;
  if (2 * names_.size() > slots_.size()) Grow();  // load factor <= 1/2
  return id;
}

std::uint32_t FactIndex::Names::Find(std::string_view name) const {
  if (slots_.empty()) return kNone;
  const std::uint32_t slot = slots_[Probe(name, std::hash<std::string_view>{}(name))];
  return slot == 0 ? kNone : slot - 1;
}

std::size_t FactIndex::Names::memory_bytes() const {
  std::size_t bytes = slots_.capacity() * sizeof(std::uint32_t) + hashes_.capacity() * sizeof(std::size_t) +
                      names_.size() * sizeof(std::string);
  for (const std::string& n : names_) {
    if (n.capacity() > 15) bytes += n.capacity() + 1;  // beyond the small-string buffer
  }
  return bytes;
}

std::size_t FactIndex::memory_bytes() const {
  std::size_t bytes = rows_.capacity() * sizeof(Row) + outcomes_.capacity() * sizeof(Outcome);
  for (const auto& v : attendees_) bytes += sizeof(v) + v.capacity() * sizeof(std::uint32_t);
  for (const auto& v : members_) bytes += sizeof(v) + v.capacity() * sizeof(std::uint32_t);
  for (const Names* n : {&info_, &analyses_, &controls_, &situations_, &decisions_, &meetings_,
                         &cells_, &partners_, &commitments_}) {
    bytes += n->memory_bytes();
  }
  return bytes;
}

void FactIndex::Push(Kind kind, const EventMeta& meta, std::uint32_t entity, std::uint32_t cell,
                     std::uint32_t other, std::int64_t extra) {
  rows_.push_back(Row{meta.position, meta.occurred_at_ns, extra, entity, cell, other, kind});
}

void FactIndex::Add(const State& after, const EventMeta& meta, const schema::DomainEvent& e) {
  // Every field read here is one that Apply copied as is from the event
  // into `after`, so the rows come from the event's bytes; only a situation
  // decision's cell is the state's (its situation's).
  using T = fbs::EventBody;
  auto opt = [](Names& names, std::string_view id) { return id.empty() ? kNone : names.Intern(id); };
  switch (e.body_type()) {
    case T::InformationShared: {
      const auto* b = e.body_as_InformationShared();
      if (!b) break;
      Push(Kind::kInfoShared, meta, info_.Intern(View(b->info_id())), cells_.Intern(View(b->cell_id())),
           opt(situations_, View(b->situation_id())));
      break;
    }
    case T::AnalysisRecorded: {
      const auto* b = e.body_as_AnalysisRecorded();
      if (!b) break;
      const std::uint32_t id = analyses_.Intern(View(b->analysis_id()));
      const auto* items = b->info_ids();
      if (!items || items->size() == 0) Push(Kind::kAnalysisCovers, meta, id);
      if (items) {
        for (const flatbuffers::String* info : *items) {
          Push(Kind::kAnalysisCovers, meta, id, kNone, info_.Intern(View(info)));
        }
      }
      break;
    }
    case T::ControlPlanned: {
      const auto* b = e.body_as_ControlPlanned();
      if (!b) break;
      Push(Kind::kControlPlanned, meta, controls_.Intern(View(b->control_id())),
           cells_.Intern(View(b->cell_id())));
      break;
    }
    case T::ControlOutcomeRecorded: {
      const auto* b = e.body_as_ControlOutcomeRecorded();
      if (!b) break;
      outcomes_.push_back({b->persons_controlled(), b->offences_found(), b->seizures(),
                           b->administrative_closures(), b->fines()});
      Push(Kind::kControlOutcome, meta, controls_.Intern(View(b->control_id())), kNone, kNone,
           static_cast<std::int64_t>(outcomes_.size() - 1));
      break;
    }
    case T::ControlCancelled: {
      const auto* b = e.body_as_ControlCancelled();
      if (!b) break;
      Push(Kind::kControlCancelled, meta, controls_.Intern(View(b->control_id())));
      break;
    }
    case T::SituationOpened: {
      const auto* b = e.body_as_SituationOpened();
      if (!b) break;
      Push(Kind::kSituationOpened, meta, situations_.Intern(View(b->situation_id())),
           cells_.Intern(View(b->cell_id())));
      break;
    }
    case T::SituationClosed: {
      const auto* b = e.body_as_SituationClosed();
      if (!b) break;
      Push(Kind::kSituationClosed, meta, situations_.Intern(View(b->situation_id())));
      break;
    }
    case T::DecisionRecorded: {
      const auto* b = e.body_as_DecisionRecorded();
      if (!b) break;
      Push(Kind::kDecisionRecorded, meta, decisions_.Intern(View(b->decision_id())),
           cells_.Intern(View(b->cell_id())), opt(situations_, View(b->situation_id())), b->due());
      break;
    }
    case T::SituationDecisionRecorded: {
      const auto* b = e.body_as_SituationDecisionRecorded();
      if (!b) break;
      const Situation& s = after.situations.find(View(b->situation_id()))->second;
      Push(Kind::kDecisionRecorded, meta, decisions_.Intern(View(b->decision_id())), cells_.Intern(s.cell_id),
           opt(situations_, s.id), b->due());
      break;
    }
    case T::DecisionCompleted: {
      const auto* b = e.body_as_DecisionCompleted();
      if (!b) break;
      Push(Kind::kDecisionCompleted, meta, decisions_.Intern(View(b->decision_id())));
      break;
    }
    case T::MeetingScheduled: {
      const auto* b = e.body_as_MeetingScheduled();
      if (!b) break;
      Push(Kind::kMeetingScheduled, meta, meetings_.Intern(View(b->meeting_id())),
           cells_.Intern(View(b->cell_id())), kNone, b->emergency() ? 1 : 0);
      break;
    }
    case T::MeetingRecorded: {
      const auto* b = e.body_as_MeetingRecorded();
      if (!b) break;
      std::vector<std::uint32_t> present;
      if (const auto* attendees = b->attendees()) {
        for (const flatbuffers::String* a : *attendees) present.push_back(partners_.Intern(View(a)));
      }
      std::sort(present.begin(), present.end());
      present.erase(std::unique(present.begin(), present.end()), present.end());
      attendees_.push_back(std::move(present));
      Push(Kind::kMeetingHeld, meta, meetings_.Intern(View(b->meeting_id())), kNone, kNone,
           static_cast<std::int64_t>(attendees_.size() - 1));
      break;
    }
    case T::CellCreated: {
      const auto* b = e.body_as_CellCreated();
      if (!b) break;
      std::vector<std::uint32_t> members;
      if (const auto* listed = b->members()) {
        for (const flatbuffers::String* m : *listed) members.push_back(partners_.Intern(View(m)));
      }
      members_.push_back(std::move(members));
      Push(Kind::kCellCreated, meta, cells_.Intern(View(b->cell_id())), kNone, kNone,
           static_cast<std::int64_t>(members_.size() - 1));
      break;
    }
    case T::CellMemberAdded: {
      const auto* b = e.body_as_CellMemberAdded();
      if (!b) break;
      Push(Kind::kCellMemberAdded, meta, cells_.Intern(View(b->cell_id())), kNone,
           partners_.Intern(View(b->partner_id())));
      break;
    }
    case T::CellMemberRemoved: {
      const auto* b = e.body_as_CellMemberRemoved();
      if (!b) break;
      Push(Kind::kCellMemberRemoved, meta, cells_.Intern(View(b->cell_id())), kNone,
           partners_.Intern(View(b->partner_id())));
      break;
    }
    case T::CommitmentRecorded: {
      const auto* b = e.body_as_CommitmentRecorded();
      if (!b) break;
      Push(Kind::kCommitmentRecorded, meta, commitments_.Intern(View(b->commitment_id())));
      break;
    }
    case T::CommitmentEvaluated: {
      const auto* b = e.body_as_CommitmentEvaluated();
      if (!b) break;
      Push(Kind::kCommitmentEvaluated, meta, commitments_.Intern(View(b->commitment_id())), kNone,
           View(b->status()) == "met" ? 1u : 0u, b->year());
      break;
    }
    default:
      break;
  }
}

std::size_t FactIndex::EndOf(std::uint64_t n) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), n,
                             [](const Row& r, std::uint64_t v) { return r.position < v; });
  return static_cast<std::size_t>(it - rows_.begin());
}

namespace {

// Per-entity slots of the mini-fold (FactIndex::Replay).
constexpr std::uint32_t kNone = FactIndex::kNone;
struct InfoSlot {
  std::int64_t t = 0;
  std::uint32_t cell = kNone, situation = kNone;
  bool exists = false;
};
struct ControlSlot {
  std::int64_t planned = 0, outcome_t = 0, cancelled_t = 0;
  std::int64_t outcome = -1;
  std::uint32_t cell = kNone;
  bool exists = false, cancelled = false;
};
struct SituationSlot {
  std::int64_t opened = 0, closed = 0;
  std::uint32_t cell = kNone;
  bool exists = false, is_closed = false;
};
struct DecisionSlot {
  std::int64_t t = 0, due = 0, completed_t = 0;
  std::uint32_t cell = kNone, situation = kNone;
  bool exists = false, completed = false;
};
struct MeetingSlot {
  std::int64_t held_t = 0, attendees = -1;
  std::uint32_t cell = kNone;
  bool exists = false, emergency = false, held = false;
};
struct MembershipSlot {
  std::uint32_t partner;
  std::int64_t joined, left;  // left: kNever while a member
};
struct CellSlot {
  bool exists = false;
  std::vector<MembershipSlot> memberships;
};
struct CommitmentSlot {
  bool exists = false;
  std::vector<std::pair<int, bool>> evaluations;  // (year, met), in log order
};

}  // namespace

// The mini-fold's result: per-entity slots as of tree size n.
struct FactIndex::Replayed {
  std::vector<InfoSlot> info;
  std::vector<ControlSlot> controls;
  std::vector<SituationSlot> situations;
  std::vector<DecisionSlot> decisions;
  std::vector<MeetingSlot> meetings;
  std::vector<CellSlot> cells;
  std::vector<CommitmentSlot> commitments;
  std::vector<std::uint64_t> analysis_version;
  std::vector<std::size_t> analysis_rows;
};

std::shared_ptr<const FactIndex::Replayed> FactIndex::Replay(std::uint64_t n) const {
  {
    std::lock_guard guard(replay_mu_);
    if (last_replay_ && last_replay_n_ == n) return last_replay_;
  }
  auto replayed = std::make_shared<Replayed>();
  Replayed& s = *replayed;
  const std::size_t end = EndOf(n);
  s.info.resize(info_.size());
  s.controls.resize(controls_.size());
  s.situations.resize(situations_.size());
  s.decisions.resize(decisions_.size());
  s.meetings.resize(meetings_.size());
  s.cells.resize(cells_.size());
  s.commitments.resize(commitments_.size());
  s.analysis_version.assign(analyses_.size(), std::numeric_limits<std::uint64_t>::max());
  for (std::size_t i = 0; i < end; ++i) {
    const Row& r = rows_[i];
    switch (r.kind) {
      case Kind::kInfoShared: s.info[r.entity] = {r.t, r.cell, r.other, true}; break;
      case Kind::kAnalysisCovers:
        s.analysis_version[r.entity] = r.position;  // a later version replaces the items
        s.analysis_rows.push_back(i);
        break;
      case Kind::kControlPlanned: s.controls[r.entity] = ControlSlot{r.t, 0, 0, -1, r.cell, true, false}; break;
      case Kind::kControlOutcome:
        s.controls[r.entity].outcome_t = r.t;
        s.controls[r.entity].outcome = r.extra;
        break;
      case Kind::kControlCancelled:
        s.controls[r.entity].cancelled_t = r.t;
        s.controls[r.entity].cancelled = true;
        break;
      case Kind::kSituationOpened: s.situations[r.entity] = SituationSlot{r.t, 0, r.cell, true, false}; break;
      case Kind::kSituationClosed:
        s.situations[r.entity].closed = r.t;
        s.situations[r.entity].is_closed = true;
        break;
      case Kind::kDecisionRecorded:
        s.decisions[r.entity] = DecisionSlot{r.t, r.extra, 0, r.cell, r.other, true, false};
        break;
      case Kind::kDecisionCompleted:
        s.decisions[r.entity].completed_t = r.t;
        s.decisions[r.entity].completed = true;
        break;
      case Kind::kMeetingScheduled:
        s.meetings[r.entity] = MeetingSlot{0, -1, r.cell, true, r.extra != 0, false};
        break;
      case Kind::kMeetingHeld:
        s.meetings[r.entity].held = true;
        s.meetings[r.entity].held_t = r.t;
        s.meetings[r.entity].attendees = r.extra;
        break;
      case Kind::kCellCreated: {
        CellSlot& c = s.cells[r.entity];
        c.exists = true;
        c.memberships.clear();
        for (std::uint32_t p : members_[static_cast<std::size_t>(r.extra)]) {
          c.memberships.push_back({p, r.t, kNever});
        }
        break;
      }
      case Kind::kCellMemberAdded: s.cells[r.entity].memberships.push_back({r.other, r.t, kNever}); break;
      case Kind::kCellMemberRemoved:
        for (MembershipSlot& m : s.cells[r.entity].memberships) {
          if (m.partner == r.other && m.left == kNever) m.left = r.t;
        }
        break;
      case Kind::kCommitmentRecorded: s.commitments[r.entity] = CommitmentSlot{true, {}}; break;
      case Kind::kCommitmentEvaluated:
        s.commitments[r.entity].evaluations.emplace_back(static_cast<int>(r.extra), r.other == 1);
        break;
    }
  }

  std::lock_guard guard(replay_mu_);
  last_replay_ = replayed;
  last_replay_n_ = n;
  return replayed;
}

std::vector<DerivedIndicators> FactIndex::ComputeDerived(std::uint64_t n,
                                                         const std::vector<Period>& periods,
                                                         const std::optional<std::string>& cell) const {
  const std::shared_ptr<const Replayed> replayed = Replay(n);
  const auto& info = replayed->info;
  const auto& controls = replayed->controls;
  const auto& situations = replayed->situations;
  const auto& decisions = replayed->decisions;
  const auto& meetings = replayed->meetings;
  const auto& cells = replayed->cells;
  const auto& commitments = replayed->commitments;
  const auto& analysis_version = replayed->analysis_version;
  const auto& analysis_rows = replayed->analysis_rows;

  // ---- the counts, as dashboard.cc makes them from State ----------------
  std::vector<DerivedIndicators> out(periods.size());
  const PeriodIndex index(periods);
  const std::size_t none = index.size();
  const std::uint32_t cell_filter = cell ? cells_.Find(*cell) : kNone;
  auto in_cell = [&](std::uint32_t c) { return !cell || (cell_filter != kNone && c == cell_filter); };

  std::vector<std::int64_t> first_analysis(info_.size(), kNever);
  for (std::size_t i : analysis_rows) {
    const Row& r = rows_[i];
    if (r.other != kNone && analysis_version[r.entity] == r.position) KeepEarliest(first_analysis, r.other, r.t);
  }
  std::vector<std::int64_t> first_decision(situations_.size(), kNever);
  for (const DecisionSlot& d : decisions) {
    if (d.exists && d.situation != kNone) KeepEarliest(first_decision, d.situation, d.t);
  }

  std::vector<std::int64_t> first_item(situations_.size(), kNever);
  for (std::uint32_t id = 0; id < info.size(); ++id) {
    const InfoSlot& item = info[id];
    if (!item.exists) continue;
    if (item.situation != kNone && first_decision[item.situation] != kNever &&
        item.t <= first_decision[item.situation]) {
      KeepEarliest(first_item, item.situation, item.t);
    }
    if (!in_cell(item.cell)) continue;
    if (std::size_t p = index.Find(item.t); p != none) ++out[p].information_shared;
    if (first_analysis[id] != kNever) {
      if (std::size_t p = index.Find(first_analysis[id]); p != none) ++out[p].information_analysed;
    }
  }

  for (const ControlSlot& c : controls) {
    if (!c.exists || !in_cell(c.cell)) continue;
    if (std::size_t p = index.Find(c.planned); p != none) ++out[p].controls_planned;
    if (c.outcome >= 0) {
      if (std::size_t p = index.Find(c.outcome_t); p != none) {
        const Outcome& o = outcomes_[static_cast<std::size_t>(c.outcome)];
        DerivedIndicators& d = out[p];
        ++d.controls_executed;
        d.persons_controlled += o.persons_controlled;
        d.offences_found += o.offences_found;
        d.seizures += o.seizures;
        d.administrative_closures += o.administrative_closures;
        d.fines += o.fines;
      }
    }
    if (c.cancelled) {
      if (std::size_t p = index.Find(c.cancelled_t); p != none) ++out[p].controls_cancelled;
    }
  }

  std::vector<std::vector<double>> days(periods.size());
  RangeCounter active(index.size());
  for (std::uint32_t id = 0; id < situations.size(); ++id) {
    const SituationSlot& s = situations[id];
    if (!s.exists || !in_cell(s.cell)) continue;
    if (std::size_t p = index.Find(s.opened); p != none) ++out[p].situations_opened;
    std::size_t active_until = index.size();
    if (s.is_closed) {
      if (std::size_t p = index.Find(s.closed); p != none) ++out[p].situations_closed;
      active_until = index.FirstEndingAfter(s.closed);
    }
    active.Add(index.FirstEndingAfter(s.opened), active_until);
    if (first_decision[id] == kNever) continue;
    const std::size_t p = index.Find(first_decision[id]);
    if (p == none) continue;
    const std::int64_t from = first_item[id] == kNever ? s.opened : first_item[id];
    days[p].push_back(static_cast<double>(first_decision[id] - from) / kNsPerDay);
  }
  const std::vector<std::int64_t> active_totals = active.Totals();
  for (std::size_t p = 0; p < active_totals.size(); ++p) out[p].situations_active = active_totals[p];

  RangeCounter overdue(index.size());
  for (const DecisionSlot& d : decisions) {
    if (!d.exists || !in_cell(d.cell)) continue;
    if (std::size_t p = index.Find(d.t); p != none) ++out[p].decisions_recorded;
    std::size_t overdue_until = index.size();
    if (d.completed) {
      if (std::size_t p = index.Find(d.completed_t); p != none) ++out[p].decisions_completed;
      overdue_until = index.FirstEndingAfter(d.completed_t);
    }
    overdue.Add(index.FirstEndingAfter(std::max(d.t, d.due)), overdue_until);
  }
  const std::vector<std::int64_t> overdue_totals = overdue.Totals();
  for (std::size_t p = 0; p < overdue_totals.size(); ++p) out[p].decisions_overdue = overdue_totals[p];

  // Attendance rates are summed in meeting id order, as over State's map.
  std::vector<std::vector<std::pair<std::string_view, double>>> attendance(periods.size());
  for (std::uint32_t id = 0; id < meetings.size(); ++id) {
    const MeetingSlot& m = meetings[id];
    if (!m.exists || !m.held || !in_cell(m.cell)) continue;
    const std::size_t p = index.Find(m.held_t);
    if (p == none) continue;
    ++out[p].meetings_held;
    if (m.emergency) ++out[p].emergency_meetings_held;
    if (m.cell == kNone || !cells[m.cell].exists) continue;
    std::set<std::uint32_t> members;
    for (const MembershipSlot& ms : cells[m.cell].memberships) {
      if (ms.joined <= m.held_t && m.held_t < ms.left) members.insert(ms.partner);
    }
    if (members.empty()) continue;
    std::size_t attending = 0;
    for (std::uint32_t a : attendees_[static_cast<std::size_t>(m.attendees)]) attending += members.count(a);
    attendance[p].emplace_back(meetings_.Name(id),
                               static_cast<double>(attending) / static_cast<double>(members.size()));
  }

  std::vector<std::pair<int, std::optional<double>>> share_by_year;
  for (std::size_t p = 0; p < periods.size(); ++p) {
    out[p].median_days_to_first_decision = Median(std::move(days[p]));
    std::sort(attendance[p].begin(), attendance[p].end());
    std::vector<double> rates;
    rates.reserve(attendance[p].size());
    for (const auto& [id, rate] : attendance[p]) rates.push_back(rate);
    out[p].attendance_rate = Mean(rates);
    const int year = ParisDate(periods[p].start_ns).year;
    auto it = std::find_if(share_by_year.begin(), share_by_year.end(),
                           [&](const auto& entry) { return entry.first == year; });
    if (it == share_by_year.end()) {
      std::int64_t evaluated = 0;
      std::int64_t met = 0;
      for (const CommitmentSlot& c : commitments) {
        if (!c.exists) continue;
        const std::pair<int, bool>* found = nullptr;
        for (const auto& e : c.evaluations) {
          if (e.first == year) found = &e;
        }
        if (!found) continue;
        ++evaluated;
        if (found->second) ++met;
      }
      share_by_year.emplace_back(year, Ratio(static_cast<double>(met), static_cast<double>(evaluated)));
      it = share_by_year.end() - 1;
    }
    out[p].commitments_met_share = it->second;
  }
  return out;
}

FactIndex::Candidates FactIndex::QualitativeCandidates(std::uint64_t n, const Period& period) const {
  Candidates out;
  const std::size_t end = EndOf(n);
  std::vector<bool> seen_meeting(meetings_.size()), seen_analysis(analyses_.size()),
      seen_decision(decisions_.size());
  for (std::size_t i = 0; i < end; ++i) {
    const Row& r = rows_[i];
    if (!period.Contains(r.t)) continue;
    switch (r.kind) {
      case Kind::kMeetingHeld:
        if (!seen_meeting[r.entity]) out.meetings.push_back(meetings_.Name(r.entity));
        seen_meeting[r.entity] = true;
        break;
      case Kind::kAnalysisCovers:
        if (!seen_analysis[r.entity]) out.analyses.push_back(analyses_.Name(r.entity));
        seen_analysis[r.entity] = true;
        break;
      case Kind::kDecisionRecorded:
        if (!seen_decision[r.entity]) out.decisions.push_back(decisions_.Name(r.entity));
        seen_decision[r.entity] = true;
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace vigie::projections
