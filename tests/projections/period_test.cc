// Calendar periods in Paris time, and the small statistics of the dashboard.
#include "projections/period.h"

#include <gtest/gtest.h>

#include <limits>

#include "projections/statistics.h"
#include "tests/projections/zsp_scenario.h"

namespace vigie::projections {
namespace {

using testing::T;

TEST(PeriodTest, ParisOffsetFollowsSummerTime) {
  EXPECT_EQ(ParisOffsetSeconds(T("2013-01-15T12:00:00Z")), 3600);
  EXPECT_EQ(ParisOffsetSeconds(T("2013-07-15T12:00:00Z")), 7200);
  // 2013: from 31 March 01:00 UTC to 27 October 01:00 UTC.
  EXPECT_EQ(ParisOffsetSeconds(T("2013-03-31T00:59:59Z")), 3600);
  EXPECT_EQ(ParisOffsetSeconds(T("2013-03-31T01:00:00Z")), 7200);
  EXPECT_EQ(ParisOffsetSeconds(T("2013-10-27T00:59:59Z")), 7200);
  EXPECT_EQ(ParisOffsetSeconds(T("2013-10-27T01:00:00Z")), 3600);
  // Before 1996 summer time ended in September.
  EXPECT_EQ(ParisOffsetSeconds(T("1995-10-10T12:00:00Z")), 3600);
  EXPECT_EQ(ParisOffsetSeconds(T("1998-10-10T12:00:00Z")), 7200);
}

TEST(PeriodTest, MidnightsAndDates) {
  EXPECT_EQ(ParisMidnight({2013, 1, 1}), T("2012-12-31T23:00:00Z"));
  EXPECT_EQ(ParisMidnight({2013, 7, 1}), T("2013-06-30T22:00:00Z"));
  EXPECT_EQ(ParisMidnight({2013, 13, 1}), ParisMidnight({2014, 1, 1}));
  const CivilDate d = ParisDate(T("2013-01-31T23:30:00Z"));
  EXPECT_EQ(d.year, 2013);
  EXPECT_EQ(d.month, 2);
  EXPECT_EQ(d.day, 1);
  EXPECT_EQ(FormatParisTime(ParisMidnight({2013, 4, 1})), "2013-04-01T00:00:00+02:00");
  EXPECT_EQ(FormatParisTime(T("2013-12-31T23:00:00Z")), "2014-01-01T00:00:00+01:00");
}

// The last instants int64 nanoseconds hold (April 2262): a period running
// past them ends at `to`, and no boundary computation overflows.
TEST(PeriodTest, BoundariesBeyondTheLastInstantSaturate) {
  EXPECT_EQ(ParisMidnight({2263, 1, 1}), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(ParisMidnight({1677, 1, 1}), std::numeric_limits<std::int64_t>::min());
  auto periods = SplitPeriods(T("2262-01-01T00:00:00Z"), T("2262-04-01T00:00:00Z"), Granularity::kYear);
  ASSERT_TRUE(periods.has_value()) << periods.error().ToString();
  ASSERT_EQ(periods->size(), 1u);
  EXPECT_EQ(periods->front().end_ns, T("2262-04-01T00:00:00Z"));
}

TEST(PeriodTest, MonthsOfAYear) {
  const Period year = ParisYear(2013);
  auto months = SplitPeriods(year.start_ns, year.end_ns, Granularity::kMonth);
  ASSERT_TRUE(months.has_value());
  ASSERT_EQ(months->size(), 12u);
  EXPECT_EQ(months->front().start_ns, year.start_ns);
  EXPECT_EQ(months->back().end_ns, year.end_ns);
  for (std::size_t i = 1; i < months->size(); ++i) {
    EXPECT_EQ((*months)[i - 1].end_ns, (*months)[i].start_ns);
  }
  // March has 31 days less the summer-time hour.
  EXPECT_EQ((*months)[2].end_ns - (*months)[2].start_ns, (31LL * 24 - 1) * 3'600'000'000'000);
}

TEST(PeriodTest, QuartersSemestersYears) {
  const std::int64_t from = ParisMidnight({2013, 1, 1});
  const std::int64_t to = ParisMidnight({2015, 1, 1});
  EXPECT_EQ(SplitPeriods(from, to, Granularity::kQuarter)->size(), 8u);
  EXPECT_EQ(SplitPeriods(from, to, Granularity::kSemester)->size(), 4u);
  auto years = SplitPeriods(from, to, Granularity::kYear);
  ASSERT_EQ(years->size(), 2u);
  EXPECT_EQ((*years)[1], ParisYear(2014));
  auto semesters = SplitPeriods(from, to, Granularity::kSemester);
  EXPECT_EQ((*semesters)[1].start_ns, ParisMidnight({2013, 7, 1}));
}

TEST(PeriodTest, RangesAreClippedToTheCalendar) {
  const std::int64_t from = ParisMidnight({2013, 1, 15});
  const std::int64_t to = T("2013-05-10T12:00:00Z");
  auto quarters = SplitPeriods(from, to, Granularity::kQuarter);
  ASSERT_EQ(quarters->size(), 2u);
  EXPECT_EQ((*quarters)[0], (Period{from, ParisMidnight({2013, 4, 1})}));
  EXPECT_EQ((*quarters)[1], (Period{ParisMidnight({2013, 4, 1}), to}));
}

TEST(PeriodTest, BadRanges) {
  const std::int64_t t = ParisMidnight({2013, 1, 1});
  EXPECT_EQ(SplitPeriods(t, t, Granularity::kMonth).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitPeriods(t, t - 1, Granularity::kYear).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitPeriods(ParisMidnight({1990, 1, 1}), ParisMidnight({2100, 1, 1}), Granularity::kMonth)
                .error().code(),
            StatusCode::kInvalidArgument);  // more than kMaxPeriods
  EXPECT_TRUE(SplitPeriods(ParisMidnight({1990, 1, 1}), ParisMidnight({2100, 1, 1}), Granularity::kYear)
                  .has_value());
  EXPECT_EQ(ParseGranularity("week").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseGranularity("semester"), Granularity::kSemester);
}

TEST(StatisticsTest, MedianMeanRatio) {
  EXPECT_FALSE(Median({}).has_value());
  EXPECT_DOUBLE_EQ(*Median({69, 10, 14}), 14);
  EXPECT_DOUBLE_EQ(*Median({69, 10}), 39.5);
  EXPECT_DOUBLE_EQ(*Median({4, 1, 3, 2}), 2.5);
  EXPECT_FALSE(Mean({}).has_value());
  EXPECT_DOUBLE_EQ(*Mean({1, 0.5}), 0.75);
  EXPECT_FALSE(Ratio(1, 0).has_value());
  EXPECT_DOUBLE_EQ(*Ratio(1, 4), 0.25);
}

}  // namespace
}  // namespace vigie::projections
