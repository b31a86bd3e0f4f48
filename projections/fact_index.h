#pragma once
// FactIndex: the facts the statistics need, as compact fixed-size rows in
// log order, so that the dashboard of any period as of any tree size is a
// scan of a prefix of rows instead of a copy and a re-fold of State.
//
// The live fold (state_at.h) appends the rows of every event it folded
// successfully (Add), from the state right after that event; nothing is
// ever rewritten, so the rows of positions [0, N) are exactly the facts
// known at tree size N. ComputeDerived(N, ...) replays those rows into
// small dense per-entity slots (a mini-fold that mirrors Apply for the
// fields the indicators use, overwrites included) and then counts exactly
// as dashboard.h's ComputeDerived(State, ...) does: same definitions, same
// results, down to the order in which attendance rates are summed (meeting
// id order, as State's maps iterate).
//
// Row (40 bytes): position, occurred_at, an extra integer (a due date, an
// index into a side table...), entity, cell and another entity number, and
// a kind. Ids are interned per kind of entity (dense uint32 numbers).
//
// Qualitative candidates: Candidates(N, period) lists the meetings held,
// analyses and decisions recorded (events with occurred_at in the period
// and position < N) so that the evaluation looks up only those in the
// as-of state (a superset: it re-checks every condition on the state).
//
// Thread safety: none of its own. StateAt appends under its exclusive lock
// and readers read under the shared one.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "projections/dashboard.h"
#include "projections/period.h"
#include "projections/state.h"

namespace vigie::schema { struct DomainEvent; }

namespace vigie::projections {

class FactIndex {
 public:
  enum class Kind : std::uint8_t {
    kInfoShared,         // entity info, cell, other situation
    kAnalysisCovers,     // entity analysis, other info (kNone: no item)
    kControlPlanned,     // entity control, cell
    kControlOutcome,     // entity control, extra: index into outcomes_
    kControlCancelled,   // entity control
    kSituationOpened,    // entity situation, cell
    kSituationClosed,    // entity situation
    kDecisionRecorded,   // entity decision, cell, other situation, extra due
    kDecisionCompleted,  // entity decision
    kMeetingScheduled,   // entity meeting, cell, extra emergency
    kMeetingHeld,        // entity meeting, extra: index into attendees_
    kCellCreated,        // entity cell, extra: index into members_
    kCellMemberAdded,    // entity cell, other partner
    kCellMemberRemoved,  // entity cell, other partner
    kCommitmentRecorded, // entity commitment
    kCommitmentEvaluated,  // entity commitment, extra year, other 1 if met
  };
  static constexpr std::uint32_t kNone = 0xffffffffu;

  struct Row {
    std::uint64_t position = 0;
    std::int64_t t = 0;  // occurred_at
    std::int64_t extra = 0;
    std::uint32_t entity = 0;
    std::uint32_t cell = kNone;
    std::uint32_t other = kNone;
    Kind kind{};
  };

  // The rows of one event that Apply folded successfully into `after`.
  void Add(const State& after, const EventMeta& meta, const schema::DomainEvent& event);
  // Tree size covered: every position below it was offered (folded or not).
  void Advance(std::uint64_t size) { size_ = size; }
  std::uint64_t size() const { return size_; }
  std::size_t rows() const { return rows_.size(); }
  std::size_t memory_bytes() const;

  // dashboard.h's ComputeDerived over the state at tree size `n` (<= size()).
  std::vector<DerivedIndicators> ComputeDerived(std::uint64_t n, const std::vector<Period>& periods,
                                                const std::optional<std::string>& cell) const;

  struct Candidates {
    std::vector<std::string_view> meetings;  // held in the period (some time before n)
    std::vector<std::string_view> analyses;
    std::vector<std::string_view> decisions;
  };
  Candidates QualitativeCandidates(std::uint64_t n, const Period& period) const;

 private:
  // Dense ids of names: open addressing with linear probing over the ids
  // (no node per name, a mask instead of a division); each name is held
  // once, in a deque that a push_back never moves.
  class Names {
   public:
    std::uint32_t Intern(std::string_view name);
    std::uint32_t Find(std::string_view name) const;
    const std::string& Name(std::uint32_t id) const { return names_[id]; }
    std::size_t size() const { return names_.size(); }
    std::size_t memory_bytes() const;

   private:
    // The slot holding `name`, or the empty slot where it would go.
    std::size_t Probe(std::string_view name, std::size_t hash) const;
    void Grow();

    std::vector<std::uint32_t> slots_;  // id + 1; 0: empty. Size: a power of two
    std::vector<std::size_t> hashes_;   // by id
    std::deque<std::string> names_;     // by id
  };
  struct Outcome {
    std::int64_t persons_controlled, offences_found, seizures, administrative_closures, fines;
  };

  std::size_t EndOf(std::uint64_t n) const;  // rows with position < n
  // The mini-fold of rows [0, EndOf(n)); the last one is kept, since an
  // evaluation asks for the same n once per granularity, and often again.
  // Rows below n never change, so it stays valid while rows are added.
  struct Replayed;
  std::shared_ptr<const Replayed> Replay(std::uint64_t n) const;
  void Push(Kind kind, const EventMeta& meta, std::uint32_t entity, std::uint32_t cell = kNone,
            std::uint32_t other = kNone, std::int64_t extra = 0);

  mutable std::mutex replay_mu_;  // guards last_replay_*: readers share the index
  mutable std::shared_ptr<const Replayed> last_replay_;
  mutable std::uint64_t last_replay_n_ = 0;

  std::uint64_t size_ = 0;
  std::vector<Row> rows_;
  std::vector<Outcome> outcomes_;
  std::vector<std::vector<std::uint32_t>> attendees_;  // partners
  std::vector<std::vector<std::uint32_t>> members_;    // partners
  Names info_, analyses_, controls_, situations_, decisions_, meetings_, cells_, partners_,
      commitments_;
};

}  // namespace vigie::projections
