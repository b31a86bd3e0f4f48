#pragma once
// ReadSession: a data directory opened for reading by the sub-commands that
// never write (replay, report, export).
//
// The store is opened read-only: RocksDB takes no lock for that, so these
// commands run beside a `vigie serve` that holds the store, and see the log
// as it was durable when they opened it. The ledger on top gives the same
// JSON as the HTTP API.
//
// The CLI is not an enrolled person. It acts as a caller that no enrolled
// person can be (its id is not a valid identifier) holding the one role a
// query needs: "auditor" for the log (export), "evaluator" for dashboards,
// the plan and evaluations, which hold counts and plan texts only (SPEC §3).
// Whoever can read the data directory can read the log anyway; what the
// CLI adds is that it never opens a personal field.
//
// Ownership: the session owns the store and the ledger (destroyed first).
// Not thread-safe; one sub-command uses it.
#include <memory>
#include <string>
#include <string_view>

#include "eventstore/event_store.h"
#include "eventstore/status.h"
#include "projections/ledger.h"

namespace vigie::tools {

struct ReadSession {
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<projections::Ledger> ledger;  // declared last: destroyed before the store
};

Result<std::unique_ptr<ReadSession>> OpenReadSession(const std::string& dir);

inline constexpr std::string_view kCliPersonId = "(vigie-cli)";
projections::Caller CliCaller(std::string_view role);

}  // namespace vigie::tools
