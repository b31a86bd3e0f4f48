// Hostile and malformed input through the router: every one gets a clear
// 4xx problem, never a 5xx, and a refused id never reaches the ledger or
// the store.
#include <gtest/gtest.h>

#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

class HostileInputTest : public RouterTest {
 protected:
  // The answer, checking it is a 4xx problem and that nothing behind the
  // router was asked anything but authentication.
  Response Refused(const Request& request, int status) {
    const int ledger_calls = ledger_.calls();
    const int store_calls = store_.calls();
    Response response = Handle(request);
    ExpectProblem(response, status);
    EXPECT_EQ(ledger_.calls(), ledger_calls) << request.method << " " << request.target;
    EXPECT_EQ(store_.calls(), store_calls) << request.method << " " << request.target;
    return response;
  }
};

TEST_F(HostileInputTest, DotSegmentsAreNoRoute) {
  for (const std::string& target : std::vector<std::string>{"/v1/cells/..", "/v1/cells/.", "/v1/cells/%2e%2e", "/v1/cells/%2E.",
                             "/v1/../v1/me", "/v1/streams/..", "/v1/situations/%2e"}) {
    Refused(Get(target, kMemberToken), 404);
  }
}

TEST_F(HostileInputTest, IdsWithSlashNulOrUnicodeAreRefused) {
  for (const std::string& id : std::vector<std::string>{"a%2Fb", "a%2fb", "%2F", "a%00b", "caf%C3%A9", "%FF", "%C0%AF", "A", "a%20b",
                         "a%", "a%zz", std::string(65, 'a'), "_a", "%E2%80%AE"}) {
    Response response = Refused(Get("/v1/cells/" + id, kMemberToken), 400);
    EXPECT_EQ(Json(response).at("parameter").as_string(), "id") << id;
    Refused(Get("/v1/situations/" + id, kMemberToken), 400);
  }
}

TEST_F(HostileInputTest, ExtraOrEmptySegmentsAreNoRoute) {
  for (const std::string& target : std::vector<std::string>{"/v1/cells/a/b", "/v1/cells/", "//v1/cells", "/v1//cells", "/v1/me/",
                             "*", "http://evil.example/v1/me", "v1/me", ""}) {
    Refused(Get(target, kMemberToken), 404);
  }
}

TEST_F(HostileInputTest, QueryTricksAreRefusedNamingTheParameter) {
  struct Case {
    std::string target;
    std::string parameter;
  };
  for (const Case& c : {Case{"/v1/events?from=1&from=2", "from"}, Case{"/v1/events?limit=1e3", "limit"},
                        Case{"/v1/events?limit=%31%30%30%30%30", "limit"}, Case{"/v1/events?fr%00om=1", ""},
                        Case{"/v1/events?from=1%00", "from"}, Case{"/v1/events?from=%FF", "from"},
                        Case{"/v1/events?from=18446744073709551616", "from"},
                        Case{"/v1/events?FROM=1", "FROM"}, Case{"/v1/events?from=", "from"},
                        Case{"/v1/events?&", ""}, Case{"/v1/cells?as_of=-1", "as_of"},
                        Case{"/v1/cells?as_of=1e9", "as_of"},
                        Case{"/v1/cells/cp?limit=1e3", "limit"},
                        Case{"/v1/cells/cp?limit=99999999999999999999999", "limit"},
                        Case{"/v1/cells/cp?limit=%00", "limit"}, Case{"/v1/cells/cp?before=%FF", "before"},
                        Case{"/v1/cells/cp?before=+1", "before"}, Case{"/v1/cells/cp?before=01", "before"}}) {
    Response response = Refused(Get(c.target, kAuditorToken), 400);
    auto body = Json(response).as_object();
    if (!c.parameter.empty()) {
      ASSERT_TRUE(body.contains("parameter")) << c.target;
      EXPECT_EQ(body.at("parameter").as_string(), c.parameter) << c.target;
    }
  }
}

TEST_F(HostileInputTest, MalformedBodiesAre400AndReachNothing) {
  for (const std::string& body : std::vector<std::string>{"", "{", "[1,2]", "\"x\"", "null", "{\"a\":1,}", "{\"a\":1}{\"b\":2}",
                           "{\"a\":\"\xFF\xFE\"}", "{\"a\":1,\"a\":2}", "{\"a\":\"\\ud800\"}",
                           std::string("{\"a\":\"x\0y\"}", 12)}) {
    Refused(Post("/v1/commands/retire-partner", body), 400);
  }
}

TEST_F(HostileInputTest, DeeplyNestedBodiesAre400) {
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  Refused(Post("/v1/commands/retire-partner", deep), 400);
  std::string objects;
  for (int i = 0; i < 40; ++i) objects += "{\"a\":";
  objects += "1" + std::string(40, '}');
  Refused(Post("/v1/commands/retire-partner", objects), 400);
}

TEST_F(HostileInputTest, OversizedBodyIs413) {
  std::string body = "{\"text\":\"" + std::string(1024 * 1024, 'x') + "\"}";
  Refused(Post("/v1/commands/add-situation-note", body), 413);
}

TEST_F(HostileInputTest, GetWithABodyIs400) {
  Request request = Get("/v1/me", kMemberToken);
  request.body = "{}";
  Refused(request, 400);
}

TEST_F(HostileInputTest, UnknownFieldsWrongTypesAndHugeNumbersReachTheLedger) {
  // Field names and types are the ledger's to judge: it names the bad field.
  Response response = Handle(Post("/v1/commands/configure-territory",
                                  R"({"name":42,"unknown_field":{"x":[]},"population":1e308,)"
                                  R"("population_year":123456789012345678901234567890})"));
  EXPECT_EQ(response.status, 201);
  const auto body = ledger_.last().body.as_object();
  EXPECT_TRUE(body.contains("unknown_field"));
  EXPECT_TRUE(body.at("name").is_int64());
  EXPECT_TRUE(body.at("population_year").is_double());
}

TEST_F(HostileInputTest, OverlongOrStrangeTokensAre401WithoutLookup) {
  for (const std::string& token : std::vector<std::string>{std::string(513, 'a'), std::string("a b"), std::string("tok\xC3\xA9n"),
                            std::string("=abc"), std::string("abc=def")}) {
    Request request = Get("/v1/me");
    request.headers.emplace_back("Authorization", "Bearer " + token);
    const int before = ledger_.authentications();
    Refused(request, 401);
    EXPECT_EQ(ledger_.authentications(), before);
  }
}

TEST_F(HostileInputTest, StrangeMethodsAre405) {
  for (const std::string& method : std::vector<std::string>{"BREW", "PUT", "HEAD", "OPTIONS", "get"}) {
    Request request = Get("/v1/me", kMemberToken);
    request.method = method;
    Response response = Refused(request, 405);
    EXPECT_EQ(response.Header("Allow"), "GET");
  }
}

TEST_F(HostileInputTest, NothingAClientSendsIsA500) {
  std::vector<std::string> targets = {
      "/v1/cells/%", "/v1/cells/%%", "/v1/situations/x?purpose=%", "/v1/dashboard?from=%2", "/%00",
      "/v1/evaluations/%32%30%31%33", "/v1/streams/%00", "/v1/audit/inclusion?position=0&tree_size=1",
      "/v1/audit/consistency?first=1&second=1", "/v1/events?from=18446744073709551615",
      "/v1/dashboard?from=1700-01-01&to=2200-12-31", "/v1/subscribe?from=18446744073709551615",
      std::string(8000, '/'), "/v1/cells?as_of=99999999999999999999999",
      "/v1/cells?as_of=9999-12-31T23:59:59Z"};
  for (const std::string& target : targets) {
    for (std::string_view token : {kAdminToken, kAuditorToken, kMemberToken}) {
      Response response = Handle(Get(target, token));
      EXPECT_LT(response.status, 500) << target << " -> " << response.body;
      EXPECT_GE(response.status, 200);
    }
  }
}

}  // namespace
}  // namespace vigie::server::testing
