// The fact index against the plain fold: the dashboard's derived
// indicators and the whole evaluation body must be the same, for every
// as-of size, several period splits and cell filters — on the hand-worked
// ZSP scenario and on synthetic histories full of overwrites, unknown
// references and late-recorded events.
#include "projections/fact_index.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "projections/dashboard.h"
#include "projections/evaluation.h"
#include "projections/period.h"
#include "tests/projections/synthetic_history.h"
#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

namespace json = boost::json;
using testing::T;

struct Logged {
  EventMeta meta;
  std::string payload;
};

std::string DerivedText(const std::vector<DerivedIndicators>& derived) {
  json::array out;
  for (const DerivedIndicators& d : derived) out.push_back(DerivedJson(d));
  return json::serialize(out);
}

std::vector<std::vector<Period>> Splits(int first_year, int last_year) {
  std::vector<std::vector<Period>> out;
  const std::int64_t from = ParisYear(first_year).start_ns;
  const std::int64_t to = ParisYear(last_year).end_ns;
  for (const char* g : {"month", "quarter", "semester", "year"}) {
    auto periods = SplitPeriods(from, to, *ParseGranularity(g));
    if (periods) out.push_back(*periods);
  }
  return out;
}

// Folds `log` once into a fact index, and from scratch to each checked size
// into a State, and compares at every size in `sizes`.
void ExpectSameAnswers(const std::vector<Logged>& log, const std::vector<std::uint64_t>& sizes,
                       const std::vector<std::vector<Period>>& splits,
                       const std::vector<std::optional<std::string>>& cells, const std::vector<int>& years) {
  FactIndex facts;
  State live;
  for (const Logged& e : log) (void)ApplyPayload(live, e.meta, e.payload, &facts);
  ASSERT_EQ(facts.size(), log.size());

  State state;
  std::size_t folded = 0;
  for (std::uint64_t n : sizes) {
    ASSERT_GE(n, folded) << "sizes must grow";
    for (; folded < n; ++folded) (void)ApplyPayload(state, log[folded].meta, log[folded].payload);
    state.size = n;
    for (const auto& periods : splits) {
      for (const auto& cell : cells) {
        ASSERT_EQ(DerivedText(facts.ComputeDerived(n, periods, cell)),
                  DerivedText(ComputeDerived(state, periods, cell)))
            << "size " << n << ", " << periods.size() << " periods, cell " << cell.value_or("(all)");
      }
    }
    for (int year : years) {
      auto fast = EvaluationBody(state, year, "cp", &facts);
      auto plain = EvaluationBody(state, year, "cp");
      ASSERT_TRUE(fast.has_value() && plain.has_value());
      ASSERT_EQ(json::serialize(*fast), json::serialize(*plain)) << "size " << n << ", year " << year;
    }
  }
}

TEST(FactIndexTest, ZspScenarioAtEverySize) {
  const testing::ZspScenario scenario = testing::BuildZspScenario();
  std::vector<Logged> log;
  for (const testing::ScenarioEvent& e : scenario.events) log.push_back({e.meta, e.payload});
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t n = 0; n <= scenario.size_all; ++n) sizes.push_back(n);
  const State all = scenario.Fold();
  std::vector<std::optional<std::string>> cells{std::nullopt, std::string("nowhere")};
  for (const auto& [id, cell] : all.cells) cells.push_back(id);
  ExpectSameAnswers(log, sizes, Splits(2012, 2014), cells, {2012, 2013, 2014});
}

TEST(FactIndexTest, ZspDashboardNumbersUnchanged) {
  // One hand-worked figure through the fast path, as a sanity anchor: the
  // scenario's 2013 year as known at the end equals the plain fold's.
  const testing::ZspScenario scenario = testing::BuildZspScenario();
  FactIndex facts;
  State live;
  for (const auto& e : scenario.events) ASSERT_TRUE(ApplyPayload(live, e.meta, e.payload, &facts).ok());
  auto fast = DashboardBody(live, T("2013-01-01T00:00:00+01:00"), T("2014-01-01T00:00:00+01:00"),
                            Granularity::kYear, std::nullopt, &facts);
  auto plain = DashboardBody(live, T("2013-01-01T00:00:00+01:00"), T("2014-01-01T00:00:00+01:00"),
                             Granularity::kYear, std::nullopt);
  ASSERT_TRUE(fast && plain);
  EXPECT_EQ(json::serialize(*fast), json::serialize(*plain));
}

class FactIndexSyntheticTest : public ::testing::TestWithParam<bool> {};

TEST_P(FactIndexSyntheticTest, ManySizesPeriodsAndCells) {
  testing::SyntheticOptions options;
  options.seed = GetParam() ? 7 : 11;
  options.chaos = GetParam();
  options.events = 3000;
  options.span_ns = 3LL * 365 * 86'400'000'000'000;  // 2010-2012
  std::vector<Logged> log;
  testing::GenerateHistory(options, [&](const EventMeta& meta, const std::string&, const std::string& payload) {
    log.push_back({meta, payload});
  });
  std::vector<std::uint64_t> sizes{0, 1, 10, 19, 100, 257, 500, 999, 1000, 1501, 2222, 2999, 3000};
  std::vector<std::optional<std::string>> cells{std::nullopt, std::string("c0"), std::string("c5"),
                                                std::string("c6"), std::string("none")};
  ExpectSameAnswers(log, sizes, Splits(2009, 2013), cells, {2010, 2011, 2012});
}

INSTANTIATE_TEST_SUITE_P(Histories, FactIndexSyntheticTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "Chaos" : "Orderly"; });

}  // namespace
}  // namespace vigie::projections
