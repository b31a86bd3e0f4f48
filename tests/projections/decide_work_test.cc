// Rules of meetings, decisions, information, analyses and controls
// (projections/decide_work.cc).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/projections/decide_fixture.h"

namespace vigie::projections::domain_testing {
namespace {

using SC = StatusCode;

class WorkTest : public DecideTest {
 protected:
  void Meeting(std::string_view id, std::string_view cell, bool emergency = false) {
    Run("chair", "schedule-meeting", std::string(R"({"meeting_id": ")") + std::string(id) +
        R"(", "cell_id": ")" + std::string(cell) + R"(", "scheduled_for": "2013-03-05T14:00:00Z",
        "emergency": )" + (emergency ? "true" : "false") + R"(, "agenda": "Point de situation"})");
  }
  void Share(std::string_view person, std::string_view id, std::string_view cell,
             std::string_view sensitivity) {
    Run(person, "share-information", std::string(R"({"info_id": ")") + std::string(id) +
        R"(", "cell_id": ")" + std::string(cell) + R"(", "topic": "trafic_stupefiants",
        "neighbourhood": "Montreynaud", "summary": "Regroupements dans le hall 4",
        "sensitivity": ")" + std::string(sensitivity) + R"("})");
  }
};

TEST_F(WorkTest, ChairsAndReferentsConveneMeetings) {
  Meeting("m1", "copil");
  EXPECT_EQ(state_.meetings.at("m1").scheduled_for_ns, At("2013-03-05T14:00:00Z"));
  Run("ref", "schedule-meeting", R"({"meeting_id": "m2", "cell_id": "cosi",
      "scheduled_for": "2013-03-06T14:00:00Z", "emergency": false, "agenda": ""})");
  EXPECT_REFUSED(Refuse("m-ddsp", "schedule-meeting", R"({"meeting_id": "m3", "cell_id": "cosi",
      "scheduled_for": "2013-03-06T14:00:00Z", "emergency": false, "agenda": ""})"),
                 SC::kPermissionDenied, "chair of cell 'cosi'");
  // The Ville chairs the copil, not the cosi.
  EXPECT_EQ(Refuse("chair-ville", "schedule-meeting", R"({"meeting_id": "m3", "cell_id": "cosi",
      "scheduled_for": "2013-03-06T14:00:00Z", "emergency": false, "agenda": ""})").code(),
            SC::kPermissionDenied);
  EXPECT_EQ(Refuse("chair", "schedule-meeting", R"({"meeting_id": "m1", "cell_id": "cosi",
      "scheduled_for": "2013-03-06T14:00:00Z", "emergency": false, "agenda": ""})").code(),
            SC::kAlreadyExists);
  EXPECT_EQ(Refuse("chair", "schedule-meeting", R"({"meeting_id": "m4", "cell_id": "ghost",
      "scheduled_for": "2013-03-06T14:00:00Z", "emergency": false, "agenda": ""})").code(),
            SC::kNotFound);
}

TEST_F(WorkTest, OnlyEmergencyMeetingsMayBeConvenedForThePast) {
  EXPECT_REFUSED(Refuse("chair", "schedule-meeting", R"({"meeting_id": "m1", "cell_id": "copil",
      "scheduled_for": "2013-02-01T14:00:00Z", "emergency": false, "agenda": ""})"),
                 SC::kFailedPrecondition, "emergency");
  Run("chair", "schedule-meeting", R"({"meeting_id": "m1", "cell_id": "copil",
      "scheduled_for": "2013-03-01T09:30:00Z", "emergency": true, "agenda": "Crise"})");
  EXPECT_TRUE(state_.meetings.at("m1").emergency);
}

TEST_F(WorkTest, RecordMeetingChecksAttendeesAndOrder) {
  Meeting("m1", "cosi");
  EXPECT_REFUSED(Refuse("chair", "record-meeting", R"({"meeting_id": "m1", "attendees": ["ddsp"],
      "minutes": "", "occurred_at": "2013-02-01T00:00:00Z"})"), SC::kFailedPrecondition, "precedes");
  EXPECT_REFUSED(Refuse("chair", "record-meeting", R"({"meeting_id": "m1", "attendees": ["ville"],
      "minutes": ""})"), SC::kFailedPrecondition, "neither a member nor a chair");
  Run("chair", "record-meeting", R"({"meeting_id": "m1", "attendees": ["ddsp", "douanes", "prefecture"],
      "minutes": "Relevé de décisions", "occurred_at": "2013-03-05T16:00:00Z"})");
  ASSERT_TRUE(state_.meetings.at("m1").held.has_value());
  EXPECT_EQ(state_.meetings.at("m1").held->stamp.occurred_at_ns, At("2013-03-05T16:00:00Z"));
  EXPECT_REFUSED(Refuse("chair", "record-meeting", R"({"meeting_id": "m1", "attendees": [], "minutes": ""})"),
                 SC::kFailedPrecondition, "already recorded");
  EXPECT_EQ(Refuse("m-ddsp", "record-meeting", R"({"meeting_id": "m1", "attendees": [], "minutes": ""})").code(),
            SC::kPermissionDenied);
  EXPECT_EQ(Refuse("chair", "record-meeting", R"({"meeting_id": "zz", "attendees": [], "minutes": ""})").code(),
            SC::kNotFound);
}

TEST_F(WorkTest, ChairsRecordDecisionsOfTheirCells) {
  Meeting("m1", "cosi");
  Run("chair", "record-meeting", R"({"meeting_id": "m1", "attendees": ["ddsp"], "minutes": "",
      "occurred_at": "2013-03-05T16:00:00Z"})");
  Decided d = Run("chair", "record-decision", R"({"decision_id": "d1", "cell_id": "cosi", "meeting_id": "m1",
      "text": "Renforcer les patrouilles", "owner_partner": "ddsp", "due": "2013-06-30T00:00:00Z",
      "occurred_at": "2013-03-05T17:00:00Z"})");
  EXPECT_EQ(d.events[0].stream, "decision-d1");
  EXPECT_EQ(state_.decisions.at("d1").meeting_id, "m1");
  const std::string_view body = R"({"decision_id": "d2", "cell_id": "cosi", "text": "T",
      "owner_partner": "ddsp", "due": "2013-06-30T00:00:00Z"})";
  EXPECT_EQ(Refuse("ref", "record-decision", body).code(), SC::kPermissionDenied);
  EXPECT_EQ(Refuse("chair-ville", "record-decision", body).code(), SC::kPermissionDenied);
  EXPECT_EQ(Refuse("chair", "record-decision", R"({"decision_id": "d1", "cell_id": "cosi", "text": "T",
      "owner_partner": "ddsp", "due": "2013-06-30T00:00:00Z"})").code(), SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("chair", "record-decision", R"({"decision_id": "d2", "cell_id": "cosi", "text": "T",
      "owner_partner": "ville", "due": "2013-06-30T00:00:00Z"})"), SC::kFailedPrecondition, "not a member");
  EXPECT_REFUSED(Refuse("chair", "record-decision", R"({"decision_id": "d2", "cell_id": "cosi", "text": "T",
      "owner_partner": "ddsp", "due": "2013-01-30T00:00:00Z"})"), SC::kFailedPrecondition, "due date");
  Meeting("m2", "copil");
  EXPECT_REFUSED(Refuse("chair", "record-decision", R"({"decision_id": "d2", "cell_id": "cosi", "meeting_id": "m2",
      "text": "T", "owner_partner": "ddsp", "due": "2013-06-30T00:00:00Z"})"),
                 SC::kFailedPrecondition, "not a meeting of cell");
  EXPECT_REFUSED(Refuse("chair", "record-decision", R"({"decision_id": "d2", "cell_id": "copil", "meeting_id": "m2",
      "text": "T", "owner_partner": "ddsp", "due": "2013-06-30T00:00:00Z"})"),
                 SC::kFailedPrecondition, "precedes the meeting");
}

TEST_F(WorkTest, DecisionsAreCompletedOnceByTheirOwner) {
  Run("chair", "record-decision", R"({"decision_id": "d1", "cell_id": "cosi", "text": "T",
      "owner_partner": "douanes", "due": "2013-06-30T00:00:00Z"})");
  EXPECT_EQ(Refuse("m-ddsp", "complete-decision", R"({"decision_id": "d1", "outcome": "realisee"})").code(),
            SC::kPermissionDenied);
  EXPECT_REFUSED(Refuse("m-douanes", "complete-decision", R"({"decision_id": "d1", "outcome": "bof"})"),
                 SC::kFailedPrecondition, "decision_outcomes");
  Decided d = Run("m-douanes", "complete-decision", R"({"decision_id": "d1", "outcome": "realisee"})");
  EXPECT_EQ(d.role, "member");
  EXPECT_EQ(state_.decisions.at("d1").completed->outcome, "realisee");
  EXPECT_REFUSED(Refuse("ref", "complete-decision", R"({"decision_id": "d1", "outcome": "realisee"})"),
                 SC::kFailedPrecondition, "already completed");
  EXPECT_EQ(Refuse("ref", "complete-decision", R"({"decision_id": "zz", "outcome": "realisee"})").code(),
            SC::kNotFound);
}

TEST_F(WorkTest, InformationGoesOnlyToTheSendersCells) {
  Share("m-ville", "i1", "partenariale", "restricted");
  const InformationItem& item = state_.information.at("i1");
  EXPECT_EQ(item.from_partner, "ville");
  EXPECT_EQ(item.shared.occurred_at_ns, now_);
  EXPECT_EQ(Refuse("m-ville", "share-information", R"({"info_id": "i2", "cell_id": "cosi",
      "topic": "rodeos", "neighbourhood": "", "summary": "S", "sensitivity": "public"})").code(),
            SC::kFailedPrecondition);
  EXPECT_EQ(Refuse("m-ville", "share-information", R"({"info_id": "i1", "cell_id": "partenariale",
      "topic": "rodeos", "neighbourhood": "", "summary": "S", "sensitivity": "public"})").code(),
            SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("m-ville", "share-information", R"({"info_id": "i2", "cell_id": "partenariale",
      "topic": "rodeos", "neighbourhood": "Paris", "summary": "S", "sensitivity": "public"})"),
                 SC::kFailedPrecondition, "neighbourhood");
  EXPECT_REFUSED(Refuse("m-ville", "share-information", R"({"info_id": "i2", "cell_id": "partenariale",
      "topic": "ovnis", "neighbourhood": "", "summary": "S", "sensitivity": "public"})"),
                 SC::kFailedPrecondition, "topics");
  EXPECT_EQ(Refuse("chair", "share-information", R"({"info_id": "i2", "cell_id": "copil",
      "topic": "rodeos", "neighbourhood": "", "summary": "S", "sensitivity": "public"})").code(),
            SC::kPermissionDenied);
}

// The cell view pages through these lists (Cell::meeting_ids...) instead of
// every cell's items: each cell lists its own, in the order recorded.
TEST_F(WorkTest, EachCellListsItsItemsInTheOrderRecorded) {
  Meeting("m1", "copil");
  Meeting("m2", "cosi");
  Meeting("m3", "copil");
  Share("m-ville", "i2", "partenariale", "public");
  Share("m-ville", "i1", "partenariale", "restricted");
  using Ids = IdList;  // compared as the State holds them
  EXPECT_EQ(state_.cells.at("copil").meeting_ids, (Ids{"m1", "m3"}));
  EXPECT_EQ(state_.cells.at("cosi").meeting_ids, (Ids{"m2"}));
  EXPECT_EQ(state_.cells.at("partenariale").info_ids, (Ids{"i2", "i1"}));
  EXPECT_TRUE(state_.cells.at("cosi").info_ids.empty());
  EXPECT_TRUE(state_.cells.at("copil").decision_ids.empty());
  EXPECT_TRUE(state_.cells.at("copil").control_ids.empty());
}

TEST_F(WorkTest, ConfidentialInformationNeedsTheCharter) {
  EXPECT_REFUSED(Refuse("m-bailleur", "share-information", R"({"info_id": "i1", "cell_id": "partenariale",
      "topic": "degradations", "neighbourhood": "", "summary": "S", "sensitivity": "confidential"})"),
                 SC::kFailedPrecondition, "charter");
  Share("m-bailleur", "i2", "partenariale", "restricted");
}

TEST_F(WorkTest, AnalysesKeepConfidentialItemsInTheirCell) {
  Share("m-ddsp", "i1", "cosi", "confidential");
  Share("m-ddsp", "i2", "partenariale", "restricted");
  Share("m-douanes", "i3", "cosi", "restricted");
  EXPECT_REFUSED(Refuse("ref", "record-analysis", R"({"analysis_id": "a1", "info_ids": ["i1", "i2"],
      "conclusion": "C", "recommended_action": ""})"), SC::kFailedPrecondition, "stays in its cell");
  Run("ref", "record-analysis", R"({"analysis_id": "a1", "info_ids": ["i1", "i3"],
      "conclusion": "Point de deal", "recommended_action": "Contrôle coordonné"})");
  EXPECT_EQ(state_.information.at("i1").analysis_ids, std::vector<std::string>{"a1"});
  EXPECT_EQ(Refuse("m-ddsp", "record-analysis", R"({"analysis_id": "a2", "info_ids": ["i2"],
      "conclusion": "C", "recommended_action": ""})").code(), SC::kPermissionDenied);
  EXPECT_REFUSED(Refuse("ref", "record-analysis", R"({"analysis_id": "a2", "info_ids": ["ghost"],
      "conclusion": "C", "recommended_action": ""})"), SC::kFailedPrecondition, "ghost");
  EXPECT_EQ(Refuse("ref", "record-analysis", R"({"analysis_id": "a1", "info_ids": ["i2"],
      "conclusion": "C", "recommended_action": ""})").code(), SC::kAlreadyExists);
}

TEST_F(WorkTest, ControlsArePlannedBySecurityCellsWithTheirMembers) {
  Decided d = Run("ref", "plan-control", R"({"control_id": "c1", "cell_id": "cosi",
      "planned_for": "2013-03-08T06:00:00Z", "place": "Centre commercial",
      "services": ["ddsp", "douanes"], "objectives": "Débits de boissons"})");
  EXPECT_EQ(d.events[0].stream, "control-c1");
  EXPECT_REFUSED(Refuse("ref", "plan-control", R"({"control_id": "c2", "cell_id": "partenariale",
      "planned_for": "2013-03-08T06:00:00Z", "place": "P", "services": ["ddsp"], "objectives": "O"})"),
                 SC::kFailedPrecondition, "security_operational");
  EXPECT_REFUSED(Refuse("ref", "plan-control", R"({"control_id": "c2", "cell_id": "cosi",
      "planned_for": "2013-03-08T06:00:00Z", "place": "P", "services": ["ddsp", "ville"], "objectives": "O"})"),
                 SC::kFailedPrecondition, "not a member");
  EXPECT_EQ(Refuse("m-ddsp", "plan-control", R"({"control_id": "c2", "cell_id": "cosi",
      "planned_for": "2013-03-08T06:00:00Z", "place": "P", "services": ["ddsp"], "objectives": "O"})").code(),
            SC::kPermissionDenied);
  EXPECT_EQ(Refuse("ref", "plan-control", R"({"control_id": "c1", "cell_id": "cosi",
      "planned_for": "2013-03-08T06:00:00Z", "place": "P", "services": ["ddsp"], "objectives": "O"})").code(),
            SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("ref", "plan-control", R"({"control_id": "c2", "cell_id": "cosi",
      "planned_for": "2013-02-08T06:00:00Z", "place": "P", "services": ["ddsp"], "objectives": "O"})"),
                 SC::kFailedPrecondition, "ahead of time");
}

TEST_F(WorkTest, ControlOutcomesComeFromTheServicesThatTookPart) {
  Run("ref", "plan-control", R"({"control_id": "c1", "cell_id": "cosi", "planned_for": "2013-03-08T06:00:00Z",
      "place": "P", "services": ["ddsp", "douanes"], "objectives": "O"})");
  const std::string_view outcome = R"({"control_id": "c1", "persons_controlled": 42, "offences_found": 3,
      "seizures": 1, "administrative_closures": 1, "fines": 5, "occurred_at": "2013-03-08T09:00:00Z"})";
  EXPECT_EQ(Refuse("m-ville", "record-control-outcome", outcome).code(), SC::kPermissionDenied);
  Run("m-douanes", "record-control-outcome", outcome);
  const Control& c = state_.controls.at("c1");
  ASSERT_TRUE(c.outcome.has_value());
  EXPECT_EQ(c.outcome->persons_controlled, 42u);
  EXPECT_EQ(c.outcome->stamp.occurred_at_ns, At("2013-03-08T09:00:00Z"));
  EXPECT_REFUSED(Refuse("ref", "record-control-outcome", outcome), SC::kFailedPrecondition, "already has");
  EXPECT_REFUSED(Refuse("ref", "cancel-control", R"({"control_id": "c1", "reason": "Météo"})"),
                 SC::kFailedPrecondition, "already executed");
}

TEST_F(WorkTest, CancelledControlsTakeNoOutcome) {
  Run("ref", "plan-control", R"({"control_id": "c1", "cell_id": "cosi", "planned_for": "2013-03-08T06:00:00Z",
      "place": "P", "services": ["ddsp"], "objectives": "O"})");
  EXPECT_EQ(Refuse("m-ddsp", "cancel-control", R"({"control_id": "c1", "reason": "Météo"})").code(),
            SC::kPermissionDenied);
  Decided d = Run("chair", "cancel-control", R"({"control_id": "c1", "reason": "Météo"})");
  EXPECT_EQ(d.role, "chair");
  EXPECT_EQ(state_.controls.at("c1").cancelled->reason, "Météo");
  EXPECT_REFUSED(Refuse("ref", "record-control-outcome", R"({"control_id": "c1", "persons_controlled": 0,
      "offences_found": 0, "seizures": 0, "administrative_closures": 0, "fines": 0})"),
                 SC::kFailedPrecondition, "cancelled");
  EXPECT_EQ(Refuse("ref", "cancel-control", R"({"control_id": "zz", "reason": "R"})").code(), SC::kNotFound);
}

}  // namespace
}  // namespace vigie::projections::domain_testing
