// `vigie report` and `vigie replay` on the demo store: the numbers of the
// HTML and Markdown reports are the projection's, as-of views differ, and
// no personal field ever reaches a report.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include <boost/json.hpp>

#include "projections/french_format.h"
#include "tests/tools/tools_test_support.h"
#include "tools/report_markdown.h"

namespace vigie::tools {
namespace {

using testing::RunVigie;

const boost::json::object& YearTotals(const boost::json::value& evaluation) {
  return evaluation.at("statistics").at("year").at("periods").at(0).at("derived").as_object();
}

std::string Shown(std::string_view key, const boost::json::value& v) {
  if (v.is_null()) return "–";
  const double d = v.to_number<double>();
  if (key == "attendance_rate" || key == "commitments_met_share") return projections::FormatPercentFr(d);
  return projections::FormatNumberFr(d, 1);
}

boost::json::value Json(const std::string& text) { return boost::json::parse(text); }

class ReportTest : public ::testing::Test {
 protected:
  const std::string& dir() { return testing::SharedDemoDir(); }
};

TEST_F(ReportTest, HtmlYearTotalsAreTheProjections) {
  auto json = RunVigie({"report", "--data", dir(), "--year", "2013", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto html = RunVigie({"report", "--data", dir(), "--year", "2013", "--format", "html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const boost::json::value evaluation = Json(json.out);
  std::map<std::string, std::string> cells;
  const std::regex cell(R"re(data-key="([a-z_]+)">([^<]*)<)re");
  for (auto it = std::sregex_iterator(html.out.begin(), html.out.end(), cell); it != std::sregex_iterator(); ++it) {
    cells[(*it)[1]] = (*it)[2];
  }
  const auto& totals = YearTotals(evaluation);
  ASSERT_EQ(cells.size(), totals.size());
  for (const auto& [key, value] : totals) {
    EXPECT_EQ(cells[std::string(key)], Shown(key, value)) << key;
  }
  // The year totals are the dashboard's, replayed on its own.
  auto dashboard = RunVigie({"replay", "--data", dir(), "--projection", "dashboard", "--year", "2013",
                             "--granularity", "year"});
  ASSERT_EQ(dashboard.exit_code, 0) << dashboard.err;
  const boost::json::value year = Json(dashboard.out);
  EXPECT_EQ(year.at("as_of_position"), evaluation.at("as_of_position"));
  EXPECT_EQ(year.at("periods").at(0).at("derived").as_object(), totals);
  EXPECT_GT(totals.at("controls_executed").to_number<double>(), 0);
  EXPECT_GT(totals.at("meetings_held").to_number<double>(), 0);
  EXPECT_NE(html.out.find("<svg"), std::string::npos) << "the report has charts";
  EXPECT_NE(html.out.find(std::string(evaluation.at("checkpoint").as_string()).substr(0, 40)), std::string::npos);
}

TEST_F(ReportTest, MarkdownYearTotalsAreTheProjections) {
  auto json = RunVigie({"report", "--data", dir(), "--year", "2013", "--format", "json"});
  auto md = RunVigie({"report", "--data", dir(), "--year", "2013", "--format", "md"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  const boost::json::value evaluation = Json(json.out);
  EXPECT_TRUE(md.out.starts_with("# Rapport d'évaluation 2013 — ZSP de Montreynaud"));
  const auto& totals = YearTotals(evaluation);
  EXPECT_NE(md.out.find("| Contrôles réalisés | " + Shown("controls_executed", totals.at("controls_executed")) + " |"),
            std::string::npos);
  EXPECT_NE(md.out.find("| Réunions tenues | " + Shown("meetings_held", totals.at("meetings_held")) + " |"),
            std::string::npos);
  EXPECT_NE(md.out.find("Priorité n°6"), std::string::npos);
  EXPECT_NE(md.out.find(std::string(evaluation.at("checkpoint").as_string())), std::string::npos);
}

TEST_F(ReportTest, NoPersonalFieldInAnyFormat) {
  for (const char* format : {"html", "json", "md"}) {
    auto run = RunVigie({"report", "--data", dir(), "--year", "2013", "--format", format});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    for (const std::string& personal : testing::PersonalStrings()) {
      EXPECT_EQ(run.out.find(personal), std::string::npos) << format << ": " << personal;
    }
  }
}

TEST_F(ReportTest, AsOfSelectsWhatWasKnown) {
  auto then = RunVigie({"report", "--data", dir(), "--year", "2013", "--as-of", "2014-02-15T00:00:00+01:00",
                        "--format", "json"});
  auto now = RunVigie({"report", "--data", dir(), "--year", "2013", "--format", "json"});
  ASSERT_EQ(then.exit_code, 0) << then.err;
  const auto a = Json(then.out);
  const auto b = Json(now.out);
  EXPECT_LT(a.at("as_of_position").to_number<std::uint64_t>(), b.at("as_of_position").to_number<std::uint64_t>());
  EXPECT_NE(YearTotals(a).at("controls_executed"), YearTotals(b).at("controls_executed"));
  auto by_position = RunVigie({"report", "--data", dir(), "--year", "2013", "--as-of", "500", "--format", "json"});
  ASSERT_EQ(by_position.exit_code, 0) << by_position.err;
  EXPECT_EQ(Json(by_position.out).at("as_of_position").to_number<int>(), 500);
}

TEST_F(ReportTest, WritesToAFile) {
  testing::TempDir out("vigie-report");
  auto run = RunVigie({"report", "--data", dir(), "--year", "2013", "--output", out / "r.html"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.empty());
  EXPECT_TRUE(testing::ReadFile(out / "r.html").starts_with("<!DOCTYPE html>"));
}

// tools/report_screenshot.sh checks the HTML's figures against the
// projections and renders it in headless Chromium (skipped where Debian's
// `chromium` is not installed; the script installs it when run by hand).
TEST_F(ReportTest, ScreenshotScriptChecksTheFiguresAndRenders) {
  if (std::system("command -v chromium > /dev/null 2>&1") != 0) GTEST_SKIP() << "chromium is not installed";
  testing::TempDir out("vigie-screenshot");
  const std::string command = std::string("VIGIE=") + VIGIE_BINARY + " " + VIGIE_SOURCE_DIR +
                              "/tools/report_screenshot.sh --data " + dir() + " --year 2013 --out " +
                              (out / "r.png") + " > " + (out / "log") + " 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_EQ(status, 0) << testing::ReadFile(out / "log");
  EXPECT_NE(testing::ReadFile(out / "log").find("match the projections"), std::string::npos)
      << testing::ReadFile(out / "log");
  const std::string png = testing::ReadFile(out / "r.png");
  ASSERT_GT(png.size(), 20000u) << "an empty screenshot";
  EXPECT_TRUE(png.starts_with("\x89PNG"));
}

TEST_F(ReportTest, UsageErrors) {
  EXPECT_EQ(RunVigie({"report", "--data", dir()}).exit_code, 2);  // no --year
  EXPECT_EQ(RunVigie({"report", "--data", dir(), "--year", "2013", "--format", "pdf"}).exit_code, 2);
  auto bad_as_of = RunVigie({"report", "--data", dir(), "--year", "2013", "--as-of", "hier"});
  EXPECT_EQ(bad_as_of.exit_code, 2);
  EXPECT_NE(bad_as_of.err.find("--as-of"), std::string::npos) << bad_as_of.err;
  EXPECT_EQ(RunVigie({"report", "--data", dir(), "--year", "2013", "--as-of", "99999999"}).exit_code, 2);
  auto missing = RunVigie({"report", "--data", "/nonexistent/vigie", "--year", "2013"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(testing::Lines(missing.err).size(), 1u) << missing.err;
}

TEST(MarkdownTest, EscapesMarkup) {
  EXPECT_EQ(MarkdownEscape("a|b *c* [x](y) <b>\nz"), "a\\|b \\*c\\* \\[x\\](y) \\<b\\> z");
}

// ---- replay ------------------------------------------------------------------

TEST_F(ReportTest, ReplayEveryProjection) {
  struct Case {
    std::vector<std::string> args;
    std::string key;
  };
  const std::vector<Case> cases = {
      {{"--projection", "cells"}, "cells"},
      {{"--projection", "cells", "--cell", "cosi"}, "membership_history"},
      {{"--projection", "situations"}, "situations"},
      {{"--projection", "dashboard", "--year", "2013"}, "periods"},
      {{"--projection", "dashboard", "--year", "2013", "--granularity", "quarter", "--cell", "cosi"}, "periods"},
      {{"--projection", "plan"}, "as_of_position"},
      {{"--projection", "evaluation", "--year", "2013"}, "commitments"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"replay", "--data", dir()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto run = RunVigie(args);
    ASSERT_EQ(run.exit_code, 0) << c.args[1] << ": " << run.err;
    const auto body = Json(run.out);
    EXPECT_TRUE(body.as_object().contains(c.key)) << c.args[1];
    for (const std::string& personal : testing::PersonalStrings()) {
      EXPECT_EQ(run.out.find(personal), std::string::npos) << c.args[1] << ": " << personal;
    }
  }
}

TEST_F(ReportTest, ReplayAsOfAPosition) {
  auto run = RunVigie({"replay", "--data", dir(), "--projection", "situations", "--as-of", "400"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto early = Json(run.out);
  EXPECT_EQ(early.at("as_of_position").to_number<int>(), 400);
  auto all = Json(RunVigie({"replay", "--data", dir(), "--projection", "situations"}).out);
  EXPECT_LT(early.at("situations").as_array().size(), all.at("situations").as_array().size());
  EXPECT_EQ(all.at("situations").as_array().size(), 10u);
}

TEST_F(ReportTest, ReplayUsageErrors) {
  EXPECT_EQ(RunVigie({"replay", "--data", dir()}).exit_code, 2);
  EXPECT_EQ(RunVigie({"replay", "--data", dir(), "--projection", "people"}).exit_code, 2);
  auto no_year = RunVigie({"replay", "--data", dir(), "--projection", "evaluation"});
  EXPECT_EQ(no_year.exit_code, 2);
  EXPECT_NE(no_year.err.find("--year"), std::string::npos);
  EXPECT_EQ(RunVigie({"replay", "--data", dir(), "--projection", "plan", "--as-of", "-3"}).exit_code, 2);
  EXPECT_EQ(RunVigie({"replay", "--data", "/nonexistent/vigie", "--projection", "plan"}).exit_code, 1);
  EXPECT_EQ(RunVigie({"replay", "--data", dir(), "--projection", "cells", "--cell", "nope"}).exit_code, 1);
}

}  // namespace
}  // namespace vigie::tools
