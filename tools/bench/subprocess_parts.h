#pragma once
// The parts of the bench measured by other programs, run as subprocesses
// and parsed, so that `vigie bench` is one command for all of issue 6:
//   (e) vigie-bench-projections (beside vigie-bench): full projection
//       rebuild against a raw RocksDB scan of the same store, and the
//       yearly evaluation as of the end of 1 M events (10 M with --full),
//       with and without snapshots;
//   (f) tools/bench/http_bench.sh with wrk: HTTP commands and reads over
//       64 connections, p50/p99, against GET /healthz on the same server.
// A part that cannot run (program or wrk missing, not enough memory) is
// recorded as skipped with the reason, never silently left out.
#include <optional>
#include <string>

#include "eventstore/status.h"
#include "tools/bench/bench_plan.h"
#include "tools/bench/bench_report.h"

namespace vigie::bench {

struct SubprocessPlan {
  std::string bin_dir;      // where vigie-bench lives: vigie-bench-projections beside it, vigie in ..
  std::string source_dir;   // the repository, for tools/bench/http_bench.sh
  std::string work_dir;     // scratch space on the disk measured
  bool full = false;        // also 10 M events
  bool projections = true;
  bool http = true;
};

// Each returns an error only when a program ran and its output could not be
// understood; a failing or missing program is a skip with its reason.
Status RunProjectionPart(const BenchPlan& plan, const SubprocessPlan& sub, BenchReport* report);
Status RunHttpPart(const BenchPlan& plan, const SubprocessPlan& sub, BenchReport* report);

// Exposed for the unit test of the parsers: "1.23ms", "850.00us", "2.01s"
// -> milliseconds; nullopt on anything else.
std::optional<double> WrkLatencyMs(const std::string& text);

}  // namespace vigie::bench
