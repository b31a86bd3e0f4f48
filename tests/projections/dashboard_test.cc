// Dashboard figures of the ZSP scenario, worked out by hand from the events
// in zsp_scenario.cc (each figure's events are listed next to it).
#include "projections/dashboard.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

using testing::BuildZspScenario;
using testing::ZspScenario;

constexpr double kThird = 1.0 / 3.0;

void ExpectOptional(const std::optional<double>& actual, const std::optional<double>& expected,
                    const char* what) {
  ASSERT_EQ(actual.has_value(), expected.has_value()) << what;
  if (expected) {
    EXPECT_NEAR(*actual, *expected, 1e-9) << what;
  }
}

void ExpectDerived(const DerivedIndicators& a, const DerivedIndicators& e) {
  EXPECT_EQ(a.information_shared, e.information_shared);
  EXPECT_EQ(a.information_analysed, e.information_analysed);
  EXPECT_EQ(a.controls_planned, e.controls_planned);
  EXPECT_EQ(a.controls_executed, e.controls_executed);
  EXPECT_EQ(a.controls_cancelled, e.controls_cancelled);
  EXPECT_EQ(a.persons_controlled, e.persons_controlled);
  EXPECT_EQ(a.offences_found, e.offences_found);
  EXPECT_EQ(a.seizures, e.seizures);
  EXPECT_EQ(a.administrative_closures, e.administrative_closures);
  EXPECT_EQ(a.fines, e.fines);
  EXPECT_EQ(a.situations_opened, e.situations_opened);
  EXPECT_EQ(a.situations_closed, e.situations_closed);
  EXPECT_EQ(a.situations_active, e.situations_active);
  EXPECT_EQ(a.decisions_recorded, e.decisions_recorded);
  EXPECT_EQ(a.decisions_completed, e.decisions_completed);
  EXPECT_EQ(a.decisions_overdue, e.decisions_overdue);
  EXPECT_EQ(a.meetings_held, e.meetings_held);
  EXPECT_EQ(a.emergency_meetings_held, e.emergency_meetings_held);
  ExpectOptional(a.attendance_rate, e.attendance_rate, "attendance_rate");
  ExpectOptional(a.median_days_to_first_decision, e.median_days_to_first_decision,
                 "median_days_to_first_decision");
  ExpectOptional(a.commitments_met_share, e.commitments_met_share, "commitments_met_share");
}

class DashboardTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { scenario_ = new ZspScenario(BuildZspScenario()); }
  static void TearDownTestSuite() { delete scenario_; }

  static std::vector<Period> Months() {
    return *SplitPeriods(ParisMidnight({2013, 1, 1}), ParisMidnight({2013, 5, 1}),
                         Granularity::kMonth);
  }
  static std::vector<Period> Quarters() {
    return *SplitPeriods(ParisMidnight({2013, 1, 1}), ParisMidnight({2013, 7, 1}),
                         Granularity::kQuarter);
  }

  static ZspScenario* scenario_;
};
ZspScenario* DashboardTest::scenario_ = nullptr;

// Expected months, everything known (as of the whole log).
DerivedIndicators January() {
  DerivedIndicators d;
  d.information_shared = 2;    // i1, i2 (i6 is 1 February in Paris)
  d.information_analysed = 1;  // i1 (a1)
  d.controls_planned = 2;      // c1, c2
  d.controls_executed = 1;     // c1
  d.persons_controlled = 12;
  d.offences_found = 3;
  d.seizures = 1;
  d.fines = 2;
  d.situations_opened = 2;  // s4, s3
  d.situations_closed = 1;  // s4
  d.situations_active = 1;  // s3
  d.decisions_recorded = 2;  // d1, d2
  d.meetings_held = 2;       // m1 2/3, m2 3/3
  d.attendance_rate = (2.0 / 3.0 + 1.0) / 2.0;
  d.commitments_met_share = kThird;  // k1 met of k1..k3 evaluated for 2013
  return d;
}

DerivedIndicators February() {
  DerivedIndicators d;
  d.information_shared = 3;    // i6 (00:30 Paris on 1 Feb), i3, i4
  d.information_analysed = 2;  // i2 (a2; i1 was analysed first in January), i3 (a5)
  d.controls_planned = 1;      // c3
  d.controls_executed = 1;     // c2
  d.controls_cancelled = 1;    // c3
  d.persons_controlled = 20;
  d.offences_found = 5;
  d.seizures = 2;
  d.administrative_closures = 1;
  d.fines = 4;
  d.situations_opened = 1;   // s1
  d.situations_active = 2;   // s3, s1
  d.decisions_recorded = 1;  // sd1
  d.decisions_completed = 1;  // d1
  d.decisions_overdue = 1;    // d2, due 28 Feb, completed 10 Mar
  d.meetings_held = 1;        // m3
  d.emergency_meetings_held = 1;
  d.attendance_rate = kThird;
  d.median_days_to_first_decision = 14;  // s1: i4 on 14 Feb -> sd1 on 28 Feb
  d.commitments_met_share = kThird;
  return d;
}

DerivedIndicators March(bool late_item_known) {
  DerivedIndicators d;
  d.information_shared = late_item_known ? 3 : 2;  // i5, i7 (+ i8 recorded in 2014)
  d.information_analysed = 1;                      // i4 (a3)
  d.controls_planned = 1;                          // c4
  d.situations_opened = 1;                         // s2
  d.situations_closed = 1;                         // s3
  d.situations_active = 2;                         // s1, s2
  d.decisions_recorded = 3;                        // sd2, d3, sd3
  d.decisions_completed = 2;                       // d2, sd1
  d.decisions_overdue = 1;                         // d3, due 28 Mar
  d.meetings_held = 2;                             // m4 3/3, m5 2/4
  d.attendance_rate = (1.0 + 0.5) / 2.0;
  // s2: sd2 on 15 Mar; its item i7 came after, so from the opening (5 Mar):
  // 10 days. s3: no item, opened 20 Jan, sd3 on 30 Mar: 69 days.
  d.median_days_to_first_decision = (10.0 + 69.0) / 2.0;
  d.commitments_met_share = kThird;
  return d;
}

DerivedIndicators April() {
  DerivedIndicators d;
  d.information_analysed = 1;  // i5 (a4)
  d.controls_executed = 1;     // c4
  d.persons_controlled = 8;
  d.offences_found = 1;
  d.fines = 1;
  d.situations_closed = 1;     // s1
  d.situations_active = 1;     // s2
  d.decisions_completed = 1;   // sd3
  d.decisions_overdue = 2;     // sd2 (due 15 Apr), d3
  d.commitments_met_share = kThird;
  return d;
}

TEST_F(DashboardTest, MonthsOfTheScenario) {
  const State state = scenario_->Fold();
  const auto derived = ComputeDerived(state, Months(), std::nullopt);
  ASSERT_EQ(derived.size(), 4u);
  ExpectDerived(derived[0], January());
  ExpectDerived(derived[1], February());
  ExpectDerived(derived[2], March(true));
  ExpectDerived(derived[3], April());
}

TEST_F(DashboardTest, QuartersOfTheScenario) {
  const State state = scenario_->Fold();
  const auto derived = ComputeDerived(state, Quarters(), std::nullopt);
  ASSERT_EQ(derived.size(), 2u);
  DerivedIndicators q1;
  q1.information_shared = 8;
  q1.information_analysed = 4;
  q1.controls_planned = 4;
  q1.controls_executed = 2;
  q1.controls_cancelled = 1;
  q1.persons_controlled = 32;
  q1.offences_found = 8;
  q1.seizures = 3;
  q1.administrative_closures = 1;
  q1.fines = 6;
  q1.situations_opened = 4;
  q1.situations_closed = 2;
  q1.situations_active = 2;
  q1.decisions_recorded = 6;
  q1.decisions_completed = 3;
  q1.decisions_overdue = 1;
  q1.meetings_held = 5;
  q1.emergency_meetings_held = 1;
  // Mean over the five meetings, not the mean of the monthly means.
  q1.attendance_rate = (2.0 / 3.0 + 1.0 + 1.0 / 3.0 + 1.0 + 0.5) / 5.0;
  q1.median_days_to_first_decision = 14;  // of 10, 14, 69
  q1.commitments_met_share = kThird;
  ExpectDerived(derived[0], q1);
  DerivedIndicators q2 = April();  // nothing happened in May or June
  ExpectDerived(derived[1], q2);
}

TEST_F(DashboardTest, PartnershipCellByMonth) {
  const State state = scenario_->Fold();
  const auto derived = ComputeDerived(state, Months(), std::string("cp"));
  DerivedIndicators jan;
  jan.situations_opened = 2;
  jan.situations_closed = 1;
  jan.situations_active = 1;
  jan.decisions_recorded = 1;  // d2
  jan.meetings_held = 1;       // m2
  jan.attendance_rate = 1.0;
  jan.commitments_met_share = kThird;  // the plan is territory-wide
  ExpectDerived(derived[0], jan);
  DerivedIndicators feb;
  feb.information_shared = 3;
  feb.information_analysed = 1;  // i3
  feb.situations_opened = 1;
  feb.situations_active = 2;
  feb.decisions_recorded = 1;
  feb.decisions_overdue = 1;
  feb.meetings_held = 1;
  feb.emergency_meetings_held = 1;
  feb.attendance_rate = kThird;
  feb.median_days_to_first_decision = 14;
  feb.commitments_met_share = kThird;
  ExpectDerived(derived[1], feb);
  DerivedIndicators mar = March(true);
  mar.controls_planned = 0;
  mar.meetings_held = 1;  // m5
  mar.attendance_rate = 0.5;
  ExpectDerived(derived[2], mar);
}

TEST_F(DashboardTest, SecurityCellByQuarter) {
  const State state = scenario_->Fold();
  const auto derived = ComputeDerived(state, Quarters(), std::string("csi"));
  DerivedIndicators q1;
  q1.information_shared = 2;
  q1.information_analysed = 2;
  q1.controls_planned = 4;
  q1.controls_executed = 2;
  q1.controls_cancelled = 1;
  q1.persons_controlled = 32;
  q1.offences_found = 8;
  q1.seizures = 3;
  q1.administrative_closures = 1;
  q1.fines = 6;
  q1.decisions_recorded = 1;
  q1.decisions_completed = 1;
  q1.meetings_held = 2;
  q1.attendance_rate = (2.0 / 3.0 + 1.0) / 2.0;
  q1.commitments_met_share = kThird;
  ExpectDerived(derived[0], q1);
}

TEST_F(DashboardTest, LateItemCountsOnlyOnceRecorded) {
  const State before = scenario_->FoldTo(scenario_->size_before_late_item);
  const State after = scenario_->Fold();
  ExpectDerived(ComputeDerived(before, Months(), std::nullopt)[2], March(false));
  ExpectDerived(ComputeDerived(after, Months(), std::nullopt)[2], March(true));
}

TEST_F(DashboardTest, EvaluationsCountOnlyOnceRecorded) {
  const State april = scenario_->FoldTo(scenario_->size_end_of_april);
  for (const DerivedIndicators& d : ComputeDerived(april, Months(), std::nullopt)) {
    EXPECT_FALSE(d.commitments_met_share.has_value());
  }
  const State evaluated = scenario_->FoldTo(scenario_->size_before_late_item);
  for (const DerivedIndicators& d : ComputeDerived(evaluated, Months(), std::nullopt)) {
    ASSERT_TRUE(d.commitments_met_share.has_value());
    EXPECT_NEAR(*d.commitments_met_share, kThird, 1e-9);
  }
}

TEST_F(DashboardTest, RecordedIndicatorsWithinTheirPeriod) {
  const State state = scenario_->Fold();
  const auto months = Months();
  auto jan = ComputeRecorded(state, months[0]);
  ASSERT_EQ(jan.size(), 1u);  // the quarterly survey is not a January figure
  EXPECT_DOUBLE_EQ(jan.at("cambriolages").value, 15);
  EXPECT_DOUBLE_EQ(*jan.at("cambriolages").per_thousand, 1.5);  // 10,000 inhabitants
  EXPECT_TRUE(ComputeRecorded(state, months[3]).empty());
  const auto q1 = ComputeRecorded(state, Quarters()[0]);
  EXPECT_DOUBLE_EQ(q1.at("cambriolages").value, 36);
  EXPECT_DOUBLE_EQ(*q1.at("cambriolages").per_thousand, 3.6);
  EXPECT_DOUBLE_EQ(q1.at("satisfaction").value, 62);
  EXPECT_FALSE(q1.at("satisfaction").per_thousand.has_value());
}

TEST_F(DashboardTest, EmptyPeriodsAreZeroAndNull) {
  const State state = scenario_->Fold();
  const auto derived = ComputeDerived(
      state, *SplitPeriods(ParisMidnight({2012, 1, 1}), ParisMidnight({2012, 2, 1}), Granularity::kMonth),
      std::nullopt);
  EXPECT_EQ(derived[0].information_shared, 0);
  EXPECT_EQ(derived[0].situations_active, 0);
  EXPECT_FALSE(derived[0].attendance_rate.has_value());
  EXPECT_FALSE(derived[0].median_days_to_first_decision.has_value());
  EXPECT_FALSE(derived[0].commitments_met_share.has_value());  // nothing evaluated for 2012
}

TEST_F(DashboardTest, AnswerShape) {
  const State state = scenario_->Fold();
  DashboardQuery query;
  query.from_ns = ParisMidnight({2013, 1, 1});
  query.to_ns = ParisMidnight({2013, 7, 1});
  query.granularity = "quarter";
  auto body = DashboardView(state, state, testing::Evaluator(), query);
  ASSERT_TRUE(body.has_value()) << body.error().ToString();
  const auto& o = body->as_object();
  EXPECT_EQ(o.at("as_of_position").as_uint64(), scenario_->size_all);
  EXPECT_EQ(o.at("granularity").as_string(), "quarter");
  EXPECT_EQ(o.at("from").as_string(), "2013-01-01T00:00:00+01:00");
  const auto& periods = o.at("periods").as_array();
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[1].at("start").as_string(), "2013-04-01T00:00:00+02:00");
  const auto& derived = periods[0].at("derived").as_object();
  EXPECT_EQ(derived.size(), 21u);
  EXPECT_EQ(derived.at("information_shared").as_int64(), 8);
  EXPECT_EQ(derived.at("fines").as_int64(), 6);
  EXPECT_TRUE(periods[1].at("derived").at("attendance_rate").is_null());
  const auto& recorded = periods[0].at("recorded").as_object();
  EXPECT_DOUBLE_EQ(recorded.at("cambriolages").at("per_thousand").as_double(), 3.6);
  EXPECT_FALSE(recorded.at("satisfaction").as_object().contains("per_thousand"));
}

TEST_F(DashboardTest, CellFilterHidesCellsOneMayNotSee) {
  const State state = scenario_->Fold();
  DashboardQuery query;
  query.from_ns = ParisMidnight({2013, 1, 1});
  query.to_ns = ParisMidnight({2014, 1, 1});
  query.granularity = "year";
  query.cell = "csi";
  // The town's agent is not in the security cell: it answers like a missing one.
  auto hidden = DashboardView(state, state, testing::MemberVille(), query);
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code(), StatusCode::kNotFound);
  query.cell = "nope";
  auto missing = DashboardView(state, state, testing::MemberVille(), query);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(), hidden.error().message());
  query.cell = "csi";
  EXPECT_TRUE(DashboardView(state, state, testing::MemberDouanes(), query).has_value());
  EXPECT_TRUE(DashboardView(state, state, testing::Evaluator(), query).has_value());
}

TEST_F(DashboardTest, BadQueries) {
  const State state = scenario_->Fold();
  DashboardQuery query;
  query.from_ns = ParisMidnight({2013, 1, 1});
  query.to_ns = ParisMidnight({2014, 1, 1});
  query.granularity = "week";
  auto bad = DashboardView(state, state, testing::Evaluator(), query);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  query.granularity = "month";
  query.to_ns = query.from_ns;
  EXPECT_EQ(DashboardView(state, state, testing::Evaluator(), query).error().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigie::projections
