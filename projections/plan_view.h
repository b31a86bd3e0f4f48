#pragma once
// The action plan (SPEC §6 `GET /v1/plan`): priorities in number order,
// each with its commitments and their evaluations, and the avenants
// (amendments) in the order adopted. The plan holds no personal data: every
// enrolled person may read it. Names are those valid at the view's time.
// Pure and thread-safe.
#include <boost/json/value.hpp>

#include "projections/ledger.h"
#include "projections/view_json.h"

namespace vigie::projections {

// {as_of_position, priorities: [{priority_id, number, title, adopted_at,
//   commitments: [{commitment_id, partner, text, indicator_id, target, due,
//   recorded_at, evaluations: [{year, status, comment, evaluated_at}]}]}],
//   unassigned_commitments: [...], amendments: [{amendment_id, meeting_id,
//   summary, adopted_at}]}
Result<boost::json::value> PlanView(const ViewScope& scope, const Caller& caller);

}  // namespace vigie::projections
