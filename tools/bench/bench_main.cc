// vigie-bench: SPEC §8's performance claims, measured in one run on this
// machine as ratios against baselines taken in the same run, on the same
// disk:
//   (a) RocksDB synced writes of one ~300-byte record per batch, 1 to 64
//       writers (RocksDB merges concurrent writers into write groups), and
//       256 records per synced batch;
//   (b) Vigie durable appends of one such event per command, 1 to 64
//       appenders, against (a) at the same concurrency (target >= 0.8x);
//   (c) a plain RocksDB scan of N records against EventStore::Scan and
//       VerifyStore over the same records (verify target >= 0.7x), and the
//       SHA-256 rate of the leaf hashes;
//   (d) PostgreSQL with the same events, 1, 8 and 32 clients, one durable
//       INSERT per transaction (Vigie / PostgreSQL target >= 10x);
//   (e) vigie-bench-projections, run beside: full projection rebuild
//       against a raw scan (target >= 0.7x), the yearly evaluation as of
//       the end of 1 M events (10 M with --full), with and without
//       snapshots (target < 300 ms at 10 M);
//   (f) tools/bench/http_bench.sh (wrk, 64 connections): HTTP commands
//       (target >= 30k/s) and reads, p50/p99 (target p99 < 5 ms near 20k/s).
// (a), (b) and (d) run interleaved, in rounds (write_comparison.h).
//
//   vigie-bench [--smoke] [--full] [--json PATH] [--dir DIR] [--seconds S] [--records N]
//               [--no-projections] [--no-http]
//
// Everything runs in a fresh directory under DIR (default $TMPDIR or /tmp),
// removed at the end: put DIR on the disk to measure. Progress goes to
// stderr, the tables to stdout. --smoke runs every part at toy sizes; there,
// and only there, part (d) is skipped, with a line saying so, when
// PostgreSQL is not installed. Missing a target does not fail the run: the
// figures are the result.
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

// CLI11 2.1's string splitting trips GCC 12's flow-based null-dereference
// warning once inlined; the header is not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include "tools/bench/bench_plan.h"
#include "tools/bench/bench_report.h"
#include "tools/bench/read_comparison.h"
#include "tools/bench/subprocess_parts.h"
#include "tools/bench/write_comparison.h"

namespace vigie::bench {
namespace {

namespace fs = std::filesystem;

// A fresh working directory, removed with everything in it. Mode 0711 so
// that PostgreSQL's own user can reach its cluster inside when run as root.
class WorkDir {
 public:
  static Result<WorkDir> Create(const std::string& parent) {
    std::string templ = parent + "/vigie-bench-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) return Fail(Internal("cannot create a directory in " + parent));
    ::chmod(templ.c_str(), 0711);
    return WorkDir(templ);
  }
  WorkDir(WorkDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ~WorkDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void Keep() { path_.clear(); }

 private:
  explicit WorkDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

boost::json::object Context(const BenchPlan& plan, const std::string& work, const std::string& command) {
  utsname host{};
  ::uname(&host);
  const std::time_t now = std::time(nullptr);
  char started[32];
  std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return {{"tool", "vigie-bench"},
          {"command", command},
          {"mode", plan.smoke ? "smoke" : "full"},
          {"started_at", started},
          {"directory", work},
          {"kernel", std::string(host.sysname) + " " + host.release},
          {"hardware_threads", std::thread::hardware_concurrency()},
          {"slice_seconds", plan.slice_seconds},
          {"write_rounds", plan.write_rounds},
          {"read_records", plan.read_records}};
}

int Main(int argc, char** argv) {
  CLI::App app{"vigie-bench: SPEC §8's ratios (RocksDB, Vigie, PostgreSQL), measured in one run"};
  bool smoke = false;
  std::string json_path;
  const char* tmp = std::getenv("TMPDIR");
  std::string parent = tmp && *tmp ? tmp : "/tmp";
  std::optional<double> seconds;
  std::optional<std::uint64_t> records;
  app.add_flag("--smoke", smoke, "every part at toy sizes, in seconds (ctest's bench_smoke)");
  app.add_option("--json", json_path, "also write the results as JSON to this file");
  app.add_option("--dir", parent, "where to create the working directory: the disk measured")
      ->check(CLI::ExistingDirectory);
  app.add_option("--seconds", seconds, "length of one write slice (default 2; 5 rounds per writer count)")
      ->check(CLI::Range(0.05, 600.0));
  app.add_option("--records", records, "events in the store that is scanned and verified (default 1000000)")
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{100'000'000}));
  bool full = false, no_writes = false, no_projections = false, no_http = false, keep = false;
  app.add_flag("--full", full, "(e) also at 10 M events (skipped, saying so, without the memory)");
  app.add_flag("--no-writes", no_writes, "skip (a), (b) and (d), the durable writes");
  app.add_flag("--keep", keep, "keep the working directory (its stores can then be profiled)");
  app.add_flag("--no-projections", no_projections, "skip (e), vigie-bench-projections");
  app.add_flag("--no-http", no_http, "skip (f), http_bench.sh");
  CLI11_PARSE(app, argc, argv);

  BenchPlan plan = smoke ? SmokePlan() : FullPlan();
  if (seconds) plan.slice_seconds = *seconds;
  if (records) plan.read_records = *records;
  auto work = WorkDir::Create(parent);
  if (!work) {
    std::cerr << "vigie-bench: " << work.error().ToString() << "\n";
    return 1;
  }
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
  boost::json::object context = Context(plan, work->path(), command);
  BenchReport report;
  Status status = Status::Ok();
  if (no_writes) {
    report.Skip("a, b, d", "durable writes: --no-writes");
  } else {
    status = CompareWrites(plan, work->path(), &report, &context);
  }
  if (status.ok()) status = CompareReads(plan, work->path(), &report);
  SubprocessPlan sub;
  std::error_code ec;
  sub.bin_dir = fs::read_symlink("/proc/self/exe", ec).parent_path().string();
  sub.source_dir = VIGIE_SOURCE_DIR;
  sub.work_dir = work->path();
  sub.full = full;
  sub.projections = !no_projections;
  sub.http = !no_http;
  if (status.ok()) status = RunProjectionPart(plan, sub, &report);
  if (status.ok()) status = RunHttpPart(plan, sub, &report);

  std::cout << "vigie-bench (" << (plan.smoke ? "smoke" : "full") << ") in " << work->path() << ", "
            << std::thread::hardware_concurrency() << " hardware threads\n\n";
  report.Print(std::cout);
  if (keep) work->Keep();
  if (!json_path.empty()) {
    if (Status written = report.WriteJson(json_path, std::move(context)); !written.ok() && status.ok()) {
      status = written;
    }
  }
  if (!status.ok()) {
    std::cerr << "vigie-bench: " << status.ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace vigie::bench

int main(int argc, char** argv) { return vigie::bench::Main(argc, argv); }
