#include "eventstore/record_codec.h"

#include <cstring>

#include "schemas/record_generated.h"

namespace vigie::eventstore {

std::string EncodeRecord(const RecordFields& f) {
  flatbuffers::FlatBufferBuilder fbb(256 + f.event->payload.size());
  // Children before the table, in a fixed order, keeps the bytes stable.
  auto stream = fbb.CreateString(f.event->stream);
  auto type = fbb.CreateString(f.event->type);
  auto command_id = fbb.CreateString(f.command_id.data(), f.command_id.size());
  auto actor = schema::CreateActor(fbb, fbb.CreateString(f.actor->person),
                                   fbb.CreateString(f.actor->partner),
                                   fbb.CreateString(f.actor->role));
  // The payload is itself a FlatBuffer (DomainEvent) read in place: align
  // its bytes to 8 inside the record, so that an aligned record gives an
  // aligned payload.
  fbb.ForceVectorAlignment(f.event->payload.size(), 1, 8);
  auto payload = fbb.CreateVector(
      reinterpret_cast<const std::uint8_t*>(f.event->payload.data()), f.event->payload.size());
  schema::Uuid id(flatbuffers::span<const std::uint8_t, 16>(f.event->event_id));
  schema::RecordBuilder rb(fbb);
  rb.add_position(f.position);
  rb.add_version(f.version);
  rb.add_recorded_at(f.recorded_at_ns);
  rb.add_occurred_at(f.event->occurred_at_ns);
  rb.add_stream(stream);
  rb.add_type(type);
  rb.add_event_id(&id);
  rb.add_command_id(command_id);
  rb.add_actor(actor);
  // Force the default so every record states its schema version explicitly.
  fbb.ForceDefaults(true);
  rb.add_schema_version(f.event->schema_version);
  fbb.ForceDefaults(false);
  rb.add_payload(payload);
  schema::FinishRecordBuffer(fbb, rb.Finish());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

Result<const schema::Record*> VerifyRecord(std::string_view bytes) {
  flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                 bytes.size());
  // VerifyRecordBuffer checks the size before the file identifier; reading
  // the identifier first would read past a record shorter than 8 bytes.
  if (!schema::VerifyRecordBuffer(verifier)) {
    return Fail(DataLoss("record fails the FlatBuffers verifier"));
  }
  return schema::GetRecord(bytes.data());
}

std::string_view AlignedRecordBuffer::Hold(std::string_view bytes) {
  if (bytes.empty() ||
      reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(std::uint64_t) == 0) {
    return bytes;
  }
  if (bytes.size() > capacity_bytes_) {
    const std::size_t words = (bytes.size() + 7) / 8 * 2;  // room to grow
    words_ = std::make_unique_for_overwrite<std::uint64_t[]>(words);
    capacity_bytes_ = words * 8;
  }
  std::memcpy(words_.get(), bytes.data(), bytes.size());
  return {reinterpret_cast<const char*>(words_.get()), bytes.size()};
}

StoredEvent ToStoredEvent(const schema::Record& r, std::string_view bytes) {
  StoredEvent e;
  e.position = r.position();
  e.stream = r.stream()->str();
  e.version = r.version();
  e.type = r.type()->str();
  std::memcpy(e.event_id.data(), r.event_id()->bytes()->Data(), 16);
  if (r.command_id()) e.command_id = r.command_id()->str();
  e.recorded_at_ns = r.recorded_at();
  e.occurred_at_ns = r.occurred_at();
  if (const auto* a = r.actor()) {
    if (a->person()) e.actor.person = a->person()->str();
    if (a->partner()) e.actor.partner = a->partner()->str();
    if (a->role()) e.actor.role = a->role()->str();
  }
  e.schema_version = r.schema_version();
  if (r.payload()) {
    e.payload.assign(reinterpret_cast<const char*>(r.payload()->data()), r.payload()->size());
  }
  e.record.assign(bytes);
  return e;
}

}  // namespace vigie::eventstore
