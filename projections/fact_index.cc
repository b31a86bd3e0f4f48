#include "projections/fact_index.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <tuple>

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
  const std::uint64_t tag = hash >> 32;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = slots_[i];
    if (slot == 0 || ((slot >> 32) == tag && names_[(slot & 0xffff'ffff) - 1] == name)) return i;
  }
}

void FactIndex::Names::Grow() {
  std::vector<std::uint64_t> slots(std::max<std::size_t>(16, 2 * slots_.size()), 0);
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t id = 0; id < names_.size(); ++id) {
    const std::size_t hash = std::hash<std::string_view>{}(names_[id]);
    std::size_t i = hash & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = Slot(hash, id);
  }
  slots_ = std::move(slots);
}

std::uint32_t FactIndex::Names::Intern(std::string_view name) {
  if (slots_.empty()) Grow();
  const std::size_t hash = std::hash<std::string_view>{}(name);
  const std::size_t i = Probe(name, hash);
  if (slots_[i] != 0) return static_cast<std::uint32_t>(slots_[i] & 0xffff'ffff) - 1;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  slots_[i] = Slot(hash, id);
  if (2 * names_.size() > slots_.size()) Grow();  // load factor <= 1/2
  return id;
}

std::uint32_t FactIndex::Names::Find(std::string_view name) const {
  if (slots_.empty()) return kNone;
  const std::uint64_t slot = slots_[Probe(name, std::hash<std::string_view>{}(name))];
  return slot == 0 ? kNone : static_cast<std::uint32_t>(slot & 0xffff'ffff) - 1;
}

std::size_t FactIndex::Names::memory_bytes() const {
  std::size_t bytes = slots_.capacity() * sizeof(std::uint64_t) + names_.size() * sizeof(std::string);
  for (const std::string& n : names_) {
    if (n.capacity() > 15) bytes += n.capacity() + 1;  // beyond the small-string buffer
  }
  return bytes;
}

void FactIndex::Push(Kind kind, const EventMeta& meta, std::uint32_t entity, std::uint32_t cell,
                     std::uint32_t other, std::int64_t extra, bool flag) {
  const bool first_of_event = rows_.empty() || rows_.back().position != meta.position;
  rows_.push_back(Row{meta.position, meta.occurred_at_ns, extra, entity, cell, other, kind, flag});
  const auto i = static_cast<std::uint32_t>(rows_.size() - 1);
  if (kind == Kind::kMeetingHeld || kind == Kind::kDecisionRecorded ||
      (kind == Kind::kAnalysisCovers && first_of_event)) {
    qualitative_rows_[meta.occurred_at_ns >> kBucketShift].push_back(i);
  }
  if (!live_) live_ = std::make_shared<Replayed>();
  ApplyRow(*live_, i);
}

std::string_view FactIndex::SituationCell(const State& after, const schema::DomainEvent& e) {
  const auto* b = e.body_as_SituationDecisionRecorded();
  if (!b) return {};
  auto it = after.situations.find(View(b->situation_id()));
  return it == after.situations.end() ? std::string_view() : std::string_view(it->second.cell_id);
}

void FactIndex::Add(const EventMeta& meta, const schema::DomainEvent& e, std::string_view situation_cell) {
  // Every field read here is one that Apply copied as is from the event
  // into the state, so the rows come from the event's bytes; only a
  // situation decision's cell is the state's (its situation's).
  using T = fbs::EventBody;
  auto opt = [](Names& names, std::string_view id) { return id.empty() ? kNone : names.Intern(id); };
  switch (e.body_type()) {
    case T::InformationShared: {
      const auto* b = e.body_as_InformationShared();
      if (!b) break;
      const std::string_view sensitivity = View(b->sensitivity());
      Push(Kind::kInfoShared, meta, info_.Intern(View(b->info_id())), cells_.Intern(View(b->cell_id())),
           opt(situations_, View(b->situation_id())), 0,
           sensitivity == "public" || sensitivity == "restricted");
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
      Push(Kind::kDecisionRecorded, meta, decisions_.Intern(View(b->decision_id())), cells_.Intern(situation_cell),
           opt(situations_, View(b->situation_id())), b->due(), true);
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
           static_cast<std::int64_t>(attendees_.size() - 1), View(b->minutes()).size() > 0);
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
           static_cast<std::int64_t>(members_.size() - 1), b->confidential());
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
  bool quotable = false;  // public or restricted
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
  std::uint64_t position = 0;  // of the recording in force
  std::uint32_t cell = kNone, situation = kNone;
  bool exists = false, completed = false, situation_decision = false;
};
struct MeetingSlot {
  std::int64_t held_t = 0, attendees = -1;
  std::uint64_t held_position = 0;
  std::uint32_t cell = kNone;
  bool exists = false, emergency = false, held = false, minutes = false;
};
struct MembershipSlot {
  std::uint32_t partner;
  std::int64_t joined, left;  // left: kNever while a member
};
struct CellSlot {
  bool exists = false, confidential = false;
  std::vector<MembershipSlot> memberships;
};
struct CommitmentSlot {
  bool exists = false;
  std::int64_t made_ns = 0;  // occurred_at of its recording
  std::vector<std::pair<int, bool>> evaluations;  // (year, met), in log order
};
// The span of instants of a block of consecutive entity ids (kBlock of
// them): it only widens, so it always holds every instant the block's
// entities have now, and a block whose span misses the periods' is skipped
// whole. Ids are numbered in the order entities first appear, which is
// roughly the order of their instants.
constexpr std::uint32_t kBlockShift = 8;
struct Span {
  std::int64_t first = kNever, last = std::numeric_limits<std::int64_t>::min();
  void Widen(std::int64_t t) {
    first = std::min(first, t);
    last = std::max(last, t);
  }
};
void Widen(std::vector<Span>& spans, std::uint32_t id, std::int64_t t) {
  const std::size_t block = id >> kBlockShift;
  if (spans.size() <= block) spans.resize(block + 1);
  spans[block].Widen(t);
}

struct AnalysisSlot {
  std::uint64_t version = std::numeric_limits<std::uint64_t>::max();  // position in force
  std::size_t first_row = 0;  // its first row (one per item, in the event's order)
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
  std::vector<AnalysisSlot> analyses;
  std::vector<std::size_t> analysis_rows;
  // By situation: the items ever shared about it (some since shared again
  // about another one: the item's slot says which is current).
  std::vector<std::vector<std::uint32_t>> situation_info;
  // Spans of blocks of info ids (shared and analysed instants) and control
  // ids (planned, executed, cancelled).
  std::vector<Span> info_spans, control_spans;

  // By info item: the earliest occurred_at of the analyses in force that
  // cover it (kNever: none; shorter than info when the last ones have
  // none). Kept as rows come while analyses are only added; a re-recorded
  // analysis (whose new items replace the old) makes it stale, and the
  // next reader rebuilds it from analysis_rows under the mutex (readers
  // share a Replayed; rows are only applied when none is reading).
  mutable std::mutex first_analysis_mu;
  mutable std::vector<std::int64_t> first_analysis;
  mutable bool first_analysis_stale = false;

  std::int64_t FirstAnalysis(std::uint32_t item) const {
    return item < first_analysis.size() ? first_analysis[item] : kNever;
  }
};

void FactIndex::ApplyRow(Replayed& s, std::size_t i) const {
  const Row& r = rows_[i];
  auto fit = [](auto& slots, const Names& names) {
    if (slots.size() < names.size()) slots.resize(names.size());
  };
  switch (r.kind) {
    case Kind::kInfoShared:
      fit(s.info, info_);
      s.info[r.entity] = {r.t, r.cell, r.other, true, r.flag};
      Widen(s.info_spans, r.entity, r.t);
      if (r.other != kNone) {
        fit(s.situation_info, situations_);
        s.situation_info[r.other].push_back(r.entity);
      }
      break;
    case Kind::kAnalysisCovers: {
      fit(s.analyses, analyses_);
      AnalysisSlot& a = s.analyses[r.entity];
      if (a.version != r.position) {
        // A later version replaces the items: their earliest analysis may
        // now be later (or none).
        if (a.version != AnalysisSlot{}.version) s.first_analysis_stale = true;
        a = {r.position, i};
      }
      s.analysis_rows.push_back(i);
      if (r.other != kNone) Widen(s.info_spans, r.other, r.t);
      if (r.other != kNone && !s.first_analysis_stale) {
        if (s.first_analysis.size() <= r.other) s.first_analysis.resize(info_.size(), kNever);
        KeepEarliest(s.first_analysis, r.other, r.t);
      }
      break;
    }
    case Kind::kControlPlanned:
      fit(s.controls, controls_);
      s.controls[r.entity] = ControlSlot{r.t, 0, 0, -1, r.cell, true, false};
      Widen(s.control_spans, r.entity, r.t);
      break;
    case Kind::kControlOutcome:
      fit(s.controls, controls_);
      Widen(s.control_spans, r.entity, r.t);
      s.controls[r.entity].outcome_t = r.t;
      s.controls[r.entity].outcome = r.extra;
      break;
    case Kind::kControlCancelled:
      fit(s.controls, controls_);
      Widen(s.control_spans, r.entity, r.t);
      s.controls[r.entity].cancelled_t = r.t;
      s.controls[r.entity].cancelled = true;
      break;
    case Kind::kSituationOpened:
      fit(s.situations, situations_);
      s.situations[r.entity] = SituationSlot{r.t, 0, r.cell, true, false};
      break;
    case Kind::kSituationClosed:
      fit(s.situations, situations_);
      s.situations[r.entity].closed = r.t;
      s.situations[r.entity].is_closed = true;
      break;
    case Kind::kDecisionRecorded:
      fit(s.decisions, decisions_);
      s.decisions[r.entity] = DecisionSlot{r.t, r.extra, 0, r.position, r.cell, r.other, true, false, r.flag};
      break;
    case Kind::kDecisionCompleted:
      fit(s.decisions, decisions_);
      s.decisions[r.entity].completed_t = r.t;
      s.decisions[r.entity].completed = true;
      break;
    case Kind::kMeetingScheduled:
      fit(s.meetings, meetings_);
      s.meetings[r.entity] = MeetingSlot{0, -1, 0, r.cell, true, r.extra != 0, false, false};
      break;
    case Kind::kMeetingHeld: {
      fit(s.meetings, meetings_);
      MeetingSlot& m = s.meetings[r.entity];
      m.held = true;
      m.held_t = r.t;
      m.held_position = r.position;
      m.attendees = r.extra;
      m.minutes = r.flag;
      break;
    }
    case Kind::kCellCreated: {
      fit(s.cells, cells_);
      CellSlot& c = s.cells[r.entity];
      c.exists = true;
      c.confidential = r.flag;
      c.memberships.clear();
      for (std::uint32_t p : members_[static_cast<std::size_t>(r.extra)]) {
        c.memberships.push_back({p, r.t, kNever});
      }
      break;
    }
    case Kind::kCellMemberAdded:
      fit(s.cells, cells_);
      s.cells[r.entity].memberships.push_back({r.other, r.t, kNever});
      break;
    case Kind::kCellMemberRemoved:
      fit(s.cells, cells_);
      for (MembershipSlot& m : s.cells[r.entity].memberships) {
        if (m.partner == r.other && m.left == kNever) m.left = r.t;
      }
      break;
    case Kind::kCommitmentRecorded:
      fit(s.commitments, commitments_);
      s.commitments[r.entity] = CommitmentSlot{true, r.t, {}};
      break;
    case Kind::kCommitmentEvaluated:
      fit(s.commitments, commitments_);
      s.commitments[r.entity].evaluations.emplace_back(static_cast<int>(r.extra), r.other == 1);
      break;
  }
}

void FactIndex::Reserve(std::uint64_t events) {
  const std::size_t wanted = rows_.size() + events;
  if (wanted > rows_.capacity()) rows_.reserve(std::max(wanted, 2 * rows_.capacity()));
}

std::size_t FactIndex::memory_bytes() const {
  std::size_t bytes = rows_.capacity() * sizeof(Row) + outcomes_.capacity() * sizeof(Outcome);
  for (const auto& v : attendees_) bytes += sizeof(v) + v.capacity() * sizeof(std::uint32_t);
  for (const auto& v : members_) bytes += sizeof(v) + v.capacity() * sizeof(std::uint32_t);
  for (const Names* n : {&info_, &analyses_, &controls_, &situations_, &decisions_, &meetings_,
                         &cells_, &partners_, &commitments_}) {
    bytes += n->memory_bytes();
  }
  for (const auto& [key, indexes] : qualitative_rows_) bytes += sizeof(key) + indexes.capacity() * sizeof(std::uint32_t);
  if (live_) {
    const Replayed& s = *live_;
    bytes += s.info.capacity() * sizeof(InfoSlot) + s.controls.capacity() * sizeof(ControlSlot) +
             s.situations.capacity() * sizeof(SituationSlot) + s.decisions.capacity() * sizeof(DecisionSlot) +
             s.meetings.capacity() * sizeof(MeetingSlot) + s.cells.capacity() * sizeof(CellSlot) +
             s.commitments.capacity() * sizeof(CommitmentSlot) + s.analyses.capacity() * sizeof(AnalysisSlot) +
             s.analysis_rows.capacity() * sizeof(std::size_t) + s.first_analysis.capacity() * sizeof(std::int64_t);
    bytes += (s.info_spans.capacity() + s.control_spans.capacity()) * sizeof(Span) +
             s.situation_info.capacity() * sizeof(std::vector<std::uint32_t>);
    for (const auto& v : s.situation_info) bytes += v.capacity() * sizeof(std::uint32_t);
    for (const CellSlot& c : s.cells) bytes += c.memberships.capacity() * sizeof(MembershipSlot);
    for (const CommitmentSlot& c : s.commitments) bytes += c.evaluations.capacity() * sizeof(std::pair<int, bool>);
  }
  return bytes;
}

namespace {

// The rows whose slots are the information items' and the analyses'
// (Replayed::info, info_spans, situation_info, analyses, analysis_rows,
// first_analysis); every other kind writes only other slots.
bool OfItems(FactIndex::Kind kind) {
  return kind == FactIndex::Kind::kInfoShared || kind == FactIndex::Kind::kAnalysisCovers;
}

}  // namespace

void FactIndex::ReplayRows(Replayed& s, std::size_t end) const {
  std::exception_ptr failed;
  std::jthread others;
  if (end >= parallel_replay_rows_) {
    try {
      others = std::jthread([&] {
        try {
          for (std::size_t i = 0; i < end; ++i) {
            if (!OfItems(rows_[i].kind)) ApplyRow(s, i);
          }
        } catch (...) {
          failed = std::current_exception();
        }
      });
    } catch (const std::system_error&) {
      // No second thread: this one replays every row.
    }
  }
  const bool shared = others.joinable();
  for (std::size_t i = 0; i < end; ++i) {
    if (!shared || OfItems(rows_[i].kind)) ApplyRow(s, i);
  }
  if (shared) others.join();
  if (failed) std::rethrow_exception(failed);
}

std::shared_ptr<const FactIndex::Replayed> FactIndex::Replay(std::uint64_t n) const {
  const std::size_t end = EndOf(n);
  if (end == rows_.size()) {
    if (live_) return live_;
    return std::make_shared<const Replayed>();
  }
  {
    std::lock_guard guard(replay_mu_);
    if (last_replay_ && last_replay_n_ == n) return last_replay_;
  }
  auto replayed = std::make_shared<Replayed>();
  ReplayRows(*replayed, end);

  std::lock_guard guard(replay_mu_);
  last_replay_ = replayed;
  last_replay_n_ = n;
  return replayed;
}

namespace {

// One list of periods being counted: its answers and the running tallies
// that are resolved at the end.
struct Split {
  explicit Split(const std::vector<Period>& p)
      : periods(p), index(p), none(p.size()), out(p.size()), days(p.size()), attendance(p.size()),
        active(p.size()), overdue(p.size()) {}
  const std::vector<Period>& periods;
  PeriodIndex index;
  std::size_t none;
  std::vector<DerivedIndicators> out;
  std::vector<std::vector<double>> days;
  std::vector<std::vector<std::pair<std::string_view, double>>> attendance;
  RangeCounter active, overdue;
};

}  // namespace

std::vector<DerivedIndicators> FactIndex::ComputeDerived(std::uint64_t n,
                                                         const std::vector<Period>& periods,
                                                         const std::optional<std::string>& cell) const {
  return std::move(ComputeDerived(n, std::vector<const std::vector<Period>*>{&periods}, cell).front());
}

std::vector<std::vector<DerivedIndicators>> FactIndex::ComputeDerived(
    std::uint64_t n, const std::vector<const std::vector<Period>*>& period_lists,
    const std::optional<std::string>& cell) const {
  const std::shared_ptr<const Replayed> replayed = Replay(n);
  const auto& info = replayed->info;
  const auto& controls = replayed->controls;
  const auto& situations = replayed->situations;
  const auto& decisions = replayed->decisions;
  const auto& meetings = replayed->meetings;
  const auto& cells = replayed->cells;
  const auto& commitments = replayed->commitments;
  const auto& analyses = replayed->analyses;
  const auto& analysis_rows = replayed->analysis_rows;

  // ---- the counts, as dashboard.cc makes them from State ----------------
  std::vector<Split> splits;
  splits.reserve(period_lists.size());
  // Every period lies in [lo, hi): an entity whose instants all fall
  // outside it, and whose intervals miss it, counts nowhere and is skipped.
  std::int64_t lo = kNever, hi = std::numeric_limits<std::int64_t>::min();
  for (const std::vector<Period>* periods : period_lists) {
    splits.emplace_back(*periods);
    if (!periods->empty()) {
      lo = std::min(lo, periods->front().start_ns);
      hi = std::max(hi, periods->back().end_ns);
    }
  }
  auto outside = [&](std::int64_t t) { return t < lo || t >= hi; };
  const std::uint32_t cell_filter = cell ? cells_.Find(*cell) : kNone;
  auto in_cell = [&](std::uint32_t c) { return !cell || (cell_filter != kNone && c == cell_filter); };

  {
    std::lock_guard guard(replayed->first_analysis_mu);
    if (replayed->first_analysis_stale) {
      std::vector<std::int64_t>& first_analysis = replayed->first_analysis;
      first_analysis.assign(info_.size(), kNever);
      for (std::size_t i : analysis_rows) {
        const Row& r = rows_[i];
        if (r.other != kNone && analyses[r.entity].version == r.position) KeepEarliest(first_analysis, r.other, r.t);
      }
      replayed->first_analysis_stale = false;
    }
  }
  std::vector<std::int64_t> first_decision(situations_.size(), kNever);
  for (const DecisionSlot& d : decisions) {
    if (d.exists && d.situation != kNone) KeepEarliest(first_decision, d.situation, d.t);
  }

  // A block of ids is walked only if its span meets the periods'.
  auto walk = [&](const std::vector<Span>& spans, std::size_t count, auto&& visit) {
    for (std::size_t block = 0; block < spans.size(); ++block) {
      if (spans[block].last < lo || spans[block].first >= hi) continue;
      const std::size_t end = std::min(count, (block + 1) << kBlockShift);
      for (std::size_t id = block << kBlockShift; id < end; ++id) visit(static_cast<std::uint32_t>(id));
    }
  };

  walk(replayed->info_spans, info.size(), [&](std::uint32_t id) {
    const InfoSlot& item = info[id];
    if (!item.exists) return;
    const std::int64_t analysed = replayed->FirstAnalysis(id);
    if (!in_cell(item.cell) || (outside(item.t) && outside(analysed))) return;
    for (Split& x : splits) {
      if (std::size_t p = x.index.Find(item.t); p != x.none) ++x.out[p].information_shared;
      if (analysed != kNever) {
        if (std::size_t p = x.index.Find(analysed); p != x.none) ++x.out[p].information_analysed;
      }
    }
  });

  walk(replayed->control_spans, controls.size(), [&](std::uint32_t id) {
    const ControlSlot& c = controls[id];
    if (!c.exists || !in_cell(c.cell)) return;
    if (outside(c.planned) && (c.outcome < 0 || outside(c.outcome_t)) && (!c.cancelled || outside(c.cancelled_t))) {
      return;
    }
    for (Split& x : splits) {
      if (std::size_t p = x.index.Find(c.planned); p != x.none) ++x.out[p].controls_planned;
      if (c.outcome >= 0) {
        if (std::size_t p = x.index.Find(c.outcome_t); p != x.none) {
          const Outcome& o = outcomes_[static_cast<std::size_t>(c.outcome)];
          DerivedIndicators& d = x.out[p];
          ++d.controls_executed;
          d.persons_controlled += o.persons_controlled;
          d.offences_found += o.offences_found;
          d.seizures += o.seizures;
          d.administrative_closures += o.administrative_closures;
          d.fines += o.fines;
        }
      }
      if (c.cancelled) {
        if (std::size_t p = x.index.Find(c.cancelled_t); p != x.none) ++x.out[p].controls_cancelled;
      }
    }
  });

  // Days to a first decision, from the situation's earliest item shared no
  // later than that decision (else from its opening).
  auto first_item = [&](std::uint32_t situation) {
    std::int64_t first = kNever;
    if (situation >= replayed->situation_info.size()) return first;
    for (std::uint32_t id : replayed->situation_info[situation]) {
      const InfoSlot& item = info[id];
      if (item.exists && item.situation == situation && item.t <= first_decision[situation]) {
        first = std::min(first, item.t);
      }
    }
    return first;
  };

  for (std::uint32_t id = 0; id < situations.size(); ++id) {
    const SituationSlot& s = situations[id];
    if (!s.exists || !in_cell(s.cell)) continue;
    // Active in some period only if opened before the last one ends and
    // not closed before the first one starts.
    const bool maybe_active = s.opened < hi && (!s.is_closed || s.closed >= lo);
    if (!maybe_active && outside(s.opened) && (!s.is_closed || outside(s.closed)) &&
        outside(first_decision[id])) {
      continue;
    }
    std::optional<std::int64_t> earliest;  // first_item(id), once for every split
    for (Split& x : splits) {
      if (std::size_t p = x.index.Find(s.opened); p != x.none) ++x.out[p].situations_opened;
      std::size_t active_until = x.index.size();
      if (s.is_closed) {
        if (std::size_t p = x.index.Find(s.closed); p != x.none) ++x.out[p].situations_closed;
        active_until = x.index.FirstEndingAfter(s.closed);
      }
      x.active.Add(x.index.FirstEndingAfter(s.opened), active_until);
      if (first_decision[id] == kNever) continue;
      const std::size_t p = x.index.Find(first_decision[id]);
      if (p == x.none) continue;
      if (!earliest) earliest = first_item(id);
      const std::int64_t from = *earliest == kNever ? s.opened : *earliest;
      x.days[p].push_back(static_cast<double>(first_decision[id] - from) / kNsPerDay);
    }
  }

  for (const DecisionSlot& d : decisions) {
    if (!d.exists || !in_cell(d.cell)) continue;
    const bool maybe_overdue = std::max(d.t, d.due) < hi && (!d.completed || d.completed_t >= lo);
    if (!maybe_overdue && outside(d.t) && (!d.completed || outside(d.completed_t))) continue;
    for (Split& x : splits) {
      if (std::size_t p = x.index.Find(d.t); p != x.none) ++x.out[p].decisions_recorded;
      std::size_t overdue_until = x.index.size();
      if (d.completed) {
        if (std::size_t p = x.index.Find(d.completed_t); p != x.none) ++x.out[p].decisions_completed;
        overdue_until = x.index.FirstEndingAfter(d.completed_t);
      }
      x.overdue.Add(x.index.FirstEndingAfter(std::max(d.t, d.due)), overdue_until);
    }
  }

  // Attendance: the members of a meeting's cell on the day it was held.
  // A cell's memberships pile up over the years (each join and leave is
  // one), so each cell's are filed once per call by partner, sorted by
  // join, with the latest leave so far: a partner was a member at t if the
  // last membership it joined at or before t is left after t, or an
  // earlier one is.
  struct PartnerMemberships {
    std::uint32_t partner;
    std::vector<std::int64_t> joined;            // ascending
    std::vector<std::int64_t> left_so_far_max;  // by the same index
  };
  std::vector<std::optional<std::vector<PartnerMemberships>>> filed(cells.size());
  auto memberships_of = [&](std::uint32_t c) -> const std::vector<PartnerMemberships>& {
    if (!filed[c]) {
      std::map<std::uint32_t, std::vector<std::pair<std::int64_t, std::int64_t>>> by_partner;
      for (const MembershipSlot& ms : cells[c].memberships) {
        if (ms.joined < hi && ms.left > lo) by_partner[ms.partner].emplace_back(ms.joined, ms.left);
      }
      std::vector<PartnerMemberships>& out = filed[c].emplace();
      for (auto& [partner, spans] : by_partner) {
        std::sort(spans.begin(), spans.end());
        PartnerMemberships pm{partner, {}, {}};
        std::int64_t left = std::numeric_limits<std::int64_t>::min();
        for (const auto& [joined, until] : spans) {
          pm.joined.push_back(joined);
          pm.left_so_far_max.push_back(left = std::max(left, until));
        }
        out.push_back(std::move(pm));
      }
    }
    return *filed[c];
  };
  std::vector<std::uint32_t> members;  // ascending, as attendees_ are

  // Attendance rates are summed in meeting id order, as over State's map.
  for (std::uint32_t id = 0; id < meetings.size(); ++id) {
    const MeetingSlot& m = meetings[id];
    if (!m.exists || !m.held || !in_cell(m.cell) || outside(m.held_t)) continue;
    std::optional<double> rate;
    if (m.cell < cells.size() && cells[m.cell].exists) {
      members.clear();
      for (const PartnerMemberships& pm : memberships_of(m.cell)) {
        const auto after = std::upper_bound(pm.joined.begin(), pm.joined.end(), m.held_t);
        if (after != pm.joined.begin() && pm.left_so_far_max[static_cast<std::size_t>(after - pm.joined.begin() - 1)] > m.held_t) {
          members.push_back(pm.partner);
        }
      }
      if (!members.empty()) {
        std::size_t attending = 0;
        for (std::uint32_t a : attendees_[static_cast<std::size_t>(m.attendees)]) {
          attending += std::binary_search(members.begin(), members.end(), a) ? 1 : 0;
        }
        rate = static_cast<double>(attending) / static_cast<double>(members.size());
      }
    }
    for (Split& x : splits) {
      const std::size_t p = x.index.Find(m.held_t);
      if (p == x.none) continue;
      ++x.out[p].meetings_held;
      if (m.emergency) ++x.out[p].emergency_meetings_held;
      if (rate) x.attendance[p].emplace_back(meetings_.Name(id), *rate);
    }
  }

  std::vector<std::pair<int, std::optional<double>>> share_by_year;
  std::vector<std::vector<DerivedIndicators>> answers;
  answers.reserve(splits.size());
  for (Split& x : splits) {
    const std::vector<std::int64_t> active_totals = x.active.Totals();
    const std::vector<std::int64_t> overdue_totals = x.overdue.Totals();
    for (std::size_t p = 0; p < x.periods.size(); ++p) {
      DerivedIndicators& d = x.out[p];
      d.situations_active = active_totals[p];
      d.decisions_overdue = overdue_totals[p];
      d.median_days_to_first_decision = Median(std::move(x.days[p]));
      std::sort(x.attendance[p].begin(), x.attendance[p].end());
      std::vector<double> rates;
      rates.reserve(x.attendance[p].size());
      for (const auto& [id, rate] : x.attendance[p]) rates.push_back(rate);
      d.attendance_rate = Mean(rates);
      const int year = ParisDate(x.periods[p].start_ns).year;
      auto it = std::find_if(share_by_year.begin(), share_by_year.end(),
                             [&](const auto& entry) { return entry.first == year; });
      if (it == share_by_year.end()) {
        std::int64_t evaluated = 0;
        std::int64_t met = 0;
        const std::int64_t year_end = ParisYear(year).end_ns;
        for (const CommitmentSlot& c : commitments) {
          if (!c.exists || c.made_ns >= year_end) continue;
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
      d.commitments_met_share = it->second;
    }
    answers.push_back(std::move(x.out));
  }
  return answers;
}

FactIndex::QualitativeSelection FactIndex::Qualitative(std::uint64_t n, const Period& period,
                                                        std::size_t keep) const {
  const std::shared_ptr<const Replayed> replayed = Replay(n);
  const Replayed& s = *replayed;
  auto confidential = [&](std::uint32_t cell) {
    return cell < s.cells.size() && s.cells[cell].exists && s.cells[cell].confidential;
  };
  struct Quotable {
    std::int64_t t;
    std::uint64_t position;
    std::uint32_t entity;
    bool operator<(const Quotable& o) const { return std::tie(t, position) < std::tie(o.t, o.position); }
  };
  std::vector<Quotable> minutes, analyses, decisions;
  QualitativeSelection out;

  // Each entry is counted once: at the row of the recording in force at n,
  // if that row's occurred_at is in the period.
  const std::size_t end = EndOf(n);
  auto bucket = qualitative_rows_.lower_bound(period.start_ns >> kBucketShift);
  for (; bucket != qualitative_rows_.end() && bucket->first <= (period.end_ns - 1) >> kBucketShift; ++bucket) {
    const std::vector<std::uint32_t>& indexes = bucket->second;
    for (auto it = indexes.begin(); it != indexes.end() && *it < end; ++it) {
      const std::size_t i = *it;
      const Row& r = rows_[i];
      if (!period.Contains(r.t)) continue;
      switch (r.kind) {
        case Kind::kMeetingHeld: {
          const MeetingSlot& m = s.meetings[r.entity];
          if (!m.held || m.held_position != r.position || !m.minutes) break;
          if (confidential(m.cell)) {
            ++out.minutes.withheld;
          } else {
            minutes.push_back({r.t, r.position, r.entity});
          }
          break;
        }
        case Kind::kAnalysisCovers: {
          if (s.analyses[r.entity].version != r.position) break;
          // Quotable when it covers items, each of them known, public or
          // restricted, about no situation and outside confidential cells.
          bool quotable = r.other != kNone;
          for (std::size_t k = i; quotable && k < end && rows_[k].position == r.position; ++k) {
            const std::uint32_t item = rows_[k].other;
            const InfoSlot* info = item < s.info.size() ? &s.info[item] : nullptr;
            quotable = info && info->exists && info->quotable && info->situation == kNone &&
                       !confidential(info->cell);
          }
          if (quotable) {
            analyses.push_back({r.t, r.position, r.entity});
          } else {
            ++out.analyses.withheld;
          }
          break;
        }
        case Kind::kDecisionRecorded: {
          const DecisionSlot& d = s.decisions[r.entity];
          if (d.position != r.position) break;
          // A cell decision about a person may name them in its text.
          if (confidential(d.cell) || (d.situation != kNone && !d.situation_decision)) {
            ++out.decisions.withheld;
          } else {
            decisions.push_back({r.t, r.position, r.entity});
          }
          break;
        }
        default:
          break;
      }
    }
  }

  auto select = [keep](std::vector<Quotable>& all, const Names& names, QualitativeKind& kind) {
    kind.quotable = static_cast<std::int64_t>(all.size());
    const std::size_t kept = std::min(keep, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(kept), all.end());
    kind.earliest.reserve(kept);
    for (std::size_t k = 0; k < kept; ++k) kind.earliest.push_back(names.Name(all[k].entity));
  };
  select(minutes, meetings_, out.minutes);
  select(analyses, analyses_, out.analyses);
  select(decisions, decisions_, out.decisions);
  return out;
}

}  // namespace vigie::projections
