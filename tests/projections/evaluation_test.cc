// The yearly evaluation of the ZSP scenario: "2013, as known on …".
#include "projections/evaluation.h"

#include <gtest/gtest.h>

#include <set>

#include <boost/json.hpp>

#include "tests/projections/synthetic_history.h"
#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;
using namespace testing;

constexpr const char* kCheckpoint =
    "vigie.test\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— vigie.test abcd\n";

class EvaluationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { scenario_ = new ZspScenario(BuildZspScenario()); }
  static void TearDownTestSuite() { delete scenario_; }

  static json::value Evaluate(std::uint64_t size) {
    const State state = scenario_->FoldTo(size);
    Result<json::value> body = EvaluationBody(state, 2013, kCheckpoint);
    EXPECT_TRUE(body.has_value());
    return body ? *body : json::value();
  }

  static ZspScenario* scenario_;
};
ZspScenario* EvaluationTest::scenario_ = nullptr;

TEST_F(EvaluationTest, TopLevelShape) {
  const json::value e = Evaluate(scenario_->size_all);
  EXPECT_EQ(e.at("year").as_int64(), 2013);
  EXPECT_EQ(e.at("as_of_position").as_uint64(), scenario_->size_all);
  EXPECT_EQ(e.at("checkpoint").as_string(), kCheckpoint);
  EXPECT_EQ(e.at("territory").at("name").as_string(), "ZSP de Montreynaud");
  EXPECT_EQ(e.at("territory").at("population").as_uint64(), 10000u);
  const auto& months = e.at("statistics").at("month").at("periods").as_array();
  ASSERT_EQ(months.size(), 12u);
  EXPECT_EQ(months[1].at("derived").at("information_shared").as_int64(), 3);
  EXPECT_EQ(months[11].at("derived").at("situations_active").as_int64(), 1);  // s2 stays open
  const auto& year = e.at("statistics").at("year").at("periods").as_array();
  ASSERT_EQ(year.size(), 1u);
  const auto& total = year[0].at("derived");
  EXPECT_EQ(total.at("information_shared").as_int64(), 8);
  EXPECT_EQ(total.at("persons_controlled").as_int64(), 40);
  EXPECT_EQ(total.at("meetings_held").as_int64(), 5);
  EXPECT_EQ(total.at("decisions_recorded").as_int64(), 6);
  EXPECT_NEAR(total.at("median_days_to_first_decision").as_double(), 14.0, 1e-9);
  EXPECT_DOUBLE_EQ(year[0].at("recorded").at("cambriolages").at("value").as_double(), 36);
}

TEST_F(EvaluationTest, CommitmentsWithTheNameOfTheYear) {
  const json::value e = Evaluate(scenario_->size_all);
  const auto& commitments = e.at("commitments").as_array();
  ASSERT_EQ(commitments.size(), 3u);
  const auto& k1 = commitments[0];
  EXPECT_EQ(k1.at("commitment_id").as_string(), "k1");
  EXPECT_EQ(k1.at("priority").as_string(), "p1");
  EXPECT_EQ(k1.at("partner_id").as_string(), "ddsp");
  // Renamed in January 2014: the 2013 report keeps the 2013 name.
  EXPECT_EQ(k1.at("partner_name").as_string(), "DDSP de la Loire");
  EXPECT_EQ(k1.at("status").as_string(), "met");
  EXPECT_DOUBLE_EQ(k1.at("target").as_double(), 12);
  EXPECT_TRUE(commitments[1].at("target").is_null());
  const auto& by_partner = e.at("by_partner").as_object();
  EXPECT_EQ(by_partner.at("ddsp").at("met").as_int64(), 1);
  EXPECT_EQ(by_partner.at("parquet").at("partially_met").as_int64(), 1);
  EXPECT_EQ(by_partner.at("ville").at("not_met").as_int64(), 1);
  EXPECT_EQ(by_partner.at("ville").at("met").as_int64(), 0);
}

TEST_F(EvaluationTest, AsKnownBeforeTheEvaluations) {
  const json::value e = Evaluate(scenario_->size_end_of_april);
  for (const json::value& c : e.at("commitments").as_array()) {
    EXPECT_TRUE(c.at("status").is_null());
    EXPECT_TRUE(c.at("comment").is_null());
  }
  EXPECT_EQ(e.at("by_partner").at("ddsp").at("met").as_int64(), 0);
  const auto& year = e.at("statistics").at("year").at("periods").at(0).at("derived");
  EXPECT_TRUE(year.at("commitments_met_share").is_null());
  EXPECT_EQ(year.at("information_shared").as_int64(), 7);  // i8 not recorded yet
}

TEST_F(EvaluationTest, LateItemChangesTheYearOnlyOnceRecorded) {
  auto shared = [&](std::uint64_t size) {
    return Evaluate(size).at("statistics").at("year").at("periods").at(0).at("derived")
        .at("information_shared").as_int64();
  };
  EXPECT_EQ(shared(scenario_->size_before_late_item), 7);
  EXPECT_EQ(shared(scenario_->size_all), 8);
}

TEST_F(EvaluationTest, QualitativeMaterialIsFlaggedAndFiltered) {
  const json::value e = Evaluate(scenario_->size_all);
  std::multiset<std::string> kinds;
  for (const json::value& q : e.at("qualitative").as_array()) {
    kinds.insert(std::string(q.at("kind").as_string()));
    EXPECT_TRUE(q.at("qualitative_material").as_bool());
    EXPECT_NE(q.at("cell_id").as_string(), "csi");  // the confidential cell stays inside
  }
  EXPECT_EQ(kinds.count("minutes"), 3u);   // m2, m3, m5
  EXPECT_EQ(kinds.count("analysis"), 1u);  // a5; the others cover confidential or personal items
  EXPECT_EQ(kinds.count("decision"), 4u);  // d2, sd1, sd2, sd3 (measures only)
  EXPECT_EQ(e.at("qualitative_withheld").at("minutes").as_int64(), 2);
  EXPECT_EQ(e.at("qualitative_withheld").at("analyses").as_int64(), 4);
  EXPECT_EQ(e.at("qualitative_withheld").at("decisions").as_int64(), 2);
}

TEST_F(EvaluationTest, QualitativeBalanceIsBounded) {
  State state = scenario_->Fold();
  const std::size_t extra = kMaxQualitativePerKind + 5;
  for (std::size_t i = 0; i < extra; ++i) {
    Decision d;
    d.id = "bulk-" + std::to_string(i);
    d.cell_id = "cp";
    d.text = "Décision n°" + std::to_string(i);
    d.recorded.occurred_at_ns = T("2013-06-01T10:00:00Z") + static_cast<std::int64_t>(i);
    d.recorded.position = 1000 + i;
    state.decisions[d.id] = d;
  }
  const json::value e = *EvaluationBody(state, 2013, kCheckpoint);
  std::size_t decisions = 0;
  for (const json::value& q : e.at("qualitative").as_array()) {
    if (q.at("kind").as_string() == "decision") ++decisions;
  }
  EXPECT_EQ(decisions, kMaxQualitativePerKind);
  // 4 from the scenario plus the bulk, less what was kept.
  EXPECT_EQ(e.at("qualitative_omitted").at("decisions").as_int64(),
            static_cast<std::int64_t>(4 + extra - kMaxQualitativePerKind));
  EXPECT_EQ(e.at("qualitative_omitted").at("minutes").as_int64(), 0);
}

TEST_F(EvaluationTest, NeverAPseudonymBirthYearOrNote) {
  for (std::uint64_t size : {scenario_->size_end_of_april, scenario_->size_all}) {
    const std::string text = json::serialize(Evaluate(size));
    for (std::string_view secret : {kPseudonymS1, kBirthYearS1, kNoteS1, kPseudonymS4,
                                    std::string_view("Lina M."), std::string_view("Sami K.")}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret;
    }
    // Nor the ids of situations, nor the text of a decision about one.
    for (std::string_view id : {"\"s1\"", "\"s2\"", "\"s3\"", "\"s4\"", "chantier éducatif"}) {
      EXPECT_EQ(text.find(id), std::string::npos) << id;
    }
  }
}

// The year's share of commitments met is that of the commitments the
// evaluation lists: made before the year's end, evaluated for the year. A
// synthetic history also evaluates commitments for years before they were
// made (as a log written before that rule would hold).
TEST(EvaluationSyntheticTest, MetShareIsThatOfTheListedCommitments) {
  SyntheticOptions options;
  options.seed = 5;
  options.events = 20000;
  State state;
  GenerateHistory(options, [&](const EventMeta& meta, const std::string&, const std::string& payload) {
    (void)ApplyPayload(state, meta, payload);
  });
  int years_with_evaluations = 0;
  for (int year = 2010; year <= 2019; ++year) {
    Result<json::value> body = EvaluationBody(state, year, kCheckpoint);
    ASSERT_TRUE(body.has_value());
    int evaluated = 0, met = 0;
    for (const json::value& c : body->at("commitments").as_array()) {
      if (c.at("status").is_null()) continue;
      ++evaluated;
      if (c.at("status").as_string() == "met") ++met;
    }
    const json::value& share =
        body->at("statistics").at("year").at("periods").at(0).at("derived").at("commitments_met_share");
    if (evaluated == 0) {
      EXPECT_TRUE(share.is_null()) << year;
      continue;
    }
    ++years_with_evaluations;
    ASSERT_TRUE(share.is_number()) << year;
    EXPECT_DOUBLE_EQ(share.to_number<double>(), static_cast<double>(met) / evaluated) << year;
  }
  EXPECT_GE(years_with_evaluations, 5);
}

TEST_F(EvaluationTest, AccessAndYearRange) {
  const State state = scenario_->Fold();
  const ViewScope scope{state, state, T("2014-03-01T00:00:00Z")};
  EXPECT_TRUE(EvaluationView(scope, Evaluator(), 2013, kCheckpoint).has_value());
  EXPECT_TRUE(EvaluationView(scope, Auditor(), 2013, kCheckpoint).has_value());
  EXPECT_EQ(EvaluationView(scope, MemberVille(), 2013, kCheckpoint).error().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(EvaluationView(scope, Admin(), 2013, kCheckpoint).error().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(EvaluationBody(state, 1800, kCheckpoint).error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigie::projections
