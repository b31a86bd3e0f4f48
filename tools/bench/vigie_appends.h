#pragma once
// Vigie's durable appends, as the server makes them: EventStore::Append of
// one command of one ~300-byte event (bench_event.h) with a command id and
// an exact expected version, acknowledged once synced to disk.
#include <chrono>
#include <memory>
#include <string>

#include "eventstore/event_store.h"
#include "tools/bench/concurrent_load.h"

namespace vigie::bench {

struct AppendRun {
  Throughput events;
  std::uint64_t commands = 0;
  std::uint64_t syncs = 0;  // group-commit batches, one fsync each
};

// A fresh store, written by successive runs. Owns the store.
class VigieAppends {
 public:
  // `sync` false only for the diagnostic run that shows the writer
  // thread's CPU ceiling, without fsync.
  static Result<std::unique_ptr<VigieAppends>> Create(const std::string& dir, bool sync = true);

  // `appenders` threads, each appending to its own stream for `duration`.
  Result<AppendRun> Run(int appenders, std::chrono::duration<double> duration);

  // Size of the stored record of a bench event, as written.
  Result<std::size_t> RecordBytes() const;

 private:
  explicit VigieAppends(std::unique_ptr<eventstore::EventStore> store) : store_(std::move(store)) {}

  std::unique_ptr<eventstore::EventStore> store_;
  int runs_ = 0;  // names each run's streams apart
};

}  // namespace vigie::bench
