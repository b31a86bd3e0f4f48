#pragma once
// The working views of the partnership (SPEC §6): the cell list, a cell,
// the information list, the situation list and an individual situation
// file, filtered for the caller by the rules of access.h. Every answer
// carries `as_of_position` (the tree size of the state shown).
//
// Not finding and not being allowed look the same wherever existence
// itself is protected: a cell or situation the caller may not see answers
// kNotFound with the message of a missing one ("cell not found",
// "situation not found"), so the answer tells nothing about what exists.
// Refusals that depend only on who the caller is (an evaluator asking for
// a cell, an unsigned charter) answer kPermissionDenied: they reveal
// nothing about any id.
//
// Personal fields: the situation list shows none (listing is not a
// recorded consultation); the file shows the pseudonym, birth year and
// note texts through the Unsealer, "[effacé]" once the subject was erased.
// The caller of SituationFileView must have recorded the consultation
// (SPEC §3) after CheckSituationRead succeeded and before answering.
//
// Pure functions of (scope, caller, parameters); thread-safe.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "projections/ledger.h"
#include "projections/state.h"
#include "projections/view_json.h"

namespace vigie::projections {

// What a view shows in place of a destroyed subject's personal data.
inline constexpr std::string_view kErased = "[effacé]";
// ... and in place of a field that cannot be opened for another reason.
inline constexpr std::string_view kUnreadable = "[illisible]";

// Opens one sealed personal field of `situation`; `field` is the key
// store's field name (personal_fields.h): "pseudonym", "birth_year" or
// "note:<note_id>". nullopt when it cannot be opened.
using Unsealer = std::function<std::optional<std::string>(
    const Situation& situation, const SealedField& sealed, std::string_view field)>;

// {as_of_position, cells: [...]}: the cells the caller sees, with their
// chairs and members. The administrator sees every cell's composition (not
// its contents); evaluators and auditors get kPermissionDenied.
Result<boost::json::value> CellListView(const ViewScope& scope, const Caller& caller);

// One cell: composition and membership history, meetings, decisions,
// information items the caller may see (with the analyses of those items),
// controls and situation counts. For the administrator, the composition
// only. The four growing lists are paged (CellPage, ledger.h): newest
// first, and `pages: {meetings|decisions|information|controls: {next}}`
// gives the `before` of each list's next page, null after the last one.
// `analyses` are those of the information items shown.
Result<boost::json::value> CellView(const ViewScope& scope, const Caller& caller,
                                    std::string_view cell_id, const CellPage& page = {});

// May the caller list information items (CanReadInformationList)?
// kPermissionDenied otherwise: it depends only on who the caller is.
Status CheckInformationRead(const Caller& caller);

// A page of InformationListView examines at most this many items (hidden
// ones and those outside the period included): the work of a request is
// bounded whatever the log holds, and a page cut short says so by a
// non-null `next`.
inline constexpr std::size_t kInformationScanMax = 10000;

// {as_of_position, information: [...], analyses: [...], next}: the
// information items the caller may see (CanSeeInformation, judged on
// `scope.now`), of one cell or of every cell, newest first by the position
// that recorded them; each in the cell view's shape, `situation_id` only
// when the caller may see that situation. `analyses` are those of the items
// shown that the caller may see. An unknown cell lists nothing, as one
// whose items are all hidden does. Runs CheckInformationRead itself.
//
// Work: every cell's info_ids are walked from the end (after a binary
// search for `before`) and merged by position, so a page costs
// O(cells · log items + examined · (log cells + log items)), with
// examined ≤ limit + 1 when nothing is hidden and ≤ examined_max
// in any case; then `next` is the position of the last item examined.
// `examined_max` is that bound (tests lower it).
Result<boost::json::value> InformationListView(const ViewScope& scope, const Caller& caller,
                                               const InformationQuery& query,
                                               std::size_t examined_max = kInformationScanMax);

// {as_of_position, situations: [...]}: the situations the caller may see,
// optionally of one cell; no personal field.
Result<boost::json::value> SituationListView(const ViewScope& scope, const Caller& caller,
                                             const std::optional<std::string>& cell);

// May the caller read this file now, with this purpose? kNotFound
// "situation not found" when it does not exist or the caller may not see
// it; kPermissionDenied when the current charter is unsigned;
// kFailedPrecondition when it is archived and no purpose is stated.
Status CheckSituationRead(const State& now, const Caller& caller, std::string_view situation_id,
                          const std::optional<std::string>& purpose);

// CheckSituationRead, then kNotFound when the situation did not exist yet
// in `scope.shown`: everything SituationFileView would refuse.
Status CheckSituationFile(const ViewScope& scope, const Caller& caller, std::string_view situation_id,
                          const std::optional<std::string>& purpose);

// The situation file as of `scope.shown`. Runs CheckSituationFile itself.
Result<boost::json::value> SituationFileView(const ViewScope& scope, const Caller& caller,
                                             std::string_view situation_id,
                                             const std::optional<std::string>& purpose,
                                             const Unsealer& unseal);

}  // namespace vigie::projections
