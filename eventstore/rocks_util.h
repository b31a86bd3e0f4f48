#pragma once
// What the store (event_store.cc) and its offline verifier (verify_store.cc)
// share about RocksDB: its slices and statuses in Vigie's terms, and the
// store's format as its tree floor. Internal to eventstore/.
#include <rocksdb/db.h>

#include <string_view>

#include "eventstore/status.h"

namespace vigie::eventstore {

inline std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
inline rocksdb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

// kOk for ok; kDataLoss for corruption (a checksum failed); kNotFound for
// not found; kInternal for anything else (I/O). `what` says what was done.
Status FromRocks(const rocksdb::Status& s, std::string_view what);

// The lowest Merkle tree level the store keeps (storage_layout.h, "Tree
// floor"), from the format stored under kFormatKey in `default_family`;
// kDataLoss if there is none or it is unknown.
Result<int> ReadTreeFloor(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* default_family);

}  // namespace vigie::eventstore
