#pragma once
// PostgreSQL as SPEC §8's peer: the same log kept in a table, written by
// pgbench (which ships with PostgreSQL, so no client library is needed).
//
// A throwaway cluster: initdb and pg_ctl in a directory of the bench, on
// 127.0.0.1 at a free port, with PostgreSQL's defaults, which make every
// commit durable (fsync = on, synchronous_commit = on). The table is what
// a PostgreSQL event store keeps:
//   events(global_position bigserial primary key, stream text,
//          version bigint, type text, data jsonb, recorded_at timestamptz,
//          unique (stream, version))
// and each pgbench client appends to its own stream with the next version,
// one INSERT per transaction, as Vigie's appenders make one command per
// append.
//
// PostgreSQL refuses to run as root. When the bench runs as root, every
// PostgreSQL program runs as the `postgres` user that Debian's packages
// create (runuser -u postgres --), or as $VIGIE_PG_USER; the cluster's
// directory is given to that user, and the bench's directory must let it
// through (the bench makes its own working directory mode 0711).
//
// Ownership: the peer owns the running cluster and stops it when destroyed.
// Not thread-safe.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/status.h"
#include "tools/bench/concurrent_load.h"
#include "tools/bench/subprocess.h"

namespace vigie::bench {

// The directory holding initdb, pg_ctl, psql and pgbench: $VIGIE_PG_BINDIR,
// else the newest /usr/lib/postgresql/<version>/bin (Debian), else the
// first PATH entry that has all four. kNotFound when there is none.
Result<std::string> FindPostgresBindir();

class PostgresPeer {
 public:
  // Creates and starts a cluster in `dir` (which must not exist).
  static Result<std::unique_ptr<PostgresPeer>> Start(const std::string& bindir, const std::string& dir);
  ~PostgresPeer();

  // `clients` pgbench clients insert `event_json` rows for `seconds` (whole
  // seconds: pgbench's unit). Rows per second, as pgbench counts them
  // without connection time. A run that connected too slowly to insert
  // anything is retried with twice the time, twice at most.
  Result<Throughput> Inserts(int clients, int seconds, const std::string& event_json);

  const std::string& version() const { return version_; }
  const std::string& run_as() const { return user_; }  // empty: the bench's own user

 private:
  PostgresPeer(std::string bindir, std::string dir, std::string user)
      : bindir_(std::move(bindir)), dir_(std::move(dir)), user_(std::move(user)) {}

  // One pgbench run; no value when it inserted nothing.
  Result<std::optional<Throughput>> InsertsOnce(int clients, int seconds, const std::string& event_json);
  Status CreateCluster();
  Status StartServer();
  // Runs a PostgreSQL program of bindir_ as the cluster's user; a non-zero
  // exit is an error carrying the program's output.
  Result<ProcessResult> Run(const std::string& program, const std::vector<std::string>& args) const;
  Status WriteOwnedFile(const std::string& path, const std::string& text) const;

  const std::string bindir_;
  const std::string dir_;
  const std::string user_;
  std::string version_;
  int port_ = 0;
  bool running_ = false;
  int runs_ = 0;  // names each run's streams apart
};

}  // namespace vigie::bench
