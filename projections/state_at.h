#pragma once
// StateAt: the partnership as it was known at any tree size (SPEC §5 "two
// clocks", §8 "an as-of evaluation of a year among 10 million events in
// well under a second").
//
// It keeps
// - the live State, following the log's durable tail (CatchUp); views of
//   "now" read it in place, without any fold or copy;
// - snapshots: copies of the live State every `snapshot_every_events`
//   positions while following the tail. A copy shares every collection
//   with the live state (persistent.h), so taking one costs O(1); it then
//   holds alone what the live fold changes after it (the old versions of
//   the entities written, and the tree nodes above them). They are bounded
//   in number (`max_snapshots`) and in those bytes (`snapshot_bytes_max`,
//   as counted by the containers' copies): when one more would exceed
//   either bound, the spacing doubles and every other snapshot is dropped,
//   so they stay evenly spread over the log (the farthest fold for any
//   as-of is below twice the spacing). An even spread, not a geometric one,
//   because the committee asks for old years as often as for recent days.
//   A catch-up that knows it will fold many events starts with the spacing
//   the count bound will need, so that it does not take snapshots only to
//   drop them.
// - a few recently materialised as-of states (`cache_entries`, and at most
//   `cache_bytes_max` bytes in all: the bytes their fold copied, since the
//   rest is shared with a snapshot), since an evaluation is typically
//   asked several times for the same as_of.
// An as-of state at size N is a copy of the nearest snapshot or cached
// state at or below N, with positions [snapshot, N) folded from the store.
// Memory: the live state, what the snapshots hold alone (about
// snapshot_bytes_max at most), the cached as-of states' own bytes
// (<= cache_bytes_max), and the as-of states of the views open at the
// moment.
//
// Times: a view shows names as valid at its time — `clock()` for now, the
// requested time for an as-of time, and the recorded_at of position N-1 for
// an as-of position N.
//
// Thread safety: every method may be called concurrently. A StateView holds
// a shared lock on the live state while it lives, so CatchUp waits for open
// views: never keep a view across an append, and never call CatchUp from
// the event store's writer thread (its Subscribe callback); signal another
// thread instead, or let View() catch up on demand. Hold at most one view
// per thread: a second shared lock taken while a CatchUp waits may block.
//
// Ownership: the store must outlive this object.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/status.h"
#include "projections/fact_index.h"
#include "projections/ledger.h"
#include "projections/state.h"
#include "projections/view_json.h"

namespace vigie::projections {

struct StateAtOptions {
  std::uint64_t snapshot_every_events = 50000;  // first spacing; doubles when needed
  // >= 2. Snapshots cost little (they share the state), and as-of folds
  // are shorter the more there are: 128 puts one every 100 k events of a
  // 10 M-event log (the spacing doubles from snapshot_every_events).
  std::size_t max_snapshots = 128;
  std::size_t snapshot_bytes_max = std::size_t{1} << 30;  // bytes the snapshots hold alone
  std::size_t cache_entries = 4;                // as-of states kept, least recent dropped
  std::size_t cache_bytes_max = std::size_t{2} << 30;  // bytes they hold alone, in all
  // As-of states folded at once (each may take a state's worth of memory
  // and seconds of CPU): callers beyond it wait up to fold_wait, then get
  // kUnavailable. Callers asking for a size already being folded share it.
  std::size_t folds_max = 2;
  std::chrono::milliseconds fold_wait = std::chrono::seconds(30);
  eventstore::Clock clock = eventstore::SystemClockNs;
};

// A state folded to some size, and the recorded_at of its last event.
struct FoldedState {
  State state;
  std::int64_t last_recorded_at_ns = 0;
  friend bool operator==(const FoldedState&, const FoldedState&) = default;
};

// Folds positions [state.size, to) of `store` into `folded`. Events the
// fold refuses (state.h: unknown references, bad payloads) are skipped and
// counted in `skipped`; a record failing verification stops the fold with
// the store's kDataLoss.
// With `facts`, the rows of every folded event are added to it. A range of
// ScanAhead::kWorthIt positions or more is read on a second thread while it
// is folded (eventstore/scan_ahead.h), as is a long CatchUp.
Status FoldFromStore(const eventstore::EventStore& store, std::uint64_t to, FoldedState& folded,
                     std::uint64_t* skipped = nullptr, FactIndex* facts = nullptr);

// Today's state and the state shown, valid while the view lives.
class StateView {
 public:
  const State& now() const { return *now_; }
  const State& shown() const { return shown_ ? shown_->state : *now_; }
  std::int64_t shown_time_ns() const { return shown_time_ns_; }
  ViewScope scope() const { return {now(), shown(), shown_time_ns_, facts_}; }
  // The live fact index (covers every state this view shows).
  const FactIndex* facts() const { return facts_; }

 private:
  friend class StateAt;
  std::shared_lock<std::shared_mutex> lock_;
  const State* now_ = nullptr;
  std::shared_ptr<const FoldedState> shown_;  // null: the live state
  std::int64_t shown_time_ns_ = 0;
  const FactIndex* facts_ = nullptr;
};

class StateAt {
 public:
  explicit StateAt(const eventstore::EventStore* store, StateAtOptions options = {});

  StateAt(const StateAt&) = delete;
  StateAt& operator=(const StateAt&) = delete;

  // Folds the store's durable events not yet in the live state, taking
  // snapshots on the way. The first call rebuilds everything.
  Status CatchUp();

  // The tree size `as_of` designates: N itself (kInvalidArgument beyond the
  // log's size), SizeAt(t) for a time, the log's size for neither.
  Result<std::uint64_t> Resolve(const AsOf& as_of) const;

  // Catches up when the log grew, then opens a view of `as_of`.
  Result<StateView> View(const AsOf& as_of);

  // The state at tree size `size` (<= the live size), as a copy-free
  // shared value: a cached or freshly folded as-of state.
  Result<std::shared_ptr<const FoldedState>> Materialize(std::uint64_t size);

  std::uint64_t live_size() const;
  // Positions of the snapshots held (for tests and /metrics).
  std::vector<std::uint64_t> snapshot_positions() const;
  // Bytes the snapshots held hold alone, as counted by the containers'
  // copies (persistent.h; each entity counted by its size without its
  // strings' heap): about options.snapshot_bytes_max at most.
  std::size_t snapshot_bytes() const;
  // Bytes the cached as-of states hold alone, counted alike.
  std::size_t cache_bytes() const;
  std::uint64_t skipped_events() const;

 private:
  Status CatchUpLocked();  // live_mu_ held exclusively
  void TakeSnapshotLocked();
  void ThinSnapshotsLocked();  // snapshots_mu_ held
  // A copy of the nearest snapshot or cached state at or below `size`
  // (an empty state when there is none).
  Result<FoldedState> NearestState(std::uint64_t size) const;
  // The cached as-of state of `size` (now the most recent), or null.
  std::shared_ptr<const FoldedState> CachedState(std::uint64_t size);

  const eventstore::EventStore* store_;
  const StateAtOptions options_;

  mutable std::shared_mutex live_mu_;  // guards live_ and skipped_
  FoldedState live_;
  FactIndex facts_;  // rows of the live fold (fact_index.h)
  std::uint64_t skipped_ = 0;
  // Bytes the live fold copied since the latest snapshot: what that
  // snapshot now holds alone.
  std::uint64_t copied_since_snapshot_ = 0;

  mutable std::mutex snapshots_mu_;  // guards snapshots_, snapshot_bytes_, spacing_, cache_, cache_bytes_
  struct Snapshot {
    std::shared_ptr<const FoldedState> folded;
    std::size_t bytes;  // held alone
  };
  std::map<std::uint64_t, Snapshot> snapshots_;  // by size
  std::size_t snapshot_bytes_ = 0;
  std::uint64_t spacing_;
  struct Cached {
    std::uint64_t size;
    std::shared_ptr<const FoldedState> folded;
    std::size_t bytes;  // held alone
  };
  std::vector<Cached> cache_;  // most recent last
  std::size_t cache_bytes_ = 0;

  // An as-of state being folded, and what it gave once done. Only its
  // folder writes state and error, before setting done under folds_mu_;
  // waiters read them after seeing done under the same lock.
  struct Fold {
    bool done = false;
    std::shared_ptr<const FoldedState> state;
    Status error;
  };
  std::mutex folds_mu_;  // guards folds_, folds_running_ and every Fold's done
  std::condition_variable folds_done_;
  std::map<std::uint64_t, std::shared_ptr<Fold>> folds_;  // by size
  std::size_t folds_running_ = 0;
};

}  // namespace vigie::projections
