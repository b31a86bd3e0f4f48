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
// id order, as State's maps iterate). An entity whose instants all fall
// outside the periods' span, and whose intervals (a situation open, a
// decision overdue) miss it, costs one comparison; several lists of periods
// (the evaluation's months and year) are counted in one walk.
//
// Row (40 bytes): position, occurred_at, an extra integer (a due date, an
// index into a side table...), entity, cell and another entity number, a
// kind and a flag. Ids are interned per kind of entity (dense uint32
// numbers).
//
// The mini-fold of all the rows (the live one) is kept up to date as rows
// are added, so that a question about the end of the log (the referent's
// dashboard, the evaluation "as of now") replays nothing; a question about
// an earlier size replays the rows below it once and keeps that replay.
//
// The qualitative balance of the evaluation: Qualitative(N, period) sorts
// the meetings held, analyses and decisions recorded in the period into
// withheld and quotable by the rule of evaluation.h, from the rows alone,
// and names the earliest quotable ones; the evaluation then looks up only
// those in the state. The rows of those three kinds are also filed by
// occurred_at, so that this costs the period's rows, not the whole log's.
//
// Thread safety: none of its own. StateAt appends under its exclusive lock
// and readers read under the shared one.
#include <cstdint>
#include <deque>
#include <map>
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
    // kInfoShared: public or restricted; kCellCreated: confidential;
    // kMeetingHeld: minutes written; kDecisionRecorded: a situation's
    // decision (SituationDecisionRecorded).
    bool flag = false;
  };

  // The rows of one event that Apply folded successfully into `after`.
  void Add(const State& after, const EventMeta& meta, const schema::DomainEvent& event) {
    Add(meta, event, SituationCell(after, event));
  }
  // The same, given the one fact the rows take from the state rather than
  // from the event: SituationCell(after, event). Rows read only the
  // position and occurred_at of `meta` (fact_writer.h hands no actor over).
  void Add(const EventMeta& meta, const schema::DomainEvent& event, std::string_view situation_cell);
  // The cell of the situation a SituationDecisionRecorded is about, in the
  // state it folded into; empty for any other event.
  static std::string_view SituationCell(const State& after, const schema::DomainEvent& event);
  // Tree size covered: every position below it was offered (folded or not).
  void Advance(std::uint64_t size) { size_ = size; }
  std::uint64_t size() const { return size_; }
  std::size_t rows() const { return rows_.size(); }
  // Room for about `events` more events' rows (one each; an analysis of
  // several items takes more), so that a long catch-up does not grow the
  // rows by doubling and leave the outgrown buffers behind. A growth is at
  // least a doubling, so that catch-ups in a row do not copy every row each.
  void Reserve(std::uint64_t events);
  std::size_t memory_bytes() const;

  // A question about a size below the end replays the rows below it (the
  // committee's "2013 as known on 2014-02-15"). From this many rows on, the
  // replay runs on two threads, one for the rows of information items and
  // analyses, one for all the others: they fill disjoint slots.
  static constexpr std::size_t kParallelReplayRows = 262'144;
  void set_parallel_replay_rows(std::size_t rows) { parallel_replay_rows_ = rows; }

  // dashboard.h's ComputeDerived over the state at tree size `n` (<= size()).
  std::vector<DerivedIndicators> ComputeDerived(std::uint64_t n, const std::vector<Period>& periods,
                                                const std::optional<std::string>& cell) const;
  // The same for several lists of periods at once (the evaluation's months
  // and year), in one walk of the entities: one answer per list.
  std::vector<std::vector<DerivedIndicators>> ComputeDerived(
      std::uint64_t n, const std::vector<const std::vector<Period>*>& period_lists,
      const std::optional<std::string>& cell) const;

  // The qualitative material of `period` at tree size `n`: for each kind
  // (minutes, analyses, decisions) how many entries are withheld, how many
  // are quotable, and the ids of the `keep` earliest quotable ones (by
  // occurred_at, then position), in that order.
  struct QualitativeKind {
    std::int64_t withheld = 0;
    std::int64_t quotable = 0;
    std::vector<std::string_view> earliest;
  };
  struct QualitativeSelection {
    QualitativeKind minutes, analyses, decisions;
  };
  QualitativeSelection Qualitative(std::uint64_t n, const Period& period, std::size_t keep) const;

 private:
  // Dense ids of names: open addressing with linear probing over the ids
  // (no node per name, a mask instead of a division); each name is held
  // once, in a deque that a push_back never moves. A slot also holds the
  // high half of its name's hash, so a probe passes over other names
  // without reading them: one cache miss for a new name, two for a known.
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

    static std::uint64_t Slot(std::size_t hash, std::uint32_t id) { return (hash >> 32 << 32) | (id + 1ULL); }

    std::vector<std::uint64_t> slots_;  // Slot(hash, id); 0: empty. Size: a power of two
    std::deque<std::string> names_;     // by id
  };
  struct Outcome {
    std::int64_t persons_controlled, offences_found, seizures, administrative_closures, fines;
  };

  std::size_t EndOf(std::uint64_t n) const;  // rows with position < n
  // The mini-fold of rows [0, EndOf(n)): the live one when n covers every
  // row, else a replay. The last replay is kept, since an evaluation asks
  // for the same n once per granularity, and often again; rows below n
  // never change, so it stays valid while rows are added.
  struct Replayed;
  std::shared_ptr<const Replayed> Replay(std::uint64_t n) const;
  void ApplyRow(Replayed& s, std::size_t i) const;  // row i into the mini-fold
  void ReplayRows(Replayed& s, std::size_t end) const;  // rows [0, end), on two threads if many
  void Push(Kind kind, const EventMeta& meta, std::uint32_t entity, std::uint32_t cell = kNone,
            std::uint32_t other = kNone, std::int64_t extra = 0, bool flag = false);

  std::size_t parallel_replay_rows_ = kParallelReplayRows;
  mutable std::mutex replay_mu_;  // guards last_replay_*: readers share the index
  mutable std::shared_ptr<const Replayed> last_replay_;
  mutable std::uint64_t last_replay_n_ = 0;

  std::shared_ptr<Replayed> live_;  // rows [0, rows_.size())

  // Rows of held meetings and of recorded analyses (the first row of each)
  // and decisions, by occurred_at: indexes into rows_, ascending, filed
  // under occurred_at >> kBucketShift (about 13 days).
  static constexpr int kBucketShift = 50;
  std::map<std::int64_t, std::vector<std::uint32_t>> qualitative_rows_;

  std::uint64_t size_ = 0;
  std::vector<Row> rows_;
  std::vector<Outcome> outcomes_;
  std::vector<std::vector<std::uint32_t>> attendees_;  // partners
  std::vector<std::vector<std::uint32_t>> members_;    // partners
  Names info_, analyses_, controls_, situations_, decisions_, meetings_, cells_, partners_,
      commitments_;
};

}  // namespace vigie::projections
