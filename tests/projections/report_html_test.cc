// The French HTML report of the 2013 evaluation of the ZSP scenario.
#include "projections/report_html.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "projections/evaluation.h"
#include "projections/french_format.h"
#include "projections/html_escape.h"
#include "projections/svg_chart.h"
#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

using namespace testing;

constexpr const char* kCheckpoint = "vigie.test\n98\nq0x1cq0x1cq0x1cq0x1cq0x1cq0x1cq0x1cq0x1cq0=\n";

// Checks that every element opened is closed in order, the way a browser
// would need for the page to render as written (void elements and "/>"
// excepted). Returns the first problem, empty if none.
std::string TagBalanceProblem(const std::string& html) {
  static const std::set<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link"};
  std::vector<std::string> open;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    const std::size_t end = html.find('>', i);
    if (end == std::string::npos) return "unterminated tag";
    std::string tag = html.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.starts_with("!")) continue;
    const bool closing = tag.starts_with("/");
    const bool self_closing = tag.ends_with("/");
    std::string name = tag.substr(closing ? 1 : 0);
    name = name.substr(0, name.find_first_of(" /\n"));
    if (closing) {
      if (open.empty() || open.back() != name) return "unexpected </" + name + ">";
      open.pop_back();
    } else if (!self_closing && !kVoid.contains(name)) {
      open.push_back(name);
    }
  }
  return open.empty() ? std::string() : "unclosed <" + open.back() + ">";
}

std::size_t Count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ReportHtmlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const ZspScenario scenario = BuildZspScenario();
    const State state = scenario.Fold();
    html_ = new std::string(RenderEvaluationHtml(*EvaluationBody(state, 2013, kCheckpoint)));
  }
  static void TearDownTestSuite() { delete html_; }
  static std::string* html_;
};
std::string* ReportHtmlTest::html_ = nullptr;

TEST_F(ReportHtmlTest, IsACompleteFrenchDocument) {
  EXPECT_TRUE(html_->starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html_->find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html_->find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_EQ(TagBalanceProblem(*html_), "");
  for (const char* section : {"Bilan statistique", "Bilan qualitatif",
                              "Évaluation des engagements", "Intégrité"}) {
    EXPECT_NE(html_->find(section), std::string::npos) << section;
  }
}

TEST_F(ReportHtmlTest, SelfContained) {
  EXPECT_EQ(html_->find("<script"), std::string::npos);
  EXPECT_EQ(html_->find("src="), std::string::npos);
  EXPECT_EQ(html_->find("href="), std::string::npos);
  EXPECT_EQ(html_->find("url("), std::string::npos);
  EXPECT_GE(Count(*html_, "<svg"), 6u);  // information, controls, outcomes, situations, meetings, attendance
}

TEST_F(ReportHtmlTest, EveryChartHasAVisibleCaption) {
  EXPECT_EQ(Count(*html_, "<figure><figcaption>"), Count(*html_, "<svg"));
  EXPECT_NE(html_->find("<figcaption>Contrôles coordonnés par mois</figcaption>"), std::string::npos);
  EXPECT_NE(html_->find("<figcaption>Taux de présence des partenaires par mois</figcaption>"), std::string::npos);
}

TEST_F(ReportHtmlTest, CarriesTheKeyNumbers) {
  EXPECT_NE(html_->find("data-key=\"information_shared\">8<"), std::string::npos);
  EXPECT_NE(html_->find("data-key=\"persons_controlled\">40<"), std::string::npos);
  EXPECT_NE(html_->find("data-key=\"meetings_held\">5<"), std::string::npos);
  EXPECT_NE(html_->find("data-key=\"attendance_rate\">70\u202f%<"), std::string::npos);
  EXPECT_NE(html_->find("data-key=\"median_days_to_first_decision\">14<"), std::string::npos);
  EXPECT_NE(html_->find("data-key=\"commitments_met_share\">33\u202f%<"), std::string::npos);
  EXPECT_NE(html_->find("10\u202f000 habitants (recensement 2010)"), std::string::npos);
  EXPECT_NE(html_->find("Cambriolages de logements"), std::string::npos);
}

TEST_F(ReportHtmlTest, CommitmentsPerPriorityAndPartner) {
  EXPECT_NE(html_->find("Priorité n°1 : Mieux connaître la délinquance"), std::string::npos);
  EXPECT_NE(html_->find("DDSP de la Loire"), std::string::npos);
  EXPECT_EQ(html_->find("DDPN de la Loire"), std::string::npos);
  EXPECT_NE(html_->find("partiellement tenu"), std::string::npos);
  EXPECT_NE(html_->find("Marché public infructueux"), std::string::npos);
}

TEST(ReportHtmlBodyTest, DatesInParisAndPrioritiesInNumberOrder) {
  // Minutes of a meeting held at half past midnight on 10 May in Paris
  // (still 9 May in UTC), and priorities whose ids sort against their numbers.
  const boost::json::value body = boost::json::parse(R"({
    "year": 2013,
    "qualitative": [{"kind": "minutes", "occurred_at": "2013-05-09T22:30:00Z", "cell_id": "copil",
                     "text": "Réunion de minuit"}],
    "priorities": [{"priority_id": "addiction", "number": 7, "title": "Prévenir les addictions"},
                   {"priority_id": "p1", "number": 1, "title": "Mieux connaître la délinquance"}],
    "commitments": [{"priority": "addiction", "partner_name": "Ville", "text": "Forum", "status": "met"},
                    {"priority": "p1", "partner_name": "DDSP", "text": "État mensuel", "status": "met"}]
  })");
  const std::string page = RenderEvaluationHtml(body);
  EXPECT_NE(page.find("<td>10 mai 2013</td>"), std::string::npos);
  EXPECT_EQ(page.find("2013-05-09"), std::string::npos);
  const std::size_t first = page.find("Priorité n°1 : Mieux connaître la délinquance");
  const std::size_t seventh = page.find("Priorité n°7 : Prévenir les addictions");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(seventh, std::string::npos);
  EXPECT_LT(first, seventh);
  EXPECT_EQ(TagBalanceProblem(page), "");
}

TEST_F(ReportHtmlTest, EscapesEverything) {
  EXPECT_EQ(html_->find("<centre commercial>"), std::string::npos);
  EXPECT_NE(html_->find("&lt;centre commercial&gt;"), std::string::npos);
  EXPECT_EQ(HtmlEscape("<a href='x'>\"&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
  boost::json::object hostile;
  hostile["year"] = 2013;
  hostile["territory"] = boost::json::object{{"name", "</title><script>alert(1)</script>"}};
  const std::string page = RenderEvaluationHtml(hostile);
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_EQ(TagBalanceProblem(page), "");
}

TEST_F(ReportHtmlTest, IntegritySectionHasCheckpointAndCommands) {
  EXPECT_NE(html_->find("vigie.test\n98\n"), std::string::npos);
  EXPECT_NE(html_->find("vigie verify --data DIR"), std::string::npos);
  EXPECT_NE(html_->find("vigie proof --data DIR"), std::string::npos);
}

TEST_F(ReportHtmlTest, SaysWhenItWasKnown) {
  const ZspScenario scenario = BuildZspScenario();
  const State state = scenario.FoldTo(scenario.size_before_late_item);
  const ViewScope scope{state, state, T("2014-02-15T10:00:00Z")};
  auto evaluation = EvaluationView(scope, Evaluator(), 2013, kCheckpoint);
  ASSERT_TRUE(evaluation.has_value());
  EXPECT_EQ(evaluation->at("as_of").as_string(), "2014-02-15T10:00:00Z");
  const std::string page = RenderEvaluationHtml(*evaluation);
  EXPECT_NE(page.find("connu le 15 février 2014, au journal de taille <strong>" +
                      std::to_string(scenario.size_before_late_item) + "</strong>"),
            std::string::npos);
  EXPECT_NE(page.find("data-key=\"information_shared\">7<"), std::string::npos);
}

TEST_F(ReportHtmlTest, NoPersonalData) {
  for (std::string_view secret : {kPseudonymS1, kBirthYearS1, kNoteS1, kPseudonymS4}) {
    EXPECT_EQ(html_->find(secret), std::string::npos) << secret;
  }
}

TEST(SvgChartTest, MissingValuesAreGapsNotZeros) {
  Chart chart{"Taux", {"janv.", "févr.", "mars"}, {{"taux", {0.5, std::nullopt, 1.0}}}, true};
  const std::string svg = RenderLineChart(chart);
  EXPECT_EQ(Count(svg, "<polyline"), 2u);  // broken at February
  EXPECT_EQ(Count(svg, "<circle"), 2u);
  EXPECT_EQ(TagBalanceProblem(svg), "");
  const std::string bars = RenderBarChart({"Vide", {"janv."}, {{"rien", {0.0}}}, false});
  EXPECT_EQ(TagBalanceProblem(bars), "");
}

TEST(FrenchFormatTest, NumbersAndDates) {
  EXPECT_EQ(FormatNumberFr(1234.5, 1), "1\u202f234,5");
  EXPECT_EQ(FormatNumberFr(3.0, 1), "3");
  EXPECT_EQ(FormatNumberFr(-0.25, 2), "-0,25");
  EXPECT_EQ(FormatPercentFr(0.7), "70\u202f%");
  EXPECT_EQ(FormatDateFr(T("2014-02-15T10:00:00Z")), "15 février 2014");
  EXPECT_EQ(FormatDateFr(T("2013-12-31T23:30:00Z")), "1er janvier 2014");  // Paris time
  EXPECT_EQ(FormatDateFr("2013-05-09T22:30:00Z"), "10 mai 2013");
  EXPECT_EQ(FormatDateFr("2013-05-10T00:30:00+02:00"), "10 mai 2013");
  EXPECT_EQ(FormatDateFr("hier"), "–");
}

}  // namespace
}  // namespace vigie::projections
