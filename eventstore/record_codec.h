#pragma once
// Encoding and decoding of stored records (schemas/record.fbs).
//
// Encoding is deterministic: the same fields always give the same bytes, so
// an import reproduces the exact records and hashes of an export. Decoding
// always runs the FlatBuffers verifier first: bytes read from disk are not
// trusted until verified.
#include <cstdint>
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

// The verified record inside `bytes`, or kDataLoss.
Result<const schema::Record*> VerifyRecord(std::string_view bytes);

// Copies a verified record out; `bytes` is kept as StoredEvent::record.
StoredEvent ToStoredEvent(const schema::Record& record, std::string_view bytes);

}  // namespace vigie::eventstore
