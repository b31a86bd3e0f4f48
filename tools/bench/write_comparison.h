#pragma once
// Parts (a), (b) and (d) of the bench: durable writes of the same ~300-byte
// event by RocksDB alone (one record per synced batch, and 256 per batch),
// by Vigie (one command per append) and by PostgreSQL (one INSERT per
// transaction), at each writer count of the plan, interleaved in rounds.
// Ratios: Vigie / RocksDB at the same concurrency (target 0.8x) and
// Vigie / PostgreSQL at the same concurrency (target 10x). A last pair of
// runs without fsync, at the highest writer count, shows how much of each
// figure is the disk and how much the CPU (Vigie stages every batch on one
// writer thread; RocksDB's writers insert into the memtable in parallel).
#include <string>

#include <boost/json.hpp>

#include "eventstore/status.h"
#include "tools/bench/bench_plan.h"
#include "tools/bench/bench_report.h"

namespace vigie::bench {

// Works in `work`. Without PostgreSQL installed, a smoke plan skips (d)
// with a line in the report; a full plan fails. `context` receives the
// PostgreSQL version and the user it ran as.
Status CompareWrites(const BenchPlan& plan, const std::string& work, BenchReport* report,
                     boost::json::object* context);

}  // namespace vigie::bench
