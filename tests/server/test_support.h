#pragma once
// Helpers shared by the server tests: request builders and a router
// fixture over the fakes.
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "server/http_message.h"
#include "server/metrics.h"
#include "server/router.h"
#include "tests/server/fake_event_store.h"
#include "tests/server/fake_ledger.h"

namespace vigie::server::testing {

inline Request Get(std::string target, std::string_view token = {}) {
  Request request;
  request.method = "GET";
  request.target = std::move(target);
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + std::string(token));
  return request;
}

inline Request Post(std::string target, std::string body, std::string_view token = kAdminToken) {
  Request request;
  request.method = "POST";
  request.target = std::move(target);
  request.headers.emplace_back("Content-Type", "application/json");
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + std::string(token));
  request.body = std::move(body);
  return request;
}

inline boost::json::value Json(const Response& response) { return boost::json::parse(response.body); }

// Checks the RFC 9457 shape of a problem answer and returns its body.
inline boost::json::object ExpectProblem(const Response& response, int status) {
  EXPECT_EQ(response.status, status) << response.body;
  EXPECT_EQ(response.content_type, "application/problem+json");
  boost::json::value body = Json(response);
  EXPECT_TRUE(body.is_object());
  const auto& object = body.as_object();
  EXPECT_TRUE(object.contains("type") && object.at("type").is_string());
  EXPECT_TRUE(object.contains("title") && object.at("title").is_string());
  EXPECT_TRUE(object.contains("detail") && object.at("detail").is_string());
  EXPECT_TRUE(object.contains("status") && object.at("status").is_int64());
  if (object.contains("status") && object.at("status").is_int64()) {
    EXPECT_EQ(object.at("status").as_int64(), status);
  }
  return object;
}

class RouterTest : public ::testing::Test {
 protected:
  FakeEventStore store_;
  FakeLedger ledger_{store_};
  Metrics metrics_;
  Router router_{ledger_, store_, metrics_};

  Response Handle(const Request& request) { return router_.Handle(request); }
};

}  // namespace vigie::server::testing
