#include "tests/server/fake_event_store.h"

namespace vigie::server::testing {
namespace {

merkle::Hash Filled(std::uint64_t seed) {
  merkle::Hash hash{};
  for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<std::uint8_t>(seed + i);
  return hash;
}

}  // namespace

void FakeEventStore::Add(std::string stream, std::string type) {
  std::vector<std::function<void(std::uint64_t)>> callbacks;
  std::uint64_t size = 0;
  {
    std::lock_guard lock(mutex_);
    events_.push_back({std::move(stream), std::move(type)});
    size = events_.size();
    for (auto& [id, callback] : subscribers_) callbacks.push_back(callback);
  }
  grown_.notify_all();
  for (auto& callback : callbacks) callback(size);
}

std::vector<FakeEvent> FakeEventStore::EventsFrom(std::uint64_t from, std::size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<FakeEvent> out;
  for (std::uint64_t p = from; p < events_.size() && out.size() < limit; ++p) out.push_back(events_[p]);
  return out;
}

std::size_t FakeEventStore::subscriber_count() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

Result<eventstore::AppendResult> FakeEventStore::Append(eventstore::AppendRequest) {
  Count();
  return Fail(Unavailable("the fake store takes no appends"));
}

void FakeEventStore::AppendAsync(eventstore::AppendRequest,
                                 std::function<void(Result<eventstore::AppendResult>)> done) {
  Count();
  done(Fail(Unavailable("the fake store takes no appends")));
}

Result<std::uint64_t> FakeEventStore::ImportRecords(std::vector<std::string>) {
  Count();
  return Fail(Unavailable("the fake store takes no imports"));
}

std::optional<eventstore::AppendResult> FakeEventStore::FindCommand(std::string_view) const {
  Count();
  return std::nullopt;
}

std::uint64_t FakeEventStore::Size() const {
  Count();
  std::lock_guard lock(mutex_);
  return events_.size();
}

Result<eventstore::StoredEvent> FakeEventStore::Read(std::uint64_t) const {
  Count();
  return Fail(NotFound("not kept by the fake store"));
}

Result<std::vector<eventstore::StoredEvent>> FakeEventStore::ReadForward(std::uint64_t, std::size_t) const {
  Count();
  return std::vector<eventstore::StoredEvent>{};
}

Result<std::vector<eventstore::StoredEvent>> FakeEventStore::ReadBackward(std::uint64_t, std::size_t) const {
  Count();
  return std::vector<eventstore::StoredEvent>{};
}

Status FakeEventStore::Scan(std::uint64_t, std::uint64_t,
                            const std::function<bool(const eventstore::RecordView&)>&) const {
  Count();
  return Status::Ok();
}

Result<std::vector<eventstore::StoredEvent>> FakeEventStore::ReadStream(std::string_view, std::uint64_t,
                                                                        std::size_t) const {
  Count();
  return std::vector<eventstore::StoredEvent>{};
}

std::optional<eventstore::StreamHead> FakeEventStore::Head(std::string_view) const {
  Count();
  return std::nullopt;
}

std::vector<eventstore::StreamHead> FakeEventStore::Heads(std::string_view, std::size_t) const {
  Count();
  return {};
}

std::uint64_t FakeEventStore::WaitForSize(std::uint64_t size, std::chrono::milliseconds timeout) const {
  Count();
  std::unique_lock lock(mutex_);
  grown_.wait_for(lock, timeout, [&] { return events_.size() > size; });
  return events_.size();
}

std::uint64_t FakeEventStore::Subscribe(std::function<void(std::uint64_t)> on_size) {
  Count();
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_subscriber_++;
  subscribers_.emplace(id, std::move(on_size));
  return id;
}

void FakeEventStore::Unsubscribe(std::uint64_t id) {
  Count();
  std::lock_guard lock(mutex_);
  subscribers_.erase(id);
}

eventstore::StoreStats FakeEventStore::Stats() const {
  Count();
  eventstore::StoreStats stats;
  std::lock_guard lock(mutex_);
  stats.commands = events_.size();
  stats.events = events_.size();
  stats.batches = events_.size();
  for (auto& bucket : stats.batch_commands_buckets) bucket = events_.size();
  stats.batch_commands_sum = static_cast<double>(events_.size());
  for (std::size_t i = 4; i < stats.sync_seconds_buckets.size(); ++i) stats.sync_seconds_buckets[i] = events_.size();
  stats.sync_seconds_sum = 0.003 * static_cast<double>(events_.size());
  return stats;
}

std::uint64_t FakeEventStore::SizeAt(std::int64_t) const {
  Count();
  return Size();
}

Result<std::vector<std::uint64_t>> FakeEventStore::PositionsOccurredIn(std::int64_t, std::int64_t,
                                                                       std::uint64_t) const {
  Count();
  return std::vector<std::uint64_t>{};
}

Result<merkle::Hash> FakeEventStore::LeafHash(std::uint64_t position) const {
  Count();
  if (position >= Size()) return Fail(InvalidArgument("position beyond the log"));
  return Filled(position);
}

Result<merkle::Hash> FakeEventStore::RootAt(std::uint64_t size) const {
  Count();
  return Filled(1000 + size);
}

Result<std::vector<merkle::Hash>> FakeEventStore::InclusionProof(std::uint64_t index,
                                                                 std::uint64_t size) const {
  Count();
  if (index >= size || size > Size()) return Fail(InvalidArgument("bad inclusion request"));
  return std::vector<merkle::Hash>{Filled(index + 1), Filled(size)};
}

Result<std::vector<merkle::Hash>> FakeEventStore::ConsistencyProof(std::uint64_t first,
                                                                   std::uint64_t second) const {
  Count();
  if (first == 0 || first > second || second > Size()) return Fail(InvalidArgument("bad sizes"));
  if (first == second) return std::vector<merkle::Hash>{};
  return std::vector<merkle::Hash>{Filled(first), Filled(second), Filled(first + second)};
}

std::string FakeEventStore::VerifierKey() const {
  Count();
  return std::string(kVerifierKey);
}

Result<std::string> FakeEventStore::SignCheckpoint(std::uint64_t size) const {
  Count();
  return origin_ + "\n" + std::to_string(size) + "\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— vigie.test abcd\n";
}

Result<std::string> FakeEventStore::StoreCheckpoint() { return SignCheckpoint(Size()); }

Result<std::string> FakeEventStore::LatestCheckpoint() { return SignCheckpoint(Size()); }

std::vector<std::pair<std::uint64_t, std::string>> FakeEventStore::Checkpoints() const {
  Count();
  return {};
}

Status FakeEventStore::Backup(const std::string&) const {
  Count();
  return Unavailable("no backups of the fake store");
}

Status FakeEventStore::Close() { return Status::Ok(); }

}  // namespace vigie::server::testing
