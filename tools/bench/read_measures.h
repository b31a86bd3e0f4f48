#pragma once
// The reading side of SPEC §8: a full rebuild reads the log with
// EventStore::Scan, `vigie verify` runs VerifyStore; both are compared with
// a plain RocksDB scan of the same records (rocksdb_baseline.h) and with the
// speed of SHA-256, which verify must run over every record.
#include <cstdint>
#include <string>

#include "eventstore/status.h"
#include "tools/bench/concurrent_load.h"

namespace vigie::bench {

// Creates in `dir` a closed store of `records` bench events, every family
// flushed to table files, with checkpoints every 100 000 events as a server
// would store them. Appends unsynced: only the reads are measured on it.
Status BuildReadStore(const std::string& dir, std::uint64_t records);

// EventStore::Scan over the whole log (every record through the FlatBuffers
// verifier), store opened read-only beforehand.
Result<Throughput> MeasureStoreScan(const std::string& dir);

// VerifyStore(dir), end to end, as `vigie verify` runs it; fails unless the
// store verifies.
Result<Throughput> MeasureVerify(const std::string& dir);

// RFC 9162 leaf hashes (SHA-256 of 0x00 || record) of `count` records.
Throughput MeasureLeafHashing(const std::string& record, std::uint64_t count);

}  // namespace vigie::bench
