#pragma once
// Raw RocksDB access to a store's files, for the tests that must look below
// the EventStore API: counting every family's entries after a crash, dumping
// a store byte for byte, and rewriting entries the way a malicious
// administrator would (RocksDB's own checksums stay valid, so only Vigie's
// Merkle tree and signatures can notice).
//
// The families and key grammar are eventstore/storage_layout.h's. Column
// family options are RocksDB's defaults, as the store's are.
// Ownership: RawStore owns its DB and handles. Not thread-safe.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "eventstore/storage_layout.h"

namespace vigie::eventstore::testing {

class RawStore {
 public:
  // Opens DIR/store with every family. A read-only open replays the WAL in
  // memory and writes nothing, so it sees a crashed store exactly as left.
  static std::unique_ptr<RawStore> Open(const std::string& dir, bool read_only, std::string* error) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (int f = 0; f < layout::kFamilyCount; ++f) {
      families.emplace_back(layout::FamilyName(f), rocksdb::ColumnFamilyOptions());
    }
    rocksdb::Options options;
    options.paranoid_checks = true;
    std::unique_ptr<RawStore> raw(new RawStore);
    rocksdb::DB* db = nullptr;
    const std::string path = dir + "/" + std::string(layout::kStoreSubdir);
    rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(options, path, families, &raw->handles_, &db)
                                  : rocksdb::DB::Open(options, path, families, &raw->handles_, &db);
    if (!s.ok()) {
      *error = s.ToString();
      return nullptr;
    }
    raw->db_.reset(db);
    return raw;
  }

  ~RawStore() {
    for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
    (void)db_->Close();
  }

  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family(int f) { return handles_[static_cast<std::size_t>(f)]; }

  // Every entry of one family, in key order. Reading every block makes
  // RocksDB check every block checksum on the way.
  rocksdb::Status Dump(int f, std::map<std::string, std::string>* out) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family(f)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) out->emplace(it->key().ToString(), it->value().ToString());
    return it->status();
  }

  // Every family, keyed by family number.
  rocksdb::Status DumpAll(std::vector<std::map<std::string, std::string>>* out) {
    out->assign(layout::kFamilyCount, {});
    for (int f = 0; f < layout::kFamilyCount; ++f) {
      rocksdb::Status s = Dump(f, &(*out)[static_cast<std::size_t>(f)]);
      if (!s.ok()) return s;
    }
    return rocksdb::Status::OK();
  }

  // Synced single writes, as an administrator editing the files would make.
  rocksdb::Status Put(int f, const std::string& key, const std::string& value) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return db_->Put(wo, family(f), key, value);
  }
  rocksdb::Status Delete(int f, const std::string& key) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return db_->Delete(wo, family(f), key);
  }

 private:
  RawStore() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace vigie::eventstore::testing
