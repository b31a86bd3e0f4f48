#pragma once
// The JSON of one stored event, as SPEC §6 serves it to auditors
// (/v1/events, /v1/streams/{stream}):
//   {position, stream, version, type, event_id, command_id, recorded_at,
//    occurred_at, actor: {person, partner, role}, payload, record, leaf_hash}
// `record` is the base64 of the stored bytes and `leaf_hash` the hex of
// SHA-256(0x00 || record) (RFC 9162), so an auditor can recompute the tree.
//
// `payload` is the DomainEvent's body rendered through flatbuffers' own
// text generator from the schema text embedded at build time
// (schemas/events.fbs), so every field of every event appears without a
// hand-written converter. Byte vectors are rendered readably: `nonce` and
// `ciphertext` of sealed fields as base64 (the log holds only ciphertext;
// nothing here opens it), `token_sha256` as hex.
//
// Thread-safe.
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace vigie::projections {

// The body of a DomainEvent payload as JSON; kDataLoss if it does not verify.
Result<boost::json::value> PayloadJson(std::string_view payload);

boost::json::object StoredEventJson(const eventstore::StoredEvent& event);

}  // namespace vigie::projections
