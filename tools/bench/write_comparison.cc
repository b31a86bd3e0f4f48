#include "tools/bench/write_comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tools/bench/bench_event.h"
#include "tools/bench/postgres_peer.h"
#include "tools/bench/rocksdb_baseline.h"
#include "tools/bench/vigie_appends.h"

namespace vigie::bench {
namespace {

constexpr double kAppendTarget = 0.8;
constexpr double kPostgresTarget = 10;

std::string Plural(int n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string PerSync(std::uint64_t items, std::uint64_t syncs, const std::string& what) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f %s per fsync", syncs ? double(items) / double(syncs) : 0.0, what.c_str());
  return text;
}

void Progress(const std::string& what) { std::fprintf(stderr, "vigie-bench: %s\n", what.c_str()); }

// What one writer count adds up to over the rounds.
struct LevelTotals {
  Throughput rocks, vigie, postgres;
  std::uint64_t rocks_syncs = 0, vigie_commands = 0, vigie_syncs = 0;
};

// The PostgreSQL peer, or the reason there is none. A missing PostgreSQL
// only excuses a smoke run.
Result<std::unique_ptr<PostgresPeer>> StartPostgres(const BenchPlan& plan, const std::string& work,
                                                    BenchReport* report, boost::json::object* context) {
  auto bindir = FindPostgresBindir();
  if (!bindir) {
    if (plan.smoke && bindir.error().code() == StatusCode::kNotFound) {
      report->Skip("d", bindir.error().message());
      return std::unique_ptr<PostgresPeer>();
    }
    return Fail(bindir.error());
  }
  Progress("(d) starting a PostgreSQL cluster from " + *bindir);
  auto peer = PostgresPeer::Start(*bindir, work + "/postgres");
  if (!peer) return Fail(peer.error());
  (*context)["postgres"] = (*peer)->version();
  (*context)["postgres_runs_as"] = (*peer)->run_as().empty() ? "the bench's user" : (*peer)->run_as();
  return peer;
}

// The diagnostic pair: both stores written without fsync by the most
// writers of the plan, interleaved in rounds like the durable runs.
Status CompareWithoutSync(const BenchPlan& plan, const std::string& work, BenchReport* report) {
  const int n = *std::max_element(plan.writers.begin(), plan.writers.end());
  auto rocks = RocksBaseline::Open(work + "/rocksdb-nosync");
  if (!rocks) return rocks.error();
  auto vigie = VigieAppends::Create(work + "/vigie-nosync", /*sync=*/false);
  if (!vigie) return vigie.error();
  const std::string record = BenchRecord();
  const std::chrono::duration<double> slice(plan.slice_seconds);
  Throughput raw_total, vigie_total;
  for (int round = 1; round <= plan.write_rounds; ++round) {
    Progress("without fsync, " + Plural(n, "writer") + ", round " + std::to_string(round) + " of " +
             std::to_string(plan.write_rounds));
    auto raw = (*rocks)->Writes(n, /*sync=*/false, slice, record);
    if (!raw) return raw.error();
    raw_total += raw->records;
    auto appended = (*vigie)->Run(n, slice);
    if (!appended) return appended.error();
    vigie_total += appended->events;
  }
  report->Add({"rocksdb.nosync", "a", "RocksDB writes without fsync, " + Plural(n, "writer"),
               raw_total.PerSecond(), "records/s", "diagnostic: CPU ceiling"});
  report->Add({"vigie.nosync", "b", "Vigie appends without fsync, " + Plural(n, "appender"),
               vigie_total.PerSecond(), "events/s", "diagnostic: the writer thread's ceiling"});
  report->AddRatio("Vigie / RocksDB without fsync, " + std::to_string(n), "vigie.nosync", "rocksdb.nosync");
  return Status::Ok();
}

}  // namespace

Status CompareWrites(const BenchPlan& plan, const std::string& work, BenchReport* report,
                     boost::json::object* context) {
  auto rocks = RocksBaseline::Open(work + "/rocksdb-writes");
  if (!rocks) return rocks.error();
  auto vigie = VigieAppends::Create(work + "/vigie-appends");
  if (!vigie) return vigie.error();
  auto postgres = StartPostgres(plan, work, report, context);
  if (!postgres) return postgres.error();
  const std::string record = BenchRecord(), json = BenchEventJson();
  const std::chrono::duration<double> slice(plan.slice_seconds);
  // pgbench counts whole seconds.
  const int postgres_seconds = std::max(1, static_cast<int>(std::lround(plan.slice_seconds)));

  for (int n : plan.writers) {
    const bool with_postgres = *postgres && std::count(plan.postgres_clients.begin(), plan.postgres_clients.end(), n);
    LevelTotals t;
    for (int round = 1; round <= plan.write_rounds; ++round) {
      Progress(Plural(n, "writer") + ", round " + std::to_string(round) + " of " + std::to_string(plan.write_rounds));
      auto raw = (*rocks)->Writes(n, /*sync=*/true, slice, record);
      if (!raw) return raw.error();
      t.rocks += raw->records;
      t.rocks_syncs += raw->syncs;
      auto appended = (*vigie)->Run(n, slice);
      if (!appended) return appended.error();
      t.vigie += appended->events;
      t.vigie_commands += appended->commands;
      t.vigie_syncs += appended->syncs;
      if (with_postgres) {
        auto rows = (*postgres)->Inserts(n, postgres_seconds, json);
        if (!rows) return rows.error();
        t.postgres += *rows;
      }
    }
    const std::string id = std::to_string(n);
    report->Add({"rocksdb.sync." + id, "a", "RocksDB synced writes, " + Plural(n, "writer"), t.rocks.PerSecond(),
                 "records/s", PerSync(t.rocks.operations, t.rocks_syncs, "records")});
    report->Add({"vigie.append." + id, "b", "Vigie durable appends, " + Plural(n, "appender"), t.vigie.PerSecond(),
                 "events/s", PerSync(t.vigie_commands, t.vigie_syncs, "commands")});
    if (with_postgres) {
      report->Add({"postgres.insert." + id, "d", "PostgreSQL durable INSERTs, " + Plural(n, "client"),
                   t.postgres.PerSecond(), "rows/s", "jsonb of " + std::to_string(json.size()) + " bytes"});
    }
  }

  Progress("RocksDB, " + std::to_string(plan.records_per_batch) + " records per synced batch");
  WriteRun batched;
  for (int round = 0; round < plan.write_rounds; ++round) {
    auto run = (*rocks)->BatchedWrites(plan.records_per_batch, slice, record);
    if (!run) return run.error();
    batched.records += run->records;
    batched.syncs += run->syncs;
  }
  report->Add({"rocksdb.batch", "a",
               "RocksDB " + std::to_string(plan.records_per_batch) + " records per synced batch, 1 writer",
               batched.records.PerSecond(), "records/s", PerSync(batched.records.operations, batched.syncs, "records")});
  auto bytes = (*vigie)->RecordBytes();
  if (!bytes) return bytes.error();
  report->Add({"record.bytes", "b", "stored record of one bench event", static_cast<double>(*bytes), "bytes",
               "RocksDB's values: " + std::to_string(record.size()) + " bytes"});

  for (int n : plan.writers) {
    const std::string id = std::to_string(n);
    report->AddRatio("Vigie appends / RocksDB writes, " + id, "vigie.append." + id, "rocksdb.sync." + id,
                     kAppendTarget);
  }
  for (int n : plan.postgres_clients) {
    const std::string id = std::to_string(n);
    report->AddRatio("Vigie appends / PostgreSQL INSERTs, " + id, "vigie.append." + id, "postgres.insert." + id,
                     kPostgresTarget);
  }
  return CompareWithoutSync(plan, work, report);
}

}  // namespace vigie::bench
