#pragma once
// A fixed ZSP scenario for the read-side tests: four months of 2013 at
// Montreynaud (seeds/zsp-montreynaud-moyens.txt), then a few events
// recorded in 2014 — a partner renamed, the 2013 commitments evaluated,
// and one 2013 information item recorded late.
//
// Every figure the tests expect is worked out by hand in the comments of
// zsp_scenario.cc, next to the events that make it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "projections/ledger.h"
#include "projections/state.h"

namespace vigie::projections::testing {

struct ScenarioEvent {
  std::string stream;
  std::string type;
  EventMeta meta;
  std::string payload;  // DomainEvent FlatBuffer
};

struct ZspScenario {
  std::vector<ScenarioEvent> events;
  // Tree sizes worth asking for.
  std::uint64_t size_end_of_april = 0;     // every 2013 event, as known on 2013-04-30
  std::uint64_t size_before_rename = 0;    // == size_end_of_april
  std::uint64_t size_before_evaluations = 0;
  std::uint64_t size_before_late_item = 0;  // evaluations known, I8 not yet
  std::uint64_t size_all = 0;

  // Folds events [0, n).
  State FoldTo(std::uint64_t n) const;
  State Fold() const { return FoldTo(size_all); }
};

ZspScenario BuildZspScenario();

// Instants, from RFC 3339 text (aborts on a typo: tests only).
std::int64_t T(std::string_view rfc3339);

// The people of the scenario, as the ledger would authenticate them.
Caller Referent();        // "ref", partner ddsp, referent, charter v1
Caller MemberDdsp();      // "m-ddsp", member, charter v1
Caller MemberVille();     // "m-ville", member, charter v1
Caller MemberBailleur();  // "m-bailleur", member, charter NOT signed
Caller MemberDouanes();   // "m-douanes", member, charter v1
Caller ChairPrefecture(); // "chair-pref", chair of both cells, charter v1
Caller Admin();           // "admin", admin
Caller Auditor();         // "audit", auditor, charter v1
Caller Evaluator();       // "eval", evaluator, charter v1

// Personal data sealed in the scenario (stored "encrypted" as plain bytes
// so that a leak of the sealed field would be visible in any output).
inline constexpr std::string_view kPseudonymS1 = "Kevin D.";
inline constexpr std::string_view kBirthYearS1 = "1997";
inline constexpr std::string_view kNoteS1 = "Note sur la famille du jeune";
inline constexpr std::string_view kPseudonymS4 = "Yanis B.";

}  // namespace vigie::projections::testing
