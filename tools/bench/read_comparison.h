#pragma once
// Part (c) of the bench: one store of plan.read_records events read three
// ways, a plain RocksDB iterator over its log family, EventStore::Scan (what
// a full rebuild runs) and VerifyStore (what `vigie verify` runs), plus the
// SHA-256 rate of its leaf hashes. Ratios: Scan and VerifyStore against the
// RocksDB scan (verify target 0.7x), VerifyStore against SHA-256.
#include <string>

#include "eventstore/status.h"
#include "tools/bench/bench_plan.h"
#include "tools/bench/bench_report.h"

namespace vigie::bench {

Status CompareReads(const BenchPlan& plan, const std::string& work, BenchReport* report);

}  // namespace vigie::bench
