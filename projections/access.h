#pragma once
// SPEC §3 read rules, as pure predicates over State and the caller.
//
// Who is "inside" a cell: the référent unique and the deputy (they
// centralise every item), people of the cell's current member partners
// holding the member or chair role, and people holding the chair role for
// one of the cell's chair partners. The administrator, auditors and
// evaluators never read a cell's contents by virtue of those roles.
//
// Information items, for someone who sees the cell:
//   public        every enrolled person who reaches the item;
//   restricted    people inside the cell;
//   confidential  people inside the cell who signed the current charter.
// A need-to-know partner who is not in the cell sees, in the situation
// file, only the public items about the situation.
//
// Situation files: the référent (and deputy), and people of the partners
// on the current need-to-know list holding the member or chair role; the
// current charter signed in every case.
//
// Access is always judged on today's state ("now"), whatever the as-of of
// the content: a partner removed from a need-to-know list or a cell loses
// its past too, and a partner added today may read the file's history.
//
// Pure and thread-safe.
#include <string_view>

#include "projections/ledger.h"
#include "projections/state.h"

namespace vigie::projections {

bool IsReferent(const Caller& caller);  // referent or deputy_referent

// The current charter signed; before any is published, any version signed.
bool HasSignedCharter(const State& now, const Caller& caller);

// Inside the cell (see above); `cell_id` unknown: false.
bool CanSeeCell(const State& now, const Caller& caller, std::string_view cell_id);

// The item's sensitivity checked against the caller's place in its cell.
bool CanSeeInformation(const State& now, const Caller& caller, const InformationItem& item);

// The situation's file, `situation_id` unknown: false.
bool CanSeeSituation(const State& now, const Caller& caller, std::string_view situation_id);

// The information list (GET /v1/information), each item then judged by
// CanSeeInformation: people who work in the cells (the référent and
// deputy, members, chairs) and auditors, who read the whole log anyway.
// Not the administrator (who never reads a cell's contents by virtue of
// that role) nor evaluators (counts only, SPEC §3).
bool CanReadInformationList(const Caller& caller);

// Dashboards and the action plan hold counts and plan texts only: every
// enrolled person may read them.
bool CanReadAggregates(const Caller& caller);

// The yearly evaluation also quotes minutes, analyses and decisions (the
// qualitative balance): the evaluation committee, the référent, the chairs
// and auditors.
bool CanReadEvaluation(const Caller& caller);

}  // namespace vigie::projections
