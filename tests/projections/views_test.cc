// Access filtering of the working views, role by role, on the ZSP scenario.
#include "projections/views.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "projections/access_log_view.h"
#include "projections/plan_view.h"
#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;
using namespace testing;

// The test "cipher" stores plain bytes (zsp_scenario.cc).
std::optional<std::string> IdentityUnseal(const Situation&, const SealedField& sealed,
                                          std::string_view) {
  return sealed.ciphertext;
}

std::set<std::string> Ids(const json::value& body, std::string_view list, std::string_view key) {
  std::set<std::string> out;
  for (const json::value& v : body.at(list).as_array()) out.insert(std::string(v.at(key).as_string()));
  return out;
}

bool Contains(const json::value& body, std::string_view text) {
  return json::serialize(body).find(text) != std::string::npos;
}

class ViewsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario_ = new ZspScenario(BuildZspScenario());
    state_ = new State(scenario_->Fold());
  }
  static void TearDownTestSuite() {
    delete state_;
    delete scenario_;
  }
  static ViewScope Now() { return {*state_, *state_, T("2014-03-01T12:00:00Z")}; }

  static ZspScenario* scenario_;
  static State* state_;
};
ZspScenario* ViewsTest::scenario_ = nullptr;
State* ViewsTest::state_ = nullptr;

TEST_F(ViewsTest, CellListShowsTheCellsOfOnesOrganisation) {
  auto cells = [&](const Caller& c) { return Ids(*CellListView(Now(), c), "cells", "cell_id"); };
  EXPECT_EQ(cells(Referent()), (std::set<std::string>{"cp", "csi"}));
  EXPECT_EQ(cells(MemberVille()), (std::set<std::string>{"cp"}));
  EXPECT_EQ(cells(MemberDouanes()), (std::set<std::string>{"csi"}));
  EXPECT_EQ(cells(ChairPrefecture()), (std::set<std::string>{"cp", "csi"}));
  EXPECT_EQ(cells(Admin()), (std::set<std::string>{"cp", "csi"}));
  EXPECT_EQ(CellListView(Now(), Evaluator()).error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(CellListView(Now(), Auditor()).error().code(), StatusCode::kPermissionDenied);
}

TEST_F(ViewsTest, MemberWithCharterSeesEveryLevelOfItsCell) {
  auto body = CellView(Now(), MemberVille(), "cp");
  ASSERT_TRUE(body.has_value()) << body.error().ToString();
  EXPECT_EQ(body->at("as_of_position").as_uint64(), scenario_->size_all);
  EXPECT_EQ(Ids(*body, "information", "info_id"),
            (std::set<std::string>{"i3", "i4", "i5", "i6", "i7", "i8"}));
  EXPECT_EQ(Ids(*body, "analyses", "analysis_id"), (std::set<std::string>{"a3", "a4", "a5"}));
  // sd2 and sd3 are about situations the town is not named on.
  EXPECT_EQ(Ids(*body, "decisions", "decision_id"), (std::set<std::string>{"d2", "d3", "sd1"}));
  EXPECT_EQ(Ids(*body, "members", "partner_id"),
            (std::set<std::string>{"bailleur", "ddsp", "parquet", "ville"}));
  EXPECT_EQ(body->at("situations").at("total").as_int64(), 4);
  EXPECT_FALSE(Contains(*body, kPseudonymS1));
  EXPECT_FALSE(Contains(*body, kNoteS1));
}

TEST_F(ViewsTest, MemberWithoutCharterSeesNoConfidentialItem) {
  auto body = CellView(Now(), MemberBailleur(), "cp");
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(Ids(*body, "information", "info_id"),
            (std::set<std::string>{"i3", "i4", "i6", "i7", "i8"}));
  EXPECT_FALSE(Contains(*body, "Menaces signalées"));  // i5's summary
  EXPECT_FALSE(Contains(*body, "Menaces liées au trafic"));  // a4 covers i5
  // Without the charter, no situation: neither its decisions nor its id.
  EXPECT_EQ(Ids(*body, "decisions", "decision_id"), (std::set<std::string>{"d2"}));
  EXPECT_FALSE(Contains(*body, "\"situation_id\""));
}

TEST_F(ViewsTest, ConfidentialCellStaysInside) {
  auto douanes = CellView(Now(), MemberDouanes(), "csi");
  ASSERT_TRUE(douanes.has_value());
  EXPECT_EQ(Ids(*douanes, "information", "info_id"), (std::set<std::string>{"i1", "i2"}));
  EXPECT_EQ(Ids(*douanes, "controls", "control_id"),
            (std::set<std::string>{"c1", "c2", "c3", "c4"}));
  auto outsider = CellView(Now(), MemberVille(), "csi");
  auto missing = CellView(Now(), MemberVille(), "no-such-cell");
  ASSERT_FALSE(outsider.has_value());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(outsider.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(outsider.error().code(), missing.error().code());
  EXPECT_EQ(outsider.error().message(), missing.error().message());
}

TEST_F(ViewsTest, AdministratorSeesCompositionOnly) {
  auto body = CellView(Now(), Admin(), "csi");
  ASSERT_TRUE(body.has_value());
  EXPECT_TRUE(body->as_object().contains("members"));
  for (const char* hidden : {"information", "analyses", "meetings", "decisions", "controls",
                             "situations"}) {
    EXPECT_FALSE(body->as_object().contains(hidden)) << hidden;
  }
  EXPECT_FALSE(Contains(*body, "Point de deal"));
  EXPECT_EQ(CellView(Now(), Evaluator(), "cp").error().code(), StatusCode::kPermissionDenied);
}

// ---- GET /v1/information --------------------------------------------------

InformationQuery InCell(std::string cell) {
  InformationQuery q;
  q.cell = std::move(cell);
  return q;
}

std::vector<std::string> IdsInOrder(const json::value& body) {
  std::vector<std::string> out;
  for (const json::value& v : body.at("information").as_array()) {
    out.emplace_back(v.at("info_id").as_string());
  }
  return out;
}

// The situation each listed item links to ("" when none is shown).
std::map<std::string, std::string> SituationLinks(const json::value& body) {
  std::map<std::string, std::string> out;
  for (const json::value& v : body.at("information").as_array()) {
    const json::value* situation = v.as_object().if_contains("situation_id");
    out[std::string(v.at("info_id").as_string())] =
        situation ? std::string(situation->as_string()) : std::string();
  }
  return out;
}

TEST_F(ViewsTest, InformationOfACellOutsideOnesOwnIsItsPublicItemsOnly) {
  // The customs are in csi, not in cp: cp's cell view is closed to them.
  ASSERT_FALSE(CellView(Now(), MemberDouanes(), "cp").has_value());
  auto cp = InformationListView(Now(), MemberDouanes(), InCell("cp"));
  ASSERT_TRUE(cp.has_value()) << cp.error().ToString();
  EXPECT_EQ(Ids(*cp, "information", "info_id"), (std::set<std::string>{"i3", "i6", "i8"}));
  for (const char* hidden : {"Tags menaçants", "Menaces signalées", "Absences scolaires",
                             "\"situation_id\"", "\"restricted\"", "\"confidential\""}) {
    EXPECT_FALSE(Contains(*cp, hidden)) << hidden;
  }
  EXPECT_EQ(cp->at("as_of_position").as_uint64(), scenario_->size_all);
  EXPECT_TRUE(cp->at("next").is_null());
  // Across the cells: its own cell's items as well, at every level.
  auto all = InformationListView(Now(), MemberDouanes(), {});
  EXPECT_EQ(Ids(*all, "information", "info_id"),
            (std::set<std::string>{"i1", "i2", "i3", "i6", "i8"}));
}

TEST_F(ViewsTest, InformationForMembersFollowsSensitivityAndCharter) {
  auto ville = InformationListView(Now(), MemberVille(), {});
  ASSERT_TRUE(ville.has_value());
  // Restricted and confidential items of cp; nothing of csi, which has no public item.
  EXPECT_EQ(Ids(*ville, "information", "info_id"),
            (std::set<std::string>{"i3", "i4", "i5", "i6", "i7", "i8"}));
  EXPECT_FALSE(Contains(*ville, "Point de deal"));       // i1, confidential in csi
  EXPECT_FALSE(Contains(*ville, "Livraisons suspectes"));  // i2, restricted to csi
  auto bailleur = InformationListView(Now(), MemberBailleur(), {});  // charter unsigned
  EXPECT_EQ(Ids(*bailleur, "information", "info_id"),
            (std::set<std::string>{"i3", "i4", "i6", "i7", "i8"}));
  EXPECT_FALSE(Contains(*bailleur, "Menaces signalées"));
  EXPECT_FALSE(Contains(*bailleur, "Menaces liées au trafic"));  // a4 covers i5
  EXPECT_FALSE(Contains(*bailleur, "\"situation_id\""));
}

TEST_F(ViewsTest, InformationListShowsACellExactlyAsItsCellViewDoes) {
  for (const Caller& c : {Referent(), MemberDdsp(), MemberVille(), MemberBailleur(), MemberDouanes(),
                          ChairPrefecture()}) {
    for (const char* cell : {"cp", "csi"}) {
      auto view = CellView(Now(), c, cell);
      if (!view.has_value()) continue;
      SCOPED_TRACE(c.person_id + " " + cell);
      auto list = InformationListView(Now(), c, InCell(cell));
      ASSERT_TRUE(list.has_value());
      EXPECT_EQ(list->at("information"), view->at("information"));
      EXPECT_EQ(list->at("analyses"), view->at("analyses"));
    }
  }
}

TEST_F(ViewsTest, InformationLinksOnlyTheSituationsOneMaySee) {
  // i4 is about s1 (the town is on its need-to-know list), i7 about s2
  // (the police and the customs are).
  auto ville = SituationLinks(*InformationListView(Now(), MemberVille(), InCell("cp")));
  EXPECT_EQ(ville.at("i4"), "s1");
  EXPECT_EQ(ville.at("i7"), "");
  auto ddsp = SituationLinks(*InformationListView(Now(), MemberDdsp(), InCell("cp")));
  EXPECT_EQ(ddsp.at("i4"), "");
  EXPECT_EQ(ddsp.at("i7"), "s2");
}

TEST_F(ViewsTest, InformationForAuditorsIsPublicAndRefusedToEvaluatorsAndAdministrator) {
  auto auditor = InformationListView(Now(), Auditor(), {});
  ASSERT_TRUE(auditor.has_value());
  EXPECT_EQ(Ids(*auditor, "information", "info_id"), (std::set<std::string>{"i3", "i6", "i8"}));
  EXPECT_FALSE(Contains(*auditor, "\"situation_id\""));
  for (const Caller& c : {Evaluator(), Admin()}) {
    auto refused = InformationListView(Now(), c, {});
    ASSERT_FALSE(refused.has_value()) << c.person_id;
    EXPECT_EQ(refused.error().code(), StatusCode::kPermissionDenied) << c.person_id;
  }
}

TEST_F(ViewsTest, InformationIsPagedNewestFirstByRecordingOrder) {
  auto all = InformationListView(Now(), Referent(), {});
  ASSERT_TRUE(all.has_value());
  const std::vector<std::string> every = IdsInOrder(*all);
  // i8 happened in March 2013 but was recorded last.
  EXPECT_EQ(every, (std::vector<std::string>{"i8", "i7", "i5", "i4", "i3", "i6", "i2", "i1"}));
  std::vector<std::string> paged;
  InformationQuery q;
  q.limit = 3;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = InformationListView(Now(), Referent(), q);
    ASSERT_TRUE(page.has_value());
    const std::vector<std::string> ids = IdsInOrder(*page);
    EXPECT_LE(ids.size(), 3u);
    paged.insert(paged.end(), ids.begin(), ids.end());
    if (page->at("next").is_null()) break;
    const std::uint64_t next = page->at("next").as_uint64();
    EXPECT_EQ(next, page->at("information").as_array().back().at("position").as_uint64());
    q.before = next;
  }
  EXPECT_EQ(paged, every);
}

TEST_F(ViewsTest, InformationScanBoundCutsPagesShortButLosesNothing) {
  // Newest first in cp: i8 (public), i7, i5, i4 (hidden from the customs),
  // i3, i6 (public). Two items examined per page.
  std::vector<std::string> paged;
  std::vector<std::size_t> sizes;
  InformationQuery q = InCell("cp");
  for (int pages = 0; pages < 10; ++pages) {
    auto page = InformationListView(Now(), MemberDouanes(), q, 2);
    ASSERT_TRUE(page.has_value());
    const std::vector<std::string> ids = IdsInOrder(*page);
    sizes.push_back(ids.size());
    paged.insert(paged.end(), ids.begin(), ids.end());
    if (page->at("next").is_null()) break;
    q.before = page->at("next").as_uint64();
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"i8", "i3", "i6"}));
  // The last page ends with cp's oldest item: nothing is left, `next` is null.
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 0, 2}));
}

TEST_F(ViewsTest, InformationAsOfHidesLaterItemsAndPeriodSelectsWhatHappened) {
  const State before = scenario_->FoldTo(scenario_->size_before_late_item);
  auto old = InformationListView({*state_, before, T("2014-02-01T00:00:00Z")}, Referent(), {});
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->at("as_of_position").as_uint64(), scenario_->size_before_late_item);
  EXPECT_EQ(Ids(*old, "information", "info_id"),
            (std::set<std::string>{"i1", "i2", "i3", "i4", "i5", "i6", "i7"}));
  InformationQuery february;
  february.from_ns = T("2013-02-01T00:00:00Z");
  february.to_ns = T("2013-03-01T00:00:00Z");
  EXPECT_EQ(Ids(*InformationListView(Now(), Referent(), february), "information", "info_id"),
            (std::set<std::string>{"i3", "i4"}));
  InformationQuery march;  // [from, to): i8 happened exactly at `from`
  march.from_ns = T("2013-03-28T10:00:00Z");
  march.to_ns = T("2013-04-01T00:00:00Z");
  EXPECT_EQ(Ids(*InformationListView(Now(), Referent(), march), "information", "info_id"),
            (std::set<std::string>{"i8"}));
}

TEST_F(ViewsTest, InformationOfAnUnknownCellIsAsEmptyAsOfAHiddenOne) {
  auto hidden = InformationListView(Now(), MemberVille(), InCell("csi"));  // no public item
  auto missing = InformationListView(Now(), MemberVille(), InCell("no-such-cell"));
  ASSERT_TRUE(hidden.has_value());
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(*hidden, *missing);
  EXPECT_TRUE(hidden->at("information").as_array().empty());
}

TEST_F(ViewsTest, RenamedPartnerKeepsItsOldNameInAnOldView) {
  const State before = scenario_->FoldTo(scenario_->size_before_rename);
  const std::int64_t then = scenario_->events[scenario_->size_before_rename - 1].meta.recorded_at_ns;
  auto old_view = CellView({*state_, before, then}, MemberVille(), "cp");
  ASSERT_TRUE(old_view.has_value());
  EXPECT_TRUE(Contains(*old_view, "DDSP de la Loire"));
  EXPECT_FALSE(Contains(*old_view, "DDPN de la Loire"));
  EXPECT_EQ(old_view->at("as_of_position").as_uint64(), scenario_->size_before_rename);
  auto current = CellView(Now(), MemberVille(), "cp");
  EXPECT_TRUE(Contains(*current, "DDPN de la Loire"));
  EXPECT_FALSE(Contains(*current, "DDSP de la Loire"));
}

TEST_F(ViewsTest, SituationListPerRole) {
  auto list = [&](const Caller& c) {
    return Ids(*SituationListView(Now(), c, std::nullopt), "situations", "situation_id");
  };
  EXPECT_EQ(list(Referent()), (std::set<std::string>{"s1", "s2", "s3", "s4"}));
  EXPECT_EQ(list(MemberVille()), (std::set<std::string>{"s1", "s4"}));
  EXPECT_EQ(list(MemberDdsp()), (std::set<std::string>{"s2"}));
  EXPECT_EQ(list(MemberDouanes()), (std::set<std::string>{"s2"}));
  EXPECT_TRUE(list(ChairPrefecture()).empty());
  EXPECT_EQ(SituationListView(Now(), MemberBailleur(), std::nullopt).error().code(),
            StatusCode::kPermissionDenied);  // charter unsigned
  for (const Caller& c : {Admin(), Evaluator(), Auditor()}) {
    EXPECT_EQ(SituationListView(Now(), c, std::nullopt).error().code(),
              StatusCode::kPermissionDenied);
  }
  auto body = SituationListView(Now(), Referent(), std::string("cp"));
  EXPECT_FALSE(Contains(*body, kPseudonymS1));
  EXPECT_FALSE(Contains(*body, "pseudonym"));
  EXPECT_FALSE(Contains(*body, "birth_year"));
}

TEST_F(ViewsTest, SituationFileForANeedToKnowPartner) {
  auto file = SituationFileView(Now(), MemberVille(), "s1", std::nullopt, IdentityUnseal);
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->at("pseudonym").as_string(), kPseudonymS1);
  EXPECT_EQ(file->at("birth_year").as_string(), kBirthYearS1);
  EXPECT_EQ(file->at("notes").at(0).at("text").as_string(), kNoteS1);
  EXPECT_EQ(Ids(*file, "information", "info_id"), (std::set<std::string>{"i4", "i5"}));
  EXPECT_EQ(Ids(*file, "decisions", "decision_id"), (std::set<std::string>{"sd1", "d3"}));
  EXPECT_EQ(file->at("status").as_string(), "closed");
  EXPECT_EQ(file->at("as_of_position").as_uint64(), scenario_->size_all);
}

TEST_F(ViewsTest, NeedToKnowOutsideTheCellSeesOnlyPublicItems) {
  auto file = SituationFileView(Now(), MemberDouanes(), "s2", std::nullopt, IdentityUnseal);
  ASSERT_TRUE(file.has_value());
  EXPECT_TRUE(file->at("information").as_array().empty());  // i7 is restricted to cp
  EXPECT_FALSE(Contains(*file, "Absences scolaires"));
}

TEST_F(ViewsTest, HiddenSituationAnswersLikeAMissingOne) {
  auto missing = SituationFileView(Now(), Referent(), "no-such", std::string("x"), IdentityUnseal);
  ASSERT_FALSE(missing.has_value());
  for (const Caller& c : {MemberDdsp(), MemberDouanes(), ChairPrefecture(), Admin(), Evaluator(),
                          Auditor()}) {
    auto hidden = SituationFileView(Now(), c, "s1", std::string("curiosité"), IdentityUnseal);
    ASSERT_FALSE(hidden.has_value()) << c.person_id;
    EXPECT_EQ(hidden.error().code(), StatusCode::kNotFound) << c.person_id;
    EXPECT_EQ(hidden.error().message(), missing.error().message()) << c.person_id;
    auto also_missing = SituationFileView(Now(), c, "no-such", std::string("x"), IdentityUnseal);
    EXPECT_EQ(also_missing.error().message(), hidden.error().message());
  }
  EXPECT_EQ(CheckSituationRead(*state_, MemberBailleur(), "s1", std::nullopt).code(),
            StatusCode::kPermissionDenied);
}

TEST_F(ViewsTest, ArchivedSituationNeedsAPurpose) {
  EXPECT_EQ(CheckSituationRead(*state_, Referent(), "s3", std::nullopt).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckSituationRead(*state_, Referent(), "s3", std::string("  ")).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckSituationRead(*state_, Referent(), "s3", std::string("contrôle DPO")).ok());
  EXPECT_TRUE(CheckSituationRead(*state_, Referent(), "s1", std::nullopt).ok());
}

TEST_F(ViewsTest, ErasedSubjectShowsEffaceAndNoSealedBytes) {
  auto file = SituationFileView(Now(), Referent(), "s4", std::string("contrôle DPO"), IdentityUnseal);
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->at("pseudonym").as_string(), kErased);
  EXPECT_EQ(file->at("birth_year").as_string(), kErased);
  EXPECT_EQ(file->at("status").as_string(), "erased");
  EXPECT_FALSE(Contains(*file, kPseudonymS4));
}

TEST_F(ViewsTest, SituationFileAsOfBeforeItsOpening) {
  const auto opened = std::find_if(scenario_->events.begin(), scenario_->events.end(), [](auto& e) {
    return e.stream == "situation-s1" && e.type == "SituationOpened";
  });
  const auto position = static_cast<std::uint64_t>(opened - scenario_->events.begin());
  const State before = scenario_->FoldTo(position);
  auto file = SituationFileView({*state_, before, T("2013-02-01T00:00:00Z")}, MemberVille(), "s1",
                                std::nullopt, IdentityUnseal);
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), StatusCode::kNotFound);
  const State after = scenario_->FoldTo(position + 1);
  auto early = SituationFileView({*state_, after, T("2013-02-10T11:00:00Z")}, MemberVille(), "s1",
                                 std::nullopt, IdentityUnseal);
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->at("status").as_string(), "active");
  EXPECT_TRUE(early->at("notes").as_array().empty());
  EXPECT_EQ(early->at("as_of_position").as_uint64(), position + 1);
}

TEST_F(ViewsTest, PlanInNumberOrderWithEvaluations) {
  auto plan = PlanView(Now(), Evaluator());
  ASSERT_TRUE(plan.has_value());
  const auto& priorities = plan->at("priorities").as_array();
  ASSERT_EQ(priorities.size(), 2u);
  EXPECT_EQ(priorities[0].at("number").as_uint64(), 1u);
  EXPECT_EQ(Ids(priorities[0], "commitments", "commitment_id"), (std::set<std::string>{"k1", "k3"}));
  const auto& k1 = priorities[0].at("commitments").at(0);
  EXPECT_EQ(k1.at("evaluations").at(0).at("status").as_string(), "met");
  // When it was made (occurred_at), and when the log recorded it: an hour
  // later at least, in the scenario.
  EXPECT_EQ(k1.at("made_at").as_string(), "2013-04-01T11:00:00Z");
  EXPECT_GE(std::string(k1.at("recorded_at").as_string()), "2013-04-01T12:00:00Z");
  EXPECT_EQ(plan->at("amendments").at(0).at("amendment_id").as_string(), "av1");
  const State april = scenario_->FoldTo(scenario_->size_end_of_april);
  auto old_plan = PlanView({*state_, april, T("2013-04-30T12:00:00Z")}, Evaluator());
  EXPECT_TRUE(old_plan->at("priorities").at(0).at("commitments").at(0).at("evaluations")
                  .as_array().empty());
}

TEST_F(ViewsTest, AccessLogForAuditorsWithFilters) {
  AccessLogQuery all;
  auto log = AccessLogView(Now(), Auditor(), all);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->at("consultations").as_array().size(), 2u);
  EXPECT_EQ(log->at("consultations").at(0).at("purpose").as_string(), "préparation de la cellule");
  EXPECT_FALSE(log->at("truncated").as_bool());
  AccessLogQuery by_person;
  by_person.person = "ref";
  EXPECT_EQ(Ids(*AccessLogView(Now(), Auditor(), by_person), "consultations", "situation_id"),
            (std::set<std::string>{"s4"}));
  AccessLogQuery by_situation;
  by_situation.situation = "s1";
  EXPECT_EQ(Ids(*AccessLogView(Now(), Auditor(), by_situation), "consultations", "person_id"),
            (std::set<std::string>{"m-ville"}));
  AccessLogQuery range;
  range.from_ns = T("2014-02-22T00:00:00Z");
  range.to_ns = T("2014-02-23T00:00:00Z");
  EXPECT_EQ(Ids(*AccessLogView(Now(), Auditor(), range), "consultations", "situation_id"),
            (std::set<std::string>{"s4"}));
  for (const Caller& c : {Referent(), Admin(), Evaluator(), MemberVille()}) {
    EXPECT_EQ(AccessLogView(Now(), c, all).error().code(), StatusCode::kPermissionDenied);
  }
}

}  // namespace
}  // namespace vigie::projections
