#pragma once
// The event every write of the bench stores, so that RocksDB, Vigie and
// PostgreSQL write the same thing: one command of one event whose stored
// record is about 300 bytes (a typical "InformationShared" with its actor,
// command id and a short payload).
#include <cstdint>
#include <string>

#include "eventstore/event_store.h"

namespace vigie::bench {

// Chosen so that the encoded record is close to 300 bytes.
inline constexpr std::size_t kBenchPayloadBytes = 34;

// Event `number` of `worker`, in `stream`; event ids never repeat.
eventstore::NewEvent BenchEvent(std::string stream, std::uint64_t worker, std::uint64_t number);
eventstore::Actor BenchActor();
// A UUID-shaped command id (36 characters), unique per (worker, number).
std::string BenchCommandId(std::uint64_t worker, std::uint64_t number);

// The stored record of one bench event: the raw RocksDB baseline writes
// exactly these bytes.
std::string BenchRecord();
// The same event as the JSON the PostgreSQL peer stores in its jsonb column.
std::string BenchEventJson();

}  // namespace vigie::bench
