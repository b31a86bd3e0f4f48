// RocksDB implementation of EventStore. Layout: storage_layout.h.
//
// Writes go through two threads (pipelined group commit). AppendAsync queues
// a command; the writer takes every waiting command (up to a bound), checks
// each in order against the stream heads (stored, plus those of earlier
// commands of the same batch), stages the records, Merkle nodes and indexes
// of the accepted ones in one WriteBatch and writes it WITHOUT sync, then
// hands the batch to the syncer and goes on with the next one. The syncer
// takes every batch written since its last fsync, syncs the write-ahead log
// once (SyncWAL), and only then publishes the new size and answers every
// command of those batches, in order. So the CPU work of batch N+1 overlaps
// the fsync of batch N, one fsync covers many commands, and the Merkle
// frontier needs no lock: only the writer touches it. Written but unsynced
// records are visible to RocksDB reads but not through the API: every read
// stops at Size(), which only the syncer advances. One exception, for a
// lone appender: when no other command waits and the syncer is idle, there
// is nothing to overlap with the fsync, so the writer writes that batch
// with sync itself and publishes and answers it (the syncer, idle, cannot
// be publishing an earlier batch), sparing a thread hand-over per command.
// And a blocking Append that finds the writer idle and nothing queued takes
// the writer role itself (writing_, under queue_mu_, which the writer
// thread takes too, so one thread writes at a time, in queue order): a lone
// appender's command then goes from its thread to the disk and back without
// waking another thread.
// The writer also keeps the heads it wrote in memory (bounded), sparing a
// point lookup per command on a stream it already wrote.
#include "eventstore/event_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "eventstore/await.h"
#include "eventstore/private_files.h"
#include "eventstore/record_codec.h"
#include "eventstore/rocks_util.h"
#include "eventstore/signed_note.h"
#include "eventstore/storage_layout.h"
#include "schemas/record_generated.h"

namespace vigie::eventstore {
namespace {

namespace fs = std::filesystem;

// Inside a backup being made: the RocksDB checkpoint its store/ is copied
// from, removed before Backup returns.
constexpr std::string_view kBackupScratchSubdir = "store.linked";

// Mixes all 16 bytes: an id's first half alone can be shared by many ids
// (time-ordered UUIDs, a client's own numbering), and ids that hash alike
// make a batch's duplicate check quadratic.
struct EventIdHash {
  std::size_t operator()(const EventId& id) const {
    std::uint64_t lo, hi;
    std::memcpy(&lo, id.data(), sizeof lo);
    std::memcpy(&hi, id.data() + sizeof lo, sizeof hi);
    std::uint64_t h = lo ^ (hi * 0x9e3779b97f4a7c15ULL);
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return static_cast<std::size_t>(h);
  }
};

Status CheckRequest(const AppendRequest& r) {
  if (r.events.empty()) return InvalidArgument("a command must append at least one event");
  if (r.events.size() > kMaxEventsPerAppend) return InvalidArgument("too many events in one command");
  if (r.command_id.size() > 128) return InvalidArgument("command_id longer than 128 bytes");
  for (const NewEvent& e : r.events) {
    if (e.stream.empty() || e.stream.size() > kMaxStreamNameBytes ||
        e.stream.find('\0') != std::string::npos) {
      return InvalidArgument("stream names are 1 to 200 bytes without NUL");
    }
    if (e.type.empty() || e.type.size() > 128) return InvalidArgument("event type is 1 to 128 bytes");
    if (e.payload.size() > kMaxPayloadBytes) return InvalidArgument("event payload over 256 KiB");
  }
  return Status::Ok();
}

std::string EncodeCommandResult(const AppendResult& r) {
  std::string v;
  layout::PutBe64(&v, r.tree_size);
  layout::PutBe64(&v, r.events.size());
  for (const AppendedEvent& e : r.events) layout::PutBe64(&v, e.position);
  return v;
}

// `streams` keys without their version: a stream's entries are inserted
// one after the other, so the memtable can keep one insert hint per stream.
class StreamOfKey final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "vigie.StreamOfKey"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override { return {key.data(), key.size() - 8}; }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
};

std::vector<rocksdb::ColumnFamilyDescriptor> FamilyDescriptors(bool read_only) {
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  // The writer's point lookups (heads, event_ids, commands) mostly miss:
  // a new stream, a fresh event id, a new command. Bloom filters, in the
  // table files and in the memtable, answer most misses without a search.
  // A read-only open has no writer: its memtables hold at most the replayed
  // write-ahead log, and zeroing three memtable filters of a few MB each
  // was a sizeable part of its opening time (vigie verify opens one).
  rocksdb::BlockBasedTableOptions filtered;
  filtered.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  for (int f = 0; f < layout::kFamilyCount; ++f) {
    rocksdb::ColumnFamilyOptions options;
    if (f == layout::kHeads || f == layout::kEventIds || f == layout::kCommands) {
      options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(filtered));
      if (!read_only) {
        options.memtable_whole_key_filtering = true;
        options.memtable_prefix_bloom_size_ratio = 0.05;
      }
    }
    // Keys that grow along the log (positions; tree nodes level by level;
    // recorded_at) are inserted next to the previous one: a per-prefix
    // insert hint spares the memtable most of its skip-list search.
    if (f == layout::kLog || f == layout::kRecorded || f == layout::kOccurred) {
      options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));
    } else if (f == layout::kTree) {
      options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
    } else if (f == layout::kStreams) {
      options.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamOfKey>();
    } else if (f == layout::kHeads) {
      // Each event of a stream puts its head again: the new entry goes
      // right before the stream's previous one (newer sequence first).
      options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewNoopTransform());
    }
    cfs.emplace_back(layout::FamilyName(f), options);
  }
  return cfs;
}

rocksdb::Options DbOptions() {
  rocksdb::Options options;
  options.create_missing_column_families = true;
  // Appends are synced, so only the last, unacknowledged write can be torn
  // by a crash; corruption anywhere else must stop the open, not be skipped.
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.paranoid_checks = true;
  options.IncreaseParallelism(2);
  // One writer thread writes: the hints above need non-concurrent inserts.
  options.allow_concurrent_memtable_write = false;
  // Appends are sequential keys; bigger memtables mean fewer flushes.
  options.write_buffer_size = 64 << 20;
  // A family written seldom (checkpoints, heads of quiet streams) keeps
  // every WAL file since its last flush alive; by default RocksDB lets them
  // add up to 4x all memtables (GBs with ten families: 614 MB seen after a
  // 10-minute soak), all replayed by the next open. Beyond this, the
  // families holding the oldest WAL file are flushed.
  options.max_total_wal_size = 256 << 20;
  // At open RocksDB starts this many threads minus one FOR EACH family to
  // open its table files (16 by default: 150 threads for ten families that
  // hold a few files each), and opening a small store (vigie verify opens
  // it twice) mostly waited for them. One: the calling thread opens them.
  options.max_file_opening_threads = 1;
  options.max_open_files = kMaxOpenTableFiles;
  return options;
}

// What a read of a closed store answers. The owner stops its readers
// before Close() (the server does); a read that comes after it anyway gets
// this instead of a closed RocksDB.
Status StoreClosed() { return Unavailable("the store is closed"); }

// Perfect Merkle nodes: read from the `tree` family at or above the store's
// floor (storage_layout.h, "Tree floor"), recomputed from the records they
// cover below it (at most 8, one short sequential read).
class DbNodeSource final : public merkle::NodeSource {
 public:
  DbNodeSource(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* tree, rocksdb::ColumnFamilyHandle* log, int floor)
      : db_(db), tree_(tree), log_(log), floor_(floor) {}
  Result<merkle::Hash> Node(int level, std::uint64_t index) const override {
    if (db_ == nullptr) return Fail(StoreClosed());
    if (level < floor_) return FromRecords(level, index);
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), tree_, layout::TreeKey(level, index), &value);
    if (!s.ok()) return Fail(FromRocks(s, "reading a Merkle node"));
    if (value.size() != 32) return Fail(DataLoss("a stored Merkle node is not 32 bytes"));
    merkle::Hash h;
    std::memcpy(h.data(), value.data(), 32);
    return h;
  }

 private:
  // The root of the records' own little tree is the node above them.
  Result<merkle::Hash> FromRecords(int level, std::uint64_t index) const {
    const std::uint64_t from = index << level;
    const std::uint64_t to = (index + 1) << level;
    const std::string upper = layout::PositionKey(to);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, log_));
    merkle::Frontier subtree;
    std::uint64_t expected = from;
    for (it->Seek(layout::PositionKey(from)); it->Valid(); it->Next(), ++expected) {
      if (it->key().size() != 8 || layout::GetBe64(View(it->key())) != expected) {
        return Fail(DataLoss("the log has a gap or a bad key at position " + std::to_string(expected)));
      }
      subtree.Append(merkle::HashLeaf(View(it->value())), nullptr);
    }
    if (Status s = FromRocks(it->status(), "reading records for a Merkle node"); !s.ok()) return Fail(std::move(s));
    if (expected != to) return Fail(DataLoss("the log lacks position " + std::to_string(expected)));
    return subtree.Root();
  }

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* tree_;
  rocksdb::ColumnFamilyHandle* log_;
  int floor_;
};

struct Pending {
  AppendRequest request;
  std::vector<std::string> imported;  // raw records of an import, else empty
  std::function<void(Result<AppendResult>)> done;
};

class RocksEventStore final : public EventStore {
 public:
  RocksEventStore(std::string dir, StoreOptions options, bool read_only)
      : dir_(std::move(dir)), options_(std::move(options)), read_only_(read_only) {}
  ~RocksEventStore() override { (void)Close(); }

  Status OpenDb() {
    fs::path store = fs::path(dir_) / layout::kStoreSubdir;
    if (!fs::exists(store / "CURRENT")) {
      return NotFound("no Vigie store in " + dir_ + " (run `vigie init --data " + dir_ + "` first)");
    }
    // DIR/latest-checkpoint is read BEFORE RocksDB is opened: it is written
    // only once its checkpoint is durable in RocksDB, so whatever it names
    // is in the log this open sees. Read after, it could name a checkpoint a
    // running server stored after a read-only open took its view, and a
    // healthy store would look truncated.
    auto latest = ReadLatestCheckpointFile();
    if (!latest) return latest.error();
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s =
        read_only_ ? rocksdb::DB::OpenForReadOnly(DbOptions(), store.string(), FamilyDescriptors(true), &cf_, &raw)
                   : rocksdb::DB::Open(DbOptions(), store.string(), FamilyDescriptors(false), &cf_, &raw);
    if (!s.ok()) return FromRocks(s, "opening the store");
    db_.reset(raw);
    auto floor = ReadTreeFloor(*db_, cf_[layout::kDefault]);
    if (!floor) return floor.error();
    tree_floor_ = *floor;
    s = db_->Get(rocksdb::ReadOptions(), cf_[layout::kDefault], layout::kOriginKey, &origin_);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the store's origin");
    if (!s.ok()) return DataLoss("the store has no origin");
    auto key = note::SigningKey::Load((fs::path(dir_) / layout::kSigningKeyFile).string());
    if (!key) return key.error();
    if (key->name() != origin_) return DataLoss("the signing key does not belong to this log's origin");
    key_ = std::move(*key);

    // The log's size is its last dense position + 1.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kLog]));
    it->SeekToLast();
    VIGIE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the log's end"));
    std::uint64_t size = 0;
    if (it->Valid()) {
      if (it->key().size() != 8) return DataLoss("a log key is not 8 bytes");
      size = layout::GetBe64(View(it->key())) + 1;
      AlignedRecordBuffer aligned;
      auto record = VerifyRecord(aligned.Hold(View(it->value())));
      if (!record) return record.error();
      last_recorded_ns_ = (*record)->recorded_at();
    }
    const DbNodeSource nodes = Nodes();
    auto frontier = merkle::Frontier::Load(nodes, size);
    if (!frontier) return frontier.error();
    frontier_ = std::move(*frontier);
    size_.store(size);
    root_ = frontier_.Root();

    if (latest->has_value()) VIGIE_RETURN_IF_ERROR(CheckLatestCheckpoint(**latest));

    std::unique_ptr<rocksdb::Iterator> cp(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kCheckpoints]));
    cp->SeekToLast();
    VIGIE_RETURN_IF_ERROR(FromRocks(cp->status(), "reading the latest checkpoint"));
    if (cp->Valid() && cp->key().size() == 8) last_checkpoint_size_ = layout::GetBe64(View(cp->key()));
    written_size_ = size;
    if (!read_only_) {
      syncer_ = std::thread([this] { SyncLoop(); });
      writer_ = std::thread([this] { WriterLoop(); });
    }
    return Status::Ok();
  }

  // The checkpoint kept outside RocksDB (event_store.h, "Lost tail") must be
  // covered by the log as RocksDB recovered it.
  // The text of DIR/latest-checkpoint, nullopt when there is none.
  Result<std::optional<std::string>> ReadLatestCheckpointFile() const {
    const fs::path path = fs::path(dir_) / layout::kLatestCheckpointFile;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::error_code ec;
      if (!fs::exists(path, ec) && !ec) return std::optional<std::string>();
      return Fail(Internal("cannot read " + path.string()));
    }
    constexpr std::size_t kBytesMax = 64 * 1024;
    std::string text(kBytesMax + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return Fail(Internal("cannot read " + path.string()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kBytesMax) return Fail(DataLoss(path.string() + " is too large to be a checkpoint"));
    return std::optional<std::string>(std::move(text));
  }

  Status CheckLatestCheckpoint(const std::string& text) {
    const fs::path path = fs::path(dir_) / layout::kLatestCheckpointFile;
    auto body = note::VerifyNote(key_.VerifierKey(), text);
    if (!body) return DataLoss(path.string() + " is damaged: " + body.error().message());
    auto cp = note::ParseCheckpoint(*body);
    if (!cp || cp->origin != origin_) return DataLoss(path.string() + " is not a checkpoint of this log");
    const std::uint64_t size = Size();
    if (cp->size > size) {
      return DataLoss("the log holds " + std::to_string(size) + " events but its latest checkpoint (" +
                      path.string() + ") covers " + std::to_string(cp->size) +
                      ": RocksDB dropped the end of the log (damaged write-ahead log or MANIFEST)");
    }
    const DbNodeSource nodes = Nodes();
    auto root = cp->size == size ? Result<merkle::Hash>(root_) : merkle::RootAt(nodes, cp->size);
    if (!root) return root.error();
    if (*root != cp->root) {
      return DataLoss("the log's root at size " + std::to_string(cp->size) + " differs from its latest checkpoint (" +
                      path.string() + ")");
    }
    std::string stored;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), cf_[layout::kCheckpoints], layout::PositionKey(cp->size), &stored);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the latest checkpoint");
    if (s.IsNotFound()) {
      return DataLoss("the store lost its latest checkpoint (size " + std::to_string(cp->size) + ", kept in " +
                      path.string() + "): RocksDB dropped the end of its log");
    }
    return Status::Ok();
  }

  // Replaces DIR/latest-checkpoint atomically and durably.
  Status WriteLatestCheckpointFile(const std::string& text) const { return WriteLatestCheckpointFileIn(dir_, text); }

  static Status WriteLatestCheckpointFileIn(const std::string& dir_name, const std::string& text) {
    const fs::path path = fs::path(dir_name) / layout::kLatestCheckpointFile;
    const std::string temp = path.string() + ".tmp";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Internal("cannot write " + temp + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fd);
        return Internal("cannot write " + temp + ": " + std::strerror(errno));
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
      ::close(fd);
      return Internal("cannot sync " + temp + ": " + std::strerror(errno));
    }
    ::close(fd);
    if (::rename(temp.c_str(), path.c_str()) != 0) return Internal("cannot rename " + temp + ": " + std::strerror(errno));
    int dir = ::open(dir_name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return Internal("cannot open " + dir_name + ": " + std::strerror(errno));
    const int synced = ::fsync(dir);
    ::close(dir);
    if (synced != 0) return Internal("cannot sync " + dir_name + ": " + std::strerror(errno));
    return Status::Ok();
  }

  // ---- writing ----------------------------------------------------------

  // A blocking caller that finds the writer idle and nothing queued writes
  // its command itself (file comment): there is no batch to merge it with.
  Result<AppendResult> Append(AppendRequest request) override {
    return Await<Result<AppendResult>>([&](auto answer) {
      Submit(std::move(request), std::move(answer), /*write_here_if_idle=*/true);
    });
  }

  void AppendAsync(AppendRequest request, std::function<void(Result<AppendResult>)> done) override {
    Submit(std::move(request), std::move(done), /*write_here_if_idle=*/false);
  }

  void Submit(AppendRequest request, std::function<void(Result<AppendResult>)> done, bool write_here_if_idle) {
    if (read_only_) return done(Fail(FailedPrecondition("the store is open read-only")));
    if (Status s = CheckRequest(request); !s.ok()) return done(Fail(std::move(s)));
    {
      std::lock_guard lock(queue_mu_);
      if (stopping_ || failed_.load()) {
        return done(Fail(Unavailable("the store is closing or has failed; retry later")));
      }
      write_here_if_idle = write_here_if_idle && !writing_ && queue_.empty();
      if (!write_here_if_idle) {
        if (queue_.size() >= options_.max_pending_appends) {
          return done(Fail(ResourceExhausted("too many appends waiting for the disk; retry later")));
        }
        queue_.push_back({std::move(request), {}, std::move(done)});
      }
      writing_ = writing_ || write_here_if_idle;
    }
    if (!write_here_if_idle) return queue_cv_.notify_one();
    std::vector<Pending> batch;
    batch.push_back({std::move(request), {}, std::move(done)});
    WriteBatchOf(batch);
    bool writer_needed = false;
    {
      std::lock_guard lock(queue_mu_);
      writing_ = false;
      // Commands queued meanwhile, or Close, wait for the writer role. A
      // wake-up for nothing would cost the lone appender two context
      // switches per command: what this path exists to spare.
      writer_needed = stopping_ || !queue_.empty();
    }
    if (writer_needed) queue_cv_.notify_one();
  }

  Result<std::uint64_t> ImportRecords(std::vector<std::string> records) override {
    if (read_only_) return Fail(FailedPrecondition("the store is open read-only"));
    if (records.empty()) return Size();
    if (records.size() > kMaxEventsPerAppend * 64) return Fail(InvalidArgument("import at most 65536 records per call"));
    auto result = Await<Result<AppendResult>>([&](auto answer) {
      {
        std::lock_guard lock(queue_mu_);
        if (stopping_ || failed_.load()) return answer(Fail(Unavailable("the store is closing or has failed")));
        queue_.push_back({AppendRequest(), std::move(records), std::move(answer)});
      }
      queue_cv_.notify_one();
    });
    if (!result) return Fail(result.error());
    return result->tree_size;
  }

  // A read error cannot be told apart from "absent" through this API; the
  // store is marked failed so that no append relies on the answer (the
  // writer itself uses LookupCommand, which reports the error).
  // A command written by the writer but still waiting for its fsync is
  // only reported once durable (the syncer publishes its size), so that no
  // caller answers a replay with a result the disk may not hold.
  std::optional<AppendResult> FindCommand(std::string_view command_id) const override {
    auto found = LookupCommand(command_id);
    if (!found || !*found) return std::nullopt;
    const std::uint64_t needed = (*found)->tree_size;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (Size() < needed) {
      if (failed_.load() || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::unique_lock lock(size_mu_);
      if (closed_) return std::nullopt;
      size_cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return Size() >= needed || closed_; });
    }
    return std::move(**found);
  }

  // ---- reading ----------------------------------------------------------

  std::uint64_t Size() const override { return size_.load(std::memory_order_acquire); }

  Result<StoredEvent> Read(std::uint64_t position) const override {
    if (!db_) return Fail(StoreClosed());
    if (position >= Size()) return Fail(NotFound("no event at position " + std::to_string(position)));
    std::string bytes;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_[layout::kLog], layout::PositionKey(position), &bytes);
    if (!s.ok()) return Fail(FromRocks(s, "reading position " + std::to_string(position)));
    auto record = VerifyRecord(bytes);
    if (!record) return Fail(record.error());
    if ((*record)->position() != position) return Fail(DataLoss("record stored under the wrong position"));
    return ToStoredEvent(**record, bytes);
  }

  Result<std::vector<StoredEvent>> ReadForward(std::uint64_t from, std::size_t limit) const override {
    std::vector<StoredEvent> out;
    std::uint64_t end = Size();
    if (from >= end) return out;
    end = std::min<std::uint64_t>(end, from + limit);
    Status s = Scan(from, end, [&](const RecordView& v) {
      out.push_back(ToStoredEvent(*v.record, v.bytes));
      return true;
    });
    if (!s.ok()) return Fail(std::move(s));
    return out;
  }

  Result<std::vector<StoredEvent>> ReadBackward(std::uint64_t from, std::size_t limit) const override {
    std::vector<StoredEvent> out;
    std::uint64_t size = Size();
    if (size == 0 || limit == 0) return out;
    std::uint64_t top = std::min(from, size - 1);
    std::uint64_t bottom = top + 1 >= limit ? top + 1 - limit : 0;
    Status s = Scan(bottom, top + 1, [&](const RecordView& v) {
      out.push_back(ToStoredEvent(*v.record, v.bytes));
      return true;
    });
    if (!s.ok()) return Fail(std::move(s));
    std::reverse(out.begin(), out.end());
    return out;
  }

  Status Scan(std::uint64_t from, std::uint64_t to,
              const std::function<bool(const RecordView&)>& visit) const override {
    if (!db_) return StoreClosed();
    to = std::min(to, Size());
    if (from >= to) return Status::Ok();
    rocksdb::ReadOptions ro;
    ro.readahead_size = 2 << 20;
    std::string upper = layout::PositionKey(to);
    rocksdb::Slice upper_slice(upper);
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_[layout::kLog]));
    std::uint64_t expected = from;
    AlignedRecordBuffer aligned;
    for (it->Seek(layout::PositionKey(from)); it->Valid(); it->Next(), ++expected) {
      std::string_view key = View(it->key());
      if (key.size() != 8 || layout::GetBe64(key) != expected) {
        return DataLoss("the log has a gap or a bad key at position " + std::to_string(expected));
      }
      std::string_view bytes = aligned.Hold(View(it->value()));
      auto record = VerifyRecord(bytes);
      if (!record) return DataLoss("position " + std::to_string(expected) + ": " + record.error().message());
      if ((*record)->position() != expected) {
        return DataLoss("position " + std::to_string(expected) + ": record claims another position");
      }
      if (!visit(RecordView{expected, bytes, *record})) return Status::Ok();
    }
    VIGIE_RETURN_IF_ERROR(FromRocks(it->status(), "scanning the log"));
    if (expected != to) return DataLoss("the log ends early at position " + std::to_string(expected));
    return Status::Ok();
  }

  Result<std::vector<StoredEvent>> ReadStream(std::string_view stream, std::uint64_t from_version,
                                              std::size_t limit) const override {
    if (!db_) return Fail(StoreClosed());
    std::vector<StoredEvent> out;
    std::uint64_t size = Size();
    std::string prefix = layout::StreamPrefix(stream);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kStreams]));
    for (it->Seek(layout::StreamKey(stream, from_version)); it->Valid() && out.size() < limit; it->Next()) {
      std::string_view key = View(it->key());
      if (!key.starts_with(prefix) || key.size() != prefix.size() + 8) break;
      if (it->value().size() != 8) return Fail(DataLoss("bad stream index entry"));
      std::uint64_t position = layout::GetBe64(View(it->value()));
      if (position >= size) break;  // written by a batch not yet acknowledged
      auto event = Read(position);
      if (!event) return Fail(event.error());
      out.push_back(std::move(*event));
    }
    if (Status s = FromRocks(it->status(), "reading a stream"); !s.ok()) return Fail(std::move(s));
    return out;
  }

  // As FindCommand: a read error answers "no stream" here but fails the
  // store, so that appends stop instead of trusting it.
  std::optional<StreamHead> Head(std::string_view stream) const override {
    auto head = StoredHead(stream);
    if (!head || !*head) return std::nullopt;
    return AcknowledgedHead(**head, Size());
  }

  // `stored` if it is acknowledged (below `size`), else the stream's last
  // acknowledged event before it, from the `streams` index: the writer may
  // have written newer events that wait for their fsync.
  std::optional<StreamHead> AcknowledgedHead(const StreamHead& stored, std::uint64_t size) const {
    if (stored.position < size) return stored;
    if (stored.version == 0) return std::nullopt;
    const std::string prefix = layout::StreamPrefix(stored.stream);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kStreams]));
    for (it->SeekForPrev(layout::StreamKey(stored.stream, stored.version - 1)); it->Valid(); it->Prev()) {
      std::string_view key = View(it->key());
      if (!key.starts_with(prefix) || key.size() != prefix.size() + 8 || it->value().size() != 8) break;
      const std::uint64_t position = layout::GetBe64(View(it->value()));
      if (position < size) return StreamHead{stored.stream, layout::GetBe64(key.substr(prefix.size())), position};
    }
    if (!it->status().ok()) (void)MarkFailed(FromRocks(it->status(), "reading a stream"));
    return std::nullopt;
  }

  std::vector<StreamHead> Heads(std::string_view after, std::size_t limit) const override {
    std::vector<StreamHead> out;
    if (!db_) return out;
    std::uint64_t size = Size();
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kHeads]));
    it->Seek(ToSlice(after));
    if (it->Valid() && View(it->key()) == after) it->Next();
    for (; it->Valid() && out.size() < limit; it->Next()) {
      if (it->value().size() != 16) {
        (void)MarkFailed(DataLoss("a stream head is not 16 bytes"));
        continue;
      }
      std::string_view v = View(it->value());
      StreamHead head{std::string(View(it->key())), layout::GetBe64(v), layout::GetBe64(v.substr(8))};
      if (auto acknowledged = AcknowledgedHead(head, size)) out.push_back(std::move(*acknowledged));
    }
    if (!it->status().ok()) (void)MarkFailed(FromRocks(it->status(), "listing stream heads"));
    return out;
  }

  std::uint64_t WaitForSize(std::uint64_t size, std::chrono::milliseconds timeout) const override {
    std::unique_lock lock(size_mu_);
    size_cv_.wait_for(lock, timeout, [&] { return Size() > size || closed_; });
    return Size();
  }

  std::uint64_t Subscribe(std::function<void(std::uint64_t)> on_size) override {
    std::lock_guard lock(subscribers_mu_);
    std::uint64_t id = ++next_subscriber_;
    subscribers_.emplace(id, std::move(on_size));
    return id;
  }

  void Unsubscribe(std::uint64_t id) override {
    std::lock_guard lock(subscribers_mu_);
    subscribers_.erase(id);
  }

  StoreStats Stats() const override {
    std::lock_guard lock(stats_mu_);
    StoreStats s = stats_;
    {
      std::lock_guard q(queue_mu_);
      s.pending = queue_.size();
    }
    return s;
  }

  // ---- two clocks ---------------------------------------------------------

  std::uint64_t SizeAt(std::int64_t recorded_at_ns) const override {
    std::uint64_t size = Size();
    // Closed: nothing is readable at any size, whatever this answers.
    if (!db_ || recorded_at_ns == std::numeric_limits<std::int64_t>::max()) return size;
    // recorded_at never decreases along positions, so the first entry after
    // t is where the tree of time t ends.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kRecorded]));
    it->Seek(layout::TimeKey(recorded_at_ns + 1, 0));
    if (!it->Valid()) return size;
    auto parts = layout::ParseTimeKey(View(it->key()));
    if (!parts) return size;
    return std::min(parts->position, size);
  }

  Result<std::vector<std::uint64_t>> PositionsOccurredIn(std::int64_t from_ns, std::int64_t to_ns,
                                                         std::uint64_t size) const override {
    if (!db_) return Fail(StoreClosed());
    std::vector<std::uint64_t> out;
    size = std::min(size, Size());
    if (from_ns >= to_ns) return out;
    std::string upper = layout::TimeKey(to_ns, 0);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_[layout::kOccurred]));
    for (it->Seek(layout::TimeKey(from_ns, 0)); it->Valid(); it->Next()) {
      auto parts = layout::ParseTimeKey(View(it->key()));
      if (!parts) return Fail(DataLoss("bad occurred_at index key"));
      if (parts->position < size) out.push_back(parts->position);
    }
    if (Status s = FromRocks(it->status(), "reading the occurred_at index"); !s.ok()) return Fail(std::move(s));
    return out;
  }

  // ---- proofs -------------------------------------------------------------

  DbNodeSource Nodes() const { return DbNodeSource(db_.get(), cf_[layout::kTree], cf_[layout::kLog], tree_floor_); }

  Result<merkle::Hash> LeafHash(std::uint64_t position) const override {
    if (position >= Size()) return Fail(NotFound("no event at position " + std::to_string(position)));
    return Nodes().Node(0, position);
  }

  Result<merkle::Hash> RootAt(std::uint64_t size) const override {
    {
      std::lock_guard lock(size_mu_);
      if (size == Size()) return root_;
    }
    if (size > Size()) return Fail(InvalidArgument("tree size " + std::to_string(size) + " exceeds the log"));
    return merkle::RootAt(Nodes(), size);
  }

  Result<std::vector<merkle::Hash>> InclusionProof(std::uint64_t index, std::uint64_t size) const override {
    if (size > Size()) return Fail(InvalidArgument("tree size " + std::to_string(size) + " exceeds the log"));
    if (index >= size) return Fail(InvalidArgument("leaf index must be below the tree size"));
    return merkle::InclusionProof(Nodes(), index, size);
  }

  Result<std::vector<merkle::Hash>> ConsistencyProof(std::uint64_t first, std::uint64_t second) const override {
    if (second > Size()) return Fail(InvalidArgument("tree size " + std::to_string(second) + " exceeds the log"));
    if (first > second) return Fail(InvalidArgument("first must not exceed second"));
    return merkle::ConsistencyProof(Nodes(), first, second);
  }

  // ---- checkpoints -------------------------------------------------------

  const std::string& origin() const override { return origin_; }
  std::string VerifierKey() const override { return key_.VerifierKey(); }

  Result<std::string> SignCheckpoint(std::uint64_t size) const override {
    auto root = RootAt(size);
    if (!root) return Fail(root.error());
    return key_.Sign(note::FormatCheckpoint({origin_, size, *root}));
  }

  Result<std::string> StoreCheckpoint() override {
    if (read_only_) return Fail(FailedPrecondition("the store is open read-only"));
    if (!db_) return Fail(StoreClosed());
    std::lock_guard lock(checkpoint_mu_);
    std::uint64_t size = Size();
    auto signed_note = SignCheckpoint(size);
    if (!signed_note) return signed_note;
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync;
    rocksdb::Status s = db_->Put(wo, cf_[layout::kCheckpoints], layout::PositionKey(size), *signed_note);
    // Without sync (benchmarks) the file must not promise what the disk
    // may not hold yet.
    if (s.ok() && !options_.sync) s = db_->FlushWAL(/*sync=*/true);
    if (!s.ok()) return Fail(FromRocks(s, "storing a checkpoint"));
    last_checkpoint_size_ = size;
    // Only once RocksDB holds it durably: DIR/latest-checkpoint never names
    // a checkpoint the store could lose in a crash.
    if (Status written = WriteLatestCheckpointFile(*signed_note); !written.ok()) return Fail(std::move(written));
    return signed_note;
  }

  Result<std::string> LatestCheckpoint() override {
    if (!db_) return Fail(StoreClosed());
    {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kCheckpoints]));
      it->SeekToLast();
      if (Status s = FromRocks(it->status(), "reading the latest checkpoint"); !s.ok()) return Fail(MarkFailed(s));
      if (it->Valid() && it->key().size() == 8 && layout::GetBe64(View(it->key())) == Size()) {
        return it->value().ToString();
      }
    }
    // The log grew since the last stored one: a fresh head is what clients
    // need, and storing it keeps it provable later.
    if (read_only_) return SignCheckpoint(Size());
    return StoreCheckpoint();
  }

  std::vector<std::pair<std::uint64_t, std::string>> Checkpoints() const override {
    std::vector<std::pair<std::uint64_t, std::string>> out;
    if (!db_) return out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kCheckpoints]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().size() != 8) continue;
      out.emplace_back(layout::GetBe64(View(it->key())), it->value().ToString());
    }
    if (!it->status().ok()) (void)MarkFailed(FromRocks(it->status(), "listing checkpoints"));
    return out;
  }

  // ---- maintenance -------------------------------------------------------

  Status Backup(const std::string& dir) const override {
    if (!db_) return StoreClosed();
    std::error_code ec;
    if (fs::exists(dir, ec)) return AlreadyExists("backup target " + dir + " already exists");
    VIGIE_RETURN_IF_ERROR(MakePrivateDir(dir));
    RemoveUnlessKept remove_on_failure(dir);
    // The copy's DIR/latest-checkpoint ("Lost tail", event_store.h): the
    // latest checkpoint stored in RocksDB, read BEFORE the copy is made, so
    // that the copy holds it and the log it covers (checkpoints are stored
    // after the events they cover are durable, and nothing is removed).
    std::string latest;
    {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_[layout::kCheckpoints]));
      it->SeekToLast();
      VIGIE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the latest checkpoint"));
      if (it->Valid() && it->key().size() == 8 && layout::GetBe64(View(it->key())) <= Size()) {
        latest = it->value().ToString();
      }
    }
    rocksdb::Checkpoint* raw = nullptr;
    VIGIE_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "preparing a backup"));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    // A RocksDB checkpoint hard-links the table files when it can: the copy
    // would share them with the live store, and a byte damaged in one would
    // be damaged in both. So the checkpoint (consistent, and holding the
    // table files even if a compaction deletes them meanwhile) is made in a
    // scratch directory and copied file by file into the backup's own.
    const std::string linked = (fs::path(dir) / kBackupScratchSubdir).string();
    VIGIE_RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(linked), "writing the backup"));
    VIGIE_RETURN_IF_ERROR(CopyPrivateDir(linked, (fs::path(dir) / layout::kStoreSubdir).string()));
    fs::remove_all(linked, ec);
    if (ec) return Internal("removing " + linked + ": " + ec.message());
    VIGIE_RETURN_IF_ERROR(key_.Save((fs::path(dir) / layout::kSigningKeyFile).string()));
    if (!latest.empty()) VIGIE_RETURN_IF_ERROR(WriteLatestCheckpointFileIn(dir, latest));
    VIGIE_RETURN_IF_ERROR(SyncDir(dir));
    remove_on_failure.Keep();
    return Status::Ok();
  }

  Status Close() override {
    {
      std::lock_guard lock(queue_mu_);
      if (stopping_) return Status::Ok();
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    {
      std::lock_guard lock(sync_mu_);
      sync_stopping_ = true;
    }
    sync_cv_.notify_all();
    if (syncer_.joinable()) syncer_.join();
    Status result = Status::Ok();
    if (db_ && !read_only_ && !failed_.load() && Size() > 0 && last_checkpoint_size_ != Size()) {
      auto cp = StoreCheckpoint();
      if (!cp) result = cp.error();
    }
    if (db_) {
      if (!read_only_) (void)db_->FlushWAL(/*sync=*/true);
      if (!read_only_ && options_.flush_on_close && !failed_.load()) {
        // Already durable in the WAL: a failed flush loses nothing, the
        // next open replays the WAL as before.
        (void)db_->Flush(rocksdb::FlushOptions{}, cf_);
      }
      for (auto* cf : cf_) (void)db_->DestroyColumnFamilyHandle(cf);
      cf_.clear();
      (void)db_->Close();
      db_.reset();
    }
    {
      std::lock_guard lock(size_mu_);
      closed_ = true;
    }
    size_cv_.notify_all();
    return result;
  }

 private:
  // ---- the writer thread ---------------------------------------------------

  // A batch written (not yet synced) by the writer, for the syncer.
  struct Written {
    std::vector<Pending> batch;
    std::vector<Result<AppendResult>> outcomes;  // one per command of `batch`
    bool wrote = false;         // records reached RocksDB (unsynced)
    std::uint64_t size = 0;     // the log's size after it, when wrote
    merkle::Hash root{};        // the root at `size`
    std::uint64_t commands = 0, events = 0, refused = 0;
  };
  static constexpr std::size_t kMaxWrittenBatches = 8;

  // State of one batch, so later commands see earlier ones of the batch.
  struct BatchOverlay {
    std::unordered_map<std::string, StreamHead> heads;
    std::unordered_set<EventId, EventIdHash> event_ids;
    std::unordered_map<std::string, AppendResult> commands;
    std::int64_t last_recorded_ns = 0;  // recorded_at of the batch's last record
    std::int64_t previous_recorded_ns = 0;  // recorded_at of the last staged record
  };

  void WriterLoop() {
    for (;;) {
      std::vector<Pending> batch;
      {
        std::unique_lock lock(queue_mu_);
        queue_cv_.wait(lock, [&] { return !writing_ && (stopping_ || !queue_.empty()); });
        if (queue_.empty()) return;  // stopping and drained
        std::size_t events = 0;
        auto weight = [](const Pending& p) { return p.request.events.size() + p.imported.size(); };
        while (!queue_.empty() && (batch.empty() || events + weight(queue_.front()) <= options_.max_batch_events)) {
          events += weight(queue_.front());
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        writing_ = true;
      }
      WriteBatchOf(batch);
      std::lock_guard lock(queue_mu_);
      writing_ = false;
    }
  }

  // True when nothing would overlap an fsync done by the writer: the syncer
  // has nothing to do and no command waits for the writer.
  bool SyncerIdleAndNothingQueued() {
    {
      std::lock_guard lock(queue_mu_);
      if (!queue_.empty()) return false;
    }
    std::lock_guard lock(sync_mu_);
    return sync_queue_.empty() && !syncer_busy_;
  }

  // Stages one batch and writes it WITHOUT sync, then hands it to the
  // syncer: the writer prepares and writes batch N+1 while batch N's fsync
  // runs. Nothing is acknowledged or published (Size) before the syncer's
  // fsync covering it returned.
  void WriteBatchOf(std::vector<Pending>& batch) {
    Written w;
    rocksdb::WriteBatch wb;
    BatchOverlay overlay;
    overlay.last_recorded_ns = last_recorded_ns_;
    overlay.previous_recorded_ns = last_recorded_ns_;
    w.outcomes.reserve(batch.size());
    std::uint64_t next = written_size_;
    const std::int64_t now = options_.clock();
    bool synced_here = false;
    double write_seconds = 0;
    for (Pending& p : batch) {
      if (failed_.load()) {
        w.outcomes.push_back(Fail(Unavailable("the store has failed; restart the server")));
        continue;
      }
      auto outcome = p.imported.empty() ? Stage(p.request, now, &next, &overlay, &wb)
                                        : StageImport(p.imported, &next, &overlay, &wb);
      if (outcome && !outcome->replayed) {
        ++w.commands;
        w.events += outcome->events.size();
      } else if (!outcome) {
        ++w.refused;
      }
      w.outcomes.push_back(std::move(outcome));
    }
    if (failed_.load() && wb.Count() > 0) {
      // A lookup of this batch could not read the store: the commands
      // staged before it may rest on the same damage. Write nothing.
      for (auto& o : w.outcomes) {
        if (o && !o->replayed) o = Fail(Unavailable("the store cannot read its own data; nothing was written"));
      }
      w.commands = w.events = 0;
    } else if (wb.Count() > 0) {
      rocksdb::WriteOptions wo;
      // Usually the syncer's SyncWAL makes it durable. A lone batch (no
      // other command waiting, the syncer idle) has nothing to overlap
      // with its fsync: the writer syncs it itself and answers, sparing
      // the hand-over to the syncer thread.
      synced_here = options_.sync && SyncerIdleAndNothingQueued();
      wo.sync = synced_here;
      const auto started = std::chrono::steady_clock::now();
      rocksdb::Status s = db_->Write(wo, &wb);
      write_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (!s.ok()) {
        // After a failed write or fsync nothing in memory can be trusted to
        // match the disk: refuse every later append until a restart.
        failed_.store(true);
        for (auto& o : w.outcomes) {
          if (o && !o->replayed) o = Fail(Unavailable("the store failed to write: " + s.ToString()));
        }
        w.commands = w.events = 0;
      } else {
        last_recorded_ns_ = overlay.last_recorded_ns;
        written_size_ = next;
        if (head_cache_.size() + overlay.heads.size() > kMaxCachedHeads) head_cache_.clear();
        for (auto& [stream, head] : overlay.heads) head_cache_.insert_or_assign(stream, std::move(head));
        w.wrote = true;
        w.size = next;
        w.root = frontier_.Root();
      }
    }
    w.batch = std::move(batch);
    if (synced_here) {
      std::vector<Written> round;
      round.push_back(std::move(w));
      SyncAndPublish(round, write_seconds);
      MaybeCheckpoint();
      return;
    }
    {
      std::unique_lock lock(sync_mu_);
      // Bounded run-ahead: a few written batches may wait for one fsync.
      sync_space_cv_.wait(lock, [&] { return sync_queue_.size() < kMaxWrittenBatches; });
      sync_queue_.push_back(std::move(w));
    }
    sync_cv_.notify_one();
  }

  // The syncer thread: one fsync of the write-ahead log for every batch
  // written since the previous one, then the new size is published and
  // every command of those batches answered, in order. A replay is answered
  // in the same order, so never before the first result it repeats is
  // durable.
  void SyncLoop() {
    for (;;) {
      std::vector<Written> round;
      {
        std::unique_lock lock(sync_mu_);
        sync_cv_.wait(lock, [&] { return sync_stopping_ || !sync_queue_.empty(); });
        if (sync_queue_.empty()) return;  // stopping and drained
        while (!sync_queue_.empty()) {
          round.push_back(std::move(sync_queue_.front()));
          sync_queue_.pop_front();
        }
        syncer_busy_ = true;
      }
      sync_space_cv_.notify_all();
      SyncAndPublish(round, /*synced_seconds=*/std::nullopt);
      {
        std::lock_guard lock(sync_mu_);
        syncer_busy_ = false;
      }
      MaybeCheckpoint();
    }
  }

  // Makes `round` durable (one SyncWAL, unless the writer already wrote it
  // with sync and passes the time it took), publishes the new size and
  // answers every command, in order.
  void SyncAndPublish(std::vector<Written>& round, std::optional<double> synced_seconds) {
    const Written* last_written = nullptr;
    std::uint64_t commands = 0, events = 0, refused = 0, batch_commands = 0;
    for (const Written& w : round) {
      if (w.wrote) last_written = &w;
      commands += w.commands;
      events += w.events;
      refused += w.refused;
      batch_commands += w.batch.size();
    }
    double seconds = synced_seconds.value_or(0);
    if (last_written && options_.sync && !synced_seconds) {
      auto started = std::chrono::steady_clock::now();
      rocksdb::Status s = db_->SyncWAL();
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (!s.ok()) {
        failed_.store(true);
        last_written = nullptr;
        for (Written& w : round) {
          for (auto& o : w.outcomes) {
            if (o) o = Fail(Unavailable("the store failed to sync: " + s.ToString()));
          }
        }
      }
    }
    if (last_written) {
      {
        std::lock_guard lock(size_mu_);
        root_ = last_written->root;
        size_.store(last_written->size, std::memory_order_release);
      }
      RecordStats(batch_commands, commands, events, seconds);
    }
    {
      std::lock_guard lock(stats_mu_);
      stats_.refused += refused;
    }
    size_cv_.notify_all();
    // Subscribers hear of the new size before any appender is answered, so
    // a client that saw its acknowledgment never waits on a stale tail.
    NotifySubscribers();
    for (Written& w : round) {
      for (std::size_t i = 0; i < w.batch.size(); ++i) w.batch[i].done(std::move(w.outcomes[i]));
    }
  }

  Result<AppendResult> Stage(const AppendRequest& r, std::int64_t now_ns, std::uint64_t* next,
                             BatchOverlay* overlay, rocksdb::WriteBatch* wb) {
    if (!r.command_id.empty()) {
      if (auto it = overlay->commands.find(r.command_id); it != overlay->commands.end()) {
        AppendResult replay = it->second;
        replay.replayed = true;
        return replay;
      }
      auto stored = LookupCommand(r.command_id);
      if (!stored) return Fail(MarkFailed(stored.error()));
      if (*stored) {
        (*stored)->replayed = true;
        return std::move(**stored);
      }
    }
    // recorded_at never goes back, even when the clock does.
    const std::int64_t now = std::max(now_ns, overlay->last_recorded_ns);
    // Check everything before staging anything: a refused command leaves
    // no trace in the batch.
    std::unordered_map<std::string, std::optional<StreamHead>> heads;
    for (const NewEvent& e : r.events) {
      if (heads.contains(e.stream)) continue;
      auto head = CurrentHead(e.stream, *overlay);
      if (!head) return Fail(MarkFailed(head.error()));
      heads.emplace(e.stream, std::move(*head));
    }
    for (const StreamExpectation& x : r.expectations) {
      std::optional<StreamHead> head;
      if (heads.contains(x.stream)) {
        head = heads[x.stream];
      } else {
        auto current = CurrentHead(x.stream, *overlay);
        if (!current) return Fail(MarkFailed(current.error()));
        head = std::move(*current);
      }
      switch (x.expected.kind) {
        case ExpectedVersion::Kind::kAny: break;
        case ExpectedVersion::Kind::kNoStream:
          if (head) return Fail(Aborted("stream " + x.stream + " already exists"));
          break;
        case ExpectedVersion::Kind::kExact:
          if (!head || head->version != x.expected.version) {
            return Fail(Aborted("stream " + x.stream + " is not at version " + std::to_string(x.expected.version)));
          }
          break;
      }
    }
    std::unordered_set<EventId, EventIdHash> own_ids;
    for (const NewEvent& e : r.events) {
      bool taken = !own_ids.insert(e.event_id).second || overlay->event_ids.contains(e.event_id);
      if (!taken) {
        auto stored = EventIdStored(e.event_id);
        if (!stored) return Fail(MarkFailed(stored.error()));
        taken = *stored;
      }
      if (taken) return Fail(AlreadyExists("an event with this event_id is already in the log"));
    }

    AppendResult result;
    for (const NewEvent& e : r.events) {
      std::optional<StreamHead>& head = heads[e.stream];
      std::uint64_t version = head ? head->version + 1 : 0;
      std::uint64_t position = (*next)++;
      std::string record = EncodeRecord({position, version, now, r.command_id, &r.actor, &e});
      StageRecord(record, {e.stream, version, position}, e.event_id, now, e.occurred_at_ns, overlay, wb);
      head = StreamHead{e.stream, version, position};
      result.events.push_back({position, e.stream, version, e.type});
    }
    result.tree_size = *next;
    overlay->last_recorded_ns = now;
    if (!r.command_id.empty()) {
      wb->Put(cf_[layout::kCommands], r.command_id, EncodeCommandResult(result));
      overlay->commands.emplace(r.command_id, result);
    }
    return result;
  }

  // Puts one record and everything that indexes it into the batch.
  void StageRecord(std::string_view record, const StreamHead& at, const EventId& event_id,
                   std::int64_t recorded_at_ns, std::int64_t occurred_at_ns, BatchOverlay* overlay,
                   rocksdb::WriteBatch* wb) {
    std::vector<merkle::NodeWrite> nodes;
    frontier_.Append(merkle::HashLeaf(record), &nodes);
    for (const merkle::NodeWrite& n : nodes) {
      if (n.level < tree_floor_) continue;
      wb->Put(cf_[layout::kTree], layout::TreeKey(n.level, n.index),
              rocksdb::Slice(reinterpret_cast<const char*>(n.hash.data()), n.hash.size()));
    }
    std::string position_key = layout::PositionKey(at.position);
    wb->Put(cf_[layout::kLog], position_key, ToSlice(record));
    wb->Put(cf_[layout::kStreams], layout::StreamKey(at.stream, at.version), position_key);
    wb->Put(cf_[layout::kHeads], at.stream, layout::HeadValue(at.version, at.position));
    wb->Put(cf_[layout::kEventIds],
            rocksdb::Slice(reinterpret_cast<const char*>(event_id.data()), event_id.size()), position_key);
    // Sparse: recorded_at never decreases, so only the positions where it
    // grows are indexed (one entry per batch for appends).
    if (at.position == 0 || recorded_at_ns > overlay->previous_recorded_ns) {
      wb->Put(cf_[layout::kRecorded], layout::TimeKey(recorded_at_ns, at.position), rocksdb::Slice());
    }
    overlay->previous_recorded_ns = recorded_at_ns;
    wb->Put(cf_[layout::kOccurred], layout::TimeKey(occurred_at_ns, at.position), rocksdb::Slice());
    overlay->heads[at.stream] = at;
    overlay->event_ids.insert(event_id);
  }

  // An import: checks every record against the log and the batch first,
  // then stages them all; nothing is staged if one is refused. The frontier
  // is only touched once everything checked, so a refusal leaves it intact.
  Result<AppendResult> StageImport(const std::vector<std::string>& records, std::uint64_t* next, BatchOverlay* overlay, rocksdb::WriteBatch* wb) {
    struct Checked {
      const schema::Record* record;
      StreamHead at;
      EventId id;
    };
    std::vector<Checked> checked;
    std::unordered_map<std::string, std::optional<StreamHead>> heads;
    std::unordered_set<EventId, EventIdHash> own_ids;
    std::int64_t last_recorded = overlay->last_recorded_ns;
    std::map<std::string, AppendResult> commands;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string where = "record " + std::to_string(i + 1) + " of the import: ";
      auto verified = VerifyRecord(records[i]);
      if (!verified) return Fail(InvalidArgument(where + verified.error().message()));
      const schema::Record* r = *verified;
      std::uint64_t position = *next + i;
      if (r->position() != position) {
        return Fail(FailedPrecondition(where + "position " + std::to_string(r->position()) + " where " +
                                       std::to_string(position) + " comes next"));
      }
      std::string stream = r->stream()->str();
      if (stream.empty() || stream.size() > kMaxStreamNameBytes || stream.find('\0') != std::string::npos) {
        return Fail(InvalidArgument(where + "bad stream name"));
      }
      if (!heads.contains(stream)) {
        auto current = CurrentHead(stream, *overlay);
        if (!current) return Fail(MarkFailed(current.error()));
        heads.emplace(stream, std::move(*current));
      }
      std::optional<StreamHead>& head = heads[stream];
      std::uint64_t version = head ? head->version + 1 : 0;
      if (r->version() != version) return Fail(FailedPrecondition(where + "breaks the versions of stream " + stream));
      if (r->recorded_at() < last_recorded) return Fail(FailedPrecondition(where + "recorded before the log's end"));
      last_recorded = r->recorded_at();
      EventId id;
      std::memcpy(id.data(), r->event_id()->bytes()->Data(), 16);
      bool taken = !own_ids.insert(id).second || overlay->event_ids.contains(id);
      if (!taken) {
        auto stored = EventIdStored(id);
        if (!stored) return Fail(MarkFailed(stored.error()));
        taken = *stored;
      }
      if (taken) return Fail(AlreadyExists(where + "its event_id is already in the log"));
      if (r->command_id() && r->command_id()->size() > 0) {
        std::string command = r->command_id()->str();
        bool known = false;
        if (!commands.contains(command)) {
          known = overlay->commands.contains(command);
          if (!known) {
            auto stored = LookupCommand(command);
            if (!stored) return Fail(MarkFailed(stored.error()));
            known = stored->has_value();
          }
        }
        if (known) return Fail(AlreadyExists(where + "its command is already in the log"));
        AppendResult& c = commands[command];
        c.events.push_back({position, stream, version, r->type()->str()});
        c.tree_size = position + 1;
      }
      head = StreamHead{stream, version, position};
      checked.push_back({r, *head, id});
    }
    AppendResult result;
    for (std::size_t i = 0; i < checked.size(); ++i) {
      const Checked& c = checked[i];
      StageRecord(records[i], c.at, c.id, c.record->recorded_at(), c.record->occurred_at(), overlay, wb);
      result.events.push_back({c.at.position, c.at.stream, c.at.version, c.record->type()->str()});
    }
    for (const auto& [command, first] : commands) {
      wb->Put(cf_[layout::kCommands], command, EncodeCommandResult(first));
      overlay->commands.emplace(command, first);
    }
    *next += records.size();
    overlay->last_recorded_ns = last_recorded;
    result.tree_size = *next;
    return result;
  }

  // The point lookups below tell "absent" (NotFound) from "cannot read":
  // treating a read error as absent would accept an append as version 0 of
  // a stream that exists, or a second copy of a command or event id.

  // The head stored for `stream` (acknowledged or not), or nullopt.
  Result<std::optional<StreamHead>> StoredHead(std::string_view stream) const {
    if (!db_) return Fail(StoreClosed());
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_[layout::kHeads], ToSlice(stream), &value);
    if (s.IsNotFound()) return std::optional<StreamHead>();
    if (!s.ok()) return Fail(MarkFailed(FromRocks(s, "reading a stream head")));
    if (value.size() != 16) return Fail(MarkFailed(DataLoss("a stream head is not 16 bytes")));
    return std::optional<StreamHead>(
        StreamHead{std::string(stream), layout::GetBe64(value), layout::GetBe64(std::string_view(value).substr(8))});
  }

  // The batch's own heads first, then those the writer wrote itself (it is
  // the only writer of `heads`), then the stored one.
  Result<std::optional<StreamHead>> CurrentHead(const std::string& stream, const BatchOverlay& overlay) const {
    if (auto it = overlay.heads.find(stream); it != overlay.heads.end()) return std::optional<StreamHead>(it->second);
    if (auto it = head_cache_.find(stream); it != head_cache_.end()) return std::optional<StreamHead>(it->second);
    return StoredHead(stream);
  }

  Result<bool> EventIdStored(const EventId& id) const {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_[layout::kEventIds],
                                 rocksdb::Slice(reinterpret_cast<const char*>(id.data()), id.size()), &value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return Fail(MarkFailed(FromRocks(s, "looking up an event id")));
    return true;
  }

  Result<std::optional<AppendResult>> LookupCommand(std::string_view command_id) const {
    if (command_id.empty()) return std::optional<AppendResult>();
    if (!db_) return Fail(StoreClosed());
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_[layout::kCommands], ToSlice(command_id), &value);
    if (s.IsNotFound()) return std::optional<AppendResult>();
    if (!s.ok()) return Fail(MarkFailed(FromRocks(s, "looking up a command")));
    auto result = DecodeCommandResult(value);
    if (!result) return Fail(MarkFailed(result.error()));
    return std::optional<AppendResult>(std::move(*result));
  }

  // A store that met unreadable data refuses every later append (they could
  // rest on a wrong answer) until it is reopened; reads go on.
  Status MarkFailed(Status s) const {
    if (s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kInternal) failed_.store(true);
    return s;
  }

  Result<AppendResult> DecodeCommandResult(std::string_view value) const {
    if (value.size() < 16) return Fail(DataLoss("bad command entry"));
    AppendResult r;
    r.tree_size = layout::GetBe64(value);
    std::uint64_t n = layout::GetBe64(value.substr(8));
    if (value.size() != 16 + 8 * n) return Fail(DataLoss("bad command entry"));
    for (std::uint64_t i = 0; i < n; ++i) {
      std::uint64_t position = layout::GetBe64(value.substr(16 + 8 * i));
      std::string bytes;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_[layout::kLog], layout::PositionKey(position), &bytes);
      if (s.IsNotFound()) return Fail(DataLoss("a stored command names a missing position"));
      if (!s.ok()) return Fail(FromRocks(s, "reading a command's events"));
      auto record = VerifyRecord(bytes);
      if (!record) return Fail(record.error());
      r.events.push_back({position, (*record)->stream()->str(), (*record)->version(), (*record)->type()->str()});
    }
    return r;
  }

  void RecordStats(std::size_t batch_commands, std::uint64_t commands, std::uint64_t events, double seconds) {
    std::lock_guard lock(stats_mu_);
    stats_.commands += commands;
    stats_.events += events;
    ++stats_.batches;
    for (std::size_t i = 0; i < StoreStats::kBatchBounds.size(); ++i) {
      if (static_cast<double>(batch_commands) <= StoreStats::kBatchBounds[i]) ++stats_.batch_commands_buckets[i];
    }
    stats_.batch_commands_sum += static_cast<double>(batch_commands);
    for (std::size_t i = 0; i < StoreStats::kSyncBoundsSeconds.size(); ++i) {
      if (seconds <= StoreStats::kSyncBoundsSeconds[i]) ++stats_.sync_seconds_buckets[i];
    }
    stats_.sync_seconds_sum += seconds;
  }

  void NotifySubscribers() {
    std::uint64_t size = Size();
    std::lock_guard lock(subscribers_mu_);
    for (auto& [id, fn] : subscribers_) fn(size);
  }

  void MaybeCheckpoint() {
    if (options_.checkpoint_every_events == 0 || failed_.load()) return;
    if (Size() - last_checkpoint_size_ >= options_.checkpoint_every_events) (void)StoreCheckpoint();
  }

  const std::string dir_;
  const StoreOptions options_;
  const bool read_only_;
  std::string origin_;
  note::SigningKey key_;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cf_;

  // Owned by the thread holding the writer role (writing_): the writer
  // thread, or a lone Append's caller (and OpenDb before either runs).
  merkle::Frontier frontier_;
  int tree_floor_ = layout::kStoredTreeFloor;  // from the store's format
  std::int64_t last_recorded_ns_ = 0;
  std::uint64_t written_size_ = 0;  // written, maybe not yet synced
  // Heads of streams the writer wrote since the open (written, maybe not
  // yet synced): spares a lookup per command on a busy stream. Bounded.
  static constexpr std::size_t kMaxCachedHeads = 1 << 16;
  std::unordered_map<std::string, StreamHead> head_cache_;
  std::thread writer_;

  // Batches written by the writer, waiting for the syncer's fsync.
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::condition_variable sync_space_cv_;
  std::deque<Written> sync_queue_;  // guarded by sync_mu_
  bool sync_stopping_ = false;      // guarded by sync_mu_
  bool syncer_busy_ = false;        // guarded by sync_mu_: a round is being synced/answered
  std::thread syncer_;
  mutable std::atomic<bool> failed_{false};

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;  // guarded by queue_mu_
  bool stopping_ = false;      // guarded by queue_mu_
  // The writer role: set by whichever thread stages and writes a batch, so
  // that exactly one does at a time, in queue order. Guarded by queue_mu_.
  bool writing_ = false;

  // The durable size and the root at that size change together.
  mutable std::mutex size_mu_;
  mutable std::condition_variable size_cv_;
  std::atomic<std::uint64_t> size_{0};
  merkle::Hash root_{};  // guarded by size_mu_
  bool closed_ = false;  // guarded by size_mu_

  std::mutex checkpoint_mu_;
  std::atomic<std::uint64_t> last_checkpoint_size_{0};

  std::mutex subscribers_mu_;
  std::map<std::uint64_t, std::function<void(std::uint64_t)>> subscribers_;  // guarded
  std::uint64_t next_subscriber_ = 0;                                          // guarded

  mutable std::mutex stats_mu_;
  StoreStats stats_;  // guarded by stats_mu_
};

}  // namespace

std::int64_t SystemClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<InitResult> EventStore::Init(const std::string& dir, const std::string& origin) {
  if (origin.empty() || origin.size() > 200 || origin.find_first_of(" \n\t+") != std::string::npos) {
    return Fail(InvalidArgument("the origin must be 1 to 200 characters without spaces, '+' or newlines"));
  }
  fs::path root(dir);
  std::error_code ec;
  if (fs::exists(root / layout::kStoreSubdir, ec) || fs::exists(root / layout::kSigningKeyFile, ec)) {
    return Fail(AlreadyExists(dir + " already holds a Vigie store"));
  }
  fs::create_directories(root, ec);
  if (ec) return Fail(Internal("cannot create " + dir + ": " + ec.message()));
  ::chmod(dir.c_str(), 0700);
  auto key = note::SigningKey::Generate(origin);
  if (!key) return Fail(key.error());

  rocksdb::Options options = DbOptions();
  options.create_if_missing = true;
  options.error_if_exists = true;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(options, (root / layout::kStoreSubdir).string(), FamilyDescriptors(/*read_only=*/false), &cfs, &raw);
  if (!s.ok()) return Fail(FromRocks(s, "creating the store"));
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteBatch wb;
  wb.Put(cfs[layout::kDefault], layout::kFormatKey, ToSlice(layout::kFormat));
  wb.Put(cfs[layout::kDefault], layout::kOriginKey, origin);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  s = db->Write(wo, &wb);
  for (auto* cf : cfs) (void)db->DestroyColumnFamilyHandle(cf);
  (void)db->Close();
  if (!s.ok()) return Fail(FromRocks(s, "writing the store header"));
  if (Status saved = key->Save((root / layout::kSigningKeyFile).string()); !saved.ok()) return Fail(saved);
  return InitResult{key->VerifierKey()};
}

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::string& dir, StoreOptions options) {
  auto store = std::make_unique<RocksEventStore>(dir, std::move(options), /*read_only=*/false);
  if (Status s = store->OpenDb(); !s.ok()) return Fail(std::move(s));
  return std::unique_ptr<EventStore>(std::move(store));
}

Result<std::unique_ptr<EventStore>> EventStore::OpenReadOnly(const std::string& dir) {
  auto store = std::make_unique<RocksEventStore>(dir, StoreOptions{}, /*read_only=*/true);
  if (Status s = store->OpenDb(); !s.ok()) return Fail(std::move(s));
  return std::unique_ptr<EventStore>(std::move(store));
}

}  // namespace vigie::eventstore
