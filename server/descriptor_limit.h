#pragma once
// The process's descriptor limit (RLIMIT_NOFILE) against the connections
// the server is asked to hold (internal).
//
// Each open connection is a socket, and so is each of the up to
// Listener::kRejectingMax connections being answered 503. Everything else
// shares the same limit: RocksDB's table and log files, the key store, the
// listening socket, the I/O threads' epoll and timers. Past the limit,
// accept() fails with EMFILE, and so would the store's next file, so the
// server holds no more connections than fit beside kDescriptorReserve.
//
// Pure functions but RaiseDescriptorLimit, which changes the process's
// soft limit; call it from one thread, at start-up.
#include <cstddef>
#include <cstdint>

#include "eventstore/event_store.h"

namespace vigie::server {

// Descriptors kept for all but connections: the store's table files (at
// most eventstore::kMaxOpenTableFiles), and 128 for the rest: RocksDB's
// write-ahead log, MANIFEST, LOCK and info log, the key store's files
// (opened one at a time), the listening socket, epoll, timers, the log
// file.
inline constexpr std::uint64_t kDescriptorReserve = eventstore::kMaxOpenTableFiles + 128;

// The descriptor limit `max_connections` connections need: those, the
// rejections in flight and the reserve.
std::uint64_t DescriptorsNeeded(std::size_t max_connections);

// The connections that fit under `descriptor_limit`: max_connections when
// DescriptorsNeeded does, else what is left beside the rejections and the
// reserve (0 when nothing is).
std::size_t ConnectionsWithin(std::uint64_t descriptor_limit, std::size_t max_connections);

struct DescriptorLimit {
  std::uint64_t before = 0;  // the soft limit found
  std::uint64_t now = 0;     // the soft limit in force afterwards
};

// Raises the soft RLIMIT_NOFILE to DescriptorsNeeded(max_connections) when
// it is below, or as far toward it as the hard limit allows. "Unlimited"
// reads as UINT64_MAX.
DescriptorLimit RaiseDescriptorLimit(std::size_t max_connections);

}  // namespace vigie::server
