#pragma once
// EventStore: Vigie's append-only, durable, provable log on RocksDB.
//
// Contract
// - Positions are dense from 0; the tree of size N covers positions 0..N-1.
// - Append() writes one command's events atomically (one RocksDB write
//   batch holding records, stream index, Merkle nodes and indexes) and
//   returns only once that batch is synced to disk. Concurrent appenders are
//   merged by group commit: one writer thread stages and writes batches of
//   waiting commands, one syncer thread makes each group of written batches
//   durable with one fsync before anyone is answered. A blocking Append that
//   finds nothing to merge with (writer idle, nothing queued) writes and
//   syncs its own batch on the calling thread.
// - Expected versions are checked by the writer, in order, against the heads
//   including earlier commands of the same batch, so they are exact.
// - A command replayed with a command_id already stored appends nothing and
//   returns the first result (replayed = true). A duplicate event_id is
//   refused with kAlreadyExists.
// - recorded_at is the injected clock, forced non-decreasing along positions,
//   so "the size current at time t" is a binary search (SizeAt).
// - If a write or sync fails the store turns read-only (kUnavailable on every
//   later append): an fsync failure leaves the page cache untrustworthy, so
//   the process must reopen the store, as PostgreSQL does.
// - A read error (damaged table file, I/O error) is never taken for "not
//   found": the append that met it fails with kDataLoss and the store turns
//   failed as above.
//
// Lost tail. RocksDB cannot tell a record torn by a crash from a length field
// damaged at the end of its write-ahead log or MANIFEST: it drops the rest
// without a word, and with it the newest events (or the table files of a
// flush). So every stored checkpoint (periodic, on demand, at Close) is also
// written to DIR/latest-checkpoint (temp file, fsync, rename, fsync of the
// directory), after it is durable in RocksDB. Open and OpenReadOnly refuse
// with kDataLoss a log shorter than that checkpoint, whose root at its size
// differs, or that lost the checkpoint itself. What this guarantees:
// - everything up to the latest stored checkpoint is either there, intact,
//   or the open fails naming both sizes;
// - events acknowledged AFTER that checkpoint rest on RocksDB alone: a
//   damaged WAL tail can still drop them silently (at most
//   checkpoint_every_events of them, or those since the last clean Close);
// - the damage of an index family (heads, streams, ...) lost with a MANIFEST
//   tail is not seen at open (the checkpoint covers the log and the tree);
// - deleting DIR/latest-checkpoint disables the check (stores made before
//   it existed have none), so it protects against damage, not an attacker
//   with write access, which only the published checkpoints can catch.
//
// Thread safety: every method may be called from any thread concurrently.
// Ownership: the store owns its RocksDB instance and writer thread; Close()
// (or the destructor) drains pending appends, syncs and stores a checkpoint.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/merkle_tree.h"
#include "eventstore/status.h"

namespace vigie::schema { struct Record; }

namespace vigie::eventstore {

using EventId = std::array<std::uint8_t, 16>;
using Clock = std::function<std::int64_t()>;  // ns since the Unix epoch

std::int64_t SystemClockNs();

struct Actor {
  std::string person;
  std::string partner;
  std::string role;
};

struct ExpectedVersion {
  enum class Kind { kAny, kNoStream, kExact };
  Kind kind = Kind::kAny;
  std::uint64_t version = 0;  // kExact: the version of the stream's last event

  static ExpectedVersion Any() { return {}; }
  static ExpectedVersion NoStream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion Exact(std::uint64_t v) { return {Kind::kExact, v}; }
};

// One event to append. Stream names are 1..200 bytes, no NUL.
struct NewEvent {
  std::string stream;
  std::string type;
  EventId event_id{};
  std::int64_t occurred_at_ns = 0;
  std::uint16_t schema_version = 1;
  std::string payload;  // DomainEvent FlatBuffer bytes
};

struct StreamExpectation {
  std::string stream;
  ExpectedVersion expected;
};

struct AppendRequest {
  std::string command_id;  // empty: no idempotency
  Actor actor;
  std::vector<NewEvent> events;               // 1..kMaxEventsPerAppend, in order
  std::vector<StreamExpectation> expectations;  // streams not listed: Any
};

struct AppendedEvent {
  std::uint64_t position = 0;
  std::string stream;
  std::uint64_t version = 0;
  std::string type;
};

struct AppendResult {
  std::vector<AppendedEvent> events;
  std::uint64_t tree_size = 0;  // the log's size right after this command
  bool replayed = false;        // true when command_id had been seen
};

// A stored event, copied out of its record. `record` holds the exact stored
// bytes (what the leaf hash covers).
struct StoredEvent {
  std::uint64_t position = 0;
  std::string stream;
  std::uint64_t version = 0;
  std::string type;
  EventId event_id{};
  std::string command_id;
  std::int64_t recorded_at_ns = 0;
  std::int64_t occurred_at_ns = 0;
  Actor actor;
  std::uint16_t schema_version = 1;
  std::string payload;
  std::string record;
};

// A borrowed view of one record during a scan; valid only inside the
// callback. `record` is the verified FlatBuffer of `bytes`.
struct RecordView {
  std::uint64_t position = 0;
  std::string_view bytes;
  const schema::Record* record = nullptr;
};

struct StreamHead {
  std::string stream;
  std::uint64_t version = 0;   // version of the last event
  std::uint64_t position = 0;  // its position
};

struct StoreOptions {
  Clock clock = SystemClockNs;
  // false only for benchmarks that measure the cost of fsync itself.
  bool sync = true;
  // Commands waiting for the writer; beyond it Append answers
  // kResourceExhausted at once instead of queueing without bound.
  std::size_t max_pending_appends = 16384;
  // Events per group-commit batch (the writer takes whole commands).
  std::size_t max_batch_events = 8192;
  // A checkpoint is signed and stored when this many events were appended
  // since the last one (0: only on demand and at Close).
  std::uint64_t checkpoint_every_events = 100000;
  // Close writes the memtables out to table files, so that the next open
  // (every `vigie verify`, `report` or `export`, the next start) reads them
  // instead of replaying the whole write-ahead log into memory first. Off
  // only for tests that want a store whose log is all in the WAL.
  bool flush_on_close = true;
};

// Counters for /metrics. Histograms are cumulative Prometheus-style buckets:
// bucket i counts observations <= its bound; the last bound is +Inf.
struct StoreStats {
  static constexpr std::array<double, 12> kBatchBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1e300};
  static constexpr std::array<double, 12> kSyncBoundsSeconds = {
      0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 1e300};
  std::uint64_t commands = 0;  // commands appended (replays excluded)
  std::uint64_t events = 0;
  std::uint64_t refused = 0;   // commands refused by the writer (version, id)
  std::uint64_t batches = 0;
  std::array<std::uint64_t, 12> batch_commands_buckets{};
  double batch_commands_sum = 0;
  std::array<std::uint64_t, 12> sync_seconds_buckets{};
  double sync_seconds_sum = 0;
  std::uint64_t pending = 0;   // commands waiting for the writer now
};

struct InitResult {
  std::string verifier_key;
};

inline constexpr std::size_t kMaxEventsPerAppend = 1024;
inline constexpr std::size_t kMaxPayloadBytes = 256 * 1024;
inline constexpr std::size_t kMaxStreamNameBytes = 200;
// Table files RocksDB keeps open at once (its table cache); beyond them it
// closes the least recently used. A bound, so that a server's descriptor
// budget holds for any store size: 10 M events make about 115 files.
inline constexpr int kMaxOpenTableFiles = 256;

class EventStore {
 public:
  // Creates a new store in `dir` (which must not hold one) with a fresh
  // Ed25519 signing key named `origin`.
  static Result<InitResult> Init(const std::string& dir, const std::string& origin);
  static Result<std::unique_ptr<EventStore>> Open(const std::string& dir,
                                                  StoreOptions options = {});
  // Opens read-only (verify, report, backup tools). Append is refused.
  static Result<std::unique_ptr<EventStore>> OpenReadOnly(const std::string& dir);

  virtual ~EventStore() = default;

  // ---- writing -----------------------------------------------------------
  // Blocks until the command's events are durable (or refused).
  virtual Result<AppendResult> Append(AppendRequest request) = 0;
  // Same, without blocking: `done` runs once the command is durable or
  // refused, on the thread that finished it: the writer, the syncer, a
  // caller of Append that wrote the batch itself, or this caller at once
  // when the request is refused before being queued (read-only, invalid,
  // closing, too many waiting). It must be quick and must not call Append.
  virtual void AppendAsync(AppendRequest request,
                           std::function<void(Result<AppendResult>)> done) = 0;
  // Appends records exported from another store (vigie import), byte for
  // byte, so that positions, leaf hashes and every root are reproduced. Each
  // record must verify, be the next position and the next version of its
  // stream, carry a new event id and a recorded_at not before the log's
  // last. All or nothing per call; returns the new size.
  virtual Result<std::uint64_t> ImportRecords(std::vector<std::string> records) = 0;
  // The first result of a command already stored, if any.
  virtual std::optional<AppendResult> FindCommand(std::string_view command_id) const = 0;

  // ---- reading -----------------------------------------------------------
  virtual std::uint64_t Size() const = 0;  // durable tree size
  virtual Result<StoredEvent> Read(std::uint64_t position) const = 0;
  // Up to `limit` events from `from` upward (forward) or downward (backward,
  // `from` included when it exists).
  virtual Result<std::vector<StoredEvent>> ReadForward(std::uint64_t from, std::size_t limit) const = 0;
  virtual Result<std::vector<StoredEvent>> ReadBackward(std::uint64_t from, std::size_t limit) const = 0;
  // Visits positions [from, to) in order; `visit` returns false to stop.
  // Every record is checked by the FlatBuffers verifier (kDataLoss if bad).
  virtual Status Scan(std::uint64_t from, std::uint64_t to,
                      const std::function<bool(const RecordView&)>& visit) const = 0;
  virtual Result<std::vector<StoredEvent>> ReadStream(std::string_view stream,
                                                      std::uint64_t from_version,
                                                      std::size_t limit) const = 0;
  virtual std::optional<StreamHead> Head(std::string_view stream) const = 0;
  // Heads of streams named after `after` (exclusive), in name order.
  virtual std::vector<StreamHead> Heads(std::string_view after, std::size_t limit) const = 0;
  // Live tail: waits until Size() > `size` or the timeout; returns Size().
  virtual std::uint64_t WaitForSize(std::uint64_t size, std::chrono::milliseconds timeout) const = 0;
  // Called with the new size after every durable batch, on the thread that
  // made it durable (the store's, or a blocking Append's caller). Returns an
  // id for Unsubscribe. The callback must be quick and must not call Append.
  virtual std::uint64_t Subscribe(std::function<void(std::uint64_t size)> on_size) = 0;
  virtual void Unsubscribe(std::uint64_t id) = 0;
  virtual StoreStats Stats() const = 0;

  // ---- two clocks --------------------------------------------------------
  // The tree size that was current at recorded time t: events recorded at or
  // before t.
  virtual std::uint64_t SizeAt(std::int64_t recorded_at_ns) const = 0;
  // Positions (below `size`) of events whose occurred_at is in [from, to),
  // in occurred_at order.
  virtual Result<std::vector<std::uint64_t>> PositionsOccurredIn(std::int64_t from_ns,
                                                                 std::int64_t to_ns,
                                                                 std::uint64_t size) const = 0;

  // ---- proofs ------------------------------------------------------------
  virtual Result<merkle::Hash> LeafHash(std::uint64_t position) const = 0;
  virtual Result<merkle::Hash> RootAt(std::uint64_t size) const = 0;
  virtual Result<std::vector<merkle::Hash>> InclusionProof(std::uint64_t index, std::uint64_t size) const = 0;
  virtual Result<std::vector<merkle::Hash>> ConsistencyProof(std::uint64_t first, std::uint64_t second) const = 0;

  // ---- checkpoints -------------------------------------------------------
  virtual const std::string& origin() const = 0;
  virtual std::string VerifierKey() const = 0;
  // A signed note of the tree of `size` (<= Size()), signed now.
  virtual Result<std::string> SignCheckpoint(std::uint64_t size) const = 0;
  // Signs and stores a checkpoint of the current size; returns the note.
  virtual Result<std::string> StoreCheckpoint() = 0;
  // The latest stored checkpoint (signing one if none is stored yet).
  virtual Result<std::string> LatestCheckpoint() = 0;
  // Every stored checkpoint, by size.
  virtual std::vector<std::pair<std::uint64_t, std::string>> Checkpoints() const = 0;

  // ---- maintenance -------------------------------------------------------
  // A consistent copy of the store (RocksDB checkpoint) in `dir`, which must
  // not exist, including the signing key and DIR/latest-checkpoint (the
  // latest checkpoint the copy holds). Safe while appending. The copy shares
  // no file with the store (every file is copied, never hard-linked), its
  // directories are mode 0700 and its files 0600; on failure `dir` is
  // removed.
  virtual Status Backup(const std::string& dir) const = 0;
  // Drains pending appends, syncs, stores a checkpoint. Idempotent. Reads
  // must not run concurrently with it; one that comes after it answers
  // kUnavailable ("the store is closed"), or nothing where the answer has
  // no error (Head, Heads, Checkpoints, FindCommand).
  virtual Status Close() = 0;
};

// Offline verification (vigie verify): every record through the FlatBuffers
// verifier, every leaf and perfect node recomputed and compared with the
// stored ones, every stored checkpoint's signature and consistency checked.
struct VerifyReport {
  std::uint64_t records = 0;
  std::uint64_t checkpoints = 0;
  std::optional<std::uint64_t> first_bad_position;
  std::string problem;  // empty when everything verified
  std::string verifier_key;  // the key the checkpoints were checked against
  bool ok() const { return problem.empty(); }
};
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;
// `trusted_verifier_key` is a verifier key known from outside the data
// directory (as `vigie init` printed it): every stored checkpoint must be
// signed by it, and at least one must be stored, so that a store rewritten
// and re-signed with a key of its own fails. When it is empty, checkpoints
// are checked against the key the directory itself holds: that finds
// damage, not whoever could replace the key. kInvalidArgument when the key
// is malformed.
Result<VerifyReport> VerifyStore(const std::string& dir, const ProgressFn& progress = {},
                                 std::string_view trusted_verifier_key = {});

}  // namespace vigie::eventstore
