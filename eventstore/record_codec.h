#pragma once
// Encoding and decoding of stored records (schemas/record.fbs).
//
// Encoding is deterministic: the same fields always give the same bytes, so
// an import reproduces the exact records and hashes of an export. Decoding
// always runs the FlatBuffers verifier first: bytes read from disk are not
// trusted until verified.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace vigie::eventstore {

struct RecordFields {
  std::uint64_t position = 0;
  std::uint64_t version = 0;
  std::int64_t recorded_at_ns = 0;
  std::string_view command_id;
  const Actor* actor = nullptr;
  const NewEvent* event = nullptr;
};

std::string EncodeRecord(const RecordFields& fields);

// The verified record inside `bytes`, or kDataLoss. FlatBuffers reads
// scalars in place, so `bytes` must start at an 8-byte aligned address
// (heap std::string data is; a RocksDB slice usually is not: see
// AlignedRecordBuffer).
Result<const schema::Record*> VerifyRecord(std::string_view bytes);

// Gives record bytes an 8-byte aligned home when they have none: RocksDB
// value slices (iterators, pinned reads) point anywhere inside a block, and
// reading a FlatBuffer's 8-byte fields there is undefined behaviour (UBSan:
// "misaligned load"). Aligned bytes are returned as they are; others are
// copied into a buffer reused across calls. The view returned is valid until
// the next call. Not thread-safe: one per scan.
class AlignedRecordBuffer {
 public:
  std::string_view Hold(std::string_view bytes);

 private:
  std::unique_ptr<std::uint64_t[]> words_;
  std::size_t capacity_bytes_ = 0;
};

// Copies a verified record out; `bytes` is kept as StoredEvent::record.
StoredEvent ToStoredEvent(const schema::Record& record, std::string_view bytes);

}  // namespace vigie::eventstore
