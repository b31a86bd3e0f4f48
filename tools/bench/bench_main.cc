// vigie-bench: SPEC §8's performance claims, measured in one run on this
// machine, as ratios against baselines taken in the same run and on the
// same disk:
//   (a) RocksDB synced writes of one ~300-byte record per batch, 1 to 64
//       writers (RocksDB merges concurrent writers into write groups), and
//       256 records per synced batch;
//   (b) Vigie durable appends of one such event per command, 1 to 64
//       appenders, against (a) at the same concurrency (target >= 0.8x);
//   (c) a plain RocksDB scan of N records against EventStore::Scan and
//       VerifyStore over the same records (verify target >= 0.7x), and the
//       SHA-256 rate of the leaf hashes;
//   (d) PostgreSQL with the same events, 1, 8 and 32 clients, one durable
//       INSERT per transaction (Vigie / PostgreSQL target >= 10x).
//
//   vigie-bench [--smoke] [--json PATH] [--dir DIR] [--seconds S] [--records N]
//
// Everything runs in a fresh directory under DIR (default $TMPDIR or /tmp),
// removed at the end: put DIR on the disk to measure. Progress goes to
// stderr, the tables to stdout. --smoke runs every part at toy sizes; there,
// and only there, the PostgreSQL part is skipped (with a line saying so) when
// PostgreSQL is not installed. Missing a target does not fail the run: the
// figures are the result.
#include <sys/stat.h>
#include <sys/utsname.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "tools/bench/bench_event.h"
#include "tools/bench/bench_plan.h"
#include "tools/bench/bench_report.h"
#include "tools/bench/postgres_peer.h"
#include "tools/bench/read_measures.h"
#include "tools/bench/rocksdb_baseline.h"
#include "tools/bench/vigie_appends.h"

namespace vigie::bench {
namespace {

namespace fs = std::filesystem;

constexpr double kAppendTarget = 0.8;
constexpr double kVerifyTarget = 0.7;
constexpr double kPostgresTarget = 10;

std::string Plural(int n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string Fixed(double v, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

void Progress(const std::string& what) { std::cerr << "vigie-bench: " << what << std::endl; }

// (a) and (b), interleaved per concurrency so that both see the disk alike.
Status MeasureWrites(const BenchPlan& plan, const std::string& work, BenchReport* report) {
  auto rocks = RocksBaseline::Open(work + "/rocksdb-writes");
  if (!rocks) return rocks.error();
  auto vigie = VigieAppends::Create(work + "/vigie-appends");
  if (!vigie) return vigie.error();
  const std::string record = BenchRecord();
  const std::chrono::duration<double> duration(plan.write_seconds);
  for (int n : plan.writers) {
    Progress("(a) RocksDB synced writes, " + Plural(n, "writer"));
    auto raw = (*rocks)->SyncedWrites(n, duration, record);
    if (!raw) return raw.error();
    report->Add({"rocksdb.sync." + std::to_string(n), "a", "RocksDB synced writes, " + Plural(n, "writer"),
                 raw->records.PerSecond(), "records/s", Fixed(raw->records_per_sync, 1) + " records per fsync"});
    Progress("(b) Vigie durable appends, " + Plural(n, "appender"));
    auto appended = (*vigie)->Run(n, duration);
    if (!appended) return appended.error();
    report->Add({"vigie.append." + std::to_string(n), "b", "Vigie durable appends, " + Plural(n, "appender"),
                 appended->events.PerSecond(), "events/s",
                 Fixed(appended->commands_per_sync, 1) + " commands per fsync"});
  }
  Progress("(a) RocksDB, " + std::to_string(plan.records_per_batch) + " records per synced batch");
  auto batched = (*rocks)->BatchedWrites(plan.records_per_batch, duration, record);
  if (!batched) return batched.error();
  report->Add({"rocksdb.batch", "a",
               "RocksDB " + std::to_string(plan.records_per_batch) + " records per synced batch, 1 writer",
               batched->records.PerSecond(), "records/s", ""});
  auto bytes = (*vigie)->RecordBytes();
  if (!bytes) return bytes.error();
  report->Add({"record.bytes", "b", "stored record of one bench event", static_cast<double>(*bytes), "bytes",
               "RocksDB baseline values: " + std::to_string(record.size()) + " bytes"});
  for (int n : plan.writers) {
    report->AddRatio("Vigie appends / RocksDB writes, " + std::to_string(n), "vigie.append." + std::to_string(n),
                     "rocksdb.sync." + std::to_string(n), kAppendTarget);
  }
  return Status::Ok();
}

// (c): one store of plan.read_records events, read three ways.
Status MeasureReads(const BenchPlan& plan, const std::string& work, BenchReport* report) {
  const std::string dir = work + "/vigie-read";
  Progress("(c) building a store of " + std::to_string(plan.read_records) + " events");
  VIGIE_RETURN_IF_ERROR(BuildReadStore(dir, plan.read_records));
  std::uint64_t bytes = 0;
  if (auto warm = ScanLogFamily(dir, &bytes); !warm) return warm.error();  // same page cache for all three
  Throughput raw, scan, verify;
  for (int i = 0; i < plan.read_repeats; ++i) {
    Progress("(c) scans and verify, round " + std::to_string(i + 1) + " of " + std::to_string(plan.read_repeats));
    auto r = ScanLogFamily(dir, &bytes);
    if (!r) return r.error();
    auto s = MeasureStoreScan(dir);
    if (!s) return s.error();
    auto v = MeasureVerify(dir);
    if (!v) return v.error();
    // The best round: the least disturbed by the rest of the machine.
    if (r->PerSecond() > raw.PerSecond()) raw = *r;
    if (s->PerSecond() > scan.PerSecond()) scan = *s;
    if (v->PerSecond() > verify.PerSecond()) verify = *v;
  }
  const double mb_per_record = static_cast<double>(bytes) / static_cast<double>(raw.operations) / 1e6;
  auto mb_note = [&](const Throughput& t) { return Fixed(t.PerSecond() * mb_per_record, 0) + " MB/s of records"; };
  report->Add({"rocksdb.scan", "c", "RocksDB iterator over the log family", raw.PerSecond(), "records/s",
               mb_note(raw)});
  report->Add({"vigie.scan", "c", "EventStore::Scan (FlatBuffers-verified)", scan.PerSecond(), "records/s",
               mb_note(scan)});
  report->Add({"vigie.verify", "c", "VerifyStore, whole store, end to end", verify.PerSecond(), "records/s",
               mb_note(verify)});
  const std::string record = BenchRecord();
  Throughput hashing;
  for (int i = 0; i < plan.read_repeats; ++i) {
    Throughput h = MeasureLeafHashing(record, plan.read_records);
    if (h.PerSecond() > hashing.PerSecond()) hashing = h;
  }
  report->Add({"sha256.leaf", "c", "SHA-256 leaf hashes of " + std::to_string(record.size()) + "-byte records",
               hashing.PerSecond(), "hashes/s",
               Fixed(hashing.PerSecond() * static_cast<double>(record.size() + 1) / 1e6, 0) + " MB/s, one core"});
  report->AddRatio("EventStore::Scan / RocksDB scan", "vigie.scan", "rocksdb.scan");
  report->AddRatio("VerifyStore / RocksDB scan", "vigie.verify", "rocksdb.scan", kVerifyTarget);
  report->AddRatio("VerifyStore / SHA-256 leaf hashing", "vigie.verify", "sha256.leaf");
  return Status::Ok();
}

// (d). Returns the PostgreSQL version and user for the JSON context.
Status MeasurePostgres(const BenchPlan& plan, const std::string& work, BenchReport* report,
                       boost::json::object* context) {
  auto bindir = FindPostgresBindir();
  if (!bindir) {
    if (plan.smoke && bindir.error().code() == StatusCode::kNotFound) {
      report->Skip("d", bindir.error().message());
      return Status::Ok();
    }
    return bindir.error();
  }
  Progress("(d) starting a PostgreSQL cluster from " + *bindir);
  auto peer = PostgresPeer::Start(*bindir, work + "/postgres");
  if (!peer) return peer.error();
  (*context)["postgres"] = (*peer)->version();
  (*context)["postgres_runs_as"] = (*peer)->run_as().empty() ? "the bench's user" : (*peer)->run_as();
  const std::string json = BenchEventJson();
  for (int n : plan.postgres_clients) {
    Progress("(d) PostgreSQL INSERTs, " + Plural(n, "client"));
    auto rows = (*peer)->Inserts(n, plan.postgres_seconds, json);
    if (!rows) return rows.error();
    report->Add({"postgres.insert." + std::to_string(n), "d", "PostgreSQL durable INSERTs, " + Plural(n, "client"),
                 rows->PerSecond(), "rows/s", "jsonb of " + std::to_string(json.size()) + " bytes"});
    report->AddRatio("Vigie appends / PostgreSQL INSERTs, " + std::to_string(n), "vigie.append." + std::to_string(n),
                     "postgres.insert." + std::to_string(n), kPostgresTarget);
  }
  return Status::Ok();
}

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

 private:
  explicit WorkDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

boost::json::object Context(const BenchPlan& plan, const std::string& work) {
  utsname host{};
  ::uname(&host);
  const std::time_t now = std::time(nullptr);
  char started[32];
  std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return {{"tool", "vigie-bench"},
          {"mode", plan.smoke ? "smoke" : "full"},
          {"started_at", started},
          {"directory", work},
          {"kernel", std::string(host.sysname) + " " + host.release},
          {"hardware_threads", std::thread::hardware_concurrency()},
          {"write_seconds", plan.write_seconds},
          {"read_records", plan.read_records},
          {"postgres_seconds", plan.postgres_seconds}};
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
  app.add_option("--dir", parent, "where to create the working directory (the disk measured)")->check(CLI::ExistingDirectory);
  app.add_option("--seconds", seconds, "duration of each write measurement")->check(CLI::Range(0.05, 600.0));
  app.add_option("--records", records, "events in the store that is scanned and verified")
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{100'000'000}));
  CLI11_PARSE(app, argc, argv);

  BenchPlan plan = smoke ? SmokePlan() : FullPlan();
  if (seconds) plan.write_seconds = *seconds;
  if (records) plan.read_records = *records;
  auto work = WorkDir::Create(parent);
  if (!work) {
    std::cerr << "vigie-bench: " << work.error().ToString() << "\n";
    return 1;
  }
  boost::json::object context = Context(plan, work->path());
  BenchReport report;
  Status status = MeasureWrites(plan, work->path(), &report);
  if (status.ok()) status = MeasurePostgres(plan, work->path(), &report, &context);
  if (status.ok()) status = MeasureReads(plan, work->path(), &report);

  std::cout << "vigie-bench (" << (plan.smoke ? "smoke" : "full") << ") in " << work->path() << ", "
            << std::thread::hardware_concurrency() << " hardware threads\n\n";
  report.Print(std::cout);
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
