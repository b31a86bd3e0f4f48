#pragma once
// A partnership built by deciding real commands and folding their events,
// without a store: the write model's rules are pure, so most domain tests
// need nothing else.
//
// The partnership (a ZSP, after seeds/zsp-montreynaud-moyens.txt), set up
// on 2013-01-10:
//   partners   prefecture, parquet, ddsp, douanes, dgfip, ville, bailleur,
//              education
//   cells      cosi        security_operational, chairs prefecture+parquet,
//                          members ddsp, douanes, dgfip
//              partenariale partnership, chair prefecture, members ddsp,
//                          ville, bailleur, education
//              copil       steering_committee, chairs prefecture+ville,
//                          members every partner
//   people     admin; ref (ddsp, referent); deputy (ddsp, deputy_referent);
//              m-ddsp, m-douanes, m-ville, m-bailleur, m-education
//              (members); chair (prefecture, chair); chair-ville (ville,
//              chair); eval (evaluator); audit (auditor). Everyone but
//              m-bailleur signed charter "v1".
// Commands then default to occurred_at 2013-03-01T10:00:00Z.
#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "projections/command_decoder.h"
#include "projections/decide.h"
#include "projections/event_ids.h"
#include "projections/state.h"

namespace vigie::projections::domain_testing {

// Instants from RFC 3339 text; aborts on a typo (tests only).
std::int64_t At(std::string_view rfc3339);

// Folds decided events into `state`, "sealing" personal fields with a
// test cipher (identity, key "test-key") so that they can be serialised.
void FoldDecided(State& state, Decided decided, std::int64_t occurred_at_ns,
                 std::string_view person_id = "", std::string_view partner_id = "");

class DecideTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Decodes and decides `command` with body `json` for `person` at `now_`
  // (or the body's occurred_at). Nothing is folded.
  Result<Decided> Try(std::string_view person, std::string_view command, std::string_view json);
  // Same, expecting success, and folds the events.
  Decided Run(std::string_view person, std::string_view command, std::string_view json);
  // Same, expecting a refusal; returns it.
  Status Refuse(std::string_view person, std::string_view command, std::string_view json);

  Caller CallerOf(std::string_view person) const;

  State state_;
  std::int64_t now_ = 0;
};

// Asserts a refusal with `code` whose message contains `words`.
#define EXPECT_REFUSED(status_expr, status_code, words)                          \
  do {                                                                           \
    ::vigie::Status vigie_s_ = (status_expr);                                    \
    EXPECT_EQ(vigie_s_.code(), (status_code)) << vigie_s_.ToString();           \
    EXPECT_NE(vigie_s_.message().find(words), std::string::npos) << vigie_s_.ToString(); \
  } while (0)

}  // namespace vigie::projections::domain_testing
