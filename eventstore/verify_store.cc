// Offline verification of a whole store (`vigie verify`).
//
// One sequential pass over the log, in chunks: every record goes through the
// FlatBuffers verifier and its leaf hash is recomputed (on a second thread,
// one chunk behind the reading); the Merkle frontier
// is rebuilt from those leaves, and every perfect node it produces is
// compared with the stored one, level by level, with sequential scans (no
// random reads). Stored checkpoints are checked as the rebuilt tree passes
// their size: signature by the store's key, origin, and root; consecutive
// checkpoints are also checked for consistency with a proof.
//
// Then RocksDB checks the checksum of every block of every table file, so a
// flipped byte in the families read only through RocksDB (indexes,
// commands, checkpoints, the header) is reported too, not only one in the
// log or the tree. (Their contents are derived from the log; a rewrite that
// keeps RocksDB's checksums valid is not this pass's to find.) It reads the
// files block by block, without decoding entries: about a tenth of the time
// of iterating those families.
#include <algorithm>
#include <filesystem>
#include <future>
#include <string>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <rocksdb/db.h>

#include "eventstore/event_store.h"
#include "eventstore/signed_note.h"
#include "eventstore/storage_layout.h"
#include "schemas/record_generated.h"

namespace vigie::eventstore {
namespace {

constexpr std::uint64_t kChunkLeaves = 1 << 16;

struct Verifier {
  const EventStore& store;
  VerifyReport report;
  merkle::Frontier frontier;
  std::map<std::uint64_t, note::Checkpoint> checkpoints;  // by size
  std::optional<std::uint64_t> mismatched_checkpoint;     // its size

  void Bad(std::uint64_t position, std::string problem) {
    if (!report.ok()) return;  // keep the first one
    report.first_bad_position = position;
    report.problem = std::move(problem);
  }

  // Compares the nodes computed for one chunk with the stored ones.
  Status CompareNodes(const std::vector<std::vector<merkle::NodeWrite>>& by_level) {
    for (std::size_t level = 0; level < by_level.size(); ++level) {
      const auto& expected = by_level[level];
      if (expected.empty()) continue;
      std::size_t i = 0;
      Status s = store.ScanNodes(static_cast<int>(level), expected.front().index,
                                 [&](std::uint64_t index, const merkle::Hash& hash) {
                                   if (index != expected[i].index) return false;
                                   if (hash != expected[i].hash) return false;
                                   return ++i < expected.size();
                                 });
      VIGIE_RETURN_IF_ERROR(s);
      if (i < expected.size()) {
        const merkle::NodeWrite& n = expected[i];
        Bad(n.index << n.level, level == 0 ? "leaf hash differs from the stored record"
                                           : "stored Merkle node at level " + std::to_string(level) +
                                                 " differs from the recomputed tree");
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

  // A checkpoint whose root differs is only reported once the chunk's stored
  // leaves and nodes were compared: a rewritten record changes both its leaf
  // and every later root, and its own position is the useful one to name.
  void CheckRootAt(std::uint64_t size) {
    auto it = checkpoints.find(size);
    if (it == checkpoints.end() || mismatched_checkpoint) return;
    if (it->second.root != frontier.Root()) mismatched_checkpoint = size;
  }

  void ReportMismatchedCheckpoint() {
    if (!mismatched_checkpoint) return;
    const std::uint64_t size = *mismatched_checkpoint;
    Bad(size == 0 ? 0 : size - 1, "the checkpoint of size " + std::to_string(size) +
                                      " does not match the recomputed tree");
  }

  Status Run(const ProgressFn& progress) {
    const std::uint64_t size = store.Size();
    for (const auto& [cp_size, text] : store.Checkpoints()) {
      ++report.checkpoints;
      auto body = note::VerifyNote(store.VerifierKey(), text);
      if (!body) {
        Bad(cp_size == 0 ? 0 : cp_size - 1, "checkpoint of size " + std::to_string(cp_size) +
                                                " has a bad signature: " + body.error().message());
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
    CheckRootAt(0);
    ReportMismatchedCheckpoint();
    // Reading and hashing are pipelined: while a second thread hashes chunk
    // k (leaves, then the frontier's nodes: two SHA-256 per record), this
    // one reads and verifies chunk k+1 from RocksDB.
    struct Chunk {
      std::uint64_t to = 0;
      std::string bytes;                   // the records, back to back
      std::vector<std::uint32_t> ends;     // end offset of each record
    };
    struct Hashed {
      std::uint64_t to = 0;
      std::vector<std::vector<merkle::NodeWrite>> by_level;
    };
    auto hash_chunk = [this](Chunk chunk) {
      Hashed out{chunk.to, std::vector<std::vector<merkle::NodeWrite>>(64)};
      std::vector<merkle::NodeWrite> writes;
      std::uint32_t begin = 0;
      for (std::uint32_t end : chunk.ends) {
        writes.clear();
        frontier.Append(merkle::HashLeaf(std::string_view(chunk.bytes).substr(begin, end - begin)), &writes);
        for (const merkle::NodeWrite& n : writes) out.by_level[n.level].push_back(n);
        CheckRootAt(frontier.size());
        begin = end;
      }
      return out;
    };
    std::future<Hashed> hashing;
    // Compares what the hashing thread computed for the previous chunk.
    auto finish_previous = [&]() -> Status {
      if (!hashing.valid()) return Status::Ok();
      Hashed done = hashing.get();
      VIGIE_RETURN_IF_ERROR(CompareNodes(done.by_level));
      ReportMismatchedCheckpoint();
      if (progress) progress(done.to, size);
      return Status::Ok();
    };
    std::optional<Status> scan_failure;
    for (std::uint64_t from = 0; from < size && report.ok(); from += kChunkLeaves) {
      Chunk chunk;
      chunk.to = std::min(size, from + kChunkLeaves);
      chunk.ends.reserve(chunk.to - from);
      Status s = store.Scan(from, chunk.to, [&](const RecordView& v) {
        chunk.bytes.append(v.bytes);
        chunk.ends.push_back(static_cast<std::uint32_t>(chunk.bytes.size()));
        ++report.records;  // read and verified; hashed next
        return true;
      });
      VIGIE_RETURN_IF_ERROR(finish_previous());
      if (!s.ok()) {
        if (s.code() != StatusCode::kDataLoss) return s;
        scan_failure = std::move(s);
        // The records read before the damage still count, and are hashed.
      }
      hashing = std::async(std::launch::async, hash_chunk, std::move(chunk));
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

// RocksDB's checksum of every block of every live table file. Returns the
// first damage found, or an empty string.
Result<std::string> CheckTableChecksums(const std::string& dir) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int f = 0; f < layout::kFamilyCount; ++f) {
    families.emplace_back(layout::FamilyName(f), rocksdb::ColumnFamilyOptions());
  }
  rocksdb::Options options;
  options.paranoid_checks = true;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const std::string path = (std::filesystem::path(dir) / layout::kStoreSubdir).string();
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, path, families, &handles, &raw);
  if (!s.ok()) {
    std::string message = "opening the store for its checksums: " + s.ToString();
    return Fail(s.IsCorruption() ? DataLoss(std::move(message)) : Internal(std::move(message)));
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 2 << 20;
  s = db->VerifyChecksum(ro);
  for (auto* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  (void)db->Close();
  if (s.IsCorruption()) return "a table file of the store is damaged: " + s.ToString();
  if (!s.ok()) return Fail(Internal("checking the store's checksums: " + s.ToString()));
  return std::string();
}

}  // namespace

Result<VerifyReport> VerifyStore(const std::string& dir, const ProgressFn& progress) {
  auto store = EventStore::OpenReadOnly(dir);
  if (!store) return Fail(store.error());
  Verifier verifier{**store, {}, {}, {}, {}};
  Status s = verifier.Run(progress);
  if (!s.ok()) {
    if (s.code() == StatusCode::kDataLoss) {
      verifier.Bad(verifier.report.records, s.message());
      return verifier.report;
    }
    return Fail(std::move(s));
  }
  store->reset();
  if (!verifier.report.ok()) return verifier.report;
  auto damage = CheckTableChecksums(dir);
  if (!damage) return Fail(damage.error());
  // No position: a block holds entries of many positions and families.
  verifier.report.problem = std::move(*damage);
  return verifier.report;
}

}  // namespace vigie::eventstore
