#pragma once
// The indicator dashboard (SPEC §9): derived indicators computed from the
// log and the values partners recorded, per calendar period.
//
// Two clocks: the State passed in is what was known (as_of, see
// state_at.h); a period selects what happened, by occurred_at. A period is
// [start, end) in Paris time (period.h).
//
// Definitions, per period P = [start, end), optionally restricted to one
// cell (the entity's cell: the item's, control's, situation's, meeting's,
// decision's — a situation decision belongs to its situation's cell):
//   information_shared       items shared with occurred_at in P
//   information_analysed     distinct items whose first analysis (the
//                            earliest by occurred_at) is in P
//   controls_planned/executed/cancelled
//                            planning, outcome and cancellation events in P
//   persons_controlled, offences_found, seizures, administrative_closures,
//   fines                    sums over the outcomes recorded in P
//   situations_opened/closed opening and closure events in P
//   situations_active        opened before `end` and not closed before it
//   decisions_recorded       cell and situation decisions taken in P
//   decisions_completed      completions in P
//   decisions_overdue        taken before `end`, due before `end`, and not
//                            completed before `end`
//   meetings_held            meetings held in P (held_at); emergency_... the
//                            emergency ones among them
//   attendance_rate          mean over meetings held in P of (attending
//                            partners that were members of the cell at
//                            held_at) / (members then); a meeting of a cell
//                            with no member then is left out
//   median_days_to_first_decision
//                            over situations whose first decision (cell or
//                            situation decision about it, earliest by
//                            occurred_at) is in P: days, fractional, from the
//                            earliest information item about the situation
//                            shared at or before that decision — or from the
//                            opening when there is none — to the decision
//   commitments_met_share    met / evaluated, over commitments whose latest
//                            evaluation for the year P starts in exists; the
//                            plan is the territory's, so a cell filter does
//                            not change it
// Counts are 0 when nothing happened; a rate or median over nothing is null.
//
// Recorded indicators: a value counts in P when its own period lies within
// P (a quarterly figure shows in the quarter and the year, not in a month);
// several such values are added. per_thousand (for indicators flagged so)
// uses the territory's population current at the end of P. Indicators are
// territory-wide: a cell filter does not change them. An indicator with no
// value in P is absent from `recorded`.
//
// Pure and thread-safe. Cost: one pass over the state's entities for all
// periods together (no per-period rescan).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "projections/ledger.h"
#include "projections/period.h"
#include "projections/state.h"

namespace vigie::projections {

struct DerivedIndicators {
  std::int64_t information_shared = 0;
  std::int64_t information_analysed = 0;
  std::int64_t controls_planned = 0;
  std::int64_t controls_executed = 0;
  std::int64_t controls_cancelled = 0;
  std::int64_t persons_controlled = 0;
  std::int64_t offences_found = 0;
  std::int64_t seizures = 0;
  std::int64_t administrative_closures = 0;
  std::int64_t fines = 0;
  std::int64_t situations_opened = 0;
  std::int64_t situations_closed = 0;
  std::int64_t situations_active = 0;
  std::int64_t decisions_recorded = 0;
  std::int64_t decisions_completed = 0;
  std::int64_t decisions_overdue = 0;
  std::int64_t meetings_held = 0;
  std::int64_t emergency_meetings_held = 0;
  std::optional<double> attendance_rate;
  std::optional<double> median_days_to_first_decision;
  std::optional<double> commitments_met_share;
};

// The derived indicators of each period, in order. `periods` must be
// sorted and contiguous (as SplitPeriods returns them).
std::vector<DerivedIndicators> ComputeDerived(const State& state,
                                              const std::vector<Period>& periods,
                                              const std::optional<std::string>& cell);

struct RecordedValue {
  double value = 0;
  std::optional<double> per_thousand;
};
// indicator id -> value, for one period.
std::map<std::string, RecordedValue> ComputeRecorded(const State& state, const Period& period);

boost::json::object DerivedJson(const DerivedIndicators& derived);

// The dashboard answer body of SPEC §9 over `shown` (the as-of state);
// access is judged on `now`. kPermissionDenied for a caller without any
// role; kNotFound "cell not found" for a cell the caller may not see or
// that does not exist (the same answer, see access.h); kInvalidArgument for
// a bad granularity or range.
// With `facts` (covering shown.size), the derived indicators are scanned
// from the fact index: same numbers, without walking the state.
Result<boost::json::value> DashboardView(const State& now, const State& shown,
                                         const Caller& caller, const DashboardQuery& query,
                                         const FactIndex* facts = nullptr);

// The same answer without access checks, for the evaluation (whose caller
// was checked) and tools.
Result<boost::json::value> DashboardBody(const State& shown, std::int64_t from_ns,
                                         std::int64_t to_ns, Granularity granularity,
                                         const std::optional<std::string>& cell,
                                         const FactIndex* facts = nullptr);
// The same range at several granularities, one body each in that order
// (with `facts`, its entities are walked once for all of them).
Result<std::vector<boost::json::value>> DashboardBodies(const State& shown, std::int64_t from_ns,
                                                       std::int64_t to_ns,
                                                       const std::vector<Granularity>& granularities,
                                                       const std::optional<std::string>& cell,
                                                       const FactIndex* facts = nullptr);

}  // namespace vigie::projections
