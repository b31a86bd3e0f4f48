#include "projections/state_at.h"

#include <algorithm>

#include "eventstore/scan_ahead.h"
#include "projections/fact_writer.h"
#include "projections/persistent.h"
#include "schemas/record_generated.h"

namespace vigie::projections {
namespace {

// What this thread's writes of persistent containers allocated (persistent.h).
std::uint64_t AllocatedBytes() {
  return persistent_internal::copied_bytes + persistent_internal::created_bytes;
}

// Folds one record; its fact index rows go to `writer` if there is one,
// else into `facts` if there is one.
void FoldRecord(FoldedState& folded, const eventstore::RecordView& view, std::uint64_t* skipped,
                FactIndex* facts, FactWriter* writer = nullptr) {
  const Status applied = writer ? ApplyRecord(folded.state, view.position, view.record, *writer)
                                : ApplyRecord(folded.state, view.position, view.record, facts);
  if (!applied.ok() && skipped) ++*skipped;
  if (view.record) folded.last_recorded_at_ns = view.record->recorded_at();
}

Status EndedEarly(const FoldedState& folded, std::uint64_t to) {
  return Internal("the log ended at position " + std::to_string(folded.state.size) +
                  " while folding to " + std::to_string(to));
}

// Folds the records `ahead` reads until the state's size is `to`.
Status FoldAhead(eventstore::ScanAhead& ahead, std::uint64_t to, FoldedState& folded,
                 std::uint64_t* skipped, FactIndex* facts, FactWriter* writer = nullptr) {
  while (folded.state.size < to) {
    const eventstore::RecordView* view = ahead.Next();
    if (!view) {
      VIGIE_RETURN_IF_ERROR(ahead.Finish());
      return EndedEarly(folded, to);
    }
    FoldRecord(folded, *view, skipped, facts, writer);
  }
  return Status::Ok();
}

}  // namespace

Status FoldFromStore(const eventstore::EventStore& store, std::uint64_t to, FoldedState& folded,
                     std::uint64_t* skipped, FactIndex* facts) {
  const std::uint64_t from = folded.state.size;
  if (to <= from) return Status::Ok();
  if (auto ahead = eventstore::ScanAhead::StartIfWorthIt(store, from, to)) {
    VIGIE_RETURN_IF_ERROR(FoldAhead(*ahead, to, folded, skipped, facts));
    return ahead->Finish();
  }
  RecordAligner aligned;
  Status scanned = store.Scan(from, to, [&](const eventstore::RecordView& view) {
    FoldRecord(folded, {view.position, view.bytes, aligned(view)}, skipped, facts);
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (folded.state.size != to) return EndedEarly(folded, to);
  return Status::Ok();
}

StateAt::StateAt(const eventstore::EventStore* store, StateAtOptions options)
    : store_(store), options_(std::move(options)) {
  spacing_ = std::max<std::uint64_t>(1, options_.snapshot_every_events);
}

Status StateAt::CatchUp() {
  std::unique_lock lock(live_mu_);
  return CatchUpLocked();
}

Status StateAt::CatchUpLocked() {
  const std::uint64_t target = store_->Size();
  {
    // Snapshots the count bound would drop before the end are not taken.
    std::lock_guard guard(snapshots_mu_);
    const std::size_t max = std::max<std::size_t>(2, options_.max_snapshots);
    while (target / spacing_ > max) spacing_ *= 2;
    ThinSnapshotsLocked();
  }
  // A long catch-up (start-up) reads the log on a second thread, and adds
  // the fact index's rows on a third.
  std::unique_ptr<eventstore::ScanAhead> ahead =
      eventstore::ScanAhead::StartIfWorthIt(*store_, live_.state.size, target);
  std::unique_ptr<FactWriter> writer;
  if (ahead) {
    facts_.Reserve(target - live_.state.size);
    writer = FactWriter::Start(facts_);
  }
  Status result = Status::Ok();
  while (result.ok() && live_.state.size < target) {
    std::uint64_t spacing;
    {
      std::lock_guard guard(snapshots_mu_);
      spacing = spacing_;
    }
    const std::uint64_t next_snapshot = (live_.state.size / spacing + 1) * spacing;
    const std::uint64_t stop = std::min(target, next_snapshot);
    const std::uint64_t copied_before = persistent_internal::copied_bytes;
    result = ahead ? FoldAhead(*ahead, stop, live_, &skipped_, &facts_, writer.get())
                   : FoldFromStore(*store_, stop, live_, &skipped_, &facts_);
    copied_since_snapshot_ += persistent_internal::copied_bytes - copied_before;
    if (result.ok() && stop == next_snapshot) TakeSnapshotLocked();
  }
  // The index then covers what the live state does, failure or not.
  if (writer) writer->Finish(live_.state.size);
  if (!result.ok()) return result;
  return ahead ? ahead->Finish() : Status::Ok();
}

void StateAt::TakeSnapshotLocked() {
  // A copy that shares every collection with live_ (persistent.h).
  auto snapshot = std::make_shared<const FoldedState>(live_);
  const std::uint64_t position = live_.state.size;
  const std::uint64_t copied = std::exchange(copied_since_snapshot_, 0);
  std::lock_guard guard(snapshots_mu_);
  // What the live fold copied since the latest snapshot, that one holds alone.
  if (!snapshots_.empty()) {
    snapshots_.rbegin()->second.bytes += copied;
    snapshot_bytes_ += copied;
  }
  if (position % spacing_ != 0) return;
  // It holds alone, to begin with, its own object (and the small maps of
  // State that are copied, not shared: reference lists, token index).
  const std::size_t bytes = sizeof(FoldedState);
  if (auto [it, inserted] = snapshots_.try_emplace(position, Snapshot{snapshot, bytes}); inserted) {
    snapshot_bytes_ += bytes;
  } else {
    it->second.folded = std::move(snapshot);
  }
  ThinSnapshotsLocked();
}

void StateAt::ThinSnapshotsLocked() {
  const std::size_t max = std::max<std::size_t>(2, options_.max_snapshots);
  auto over = [&] { return snapshots_.size() > max || snapshot_bytes_ > options_.snapshot_bytes_max; };
  // Terminates: each doubling drops every snapshot whose position is not a
  // multiple of the new spacing, and positions are finite.
  while (!snapshots_.empty() && over()) {
    spacing_ *= 2;
    std::erase_if(snapshots_, [&](const auto& entry) {
      if (entry.first % spacing_ == 0) return false;
      // What it held alone is freed, or now held alone by its neighbour:
      // an estimate either way, so dropped with it.
      snapshot_bytes_ -= entry.second.bytes;
      return true;
    });
  }
}

Result<FoldedState> StateAt::NearestState(std::uint64_t size) const {
  std::shared_ptr<const FoldedState> nearest;
  {
    std::lock_guard guard(snapshots_mu_);
    if (auto it = snapshots_.upper_bound(size); it != snapshots_.begin()) nearest = std::prev(it)->second.folded;
    // A cached as-of state may be nearer than any snapshot.
    for (const Cached& c : cache_) {
      if (c.size <= size && (!nearest || c.size > nearest->state.size)) nearest = c.folded;
    }
  }
  // A copy shares the collections (persistent.h): O(1) whatever the size.
  if (nearest) return FoldedState(*nearest);
  return FoldedState{};
}

Result<std::uint64_t> StateAt::Resolve(const AsOf& as_of) const {
  const std::uint64_t size = store_->Size();
  if (as_of.position) {
    if (*as_of.position > size) {
      return Fail(InvalidArgument("as_of position " + std::to_string(*as_of.position) +
                                  " is beyond the log's size " + std::to_string(size)));
    }
    return *as_of.position;
  }
  if (as_of.recorded_at_ns) return store_->SizeAt(*as_of.recorded_at_ns);
  return size;
}

std::shared_ptr<const FoldedState> StateAt::CachedState(std::uint64_t size) {
  std::lock_guard guard(snapshots_mu_);
  for (auto it = cache_.begin(); it != cache_.end(); ++it) {
    if (it->size != size) continue;
    Cached hit = *it;
    cache_.erase(it);
    cache_.push_back(hit);
    return hit.folded;
  }
  return nullptr;
}

Result<std::shared_ptr<const FoldedState>> StateAt::Materialize(std::uint64_t size) {
  {
    std::shared_lock lock(live_mu_);
    if (size > live_.state.size) {
      return Fail(InvalidArgument("as_of position " + std::to_string(size) +
                                  " is beyond the state's size " +
                                  std::to_string(live_.state.size)));
    }
    if (size == live_.state.size) return std::make_shared<const FoldedState>(live_);
  }
  if (auto cached = CachedState(size)) return cached;

  // A fold of this size already running is waited for; otherwise one of the
  // `folds_max` slots, waited for until `fold_wait` has passed.
  std::shared_ptr<Fold> fold;
  {
    std::unique_lock lock(folds_mu_);
    const auto deadline = std::chrono::steady_clock::now() + options_.fold_wait;
    const bool ready = folds_done_.wait_until(lock, deadline, [&] {
      return folds_.contains(size) || folds_running_ < options_.folds_max;
    });
    if (!ready) {
      return Fail(Unavailable("too many as-of states are being built; retry in a moment"));
    }
    if (auto running = folds_.find(size); running != folds_.end()) {
      std::shared_ptr<Fold> other = running->second;
      if (!folds_done_.wait_until(lock, deadline, [&] { return other->done; })) {
        return Fail(Unavailable("the as-of state asked for is still being built; retry in a moment"));
      }
      if (other->state) return other->state;
      if (!other->error.ok()) return Fail(other->error);
      return Fail(Unavailable("building the as-of state asked for failed; retry in a moment"));
    }
    ++folds_running_;
    fold = std::make_shared<Fold>();
    folds_.emplace(size, fold);
  }
  // Whatever happens below, the slot is given back and the waiters woken.
  struct Release {
    StateAt* self;
    std::uint64_t size;
    Fold& fold;
    ~Release() {
      std::lock_guard lock(self->folds_mu_);
      --self->folds_running_;
      fold.done = true;
      self->folds_.erase(size);
      self->folds_done_.notify_all();
    }
  } release{this, size, *fold};
  // It may have been cached while this caller waited for a slot.
  if (auto cached = CachedState(size)) {
    fold->state = cached;
    return cached;
  }

  Result<FoldedState> base = NearestState(size);
  if (!base) {
    fold->error = base.error();
    return Fail(base.error());
  }
  auto folded = std::make_shared<FoldedState>(std::move(*base));
  const std::uint64_t allocated_before = AllocatedBytes();
  if (Status st = FoldFromStore(*store_, size, *folded); !st.ok()) {
    fold->error = st;
    return Fail(std::move(st));
  }
  // What the fold copied or created is what this state holds alone; the
  // rest is shared with the state it started from.
  const std::size_t bytes = sizeof(FoldedState) + (AllocatedBytes() - allocated_before);
  std::shared_ptr<const FoldedState> result = std::move(folded);
  fold->state = result;
  // A state above the whole bound is not kept.
  if (options_.cache_entries > 0 && bytes <= options_.cache_bytes_max) {
    std::lock_guard guard(snapshots_mu_);
    cache_.push_back({size, result, bytes});
    cache_bytes_ += bytes;
    while (cache_.size() > options_.cache_entries || cache_bytes_ > options_.cache_bytes_max) {
      cache_bytes_ -= cache_.front().bytes;
      cache_.erase(cache_.begin());
    }
  }
  return result;
}

Result<StateView> StateAt::View(const AsOf& as_of) {
  const bool current = !as_of.position && !as_of.recorded_at_ns;
  Result<std::uint64_t> size = Resolve(as_of);
  if (!size) return Fail(size.error());
  if (live_size() < store_->Size()) {
    if (Status st = CatchUp(); !st.ok()) return Fail(std::move(st));
  }

  StateView view;
  if (current) {
    view.lock_ = std::shared_lock(live_mu_);
    view.now_ = &live_.state;
    view.facts_ = &facts_;
    view.shown_time_ns_ = options_.clock();
    return view;
  }
  {
    std::shared_lock lock(live_mu_);
    if (live_.state.size == *size) {
      view.now_ = &live_.state;
      view.facts_ = &facts_;
      view.shown_time_ns_ = as_of.recorded_at_ns.value_or(live_.last_recorded_at_ns);
      view.lock_ = std::move(lock);
      return view;
    }
  }
  Result<std::shared_ptr<const FoldedState>> shown = Materialize(*size);
  if (!shown) return Fail(shown.error());
  view.lock_ = std::shared_lock(live_mu_);
  view.now_ = &live_.state;
  view.facts_ = &facts_;
  view.shown_ = std::move(*shown);
  view.shown_time_ns_ = as_of.recorded_at_ns.value_or(view.shown_->last_recorded_at_ns);
  return view;
}

std::uint64_t StateAt::live_size() const {
  std::shared_lock lock(live_mu_);
  return live_.state.size;
}

std::vector<std::uint64_t> StateAt::snapshot_positions() const {
  std::lock_guard guard(snapshots_mu_);
  std::vector<std::uint64_t> out;
  for (const auto& [position, snapshot] : snapshots_) out.push_back(position);
  return out;
}

std::size_t StateAt::snapshot_bytes() const {
  std::lock_guard guard(snapshots_mu_);
  return snapshot_bytes_;
}

std::size_t StateAt::cache_bytes() const {
  std::lock_guard guard(snapshots_mu_);
  return cache_bytes_;
}

std::uint64_t StateAt::skipped_events() const {
  std::shared_lock lock(live_mu_);
  return skipped_;
}

}  // namespace vigie::projections
