#pragma once
// The yearly evaluation (SPEC §9): what the comité d'évaluation reviews —
// "year 2013, as known on 2014-02-15". The state passed in is the as-of
// state; the year selects what happened (occurred_at, Paris calendar).
//
// Body:
//   year, as_of_position, territory {name, kind, communes, neighbourhoods,
//     population, population_year} (the population current at the year's
//     end),
//   statistics {month, year}: the dashboard of the year at both
//     granularities (dashboard.h),
//   indicators: definitions of the recorded indicators (names, units,
//     targets), so that `recorded` can be read,
//   qualitative: minutes, analyses and decisions of the year, in time
//     order, each {kind: minutes|analysis|decision, ..., text,
//     qualitative_material: true},
//   qualitative_withheld {minutes, analyses, decisions}: how many were left
//     out by the rule below,
//   qualitative_omitted {minutes, analyses, decisions}: how many were left
//     out beyond kMaxQualitativePerKind (the earliest of each kind are kept),
//   priorities [{priority_id, number, title}],
//   commitments [{commitment_id, priority, partner_id, partner_name, text,
//     target, status, comment}]: every commitment recorded before the
//     year's end; partner_name is the name valid during that year (the last
//     day of it); status/comment of the year's latest evaluation, null if
//     none,
//   by_partner {partner_id: {met, partially_met, not_met, dropped}},
//   checkpoint: the signed note of as_of_position,
//   as_of (EvaluationView only): when the state shown was current.
//
// What the committee never sees: a pseudonym, a birth year or a note text
// (the state holds them sealed and nothing here opens them); nor free text
// that stays inside a cell or a situation: minutes and decisions of a
// confidential cell, analyses covering a confidential item or an item about
// a situation, and the text of decisions about a situation (their measure
// is shown instead) are withheld and only counted.
//
// Pure and thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json/value.hpp>

#include "projections/ledger.h"
#include "projections/view_json.h"

namespace vigie::projections {

// The qualitative balance quotes at most this many entries of each kind
// (SPEC §8: bounded everything; a committee reads a few hundred at most).
inline constexpr std::size_t kMaxQualitativePerKind = 300;

// Years an evaluation can be asked for (within the ns clock's range).
inline constexpr int kMinEvaluationYear = 1971;
inline constexpr int kMaxEvaluationYear = 2261;

// The body above, without access checks. kInvalidArgument for a year out of
// range.
// With `facts` (covering shown.size) the statistics and the selection of
// the qualitative balance (its counts and which entries are quoted) come
// from the fact index, and only the quoted entries are read from the state
// (same answer, in time proportional to the year rather than the log).
Result<boost::json::value> EvaluationBody(const State& shown, int year,
                                          const std::string& checkpoint,
                                          const FactIndex* facts = nullptr);

// kPermissionDenied unless CanReadEvaluation, with the reason.
Status CheckEvaluationRead(const Caller& caller);

// The same for a caller, plus `as_of`: the instant the state shown was
// current ("as known on"), RFC 3339. Runs CheckEvaluationRead.
Result<boost::json::value> EvaluationView(const ViewScope& scope, const Caller& caller, int year,
                                          const std::string& checkpoint);

}  // namespace vigie::projections
