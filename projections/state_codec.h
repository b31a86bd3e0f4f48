#pragma once
// StateCodec: a State as bytes, so that a snapshot (state_at.h) costs a
// compact buffer instead of a second copy of every map node and string.
//
// Grammar (every State type is a plain aggregate, walked field by field in
// declaration order with Boost.PFR, so a field added to state.h is encoded
// without touching this file):
//   snapshot  := magic:"VSS3" last_recorded_at:varint count:varint
//                section-size:varint{count} section{count}
//   section   := chunk*   (one per field of State, in declaration order)
//   chunk     := raw-size:varint compressed-size:varint lz4-block
//   a section's chunks' raw bytes, end to end, are the value of its field
//   (a chunk ends after about 256 KiB of raw bytes, between two items of a
//   collection, so neither an encode nor a decode ever holds the whole raw
//   encoding: no integer or string spans two chunks)
// The sections are independent: a large state is encoded and decoded by
// two threads, each taking the next section, the largest first.
//   value     := integer   -> varint (LEB128; signed ones zig-zag encoded)
//              | bool      -> one byte, 0 or 1
//              | double    -> 8 bytes, little-endian IEEE 754
//              | string    -> length:varint bytes
//              | optional  -> 0 | 1 value
//              | vector, set, map -> count:varint value* (map: key value)
//              | aggregate -> value of each field in order
// Maps and sets are written in their order, so a decode inserts each node
// at the end (no search). The encoding is deterministic: equal states give
// equal bytes, which the tests use to compare states.
//
// Not a storage format: a snapshot lives in memory in one process, so no
// version beyond the magic and no compatibility across builds.
#include <cstddef>
#include <string>
#include <string_view>

#include "eventstore/status.h"
#include "projections/state_at.h"

namespace vigie::projections {

// How many threads share an encode or a decode: kAuto takes two for a
// large state (a few MiB), one otherwise. The bytes never depend on it.
enum class CodecThreads { kAuto, kOne, kTwo };

// The encoded, compressed bytes of `folded`.
std::string EncodeState(const FoldedState& folded, CodecThreads threads = CodecThreads::kAuto);
// Decodes what EncodeState wrote; kDataLoss for anything else.
Result<FoldedState> DecodeState(std::string_view bytes, CodecThreads threads = CodecThreads::kAuto);

// About how many bytes `folded` takes in memory (its own size, the strings'
// and vectors' buffers, the tree nodes, with allocator overhead), for the
// as-of cache's byte bound. Walks the same fields as the codec, but only the
// first items of a large collection, scaled to its size: cost in the number
// of collections, not of items; error in how far the first items' nested
// sizes are from the rest's.
std::size_t ApproximateBytes(const FoldedState& folded);

}  // namespace vigie::projections
