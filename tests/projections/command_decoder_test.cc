#include "projections/command_decoder.h"

#include <cstdio>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "projections/json_fields.h"
#include "projections/rfc3339.h"

namespace vigie::projections {
namespace {

const std::int64_t kNow = *ParseRfc3339("2013-03-01T10:00:00Z");

Result<Command> Decode(std::string_view name, std::string_view json) {
  return DecodeCommand(name, boost::json::parse(json), kNow);
}

// The refusal's message, expecting kInvalidArgument.
std::string Invalid(std::string_view name, std::string_view json) {
  Result<Command> c = Decode(name, json);
  EXPECT_FALSE(c.has_value()) << json;
  if (c) return "";
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument) << c.error().ToString();
  return c.error().message();
}

TEST(CommandDecoderTest, DecodesEveryFieldAndDefaultsOccurredAt) {
  Result<Command> c = Decode("share-information", R"({"info_id": "i-1", "cell_id": "cosi",
      "topic": "rodeos", "neighbourhood": "Montreynaud", "summary": "Rodéos chaque soir",
      "sensitivity": "restricted"})");
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->name, "share-information");
  EXPECT_EQ(c->occurred_at_ns, kNow);
  EXPECT_TRUE(c->command_id.empty());
  const auto& s = std::get<ShareInformation>(c->body);
  EXPECT_EQ(s.info_id, "i-1");
  EXPECT_EQ(s.summary, "Rodéos chaque soir");
  EXPECT_FALSE(s.situation_id.has_value());
}

TEST(CommandDecoderTest, CommandIdAndOccurredAtOnEveryCommand) {
  Result<Command> c = Decode("retire-partner", R"({"partner_id": "ddsp",
      "command_id": "123E4567-E89B-12D3-A456-426614174000", "occurred_at": "2013-02-01T10:00:00+01:00"})");
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->command_id, "123e4567-e89b-12d3-a456-426614174000");
  EXPECT_EQ(c->occurred_at_ns, *ParseRfc3339("2013-02-01T09:00:00Z"));
  EXPECT_NE(Invalid("retire-partner", R"({"partner_id": "ddsp", "command_id": "not-a-uuid"})").find("'command_id'"),
            std::string::npos);
  EXPECT_NE(Invalid("retire-partner", R"({"partner_id": "ddsp", "occurred_at": "yesterday"})").find("'occurred_at'"),
            std::string::npos);
  EXPECT_NE(Invalid("retire-partner", R"({"partner_id": "ddsp", "occurred_at": "2013-03-02T10:00:00Z"})").find("future"),
            std::string::npos);
}

TEST(CommandDecoderTest, EveryCommandOfTheSpecIsKnown) {
  const std::vector<std::string>& names = KnownCommandNames();
  for (const char* name : {"configure-territory", "register-partner", "rename-partner", "retire-partner",
                           "create-cell", "add-cell-member", "remove-cell-member", "enroll-person",
                           "revoke-person", "sign-charter", "schedule-meeting", "record-meeting",
                           "record-decision", "complete-decision", "share-information", "record-analysis",
                           "plan-control", "record-control-outcome", "cancel-control", "open-situation",
                           "add-situation-note", "record-situation-decision", "grant-situation-access",
                           "revoke-situation-access", "record-subject-informed", "close-situation",
                           "adopt-priority", "record-commitment", "amend-plan", "evaluate-commitment",
                           "define-indicator", "record-indicator-value"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  Result<Command> unknown = Decode("launch-missiles", "{}");
  EXPECT_EQ(unknown.error().code(), StatusCode::kNotFound);
}

TEST(CommandDecoderTest, ErrorsNameTheField) {
  EXPECT_EQ(Invalid("register-partner", "[]"), "the body must be a JSON object");
  EXPECT_NE(Invalid("register-partner", R"({"partner_id": "ddsp", "name": "DDSP"})").find("'kind' is required"),
            std::string::npos);
  EXPECT_NE(Invalid("register-partner", R"({"partner_id": "ddsp", "name": "DDSP", "kind": "x", "colour": 1})")
                .find("'colour' is not known"),
            std::string::npos);
  EXPECT_NE(Invalid("register-partner", R"({"partner_id": "DDSP", "name": "DDSP", "kind": "x"})").find("'partner_id'"),
            std::string::npos);
  EXPECT_NE(Invalid("register-partner", R"({"partner_id": "-ddsp", "name": "DDSP", "kind": "x"})").find("'partner_id'"),
            std::string::npos);
  EXPECT_NE(Invalid("register-partner", R"({"partner_id": 7, "name": "DDSP", "kind": "x"})").find("must be a string"),
            std::string::npos);
  EXPECT_NE(Invalid("register-partner", R"({"partner_id": "ddsp", "name": "", "kind": "x"})").find("'name' must not be empty"),
            std::string::npos);
  EXPECT_NE(Invalid("register-partner", R"({"partner_id": "ddsp", "name": "a\nb", "kind": "x"})").find("control character"),
            std::string::npos);
  EXPECT_NE(Invalid("create-cell", R"({"cell_id": "c", "name": "C", "kind": "gltd", "chairs": [],
      "members": ["a", "a"], "confidential": false})").find("'members' lists 'a' twice"), std::string::npos);
  EXPECT_NE(Invalid("create-cell", R"({"cell_id": "c", "name": "C", "kind": "gltd", "chairs": [],
      "members": [], "confidential": "yes"})").find("'confidential' must be true or false"), std::string::npos);
  EXPECT_NE(Invalid("share-information", R"({"info_id": "i", "cell_id": "c", "topic": "t", "neighbourhood": "",
      "summary": "S", "sensitivity": "secret"})").find("'sensitivity' must be one of: public, restricted, confidential"),
            std::string::npos);
  EXPECT_NE(Invalid("enroll-person", R"({"person_id": "p", "partner_id": "x", "display_name": "P",
      "roles": ["king"]})").find("'roles'"), std::string::npos);
  EXPECT_NE(Invalid("enroll-person", R"({"person_id": "p", "display_name": "P", "roles": []})").find("'roles'"),
            std::string::npos);
}

TEST(CommandDecoderTest, NumbersAreBounded) {
  const char* outcome = R"({"control_id": "c", "persons_controlled": %s, "offences_found": 0, "seizures": 0,
      "administrative_closures": 0, "fines": 0})";
  auto with = [&](const char* n) {
    char buf[512];
    std::snprintf(buf, sizeof buf, outcome, n);
    return std::string(buf);
  };
  EXPECT_TRUE(Decode("record-control-outcome", with("12")).has_value());
  EXPECT_TRUE(Decode("record-control-outcome", with("12.0")).has_value());
  EXPECT_NE(Invalid("record-control-outcome", with("-1")).find("'persons_controlled'"), std::string::npos);
  EXPECT_NE(Invalid("record-control-outcome", with("1.5")).find("'persons_controlled'"), std::string::npos);
  EXPECT_NE(Invalid("record-control-outcome", with("99999999999999999999")).find("'persons_controlled'"),
            std::string::npos);
  EXPECT_NE(Invalid("record-control-outcome", with("\"12\"")).find("'persons_controlled'"), std::string::npos);
  EXPECT_NE(Invalid("configure-territory", R"({"name": "T", "kind": "zsp", "communes": ["A"], "neighbourhoods": [],
      "population": 0, "population_year": 2010})").find("'population'"), std::string::npos);
  EXPECT_NE(Invalid("configure-territory", R"({"name": "T", "kind": "zone", "communes": ["A"], "neighbourhoods": [],
      "population": 10, "population_year": 2010})").find("'kind'"), std::string::npos);
  EXPECT_NE(Invalid("record-indicator-value", R"({"indicator_id": "i", "period_start": "2013-02-01T00:00:00Z",
      "period_end": "2013-01-01T00:00:00Z", "value": 1})").find("'period_end'"), std::string::npos);
  EXPECT_NE(Invalid("record-indicator-value", R"({"indicator_id": "i", "period_start": "2013-01-01T00:00:00Z",
      "period_end": "2013-02-01T00:00:00Z", "value": 1e300})").find("'value'"), std::string::npos);
}

TEST(CommandDecoderTest, FreeTextIsBounded) {
  const std::string long_summary(4097, 'a');
  EXPECT_NE(Invalid("share-information", R"({"info_id": "i", "cell_id": "c", "topic": "t", "neighbourhood": "",
      "summary": ")" + long_summary + R"(", "sensitivity": "public"})").find("longer than 4096"),
            std::string::npos);
  // 4096 characters of two bytes each are within the limit.
  std::string accented;
  for (int i = 0; i < 4096; ++i) accented += "é";
  EXPECT_TRUE(Decode("share-information", R"({"info_id": "i", "cell_id": "c", "topic": "t", "neighbourhood": "",
      "summary": ")" + accented + R"(", "sensitivity": "public"})").has_value());
  const std::string long_title(201, 't');
  EXPECT_NE(Invalid("adopt-priority", R"({"priority_id": "p", "number": 1, "title": ")" + long_title + R"("})")
                .find("'title' is longer than 200"),
            std::string::npos);
}

TEST(CommandDecoderTest, OptionalFieldsMayBeAbsentOrNull) {
  Result<Command> c = Decode("record-commitment", R"({"commitment_id": "c", "priority_id": "p",
      "partner_id": "ville", "text": "T", "indicator_id": null, "due": "2013-12-31T00:00:00Z"})");
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_FALSE(std::get<RecordCommitment>(c->body).indicator_id.has_value());
  EXPECT_FALSE(std::get<RecordCommitment>(c->body).target.has_value());
}

TEST(JsonFieldsTest, IdentifiersAndUuids) {
  EXPECT_TRUE(IsValidId("a"));
  EXPECT_TRUE(IsValidId("0ddsp.loire_42-b"));
  EXPECT_TRUE(IsValidId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("_a"));
  EXPECT_FALSE(IsValidId("a b"));
  EXPECT_FALSE(IsValidId("é"));
  EXPECT_TRUE(IsValidUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(IsValidUuid("123e4567e89b12d3a456426614174000"));
}

TEST(JsonFieldsTest, TextMustBeUtf8) {
  std::string why;
  EXPECT_FALSE(CheckText("\xC3\x28", kTitle, &why));
  EXPECT_EQ(why, "is not valid UTF-8");
  EXPECT_FALSE(CheckText("\xED\xA0\x80", kTitle, &why));  // a surrogate
  EXPECT_FALSE(CheckText("\xC0\xAF", kTitle, &why));      // overlong
  EXPECT_FALSE(CheckText("\xE2\x82", kTitle, &why));      // truncated
  EXPECT_TRUE(CheckText("Préfète — 2013 ✓", kTitle, &why));
  EXPECT_TRUE(CheckText("ligne 1\nligne 2\tfin", kLongText, &why));
}

}  // namespace
}  // namespace vigie::projections
