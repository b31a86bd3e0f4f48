#pragma once
// The access log (SPEC §3, §6 `GET /v1/audit/access-log`): who consulted
// which situation file, when and why, from the SituationConsulted events.
// For auditors (inspection, DPO, court) only. Filters combine: person,
// situation, and a [from, to) range on when the consultation happened.
// Pure and thread-safe.
#include <cstddef>

#include <boost/json/value.hpp>

#include "projections/ledger.h"
#include "projections/view_json.h"

namespace vigie::projections {

// An answer lists at most this many consultations, the most recent ones,
// and says `truncated: true` when more matched (SPEC §8: bounded
// everything); narrow the range to read the rest.
inline constexpr std::size_t kMaxAccessLogEntries = 10000;

// {as_of_position, consultations: [{position, situation_id, person_id,
//  display_name, partner, purpose, consulted_at}], truncated}, in log order.
// kPermissionDenied for anyone but an auditor.
Result<boost::json::value> AccessLogView(const ViewScope& scope, const Caller& caller,
                                         const AccessLogQuery& query);

}  // namespace vigie::projections
