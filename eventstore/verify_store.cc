// Offline verification of a whole store (`vigie verify`).
//
// One sequential pass over the log, in chunks, read straight from RocksDB
// (without filling its block cache): every record goes through the
// FlatBuffers verifier; the leaves of the first eighth of a chunk are
// hashed at once. A second thread takes each chunk while the next one is
// read: it hashes the rest, rebuilds the Merkle frontier and compares every
// perfect node the store keeps (from its floor up: storage_layout.h, "Tree
// floor") with the stored one AS IT IS PRODUCED: one iterator per tree
// level walks the `tree` family sequentially (nodes of a level come in
// index order), so no node is looked up by a point read. Stored checkpoints
// are checked as the rebuilt tree passes their size: signature (by the key
// the caller trusts, else by the store's own), origin, and root;
// consecutive checkpoints are also checked for consistency with a proof.
//
// Meanwhile, on a third thread started at once, RocksDB checks the checksum
// of every block of every table file but the log's, so a flipped byte in
// the families read only through RocksDB (indexes, commands, checkpoints,
// the header) is reported too, not only one in the log or the tree. (Their
// contents are derived from the log; a rewrite that keeps RocksDB's
// checksums valid is not this pass's to find.) It reads the files block by
// block, without decoding entries: about a tenth of the time of iterating
// those families. The log's files are skipped: the scan reads every block
// of them, checksum verified, and checking them twice cost verify ~5 %. Its
// verdict only counts when the scan found nothing, as if it ran last.
//
// The raw instance reads its table files through mmap: the blocks are used
// in place (or decompressed from there) instead of being copied out of the
// page cache by pread, a good part of a scan's CPU time.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rocksdb/convenience.h>
#include <rocksdb/db.h>

#include "eventstore/event_store.h"
#include "eventstore/record_codec.h"
#include "eventstore/rocks_util.h"
#include "eventstore/signed_note.h"
#include "eventstore/storage_layout.h"
#include "schemas/record_generated.h"

namespace vigie::eventstore {
namespace {

// Small enough that the hashing thread, idle while the first chunk is read,
// and the reading thread, idle while the last one is hashed, wait little.
constexpr std::uint64_t kChunkLeaves = 1 << 14;

// A second, raw read-only RocksDB instance of the store: the sequential
// scans (log, tree) and the checksum pass, with read options of their own.
class RawDb {
 public:
  static Result<std::unique_ptr<RawDb>> Open(const std::string& dir) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (int f = 0; f < layout::kFamilyCount; ++f) {
      families.emplace_back(layout::FamilyName(f), rocksdb::ColumnFamilyOptions());
    }
    rocksdb::Options options;
    options.paranoid_checks = true;
    options.allow_mmap_reads = true;
    options.max_file_opening_threads = 1;  // as the store's own (event_store.cc)
    options.max_open_files = kMaxOpenTableFiles;
    auto raw = std::unique_ptr<RawDb>(new RawDb);
    rocksdb::DB* db = nullptr;
    const std::string path = (std::filesystem::path(dir) / layout::kStoreSubdir).string();
    rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, path, families, &raw->handles_, &db);
    if (!s.ok()) return Fail(FromRocks(s, "opening the store for verification"));
    raw->db_.reset(db);
    return raw;
  }
  ~RawDb() {
    if (!db_) return;
    for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
    (void)db_->Close();
  }
  rocksdb::DB* db() const { return db_.get(); }

  // The lowest tree level the store keeps, from its format.
  Result<int> TreeFloor() const { return ReadTreeFloor(*db_, handles_[layout::kDefault]); }
  rocksdb::ColumnFamilyHandle* family(int f) const { return handles_[static_cast<std::size_t>(f)]; }

  // RocksDB's checksum of every block of every live table file outside the
  // log family (as DB::VerifyChecksum does it, file by file): the first
  // damage found, or an empty string.
  Result<std::string> CheckTableChecksums() const {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 2 << 20;
    std::vector<rocksdb::LiveFileMetaData> files;
    db_->GetLiveFilesMetaData(&files);
    const rocksdb::Options options = db_->GetOptions();
    const rocksdb::EnvOptions env_options(options);
    for (const rocksdb::LiveFileMetaData& file : files) {
      if (file.column_family_name == layout::FamilyName(layout::kLog)) continue;
      const std::string path = file.directory + "/" + file.relative_filename;
      rocksdb::Status s = rocksdb::VerifySstFileChecksum(options, env_options, ro, path, file.largest_seqno);
      if (s.IsCorruption()) return "a table file of the store is damaged: " + s.ToString();
      if (!s.ok()) return Fail(Internal("checking the store's checksums: " + s.ToString()));
    }
    return std::string();
  }

 private:
  RawDb() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// One chunk of records: the leaf hashes of its first eighth, hashed by the
// reading thread, and the bytes of the rest, hashed by the other. (Views
// into blocks pinned by the chunk's iterator, pin_data, instead of copies
// made verify ~25 % slower.)
struct Chunk {
  std::uint64_t from = 0, to = 0;
  std::vector<merkle::Hash> leaves;
  std::string rest;                 // records not hashed yet, back to back
  std::vector<std::uint32_t> ends;  // end offset of each in `rest`
  void Clear() {
    leaves.clear();
    rest.clear();
    ends.clear();
  }
};

struct Verifier {
  Verifier(const EventStore& s, const RawDb& r, int f, std::string_view trusted_key)
      : store(s), raw(r), floor(f), trusted(!trusted_key.empty()) {
    report.verifier_key = trusted ? std::string(trusted_key) : store.VerifierKey();
  }

  const EventStore& store;
  const RawDb& raw;
  const int floor;  // lowest stored tree level
  const bool trusted;  // report.verifier_key came from the caller, not the store
  VerifyReport report;
  merkle::Frontier frontier;
  std::map<std::uint64_t, note::Checkpoint> checkpoints;  // by size
  std::optional<std::uint64_t> mismatched_checkpoint;     // its size
  // One sequential reader per tree level; used by the hashing thread only
  // (chunks are handed over through futures, one at a time).
  std::vector<std::unique_ptr<rocksdb::Iterator>> levels = std::vector<std::unique_ptr<rocksdb::Iterator>>(64);
  std::string key;  // scratch, hashing thread
  AlignedRecordBuffer aligned_;  // reading thread

  void Bad(std::uint64_t position, std::string problem) {
    if (!report.ok()) return;  // keep the first one
    report.first_bad_position = position;
    report.problem = std::move(problem);
  }

  // What the hashing thread found, kept apart from `report` (which the
  // reading thread reads meanwhile) until the chunk is handed back.
  std::optional<std::pair<std::uint64_t, std::string>> found;
  void Found(std::uint64_t position, std::string problem) {
    if (!found) found.emplace(position, std::move(problem));
  }
  void TakeFound() {
    if (found) Bad(found->first, std::move(found->second));
    found.reset();
  }

  // Compares one recomputed perfect node with the stored one. Nodes of a
  // level are produced in index order from 0, so after the first seek each
  // is the next entry of that level's iterator; anything else there (a
  // missing node, a foreign key) is a difference. False once one differs.
  Result<bool> Compare(const merkle::NodeWrite& n) {
    auto& it = levels[static_cast<std::size_t>(n.level)];
    key = layout::TreeKey(n.level, n.index);
    if (!it) {
      rocksdb::ReadOptions ro;
      ro.fill_cache = false;
      it.reset(raw.db()->NewIterator(ro, raw.family(layout::kTree)));
      it->Seek(key);
    } else {
      it->Next();
    }
    if (!it->Valid()) {
      if (!it->status().ok()) return Fail(FromRocks(it->status(), "scanning Merkle nodes"));
    } else if (View(it->key()) == key) {
      if (it->value().size() != 32) return Fail(DataLoss("a stored Merkle node is not 32 bytes"));
      if (std::memcmp(it->value().data(), n.hash.data(), 32) == 0) return true;
    }
    Found(n.index << n.level, Difference(n));
    return false;
  }

  // What a node that differs tells. The lowest stored one is the first hash
  // its records meet: any of them, or the node, was changed.
  std::string Difference(const merkle::NodeWrite& n) const {
    if (n.level == 0) return "leaf hash differs from the stored record";
    if (n.level == floor) {
      const std::uint64_t first = n.index << n.level;
      return "records " + std::to_string(first) + " to " + std::to_string(first + (1u << n.level) - 1) +
             " do not hash to the stored Merkle node at level " + std::to_string(n.level) +
             " above them: one of them, or the node, was altered";
    }
    return "stored Merkle node at level " + std::to_string(n.level) + " differs from the recomputed tree";
  }

  // A store keeps no node below its floor: one there was put by someone
  // else. (Nodes sort by level, so the first one tells.)
  Status CheckNothingBelowFloor() {
    if (floor == 0) return Status::Ok();
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator(ro, raw.family(layout::kTree)));
    it->SeekToFirst();
    VIGIE_RETURN_IF_ERROR(FromRocks(it->status(), "scanning Merkle nodes"));
    if (!it->Valid()) return Status::Ok();
    const std::string_view first = View(it->key());
    if (first.size() != 9) return DataLoss("a stored Merkle node has a malformed key");
    const int level = static_cast<std::uint8_t>(first[0]);
    if (level < floor) {
      Bad(layout::GetBe64(first.substr(1)) << level,
          "a Merkle node at level " + std::to_string(level) + " is stored, below the lowest level this store keeps (" +
              std::to_string(floor) + "): the tree was altered");
    }
    return Status::Ok();
  }

  // A checkpoint whose root differs is only reported once the chunk's stored
  // leaves and nodes were compared: a rewritten record changes both its leaf
  // and every later root, and its own position is the useful one to name.
  void CheckRootAt(std::uint64_t size) {
    if (mismatched_checkpoint) return;
    auto it = checkpoints.find(size);
    if (it == checkpoints.end()) return;
    if (it->second.root != frontier.Root()) mismatched_checkpoint = size;
  }

  void ReportMismatchedCheckpoint() {
    if (!mismatched_checkpoint) return;
    const std::uint64_t size = *mismatched_checkpoint;
    Found(size == 0 ? 0 : size - 1, "the checkpoint of size " + std::to_string(size) +
                                        " does not match the recomputed tree");
  }

  // The second thread's work on one chunk: the frontier, the comparisons.
  Status HashChunk(Chunk& chunk) {
    std::vector<merkle::NodeWrite> writes;
    const std::uint64_t next_checkpoint_after = checkpoints.empty() ? 0 : checkpoints.rbegin()->first;
    std::uint32_t begin = 0;
    for (std::uint32_t end : chunk.ends) {
      chunk.leaves.push_back(merkle::HashLeaf(std::string_view(chunk.rest).substr(begin, end - begin)));
      begin = end;
    }
    for (const merkle::Hash& leaf : chunk.leaves) {
      writes.clear();
      frontier.Append(leaf, &writes);
      for (const merkle::NodeWrite& n : writes) {
        if (n.level < floor) continue;
        auto same = Compare(n);
        if (!same) return same.error();
        if (!*same) return Status::Ok();
      }
      if (frontier.size() <= next_checkpoint_after) CheckRootAt(frontier.size());
    }
    ReportMismatchedCheckpoint();
    return Status::Ok();
  }

  // Reads records [from, to), each through the FlatBuffers verifier with
  // the checks of EventStore::Scan, and hashes them into `chunk`.
  Status ReadChunk(std::uint64_t from, std::uint64_t to, Chunk* chunk) {
    chunk->from = from;
    chunk->to = to;
    chunk->leaves.reserve(to - from);
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 2 << 20;
    const std::string upper = layout::PositionKey(to);
    rocksdb::Slice upper_slice(upper);
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(raw.db()->NewIterator(ro, raw.family(layout::kLog)));
    std::uint64_t expected = from;
    for (it->Seek(layout::PositionKey(from)); it->Valid(); it->Next(), ++expected) {
      const std::string_view key_bytes = View(it->key());
      if (key_bytes.size() != 8 || layout::GetBe64(key_bytes) != expected) {
        return DataLoss("the log has a gap or a bad key at position " + std::to_string(expected));
      }
      const std::string_view value = View(it->value());
      auto record = VerifyRecord(aligned_.Hold(value));
      if (!record) return DataLoss("position " + std::to_string(expected) + ": " + record.error().message());
      if ((*record)->position() != expected) {
        return DataLoss("position " + std::to_string(expected) + ": record claims another position");
      }
      if (8 * (expected - from) < to - from) {
        chunk->leaves.push_back(merkle::HashLeaf(value));
      } else {
        chunk->rest.append(value);
        chunk->ends.push_back(static_cast<std::uint32_t>(chunk->rest.size()));
      }
      ++report.records;  // read and verified; hashed and compared next
    }
    VIGIE_RETURN_IF_ERROR(FromRocks(it->status(), "scanning the log"));
    if (expected != to) return DataLoss("the log ends early at position " + std::to_string(expected));
    return Status::Ok();
  }

  Status Run(const ProgressFn& progress) {
    const std::uint64_t size = store.Size();
    for (const auto& [cp_size, text] : store.Checkpoints()) {
      ++report.checkpoints;
      auto body = note::VerifyNote(report.verifier_key, text);
      if (!body) {
        Bad(cp_size == 0 ? 0 : cp_size - 1,
            "checkpoint of size " + std::to_string(cp_size) +
                (trusted ? " is not signed by the given verifier key: " : " has a bad signature: ") +
                body.error().message());
        continue;
      }
      auto cp = note::ParseCheckpoint(*body);
      if (!cp || cp->origin != store.origin() || cp->size != cp_size) {
        Bad(cp_size == 0 ? 0 : cp_size - 1, "checkpoint of size " + std::to_string(cp_size) + " is malformed");
        continue;
      }
      if (cp_size > size) {
        Bad(size, "a checkpoint covers " + std::to_string(cp_size) + " events but the log holds only " +
                      std::to_string(size) + ": events were removed");
        continue;
      }
      checkpoints.emplace(cp_size, *cp);
    }
    // Without a checkpoint, nothing ties the log to the trusted key.
    // (No position: the whole log is in question.)
    if (trusted && report.checkpoints == 0) {
      report.problem = "the store holds no signed checkpoint to check against the given verifier key";
    }
    CheckRootAt(0);
    ReportMismatchedCheckpoint();
    TakeFound();
    VIGIE_RETURN_IF_ERROR(CheckNothingBelowFloor());
    // Two threads, pipelined: while the second one hashes the rest of chunk
    // k, folds its leaves into the frontier and compares nodes, this one
    // reads, verifies and hashes the first eighth of chunk k+1 (so both
    // weigh about the same: measured, with SHA256_* (merkle_tree.cc), an
    // eighth beats a quarter and none; with EVP, a quarter was best).
    // A chunk is read into the buffer the hashing thread is not using.
    // (Declared before the future: one still running is waited for, on
    // every way out, before the chunks go.)
    Chunk chunks[2];
    int current = 0;
    std::future<Status> hashing;
    std::uint64_t hashing_to = 0;
    auto finish_previous = [&]() -> Status {
      if (!hashing.valid()) return Status::Ok();
      Status hashed = hashing.get();
      TakeFound();
      VIGIE_RETURN_IF_ERROR(hashed);
      if (progress) progress(hashing_to, size);
      return Status::Ok();
    };
    std::optional<Status> scan_failure;
    for (std::uint64_t from = 0; from < size && report.ok(); from += kChunkLeaves) {
      Chunk& chunk = chunks[current];
      chunk.Clear();
      Status s = ReadChunk(from, std::min(size, from + kChunkLeaves), &chunk);
      VIGIE_RETURN_IF_ERROR(finish_previous());
      if (!s.ok()) {
        if (s.code() != StatusCode::kDataLoss) return s;
        scan_failure = std::move(s);
        // The records read before the damage still count, and are hashed.
      }
      if (!report.ok()) break;
      hashing_to = chunk.to;
      hashing = std::async(std::launch::async, [this, &chunk] { return HashChunk(chunk); });
      current = 1 - current;
      if (scan_failure) break;
    }
    VIGIE_RETURN_IF_ERROR(finish_previous());
    if (scan_failure) Bad(report.records, scan_failure->message());
    if (!report.ok()) return Status::Ok();
    // Successive checkpoints must describe one append-only history.
    const note::Checkpoint* previous = nullptr;
    for (const auto& [cp_size, cp] : checkpoints) {
      if (previous && previous->size > 0) {
        auto proof = store.ConsistencyProof(previous->size, cp_size);
        if (!proof || !merkle::VerifyConsistency(previous->size, cp_size, previous->root, cp.root, *proof)) {
          Bad(cp_size - 1, "checkpoints of sizes " + std::to_string(previous->size) + " and " +
                               std::to_string(cp_size) + " are not consistent");
          break;
        }
      }
      previous = &cp;
    }
    return Status::Ok();
  }
};

}  // namespace

Result<VerifyReport> VerifyStore(const std::string& dir, const ProgressFn& progress,
                                 std::string_view trusted_verifier_key) {
  if (!trusted_verifier_key.empty()) {
    if (Status s = note::CheckVerifierKey(trusted_verifier_key); !s.ok()) return Fail(std::move(s));
  }
  auto store = EventStore::OpenReadOnly(dir);
  if (!store) return Fail(store.error());
  auto raw = RawDb::Open(dir);
  if (!raw) return Fail(raw.error());
  auto floor = (*raw)->TreeFloor();
  if (!floor) return Fail(floor.error());
  std::future<Result<std::string>> checksums =
      std::async(std::launch::async, [&raw] { return (*raw)->CheckTableChecksums(); });
  Verifier verifier(**store, **raw, *floor, trusted_verifier_key);
  Status s = verifier.Run(progress);
  verifier.levels.clear();  // iterators go before their database
  Result<std::string> damaged_table = checksums.get();
  if (!s.ok()) {
    if (s.code() == StatusCode::kDataLoss) {
      verifier.Bad(verifier.report.records, s.message());
      return verifier.report;
    }
    return Fail(std::move(s));
  }
  if (!verifier.report.ok()) return verifier.report;
  if (!damaged_table) return Fail(damaged_table.error());
  // No position: a block holds entries of many positions and families.
  verifier.report.problem = std::move(*damaged_table);
  return verifier.report;
}

}  // namespace vigie::eventstore
