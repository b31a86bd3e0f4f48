#include "tools/read_session.h"

namespace vigie::tools {

Result<std::unique_ptr<ReadSession>> OpenReadSession(const std::string& dir) {
  auto session = std::make_unique<ReadSession>();
  auto store = eventstore::EventStore::OpenReadOnly(dir);
  if (!store) return Fail(store.error());
  session->store = std::move(*store);
  projections::LedgerOptions options;
  options.key_dir = dir + "/keys";
  auto ledger = projections::Ledger::Open(session->store.get(), options);
  if (!ledger) return Fail(ledger.error());
  session->ledger = std::move(*ledger);
  return session;
}

projections::Caller CliCaller(std::string_view role) {
  projections::Caller caller;
  caller.person_id = std::string(kCliPersonId);
  caller.display_name = "vigie (command line)";
  caller.roles = {std::string(role)};
  return caller;
}

}  // namespace vigie::tools
