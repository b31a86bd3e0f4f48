#pragma once
// The log as CloudEvents 1.0 JSON lines (structured content mode), for
// `vigie export` and `vigie import`.
//
// One event per line, a JSON object with exactly these attributes:
//   specversion      "1.0"
//   id               the event id, UUID text (lower case)
//   source           <origin> "/" <stream>   (origin: the log's, first line of its checkpoints)
//   type             the event type, e.g. "InformationShared"
//   time             occurred_at, RFC 3339 UTC
//   datacontenttype  "application/json"
//   data             the payload as JSON, as GET /v1/events shows it
//                    (projections/event_json.h)
//   vigieposition    the global position (integer)
//   vigierecordedat  recorded_at, RFC 3339 UTC
//   vigieleafhash    RFC 9162 leaf hash of the stored record, hex
//   vigierecord      the stored record bytes, base64 (RFC 4648, padded)
// Extension names are lower-case alphanumeric, as CloudEvents 1.0 §3.1.1
// requires. `vigierecord` is the source of truth: an import appends exactly
// those bytes, so positions, leaf hashes and every tree root are the
// exporter's. Every other attribute is derived from the record and checked
// against it on import, so that a line edited anywhere is refused.
//
// Pure and thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace vigie::tools {

// A line longer than this is refused before parsing: a record is at most
// 256 KiB of payload (eventstore::kMaxPayloadBytes), its base64 and JSON
// renderings stay well below it.
inline constexpr std::size_t kMaxCloudEventLineBytes = 4 * 1024 * 1024;

// The CloudEvent of `event` (with its stored `record` bytes) of the log
// named `origin`. kDataLoss when the payload does not verify.
Result<boost::json::object> ToCloudEvent(const eventstore::StoredEvent& event, std::string_view origin);

struct ImportedRecord {
  std::uint64_t position = 0;
  std::string origin;
  std::string record;  // the stored bytes
};

// Parses one line and checks it against itself: the record verifies, its
// leaf hash is `vigieleafhash`, and every other attribute, `data`
// included, says what the record says. kInvalidArgument with the reason otherwise (the caller adds
// the line number). Whether the position and origin fit the log being
// imported is the caller's check.
Result<ImportedRecord> ParseCloudEvent(std::string_view line);

}  // namespace vigie::tools
