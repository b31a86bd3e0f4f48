// `vigie demo`: the year loads through every domain rule, is the same on
// every run, and its late recordings make "as known on" views differ.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "eventstore/event_store.h"
#include "projections/ledger.h"
#include "tests/tools/tools_test_support.h"
#include "tools/demo_year.h"
#include "tools/read_session.h"

namespace vigie::tools {
namespace {

using testing::RunVigie;
using testing::TempDir;

const boost::json::object& YearTotals(const boost::json::value& evaluation) {
  return evaluation.at("statistics").at("year").at("periods").at(0).at("derived").as_object();
}

std::string StatusOf(const boost::json::value& evaluation, std::string_view commitment) {
  for (const auto& c : evaluation.at("commitments").as_array()) {
    if (c.at("commitment_id").as_string() == commitment) {
      return c.at("status").is_string() ? std::string(c.at("status").as_string()) : "null";
    }
  }
  return "absent";
}

TEST(DemoTest, TwoLoadsGiveTheSameRootAndTokens) {
  TempDir dir("vigie-demo");
  DemoOptions first;
  first.dir = dir / "first";
  DemoOptions second;
  second.dir = dir / "second";
  auto a = LoadDemoYear(first);
  ASSERT_TRUE(a.has_value()) << a.error().message();
  auto b = LoadDemoYear(second);
  ASSERT_TRUE(b.has_value()) << b.error().message();
  EXPECT_EQ(a->root_hash, b->root_hash);
  EXPECT_EQ(a->tree_size, b->tree_size);
  ASSERT_EQ(a->people.size(), b->people.size());
  for (std::size_t i = 0; i < a->people.size(); ++i) EXPECT_EQ(a->people[i].token, b->people[i].token);
  EXPECT_GT(a->commands, 500u);
  EXPECT_EQ(a->root_hash, testing::SharedDemoRoot());
}

TEST(DemoTest, StoreVerifiesAndHoldsTheYear) {
  auto report = eventstore::VerifyStore(testing::SharedDemoDir());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok()) << report->problem;
  auto session = OpenReadSession(testing::SharedDemoDir());
  ASSERT_TRUE(session.has_value()) << session.error().message();
  auto evaluation = (*session)->ledger->Evaluation(CliCaller("evaluator"), 2013, {});
  ASSERT_TRUE(evaluation.has_value()) << evaluation.error().message();
  const auto& totals = YearTotals(*evaluation);
  EXPECT_EQ(totals.at("controls_planned").to_number<int>(), 24);
  EXPECT_EQ(totals.at("controls_cancelled").to_number<int>(), 3);
  EXPECT_EQ(totals.at("controls_executed").to_number<int>(), 21);
  EXPECT_EQ(totals.at("situations_opened").to_number<int>(), 10);
  EXPECT_EQ(totals.at("situations_closed").to_number<int>(), 5);
  EXPECT_EQ(totals.at("emergency_meetings_held").to_number<int>(), 1);
  // 12 security cell meetings, 11 partnership ones, 3 steering committees, 1 emergency.
  EXPECT_EQ(totals.at("meetings_held").to_number<int>(), 27);
  EXPECT_GT(totals.at("information_shared").to_number<int>(), 80);
  // Recorded figures of the year: crime facts add up over the months; the
  // headcount of security assistants is the one figure of the year, not a
  // sum of monthly headcounts.
  const auto& recorded = evaluation->at("statistics").at("year").at("periods").at(0).at("recorded");
  EXPECT_EQ(recorded.at("effectif-ads").at("value").to_number<int>(), 7);
  EXPECT_EQ(recorded.at("atteintes-biens").at("value").to_number<int>(), 374);
  EXPECT_EQ(evaluation->at("priorities").as_array().size(), 6u);
  EXPECT_EQ(evaluation->at("commitments").as_array().size(), 15u);
  EXPECT_EQ(evaluation->at("territory").at("name").as_string(), "ZSP de Montreynaud");
}

// Recorded late: December's first control outcome (2014-03-01), the
// correction of a commitment's evaluation (2014-03-05), November's revised
// crime figure (2014-02-20).
TEST(DemoTest, YearAsKnownInFebruaryDiffersFromToday) {
  auto session = OpenReadSession(testing::SharedDemoDir());
  ASSERT_TRUE(session.has_value()) << session.error().message();
  auto as_of = projections::ParseAsOf("2014-02-15T00:00:00+01:00");
  ASSERT_TRUE(as_of.has_value());
  auto then = (*session)->ledger->Evaluation(CliCaller("evaluator"), 2013, *as_of);
  auto now = (*session)->ledger->Evaluation(CliCaller("evaluator"), 2013, {});
  ASSERT_TRUE(then.has_value()) << then.error().message();
  ASSERT_TRUE(now.has_value()) << now.error().message();
  EXPECT_LT(then->at("as_of_position").to_number<std::uint64_t>(), now->at("as_of_position").to_number<std::uint64_t>());
  EXPECT_EQ(YearTotals(*then).at("controls_executed").to_number<int>() + 1,
            YearTotals(*now).at("controls_executed").to_number<int>());
  EXPECT_EQ(StatusOf(*then, "c3-gardiens"), "partially_met");
  EXPECT_EQ(StatusOf(*now, "c3-gardiens"), "met");
  const auto& recorded_then = then->at("statistics").at("month").at("periods").at(10).at("recorded");
  const auto& recorded_now = now->at("statistics").at("month").at("periods").at(10).at("recorded");
  EXPECT_EQ(recorded_then.at("delinquance-generale").at("value").to_number<double>(), 58);
  EXPECT_EQ(recorded_now.at("delinquance-generale").at("value").to_number<double>(), 67);

  // As known on 1 January 2014, December's indicator values were not in yet.
  auto january = projections::ParseAsOf("2014-01-01T00:00:00+01:00");
  ASSERT_TRUE(january.has_value());
  auto early = (*session)->ledger->Evaluation(CliCaller("evaluator"), 2013, *january);
  ASSERT_TRUE(early.has_value());
  EXPECT_FALSE(early->at("statistics").at("month").at("periods").at(11).at("recorded").as_object().contains(
      "delinquance-generale"));
}

TEST(DemoTest, CommandPrintsTokensThatAuthenticateAndNothingPersonal) {
  TempDir dir("vigie-demo-cli");
  auto run = RunVigie({"demo", "--data", dir / "data"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto lines = testing::Lines(run.out);
  ASSERT_GE(lines.size(), 20u);
  auto store = eventstore::EventStore::OpenReadOnly(dir / "data");
  ASSERT_TRUE(store.has_value());
  projections::LedgerOptions options;
  options.key_dir = dir / "data/keys";
  auto ledger = projections::Ledger::Open(store->get(), options);
  ASSERT_TRUE(ledger.has_value()) << ledger.error().message();
  bool saw_referent = false, saw_auditor = false, saw_evaluator = false;
  for (const std::string& line : lines) {
    const auto first_tab = line.find('\t');
    const auto second_tab = line.find('\t', first_tab + 1);
    ASSERT_NE(second_tab, std::string::npos) << line;
    const std::string person = line.substr(0, first_tab);
    const std::string roles = line.substr(first_tab + 1, second_tab - first_tab - 1);
    auto caller = (*ledger)->Authenticate(line.substr(second_tab + 1));
    ASSERT_TRUE(caller.has_value()) << person;
    EXPECT_EQ(caller->person_id, person);
    saw_referent |= roles == "referent";
    saw_auditor |= roles == "auditor";
    saw_evaluator |= roles == "evaluator";
    EXPECT_NE(person, "direccte-agent") << "a revoked person's token is printed";
  }
  EXPECT_TRUE(saw_referent && saw_auditor && saw_evaluator);
  for (const std::string& personal : testing::PersonalStrings()) {
    EXPECT_EQ(run.out.find(personal), std::string::npos) << personal;
    EXPECT_EQ(run.err.find(personal), std::string::npos) << personal;
  }
}

TEST(DemoTest, RefusesADirectoryHoldingAStore) {
  TempDir dir("vigie-demo-twice");
  ASSERT_EQ(RunVigie({"init", "--data", dir / "data", "--origin", "test.example/log"}).exit_code, 0);
  auto run = RunVigie({"demo", "--data", dir / "data"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("already holds"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace vigie::tools
