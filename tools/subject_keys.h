#pragma once
// Which subject keys a log needs, and which it says were destroyed: what
// `vigie backup` copies and `vigie restore` must never bring back.
//
// A key is named by a SituationOpened event (its key_id) and destroyed
// after a SubjectErased event naming it (SPEC §4). Keys are created and
// made durable before the event that names them is appended, and destroyed
// only after the SubjectErased is durable, so a log read at any size names
// every key its events need.
//
// Pure over the store; thread-safe as the store is.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace vigie::tools {

struct SubjectKeys {
  std::set<std::string> named;   // by a SituationOpened
  std::map<std::string, std::string> erased;  // key id -> reason, by a SubjectErased
  std::uint64_t unreadable = 0;  // records skipped (only when tolerating damage)
  // Keys the log needs: named and not erased.
  std::set<std::string> Live() const;
};

// Reads every record of `store`. With `tolerate_damage`, a record that fails
// verification is skipped and counted instead of failing the whole read: a
// damaged log being replaced by a restore still tells which subjects were
// erased.
// `progress` (optional) is called now and then with (records read, total).
Result<SubjectKeys> CollectSubjectKeys(const eventstore::EventStore& store, bool tolerate_damage,
                                       const eventstore::ProgressFn& progress = {});

}  // namespace vigie::tools
