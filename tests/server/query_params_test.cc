#include "server/query_params.h"

#include <gtest/gtest.h>

#include "server/time_parameter.h"
#include "server/uri_text.h"
#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

std::string ParameterOf(const Response& response) {
  auto body = ExpectProblem(response, 400);
  return body.contains("parameter") ? std::string(body.at("parameter").as_string()) : "";
}

TEST(PercentDecodeTest, DecodesEscapesAndPlusInQueries) {
  EXPECT_EQ(PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(PercentDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(PercentDecode("%C3%A9valuation", true), "évaluation");
}

TEST(PercentDecodeTest, RefusesBadEscapesNulAndInvalidUtf8) {
  EXPECT_FALSE(PercentDecode("%", true));
  EXPECT_FALSE(PercentDecode("%2", true));
  EXPECT_FALSE(PercentDecode("%zz", true));
  EXPECT_FALSE(PercentDecode("a%00b", true));
  EXPECT_FALSE(PercentDecode("%C3", true));        // truncated sequence
  EXPECT_FALSE(PercentDecode("%C0%AF", true));     // overlong '/'
  EXPECT_FALSE(PercentDecode("%ED%A0%80", true));  // surrogate
  EXPECT_FALSE(PercentDecode("%F4%90%80%80", true));  // beyond U+10FFFF
}

TEST(EntityIdTest, FollowsTheSpecGrammar) {
  EXPECT_TRUE(IsEntityId("gltd-centre"));
  EXPECT_TRUE(IsEntityId("a"));
  EXPECT_TRUE(IsEntityId("s-2024.001_b"));
  EXPECT_TRUE(IsEntityId(std::string(64, 'a')));
  EXPECT_FALSE(IsEntityId(std::string(65, 'a')));
  EXPECT_FALSE(IsEntityId(""));
  EXPECT_FALSE(IsEntityId("-a"));
  EXPECT_FALSE(IsEntityId(".."));
  EXPECT_FALSE(IsEntityId("a/b"));
  EXPECT_FALSE(IsEntityId("Abc"));
  EXPECT_FALSE(IsEntityId("caf\xC3\xA9"));
  EXPECT_FALSE(IsEntityId(std::string("a\0b", 3)));
}

TEST(QueryParamsTest, ParsesKnownParameters) {
  auto query = QueryParams::Parse("from=10&limit=5", {"from", "limit"});
  ASSERT_TRUE(query);
  EXPECT_EQ(query->Get("from"), "10");
  EXPECT_EQ(*query->Limit(), 5u);
  EXPECT_EQ(query->Uint("from", 0, 100)->value(), 10u);
}

TEST(QueryParamsTest, EmptyQueryIsFine) {
  auto query = QueryParams::Parse("", {"from"});
  ASSERT_TRUE(query);
  EXPECT_EQ(*query->Limit(), kPageLimitDefault);
  EXPECT_FALSE(query->Uint("from", 0, 10)->has_value());
}

TEST(QueryParamsTest, UnknownParameterIsNamed) {
  auto query = QueryParams::Parse("from=1&colour=red", {"from"});
  ASSERT_FALSE(query);
  EXPECT_EQ(ParameterOf(query.error()), "colour");
}

TEST(QueryParamsTest, RepeatedEmptyAndValuelessParametersAreRefused) {
  EXPECT_EQ(ParameterOf(QueryParams::Parse("from=1&from=2", {"from"}).error()), "from");
  EXPECT_EQ(ParameterOf(QueryParams::Parse("from=", {"from"}).error()), "from");
  EXPECT_EQ(ParameterOf(QueryParams::Parse("from", {"from"}).error()), "from");
  EXPECT_FALSE(QueryParams::Parse("from=1&", {"from"}));
  EXPECT_FALSE(QueryParams::Parse("&from=1", {"from"}));
  EXPECT_FALSE(QueryParams::Parse("=1", {"from"}));
}

TEST(QueryParamsTest, MalformedEscapesAreRefusedNamingTheParameter) {
  EXPECT_EQ(ParameterOf(QueryParams::Parse("purpose=%zz", {"purpose"}).error()), "purpose");
  EXPECT_EQ(ParameterOf(QueryParams::Parse("purpose=a%00", {"purpose"}).error()), "purpose");
  EXPECT_EQ(ParameterOf(QueryParams::Parse("purpose=%FF", {"purpose"}).error()), "purpose");
}

TEST(QueryParamsTest, IntegersAreStrict) {
  for (std::string bad : {"-1", "+1", "01", "1.0", "1e3", "0x10", " 1", "18446744073709551616",
                          "99999999999999999999999"}) {
    auto query = QueryParams::Parse("from=" + bad, {"from"});
    if (!query) continue;  // refused at parse time (e.g. a raw space): fine too
    auto from = query->Uint("from", 0, std::numeric_limits<std::uint64_t>::max());
    EXPECT_FALSE(from) << bad;
  }
  auto max = QueryParams::Parse("from=18446744073709551615", {"from"});
  EXPECT_EQ(max->Uint("from", 0, std::numeric_limits<std::uint64_t>::max())->value(),
            std::numeric_limits<std::uint64_t>::max());
}

TEST(QueryParamsTest, LimitIsBounded) {
  EXPECT_EQ(*QueryParams::Parse("limit=1000", {"limit"})->Limit(), 1000u);
  EXPECT_EQ(ParameterOf(QueryParams::Parse("limit=1001", {"limit"})->Limit().error()), "limit");
  EXPECT_EQ(ParameterOf(QueryParams::Parse("limit=0", {"limit"})->Limit().error()), "limit");
}

TEST(QueryParamsTest, TextIsBoundedAndFreeOfControls) {
  auto ok = QueryParams::Parse("purpose=contr%C3%B4le+judiciaire", {"purpose"});
  EXPECT_EQ(ok->Text("purpose", 100)->value(), "contrôle judiciaire");
  auto tab = QueryParams::Parse("purpose=a%09b", {"purpose"});
  EXPECT_FALSE(tab->Text("purpose", 100));
  auto long_text = QueryParams::Parse("purpose=" + std::string(101, 'a'), {"purpose"});
  EXPECT_FALSE(long_text->Text("purpose", 100));
}

TEST(QueryParamsTest, OneOfListsTheChoices) {
  auto query = QueryParams::Parse("format=pdf", {"format"});
  auto format = query->OneOf("format", {"json", "html"}, "json");
  ASSERT_FALSE(format);
  EXPECT_NE(format.error().body.find("json, html"), std::string::npos);
  EXPECT_EQ(QueryParams::Parse("", {"format"})->OneOf("format", {"json", "html"}, "json").value(), "json");
}

TEST(TimeParameterTest, ReadsDateTimesWithOffsets) {
  EXPECT_EQ(ParseTimeParameter("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimeParameter("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ParseTimeParameter("1970-01-01T00:00:01.5Z"), 1'500'000'000);
}

TEST(TimeParameterTest, ADateIsParisMidnight) {
  // 1 January 2013 00:00 in Paris is 31 December 2012 23:00 UTC.
  EXPECT_EQ(ParseTimeParameter("2013-01-01"), ParseTimeParameter("2012-12-31T23:00:00Z"));
  // 1 July 2013 00:00 in Paris (summer time) is 30 June 22:00 UTC.
  EXPECT_EQ(ParseTimeParameter("2013-07-01"), ParseTimeParameter("2013-06-30T22:00:00Z"));
}

TEST(TimeParameterTest, RefusesWhatIsNotATime) {
  for (std::string_view bad : {"", "2013", "2013-02-30", "2013-13-01", "2013-1-01", "yesterday",
                               "2013-01-01T00:00:00", "0001-01-01", "2013-01-01T25:00:00Z"}) {
    EXPECT_FALSE(ParseTimeParameter(bad)) << bad;
  }
}

}  // namespace
}  // namespace vigie::server::testing
