#pragma once
// The on-disk layout of an event store, written once, here.
//
// A data directory holds:
//   DIR/store/        RocksDB database (below)
//   DIR/signing.key   Ed25519 checkpoint key, mode 0600 (signed_note.h)
//   DIR/keys/         per-subject key store (projections/key_store.h)
//   DIR/latest-checkpoint  the latest stored checkpoint's signed note, kept
//                     outside RocksDB (event_store.h, "Lost tail")
//
// RocksDB column families and key grammar (integers big-endian so that
// RocksDB's bytewise order is numeric order; signed times are stored with
// the sign bit flipped for the same reason):
//
//   default     "format"  -> "vigie-store-2" (or "vigie-store-1", below)
//               "origin"  -> log origin (checkpoint first line)
//   log         u64 position                      -> record bytes (schemas/record.fbs)
//   tree        u8 level, u64 index               -> hash[32]   perfect node (merkle_tree.h),
//                                                    level >= kStoredTreeFloor only
//   streams     stream, 0x00, u64 version         -> u64 position
//   heads       stream                            -> u64 version, u64 position
//   event_ids   id[16]                            -> u64 position
//   commands    command_id                        -> u64 tree_size, u32 n, n x u64 position
//   recorded    i64 recorded_at, u64 position     -> ""   sparse, see below
//   occurred    i64 occurred_at, u64 position     -> ""
//   checkpoints u64 tree_size                     -> signed note text
//
// Invariants, all kept by writing one command batch in one WriteBatch:
// positions in `log` are dense from 0; for every record there is every
// perfect `tree` node at or above the floor it completes, one `streams`, one
// `event_ids` and one `occurred` entry; `heads` holds the last version of
// each stream. recorded_at never decreases along positions, so `recorded`
// holds one entry per run of equal recorded_at: an entry for position p iff
// p = 0 or recorded_at(p) > recorded_at(p - 1) (for appends: one per
// group-commit batch). The first entry with a time above t names the size
// current at t. (Stores written before this rule have an entry for every
// position, which answers the same; none were deployed.)
//
// Tree floor. A perfect node below level kStoredTreeFloor (4) covers at most
// 8 records: whoever needs one (a proof, a root at a size that is not a
// multiple of 16, the frontier at open) hashes those records again: one
// short sequential read, a few microseconds per proof. Storing only
// the levels from 4 up keeps 1/8 of a node per record instead of 2: the
// tree family is ~16 times smaller (it was ~30 % of a store), an append
// writes ~2 fewer entries per event, and `vigie verify` compares 16 times
// fewer stored nodes. The price: a record rewritten so that it still passes
// the FlatBuffers verifier shows as a mismatch of the level-4 node above it,
// so verify names its block of 16 positions, not the record itself.
// "vigie-store-1" stores (every level from 0) are read and appended to as
// they are: their floor is 0.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::eventstore::layout {

inline constexpr std::string_view kFormat = "vigie-store-2";  // what Init writes
inline constexpr std::string_view kFormatV1 = "vigie-store-1";
inline constexpr int kStoredTreeFloor = 4;
// The lowest stored tree level of a store of `format`; nullopt for a format
// this build does not know.
std::optional<int> StoredTreeFloor(std::string_view format);
inline constexpr std::string_view kFormatKey = "format";
inline constexpr std::string_view kOriginKey = "origin";
inline constexpr std::string_view kStoreSubdir = "store";
inline constexpr std::string_view kSigningKeyFile = "signing.key";
inline constexpr std::string_view kLatestCheckpointFile = "latest-checkpoint";

enum Family : int {
  kDefault = 0,
  kLog,
  kTree,
  kStreams,
  kHeads,
  kEventIds,
  kCommands,
  kRecorded,
  kOccurred,
  kCheckpoints,
  kFamilyCount,
};
const char* FamilyName(int family);

void PutBe64(std::string* out, std::uint64_t v);
std::uint64_t GetBe64(std::string_view bytes);  // first 8 bytes; caller checks size
std::uint64_t OrderedFromSigned(std::int64_t v);
std::int64_t SignedFromOrdered(std::uint64_t v);

std::string PositionKey(std::uint64_t position);
std::string TreeKey(int level, std::uint64_t index);
std::string StreamKey(std::string_view stream, std::uint64_t version);
std::string StreamPrefix(std::string_view stream);
std::string HeadValue(std::uint64_t version, std::uint64_t position);
std::string TimeKey(std::int64_t time_ns, std::uint64_t position);

struct TimeKeyParts {
  std::int64_t time_ns = 0;
  std::uint64_t position = 0;
};
std::optional<TimeKeyParts> ParseTimeKey(std::string_view key);

}  // namespace vigie::eventstore::layout
