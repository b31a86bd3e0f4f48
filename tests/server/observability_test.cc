// What a real server (real store and ledger, loopback) leaves for its
// operators: one log line per refused request with its request id, the
// person when known, the route and a reason code, and never a token, a
// pseudonym, a purpose or a text (SPEC §3); and a /metrics body that
// `promtool check metrics` accepts (when promtool is installed: Debian
// package `prometheus`), besides the in-repo exposition checker.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "eventstore/event_store.h"
#include "projections/ledger.h"
#include "server/http_server.h"
#include "tests/server/exposition_check.h"
#include "tests/server/http_client.h"
#include "tests/server/real_ledger.h"

namespace vigie::server::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kPseudonym = "PSEUDONYM-IN-A-BODY";
constexpr std::string_view kSummary = "SUMMARY-IN-A-BODY";
constexpr std::string_view kPurpose = "PURPOSE-IN-A-QUERY";
constexpr std::string_view kBogusToken = "bogus-token-0123456789abcdef";

class ObservabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(world_.Open("vigie.test/observe"));
    admin_ = world_.admin_token();
    dir_ = world_.dir();

    HttpServerOptions server_options;
    server_options.port = 0;
    server_options.io_threads = 2;
    server_options.worker_threads = 4;
    logger_ = std::make_shared<spdlog::logger>("observe", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    logger_->set_pattern("%v");
    server_options.logger = logger_;
    server_ = std::make_unique<HttpServer>(world_.ledger(), world_.store(), server_options);
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  // The log lines so far (the server has written them before answering).
  std::vector<std::string> LogLines() {
    logger_->flush();
    std::vector<std::string> lines;
    std::istringstream in(log_.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::string Enroll(Client& client, const std::string& person, const std::string& partner, const std::string& role) {
    auto response = client.Send(HttpPost("/v1/commands/enroll-person",
                                         R"({"person_id":")" + person + R"(","partner_id":")" + partner +
                                             R"(","display_name":"X","roles":[")" + role + R"("]})",
                                         admin_));
    EXPECT_EQ(response.result_int(), 201) << response.body();
    return std::string(json::parse(response.body()).at("token").as_string());
  }

  RealLedger world_;
  std::string dir_;
  std::string admin_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ObservabilityTest, EveryDenialLeavesOneLogLineWithoutSecrets) {
  Client client(server_->port());
  ASSERT_EQ(client.Send(HttpPost("/v1/commands/register-partner",
                                 R"({"partner_id":"ville","name":"Ville","kind":"local_authority"})", admin_))
                .result_int(), 201);
  const std::string member = Enroll(client, "m-ville", "ville", "member");
  // Signed, so that a situation it may not see is hidden (404), not refused
  // for the charter (403).
  ASSERT_EQ(client.Send(HttpPost("/v1/commands/sign-charter", R"({"charter_version":"v1"})", member)).result_int(),
            201);

  struct Denial {
    http::request<http::string_body> request;
    int status;
    std::string route;
    std::string person;  // "" when nobody is authenticated
    std::string reason;
  };
  std::vector<Denial> denials;
  denials.push_back({HttpGet("/v1/me"), 401, "/v1/me", "", "token_missing"});
  denials.push_back({HttpGet("/v1/me", kBogusToken), 401, "/v1/me", "", "token_unknown_or_revoked"});
  {
    auto basic = HttpGet("/v1/me");
    basic.set(http::field::authorization, "Basic " + std::string(kBogusToken));
    denials.push_back({basic, 401, "/v1/me", "", "authorization_malformed"});
  }
  denials.push_back({HttpGet("/v1/events?from=0", member), 403, "/v1/events", "m-ville", "permission_denied"});
  denials.push_back({HttpGet("/v1/audit/access-log", member), 403, "/v1/audit/access-log", "m-ville",
                     "permission_denied"});
  denials.push_back({HttpGet("/v1/subscribe?from=0", member), 403, "/v1/subscribe", "m-ville", "permission_denied"});
  denials.push_back({HttpGet("/v1/subscribe?from=0", kBogusToken), 401, "/v1/subscribe", "", "token_unknown_or_revoked"});
  denials.push_back({HttpGet("/v1/situations/sit-secret?purpose=" + std::string(kPurpose), member), 404,
                     "/v1/situations/{id}", "m-ville", "not_found_or_hidden"});
  denials.push_back({HttpGet("/v1/cells/cell-secret", member), 404, "/v1/cells/{id}", "m-ville",
                     "not_found_or_hidden"});
  denials.push_back({HttpPost("/v1/commands/open-situation",
                              R"({"situation_id":"s1","cell_id":"cp","pseudonym":")" + std::string(kPseudonym) +
                                  R"(","birth_year":2001,"referral_source":"education","reason":"decrochage_scolaire",)"
                                  R"("need_to_know":["ville"]})",
                              member),
                     403, "/v1/commands/{command}", "m-ville", "permission_denied"});
  denials.push_back({HttpPost("/v1/commands/register-partner",
                              R"({"partner_id":"x","name":")" + std::string(kSummary) + R"(","kind":"other"})", member),
                     403, "/v1/commands/{command}", "m-ville", "permission_denied"});

  for (Denial& denial : denials) {
    auto response = client.Send(std::move(denial.request));
    ASSERT_EQ(response.result_int(), denial.status) << denial.route << ": " << response.body();
    const std::string request_id(response["X-Request-Id"]);
    ASSERT_FALSE(request_id.empty());
    std::vector<std::string> matching;
    for (const std::string& line : LogLines()) {
      if (line.find("request_id=" + request_id) != std::string::npos) matching.push_back(line);
    }
    ASSERT_EQ(matching.size(), 1u) << denial.route << " " << request_id << "\n" << log_.str();
    const std::string& line = matching.front();
    EXPECT_NE(line.find(" route=" + denial.route + " "), std::string::npos) << line;
    EXPECT_NE(line.find(" status=" + std::to_string(denial.status) + " "), std::string::npos) << line;
    EXPECT_NE(line.find(" denial=" + denial.reason), std::string::npos) << line;
    if (denial.person.empty()) {
      EXPECT_EQ(line.find(" person="), std::string::npos) << line;
    } else {
      EXPECT_NE(line.find(" person=" + denial.person), std::string::npos) << line;
    }
  }

  // A granted request names its person and no denial.
  auto me = client.Send(HttpGet("/v1/me", member));
  ASSERT_EQ(me.result_int(), 200);
  const std::string me_id(me["X-Request-Id"]);
  bool found = false;
  for (const std::string& line : LogLines()) {
    if (line.find("request_id=" + me_id) == std::string::npos) continue;
    found = true;
    EXPECT_NE(line.find(" person=m-ville"), std::string::npos) << line;
    EXPECT_EQ(line.find("denial="), std::string::npos) << line;
  }
  EXPECT_TRUE(found);

  const std::string everything = log_.str();
  for (std::string_view secret : {std::string_view(admin_), std::string_view(member), kBogusToken, kPseudonym,
                                  kSummary, kPurpose, std::string_view("sit-secret"), std::string_view("cell-secret")}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << "the log holds " << secret;
  }
}

TEST_F(ObservabilityTest, MetricsOfARealServerPassTheExpositionCheckAndPromtool) {
  Client client(server_->port());
  ASSERT_EQ(client.Send(HttpPost("/v1/commands/register-partner",
                                 R"({"partner_id":"ville","name":"Ville","kind":"local_authority"})", admin_))
                .result_int(), 201);
  client.Send(HttpGet("/v1/me"));
  client.Send(HttpGet("/v1/cells/x", admin_));
  client.Send(HttpGet("/no/such/route"));
  client.Send(HttpPost("/v1/commands/register-partner", "{", admin_));
  auto metrics = client.Send(HttpGet("/metrics"));
  ASSERT_EQ(metrics.result_int(), 200);
  EXPECT_EQ(CheckExposition(metrics.body()), "");
  EXPECT_NE(metrics.body().find("vigie_http_requests_total{"), std::string::npos);
  EXPECT_NE(metrics.body().find("vigie_store_sync_seconds_bucket{"), std::string::npos);

  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool is not installed (Debian package prometheus); the in-repo check passed";
  }
  const std::string path = dir_ + "/metrics.txt";
  std::ofstream(path, std::ios::binary) << metrics.body();
  const std::string command = "promtool check metrics < '" + path + "' > '" + dir_ + "/promtool.out' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream out(dir_ + "/promtool.out");
  std::stringstream report;
  report << out.rdbuf();
  EXPECT_EQ(status, 0) << report.str() << "\n" << metrics.body();
  // promtool also prints lint warnings (exit 0 or not): none expected.
  EXPECT_EQ(report.str(), "") << report.str();
}

}  // namespace
}  // namespace vigie::server::testing
