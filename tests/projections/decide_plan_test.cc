// Rules of the action plan and the indicators (projections/decide_plan.cc).
#include <gtest/gtest.h>

#include "tests/projections/decide_fixture.h"

namespace vigie::projections::domain_testing {
namespace {

using SC = StatusCode;

class PlanTest : public DecideTest {
 protected:
  void Priority() {
    Run("chair", "adopt-priority", R"({"priority_id": "p1", "number": 1, "title": "Mieux connaître la délinquance"})");
  }
};

TEST_F(PlanTest, ChairsAdoptNumberedPriorities) {
  Priority();
  EXPECT_EQ(state_.priorities.at("p1").number, 1u);
  EXPECT_EQ(Refuse("chair", "adopt-priority", R"({"priority_id": "p1", "number": 2, "title": "T"})").code(),
            SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("chair", "adopt-priority", R"({"priority_id": "p2", "number": 1, "title": "T"})"),
                 SC::kAlreadyExists, "number 1");
  EXPECT_EQ(Refuse("ref", "adopt-priority", R"({"priority_id": "p2", "number": 2, "title": "T"})").code(),
            SC::kPermissionDenied);
}

TEST_F(PlanTest, CommitmentsNeedAnActivePartner) {
  Priority();
  Run("admin", "define-indicator", R"({"indicator_id": "cambriolages", "name": "Cambriolages",
      "kind": "result", "unit": "faits", "source_partner": "ddsp", "category": "État 4001 — cambriolages",
      "per_thousand": true, "target": 100})");
  Run("chair", "record-commitment", R"({"commitment_id": "c1", "priority_id": "p1", "partner_id": "ville",
      "text": "Recruter des médiateurs", "indicator_id": "cambriolages", "target": 15,
      "due": "2013-12-31T00:00:00Z"})");
  const Commitment& c = state_.commitments.at("c1");
  EXPECT_EQ(c.target, 15.0);
  EXPECT_EQ(c.indicator_id, "cambriolages");
  const std::string_view retired = R"({"commitment_id": "c2", "priority_id": "p1", "partner_id": "douanes",
      "text": "T", "due": "2013-12-31T00:00:00Z"})";
  Run("admin", "retire-partner", R"({"partner_id": "douanes"})");
  EXPECT_REFUSED(Refuse("chair", "record-commitment", retired), SC::kFailedPrecondition, "retired");
  EXPECT_REFUSED(Refuse("chair", "record-commitment", R"({"commitment_id": "c2", "priority_id": "p1",
      "partner_id": "ghost", "text": "T", "due": "2013-12-31T00:00:00Z"})"), SC::kFailedPrecondition, "not registered");
  EXPECT_REFUSED(Refuse("chair", "record-commitment", R"({"commitment_id": "c2", "priority_id": "p9",
      "partner_id": "ville", "text": "T", "due": "2013-12-31T00:00:00Z"})"), SC::kFailedPrecondition, "priority");
  EXPECT_REFUSED(Refuse("chair", "record-commitment", R"({"commitment_id": "c2", "priority_id": "p1",
      "partner_id": "ville", "text": "T", "indicator_id": "ghost", "due": "2013-12-31T00:00:00Z"})"),
                 SC::kFailedPrecondition, "indicator");
  EXPECT_EQ(Refuse("chair", "record-commitment", R"({"commitment_id": "c1", "priority_id": "p1",
      "partner_id": "ville", "text": "T", "due": "2013-12-31T00:00:00Z"})").code(), SC::kAlreadyExists);
  EXPECT_EQ(Refuse("m-ville", "record-commitment", R"({"commitment_id": "c3", "priority_id": "p1",
      "partner_id": "ville", "text": "T", "due": "2013-12-31T00:00:00Z"})").code(), SC::kPermissionDenied);
}

TEST_F(PlanTest, AmendmentsAreAdoptedAtAHeldSteeringMeeting) {
  Run("chair", "schedule-meeting", R"({"meeting_id": "cosi-1", "cell_id": "cosi",
      "scheduled_for": "2013-03-05T14:00:00Z", "emergency": false, "agenda": ""})");
  EXPECT_REFUSED(Refuse("chair", "amend-plan", R"({"amendment_id": "a1", "meeting_id": "cosi-1",
      "summary": "S"})"), SC::kFailedPrecondition, "steering committee");
  Run("chair", "schedule-meeting", R"({"meeting_id": "copil-1", "cell_id": "copil",
      "scheduled_for": "2013-03-05T14:00:00Z", "emergency": false, "agenda": "Avenant"})");
  EXPECT_REFUSED(Refuse("chair", "amend-plan", R"({"amendment_id": "a1", "meeting_id": "copil-1",
      "summary": "S"})"), SC::kFailedPrecondition, "not been held");
  Run("chair", "record-meeting", R"({"meeting_id": "copil-1", "attendees": ["prefecture", "ville"],
      "minutes": "Avenant adopté", "occurred_at": "2013-03-05T17:00:00Z"})");
  Run("chair-ville", "amend-plan", R"({"amendment_id": "a1", "meeting_id": "copil-1",
      "summary": "Avenant n° 1", "occurred_at": "2013-03-05T18:00:00Z"})");
  EXPECT_EQ(state_.amendments.at("a1").meeting_id, "copil-1");
  EXPECT_EQ(Refuse("chair", "amend-plan", R"({"amendment_id": "a1", "meeting_id": "copil-1",
      "summary": "S", "occurred_at": "2013-03-05T18:00:00Z"})").code(), SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("chair", "amend-plan", R"({"amendment_id": "a2", "meeting_id": "ghost", "summary": "S"})"),
                 SC::kFailedPrecondition, "meeting_id");
  EXPECT_EQ(Refuse("ref", "amend-plan", R"({"amendment_id": "a2", "meeting_id": "copil-1", "summary": "S"})").code(),
            SC::kPermissionDenied);
}

TEST_F(PlanTest, EvaluatorsEvaluateBegunYears) {
  Priority();
  Run("chair", "record-commitment", R"({"commitment_id": "c1", "priority_id": "p1", "partner_id": "ville",
      "text": "T", "due": "2013-12-31T00:00:00Z"})");
  EXPECT_EQ(Refuse("chair", "evaluate-commitment", R"({"commitment_id": "c1", "year": 2013, "status": "met",
      "comment": ""})").code(), SC::kPermissionDenied);
  EXPECT_REFUSED(Refuse("eval", "evaluate-commitment", R"({"commitment_id": "c1", "year": 2014, "status": "met",
      "comment": ""})"), SC::kFailedPrecondition, "has not begun");
  EXPECT_REFUSED(Refuse("eval", "evaluate-commitment", R"({"commitment_id": "c1", "year": 2012, "status": "met",
      "comment": ""})"), SC::kFailedPrecondition, "made after");
  Run("eval", "evaluate-commitment", R"({"commitment_id": "c1", "year": 2013, "status": "partially_met",
      "comment": "Deux médiateurs sur trois", "occurred_at": "2014-02-15T10:00:00Z"})");
  Run("eval", "evaluate-commitment", R"({"commitment_id": "c1", "year": 2013, "status": "met",
      "comment": "Correction", "occurred_at": "2014-02-16T10:00:00Z"})");
  EXPECT_EQ(state_.commitments.at("c1").EvaluationOf(2013)->status, "met");
  EXPECT_EQ(Refuse("eval", "evaluate-commitment", R"({"commitment_id": "ghost", "year": 2013, "status": "met",
      "comment": ""})").code(), SC::kNotFound);
}

TEST_F(PlanTest, EvaluatedYearsAreParisYears) {
  // Half past midnight on 1 January 2014 in Paris is still 2013 in UTC: the
  // commitment is made in 2014, and 2014 has begun.
  Priority();
  Run("chair", "record-commitment", R"({"commitment_id": "c-new-year", "priority_id": "p1",
      "partner_id": "ville", "text": "T", "due": "2014-12-31T00:00:00Z",
      "occurred_at": "2014-01-01T00:30:00+01:00"})");
  EXPECT_REFUSED(Refuse("eval", "evaluate-commitment", R"({"commitment_id": "c-new-year", "year": 2013,
      "status": "met", "comment": "", "occurred_at": "2014-02-15T10:00:00+01:00"})"),
                 SC::kFailedPrecondition, "made after");
  Run("eval", "evaluate-commitment", R"({"commitment_id": "c-new-year", "year": 2014, "status": "not_met",
      "comment": "", "occurred_at": "2014-01-01T00:45:00+01:00"})");
  EXPECT_EQ(state_.commitments.at("c-new-year").EvaluationOf(2014)->status, "not_met");
}

TEST_F(PlanTest, IndicatorValuesComeFromTheirSource) {
  Run("admin", "define-indicator", R"({"indicator_id": "cambriolages", "name": "Cambriolages",
      "kind": "result", "unit": "faits", "source_partner": "ddsp", "category": "État 4001",
      "per_thousand": true})");
  EXPECT_FALSE(state_.indicators.at("cambriolages").target.has_value());
  EXPECT_EQ(Refuse("admin", "define-indicator", R"({"indicator_id": "cambriolages", "name": "X", "kind": "result",
      "unit": "u", "source_partner": "ddsp", "category": "c", "per_thousand": false})").code(), SC::kAlreadyExists);
  EXPECT_EQ(Refuse("chair", "define-indicator", R"({"indicator_id": "x", "name": "X", "kind": "result",
      "unit": "u", "source_partner": "ddsp", "category": "c", "per_thousand": false})").code(), SC::kPermissionDenied);
  const std::string_view value = R"({"indicator_id": "cambriolages", "period_start": "2013-01-01T00:00:00Z",
      "period_end": "2013-02-01T00:00:00Z", "value": 12})";
  EXPECT_EQ(Refuse("m-ville", "record-indicator-value", value).code(), SC::kPermissionDenied);
  Run("m-ddsp", "record-indicator-value", value);
  Run("ref", "record-indicator-value", R"({"indicator_id": "cambriolages", "period_start": "2013-01-01T00:00:00Z",
      "period_end": "2013-02-01T00:00:00Z", "value": 13})");
  ASSERT_EQ(state_.indicators.at("cambriolages").values.size(), 1u);
  EXPECT_EQ(state_.indicators.at("cambriolages").values[0].value, 13);
  EXPECT_REFUSED(Refuse("m-ddsp", "record-indicator-value", R"({"indicator_id": "cambriolages",
      "period_start": "2013-04-01T00:00:00Z", "period_end": "2013-05-01T00:00:00Z", "value": 1})"),
                 SC::kFailedPrecondition, "not begun");
  EXPECT_EQ(Refuse("m-ddsp", "record-indicator-value", R"({"indicator_id": "ghost",
      "period_start": "2013-01-01T00:00:00Z", "period_end": "2013-02-01T00:00:00Z", "value": 1})").code(),
            SC::kNotFound);
}

}  // namespace
}  // namespace vigie::projections::domain_testing
