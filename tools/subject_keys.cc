#include "tools/subject_keys.h"

#include <flatbuffers/flatbuffers.h>

#include "schemas/events_generated.h"
#include "schemas/record_generated.h"

namespace vigie::tools {
namespace {

void Collect(const schema::Record& record, SubjectKeys& keys) {
  const auto* payload = record.payload();
  if (!payload) return;
  flatbuffers::Verifier verifier(payload->data(), payload->size());
  if (!schema::VerifyDomainEventBuffer(verifier)) return;
  const schema::DomainEvent* event = schema::GetDomainEvent(payload->data());
  if (const auto* opened = event->body_as_SituationOpened(); opened && opened->key_id()) {
    keys.named.insert(opened->key_id()->str());
  } else if (const auto* erased = event->body_as_SubjectErased(); erased && erased->key_id()) {
    keys.erased.emplace(erased->key_id()->str(), erased->reason() ? erased->reason()->str() : std::string());
  }
}

}  // namespace

std::set<std::string> SubjectKeys::Live() const {
  std::set<std::string> live;
  for (const std::string& key : named) {
    if (!erased.contains(key)) live.insert(key);
  }
  return live;
}

Result<SubjectKeys> CollectSubjectKeys(const eventstore::EventStore& store, bool tolerate_damage,
                                       const eventstore::ProgressFn& progress) {
  SubjectKeys keys;
  const std::uint64_t size = store.Size();
  std::uint64_t next = 0;
  while (next < size) {
    Status status = store.Scan(next, size, [&](const eventstore::RecordView& view) {
      Collect(*view.record, keys);
      next = view.position + 1;
      if (progress && next % 4096 == 0) progress(next, size);
      return true;
    });
    if (status.ok()) break;
    if (!tolerate_damage) return Fail(std::move(status));
    ++keys.unreadable;  // the record at `next` failed: skip it
    ++next;
  }
  if (progress) progress(size, size);
  return keys;
}

}  // namespace vigie::tools
