#pragma once
// PrefetchedScan: EventStore::Scan on a thread of its own, so that reading
// RocksDB (block reads, decompression, the record verifier) overlaps the
// fold that consumes the records.
//
// The reading thread copies each verified record into a batch, at an
// 8-byte aligned offset (FlatBuffers reads scalars in place), and hands
// full batches over through a queue of at most `kBatchesInFlight`; the
// consumer's callback sees every record in log order, on the calling
// thread. Memory: at most kBatchesInFlight + 1 batches of kBatchRecords
// records each, reused.
//
// Thread safety: Run is called by one thread; the store must allow a Scan
// from another thread (EventStore's reads are thread-safe).
#include <cstdint>
#include <functional>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace vigie::projections {

class PrefetchedScan {
 public:
  static constexpr std::size_t kBatchRecords = 1024;
  static constexpr std::size_t kBatchesInFlight = 4;

  // Calls `visit` for each record of [from, to), in order. Returns the
  // scan's status (the records before a failing one are visited first).
  static Status Run(const eventstore::EventStore& store, std::uint64_t from, std::uint64_t to,
                    const std::function<void(const eventstore::RecordView&)>& visit);
};

}  // namespace vigie::projections
