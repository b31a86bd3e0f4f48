#include "server/json_body.h"

#include <gtest/gtest.h>

#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

const JsonBodyLimits kLimits{1024, 8};

std::string Nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonBodyTest, AcceptsAnObject) {
  auto value = ParseJsonObject(R"({"partner_id":"ddsp","name":"DDSP","extra":[1,{"a":null}]})", kLimits);
  ASSERT_TRUE(value);
  EXPECT_EQ(value->at("partner_id").as_string(), "ddsp");
}

TEST(JsonBodyTest, RefusesAnythingButAnObject) {
  for (std::string_view body : {"", " ", "[]", "\"text\"", "42", "null", "true"}) {
    auto value = ParseJsonObject(body, kLimits);
    ASSERT_FALSE(value) << body;
    ExpectProblem(value.error(), 400);
  }
}

TEST(JsonBodyTest, RefusesMalformedJson) {
  for (std::string_view body : {"{", "{\"a\":}", "{\"a\":1,}", "{'a':1}", "{\"a\":1} x",
                                "{\"a\":01}", "{\"a\":NaN}", "{/*c*/\"a\":1}", "{\"a\":\"\x01\"}"}) {
    auto value = ParseJsonObject(body, kLimits);
    ASSERT_FALSE(value) << body;
    ExpectProblem(value.error(), 400);
  }
}

TEST(JsonBodyTest, RefusesInvalidUtf8) {
  for (std::string body : {std::string("{\"a\":\"\xFF\"}"), std::string("{\"\xC0\xAF\":1}"),
                           std::string("{\"a\":\"\xED\xA0\x80\"}")}) {
    auto value = ParseJsonObject(body, kLimits);
    ASSERT_FALSE(value);
    ExpectProblem(value.error(), 400);
  }
}

TEST(JsonBodyTest, RefusesDeepNesting) {
  auto ok = ParseJsonObject("{\"a\":" + Nested(7) + "}", kLimits);
  EXPECT_TRUE(ok);
  auto deep = ParseJsonObject("{\"a\":" + Nested(8) + "}", kLimits);
  ASSERT_FALSE(deep);
  auto body = ExpectProblem(deep.error(), 400);
  EXPECT_NE(body.at("detail").as_string().find("deeper"), boost::json::string::npos);
}

TEST(JsonBodyTest, ThousandsOfLevelsDoNotOverflowTheStack) {
  JsonBodyLimits limits{1 << 20, 32};
  auto deep = ParseJsonObject("{\"a\":" + Nested(100000) + "}", limits);
  ASSERT_FALSE(deep);
  ExpectProblem(deep.error(), 400);
}

TEST(JsonBodyTest, RefusesDuplicateKeysAtAnyDepth) {
  EXPECT_FALSE(ParseJsonObject(R"({"a":1,"a":2})", kLimits));
  EXPECT_FALSE(ParseJsonObject(R"({"x":{"a":1,"b":2,"a":3}})", kLimits));
  EXPECT_FALSE(ParseJsonObject(R"({"x":[{"a":1,"\u0061":2}]})", kLimits));
  EXPECT_TRUE(ParseJsonObject(R"({"x":{"a":1},"y":{"a":1}})", kLimits));
}

TEST(JsonBodyTest, RefusesABodyOverTheLimitWith413) {
  auto value = ParseJsonObject("{\"a\":\"" + std::string(2000, 'x') + "\"}", kLimits);
  ASSERT_FALSE(value);
  ExpectProblem(value.error(), 413);
}

TEST(JsonBodyTest, HugeNumbersAreParsedOrRefusedNeverCrash) {
  // Beyond uint64 becomes a double; beyond double is an error. Both are
  // answers the ledger (for the first) or the client (400) can act on.
  auto big = ParseJsonObject(R"({"population":123456789012345678901234567890})", kLimits);
  ASSERT_TRUE(big);
  EXPECT_TRUE(big->at("population").is_double());
  auto huge = ParseJsonObject(R"({"population":1e999})", kLimits);
  if (!huge) ExpectProblem(huge.error(), 400);
}

}  // namespace
}  // namespace vigie::server::testing
