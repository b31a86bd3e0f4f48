#include "eventstore/rocks_util.h"

#include <optional>
#include <string>

#include "eventstore/storage_layout.h"

namespace vigie::eventstore {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string message = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return DataLoss(std::move(message));
  if (s.IsNotFound()) return NotFound(std::move(message));
  return Internal(std::move(message));
}

Result<int> ReadTreeFloor(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* default_family) {
  std::string format;
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), default_family, layout::kFormatKey, &format);
  if (!s.ok() && !s.IsNotFound()) return Fail(FromRocks(s, "reading the store's format"));
  std::optional<int> floor;
  if (s.ok()) floor = layout::StoredTreeFloor(format);
  if (!floor) return Fail(DataLoss("not a Vigie store, or an unknown format version"));
  return *floor;
}

}  // namespace vigie::eventstore
