#pragma once
// FakeEventStore: an in-memory EventStore for the server's tests. Holds
// only what the server reads (size, stream and type per position, canned
// checkpoint, key and proofs) and counts every call, so a test can assert
// that a refused request never touched the store. Thread-safe.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "eventstore/event_store.h"

namespace vigie::server::testing {

struct FakeEvent {
  std::string stream;
  std::string type;
};

class FakeEventStore : public eventstore::EventStore {
 public:
  static constexpr std::string_view kVerifierKey =
      "vigie.test+6a1b2c3d+AUzXvZ0Yp5D0oCq6Wj0WfXWm0vQm2y0dQf6q8b1Wn3Vt";

  // Appends an event and tells the subscribers, as the writer thread would.
  void Add(std::string stream, std::string type);
  std::vector<FakeEvent> EventsFrom(std::uint64_t from, std::size_t limit) const;
  std::size_t subscriber_count() const;
  int calls() const { return calls_; }

  Result<eventstore::AppendResult> Append(eventstore::AppendRequest request) override;
  void AppendAsync(eventstore::AppendRequest request,
                   std::function<void(Result<eventstore::AppendResult>)> done) override;
  Result<std::uint64_t> ImportRecords(std::vector<std::string> records) override;
  std::optional<eventstore::AppendResult> FindCommand(std::string_view command_id) const override;
  std::uint64_t Size() const override;
  Result<eventstore::StoredEvent> Read(std::uint64_t position) const override;
  Result<std::vector<eventstore::StoredEvent>> ReadForward(std::uint64_t from, std::size_t limit) const override;
  Result<std::vector<eventstore::StoredEvent>> ReadBackward(std::uint64_t from, std::size_t limit) const override;
  Status Scan(std::uint64_t from, std::uint64_t to,
              const std::function<bool(const eventstore::RecordView&)>& visit) const override;
  Result<std::vector<eventstore::StoredEvent>> ReadStream(std::string_view stream, std::uint64_t from_version,
                                                          std::size_t limit) const override;
  std::optional<eventstore::StreamHead> Head(std::string_view stream) const override;
  std::vector<eventstore::StreamHead> Heads(std::string_view after, std::size_t limit) const override;
  std::uint64_t WaitForSize(std::uint64_t size, std::chrono::milliseconds timeout) const override;
  std::uint64_t Subscribe(std::function<void(std::uint64_t size)> on_size) override;
  void Unsubscribe(std::uint64_t id) override;
  eventstore::StoreStats Stats() const override;
  std::uint64_t SizeAt(std::int64_t recorded_at_ns) const override;
  Result<std::vector<std::uint64_t>> PositionsOccurredIn(std::int64_t from_ns, std::int64_t to_ns,
                                                         std::uint64_t size) const override;
  Result<merkle::Hash> LeafHash(std::uint64_t position) const override;
  Result<merkle::Hash> RootAt(std::uint64_t size) const override;
  Result<std::vector<merkle::Hash>> InclusionProof(std::uint64_t index, std::uint64_t size) const override;
  Result<std::vector<merkle::Hash>> ConsistencyProof(std::uint64_t first, std::uint64_t second) const override;
  const std::string& origin() const override { return origin_; }
  std::string VerifierKey() const override;
  Result<std::string> SignCheckpoint(std::uint64_t size) const override;
  Result<std::string> StoreCheckpoint() override;
  Result<std::string> LatestCheckpoint() override;
  std::vector<std::pair<std::uint64_t, std::string>> Checkpoints() const override;
  Status Backup(const std::string& dir) const override;
  Status Close() override;

 private:
  void Count() const { ++calls_; }

  const std::string origin_ = "vigie.test";
  mutable std::atomic<int> calls_{0};
  mutable std::mutex mutex_;  // guards events_, subscribers_, next_subscriber_
  mutable std::condition_variable grown_;
  std::vector<FakeEvent> events_;
  std::map<std::uint64_t, std::function<void(std::uint64_t)>> subscribers_;
  std::uint64_t next_subscriber_ = 1;
};

}  // namespace vigie::server::testing
