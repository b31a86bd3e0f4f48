#pragma once
// The closed lists of SPEC §2 and their seeded French defaults.
//
// Closed lists are reference data, not code: Bootstrap records the defaults
// below as ordinary ReferenceEntryDefined events, so the log says which
// labels were in force, and the administrator extends, renames or retires
// entries later (define/rename/retire-reference-entry). The only code that
// names a code is a rule that depends on it (e.g. controls are planned by a
// "security_operational" cell), listed in decide.h.
#include <cstdint>
#include <string_view>
#include <vector>

namespace vigie::projections {

inline constexpr std::string_view kReferenceLists[] = {
    "partner_kinds",      "cell_kinds",        "topics",          "measures",
    "referral_sources",   "reasons",           "situation_outcomes",
    "decision_outcomes",  "note_categories",   "information_means"};

struct ReferenceSeed {
  std::string_view list;
  std::string_view code;
  std::string_view label;
  std::int64_t valid_from_ns = 0;
  std::int64_t valid_until_ns = 0;  // 0: still valid
};

// The defaults, in a stable order (Bootstrap's events follow it).
const std::vector<ReferenceSeed>& DefaultReferenceEntries();

}  // namespace vigie::projections
