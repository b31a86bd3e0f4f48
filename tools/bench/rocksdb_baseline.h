#pragma once
// RocksDB on its own, on the same disk and with the store's options: the
// ceilings that SPEC §8 measures Vigie against. Durable appends compare
// with synced writes of one record per WriteBatch; with several writers,
// RocksDB merges concurrent synced writes into one WAL write and one fsync
// (its write groups), which is the group-commit limit Vigie aims for.
#include <chrono>
#include <memory>
#include <string>

#include "eventstore/status.h"
#include "tools/bench/concurrent_load.h"

namespace vigie::bench {

struct WriteRun {
  Throughput records;
  std::uint64_t syncs = 0;  // WAL fsyncs RocksDB made meanwhile
};

// A plain RocksDB database with one key per record (u64 big-endian).
// Thread-safe as RocksDB is; owns its DB.
class RocksBaseline {
 public:
  static Result<std::unique_ptr<RocksBaseline>> Open(const std::string& dir);
  ~RocksBaseline();

  // `writers` threads; each write is one record in its own batch, synced
  // unless `sync` is false (a diagnostic: RocksDB's CPU ceiling).
  Result<WriteRun> Writes(int writers, bool sync, std::chrono::duration<double> duration,
                          const std::string& record);
  // One thread; `per_sync` records in each synced batch.
  Result<WriteRun> BatchedWrites(int per_sync, std::chrono::duration<double> duration, const std::string& record);

 private:
  struct Impl;
  explicit RocksBaseline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads every record of a closed Vigie store's `log` family with a plain
// RocksDB iterator and nothing else: the speed a rebuild or a verify
// cannot beat. `bytes` receives the values' total size.
Result<Throughput> ScanLogFamily(const std::string& store_dir, std::uint64_t* bytes);

}  // namespace vigie::bench
