// fuzz_record: stored-record decoding (eventstore/record_codec.h).
//
// Every input is used twice:
// - as stored bytes, the way a record comes back from disk or from an
//   import: VerifyRecord must refuse it or return a record that
//   ToStoredEvent copies out without reading past the bytes;
// - as the fields of a record (FuzzedDataProvider): EncodeRecord, then
//   VerifyRecord must accept the bytes, ToStoredEvent must give back every
//   field, and encoding again must give the same bytes (imports reproduce
//   hashes only if encoding is deterministic).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "eventstore/merkle_tree.h"
#include "eventstore/record_codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using vigie::eventstore::Actor;
using vigie::eventstore::EncodeRecord;
using vigie::eventstore::NewEvent;
using vigie::eventstore::RecordFields;
using vigie::eventstore::StoredEvent;
using vigie::eventstore::ToStoredEvent;
using vigie::eventstore::VerifyRecord;

void DecodeStoredBytes(std::string_view bytes) {
  auto record = VerifyRecord(bytes);
  if (!record) {
    FUZZ_CHECK(record.error().code() == vigie::StatusCode::kDataLoss, record.error().ToString());
    return;
  }
  const StoredEvent event = ToStoredEvent(**record, bytes);
  FUZZ_CHECK(event.record == bytes, "StoredEvent::record must be the stored bytes");
  (void)vigie::merkle::HashLeaf(bytes);
}

void RoundTrip(FuzzedDataProvider& input) {
  Actor actor;
  actor.person = input.ConsumeRandomLengthString(80);
  actor.partner = input.ConsumeRandomLengthString(80);
  actor.role = input.ConsumeRandomLengthString(40);
  NewEvent event;
  event.stream = input.ConsumeRandomLengthString(vigie::eventstore::kMaxStreamNameBytes);
  event.type = input.ConsumeRandomLengthString(80);
  for (std::uint8_t& byte : event.event_id) byte = input.ConsumeIntegral<std::uint8_t>();
  event.occurred_at_ns = input.ConsumeIntegral<std::int64_t>();
  event.schema_version = input.ConsumeIntegral<std::uint16_t>();
  const std::string command_id = input.ConsumeRandomLengthString(40);
  RecordFields fields;
  fields.position = input.ConsumeIntegral<std::uint64_t>();
  fields.version = input.ConsumeIntegral<std::uint64_t>();
  fields.recorded_at_ns = input.ConsumeIntegral<std::int64_t>();
  fields.command_id = command_id;
  fields.actor = &actor;
  fields.event = &event;
  event.payload = input.ConsumeRemainingBytesAsString();

  const std::string bytes = EncodeRecord(fields);
  auto record = VerifyRecord(bytes);
  FUZZ_CHECK(record.has_value(), "an encoded record must verify");
  const StoredEvent stored = ToStoredEvent(**record, bytes);
  FUZZ_CHECK(stored.position == fields.position, "position");
  FUZZ_CHECK(stored.version == fields.version, "version");
  FUZZ_CHECK(stored.recorded_at_ns == fields.recorded_at_ns, "recorded_at");
  FUZZ_CHECK(stored.occurred_at_ns == event.occurred_at_ns, "occurred_at");
  FUZZ_CHECK(stored.schema_version == event.schema_version, "schema_version");
  FUZZ_CHECK(stored.stream == event.stream, "stream");
  FUZZ_CHECK(stored.type == event.type, "type");
  FUZZ_CHECK(stored.event_id == event.event_id, "event_id");
  FUZZ_CHECK(stored.command_id == command_id, "command_id");
  FUZZ_CHECK(stored.actor.person == actor.person, "actor.person");
  FUZZ_CHECK(stored.actor.partner == actor.partner, "actor.partner");
  FUZZ_CHECK(stored.actor.role == actor.role, "actor.role");
  FUZZ_CHECK(stored.payload == event.payload, "payload");
  FUZZ_CHECK(stored.record == bytes, "record");
  FUZZ_CHECK(EncodeRecord(fields) == bytes, "encoding must be deterministic");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  DecodeStoredBytes({reinterpret_cast<const char*>(data), size});
  FuzzedDataProvider input(data, size);
  RoundTrip(input);
  return 0;
}
