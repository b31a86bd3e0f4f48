#include "projections/rfc3339.h"

#include <gtest/gtest.h>

namespace vigie::projections {
namespace {

TEST(Rfc3339Test, ParsesOffsetsAndFractions) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(*ParseRfc3339("1969-12-31T23:00:00-01:00"), 0);
  EXPECT_EQ(*ParseRfc3339("2013-07-01t09:30:00.5z"), *ParseRfc3339("2013-07-01T07:30:00.5+00:00") + 2 * 3600LL * 1'000'000'000);
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00.000000001Z"), 1);
  EXPECT_EQ(*ParseRfc3339("1970-01-01 00:00:01Z"), 1'000'000'000);
  EXPECT_EQ(*ParseRfc3339("2000-02-29T00:00:00Z"), 951782400LL * 1'000'000'000);
}

TEST(Rfc3339Test, RefusesWhatIsNotADateTime) {
  for (const char* bad : {"", "2013-07-01", "2013-07-01T09:30:00", "2013-13-01T00:00:00Z",
                          "2013-02-29T00:00:00Z", "2013-07-01T24:00:00Z", "2013-07-01T23:59:60Z",
                          "2013-07-01T09:30:00.Z", "2013-07-01T09:30:00.1234567890Z",
                          "2013-07-01T09:30:00+2:00", "2013-07-01T09:30:00Z ", "9999-01-01T00:00:00Z",
                          "1600-01-01T00:00:00Z", "2013-07-01T09:30:00+24:00", "２013-07-01T00:00:00Z"}) {
    Result<std::int64_t> t = ParseRfc3339(bad);
    EXPECT_FALSE(t.has_value()) << bad;
    if (!t) {
      EXPECT_EQ(t.error().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(Rfc3339Test, FormatsUtcAndRoundTrips) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1), "1970-01-01T00:00:00.000000001Z");
  EXPECT_EQ(FormatRfc3339(1'500'000'000), "1970-01-01T00:00:01.5Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2013-07-01T09:30:00+02:00")), "2013-07-01T07:30:00Z");
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{-86'400'000'000'001}, std::int64_t{1'356'998'400'123'000'000},
                         std::int64_t{4'102'444'799'999'999'999}}) {
    EXPECT_EQ(*ParseRfc3339(FormatRfc3339(t)), t) << t;
  }
}

TEST(Rfc3339Test, CalendarHelpers) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  const UtcDate d = CivilFromNs(*ParseRfc3339("2024-02-29T23:59:59Z"));
  EXPECT_EQ(d.year, 2024);
  EXPECT_EQ(d.month, 2u);
  EXPECT_EQ(d.day, 29u);
  EXPECT_EQ(StartOfUtcYear(2023), *ParseRfc3339("2023-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace vigie::projections
