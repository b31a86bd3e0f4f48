#include "tools/bench/rocksdb_baseline.h"

#include <atomic>
#include <filesystem>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/statistics.h>
#include <rocksdb/write_batch.h>

#include "eventstore/storage_layout.h"

namespace vigie::bench {
namespace {

namespace layout = eventstore::layout;

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  return Internal(what + ": " + s.ToString());
}

// The store's own options (eventstore/event_store.cc, DbOptions), so that
// the baseline differs from Vigie only by what Vigie adds.
rocksdb::Options StoreLikeOptions() {
  rocksdb::Options options;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.paranoid_checks = true;
  options.IncreaseParallelism(2);
  options.write_buffer_size = 64 << 20;
  return options;
}

std::string Key(std::uint64_t n) {
  std::string key;
  layout::PutBe64(&key, n);
  return key;
}

}  // namespace

struct RocksBaseline::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::shared_ptr<rocksdb::Statistics> statistics;
  std::atomic<std::uint64_t> next_key{0};

  std::uint64_t Syncs() const { return statistics->getTickerCount(rocksdb::WAL_FILE_SYNCED); }
};

RocksBaseline::RocksBaseline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RocksBaseline::~RocksBaseline() {
  if (impl_ && impl_->db) (void)impl_->db->Close();
}

Result<std::unique_ptr<RocksBaseline>> RocksBaseline::Open(const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  rocksdb::Options options = StoreLikeOptions();
  options.create_if_missing = true;
  options.error_if_exists = true;
  // Counts fsyncs, to report how many records each one carried.
  impl->statistics = rocksdb::CreateDBStatistics();
  options.statistics = impl->statistics;
  rocksdb::DB* raw = nullptr;
  if (Status s = FromRocks(rocksdb::DB::Open(options, dir, &raw), "opening " + dir); !s.ok()) return Fail(s);
  impl->db.reset(raw);
  return std::unique_ptr<RocksBaseline>(new RocksBaseline(std::move(impl)));
}

Result<WriteRun> RocksBaseline::Writes(int writers, bool sync, std::chrono::duration<double> duration,
                                       const std::string& record) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  const std::uint64_t syncs_before = impl_->Syncs();
  auto run = RunForDuration(writers, duration, [&](int) -> Result<std::uint64_t> {
    rocksdb::WriteBatch batch;
    batch.Put(Key(impl_->next_key++), record);
    if (Status s = FromRocks(impl_->db->Write(wo, &batch), "a synced write"); !s.ok()) return Fail(s);
    return 1;
  });
  if (!run) return Fail(run.error());
  return WriteRun{*run, impl_->Syncs() - syncs_before};
}

Result<WriteRun> RocksBaseline::BatchedWrites(int per_sync, std::chrono::duration<double> duration,
                                              const std::string& record) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const std::uint64_t syncs_before = impl_->Syncs();
  auto run = RunForDuration(1, duration, [&](int) -> Result<std::uint64_t> {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < per_sync; ++i) batch.Put(Key(impl_->next_key++), record);
    if (Status s = FromRocks(impl_->db->Write(wo, &batch), "a synced batch"); !s.ok()) return Fail(s);
    return static_cast<std::uint64_t>(per_sync);
  });
  if (!run) return Fail(run.error());
  return WriteRun{*run, impl_->Syncs() - syncs_before};
}

Result<Throughput> ScanLogFamily(const std::string& store_dir, std::uint64_t* bytes) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int f = 0; f < layout::kFamilyCount; ++f) {
    families.emplace_back(layout::FamilyName(f), rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const std::string path = (std::filesystem::path(store_dir) / layout::kStoreSubdir).string();
  Status opened =
      FromRocks(rocksdb::DB::OpenForReadOnly(StoreLikeOptions(), path, families, &handles, &raw), "opening " + path);
  if (!opened.ok()) return Fail(opened);
  std::unique_ptr<rocksdb::DB> db(raw);
  const auto start = std::chrono::steady_clock::now();
  // The same read options as EventStore::Scan.
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, handles[layout::kLog]));
  std::uint64_t records = 0, total = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++records;
    total += it->value().size();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Status status = FromRocks(it->status(), "scanning the log family");
  it.reset();
  for (auto* h : handles) (void)db->DestroyColumnFamilyHandle(h);
  (void)db->Close();
  if (!status.ok()) return Fail(status);
  *bytes = total;
  return Throughput{records, seconds};
}

}  // namespace vigie::bench
