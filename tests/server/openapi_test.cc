// server/openapi.json against the router: every route documented, every
// documented path routed, every command of the ledger described.
#include "server/openapi.h"

#include <cctype>
#include <deque>
#include <set>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "server/router.h"
#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kCommandPrefix = "/v1/commands/";
constexpr std::string_view kCommandPattern = "/v1/commands/{command}";

class OpenApiTest : public RouterTest {
 protected:
  json::object doc_ = json::parse(OpenApiDocument()).as_object();

  const json::object& Paths() { return doc_.at("paths").as_object(); }

  // A concrete target for a documented path: each {name} becomes "x".
  static std::string Concrete(std::string_view path) {
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '{') {
        out += "x";
        i = path.find('}', i);
      } else {
        out += path[i];
      }
    }
    return out;
  }

  static std::string Upper(std::string_view method) {
    std::string out(method);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }

  // Follows a local "$ref" ("#/components/...").
  const json::value& Resolve(const json::value& value) {
    const json::object* object = value.if_object();
    if (object == nullptr || !object->contains("$ref")) return value;
    std::string_view ref = object->at("$ref").as_string();
    EXPECT_TRUE(ref.starts_with("#/"));
    const json::value* at = nullptr;
    json::value root = doc_;
    std::string pointer(ref.substr(1));
    json::error_code ec;
    at = root.find_pointer(pointer, ec);
    EXPECT_TRUE(at != nullptr) << ref;
    resolved_.push_back(at ? *at : json::value());
    return resolved_.back();
  }

 private:
  std::deque<json::value> resolved_;
};

TEST_F(OpenApiTest, IsOpenApi31) {
  EXPECT_TRUE(doc_.at("openapi").as_string().starts_with("3.1."));
  EXPECT_TRUE(doc_.contains("info"));
  EXPECT_TRUE(doc_.at("components").as_object().contains("schemas"));
}

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  for (const RouteInfo& route : Router::Routes()) {
    if (route.pattern == kCommandPattern) continue;  // documented command by command, below
    ASSERT_TRUE(Paths().contains(route.pattern)) << route.pattern;
    const json::object& item = Paths().at(route.pattern).as_object();
    std::string method(route.method);
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(item.contains(method)) << route.method << " " << route.pattern;
  }
}

TEST_F(OpenApiTest, EveryDocumentedPathIsRouted) {
  for (const auto& [path, item] : Paths()) {
    for (const auto& [method, operation] : item.as_object()) {
      const RouteInfo* route = router_.Match(Upper(method), Concrete(path));
      ASSERT_NE(route, nullptr) << method << " " << path;
      if (std::string_view(path).starts_with(kCommandPrefix)) {
        EXPECT_EQ(route->pattern, kCommandPattern);
      } else {
        EXPECT_EQ(route->pattern, std::string_view(path));
      }
    }
  }
}

TEST_F(OpenApiTest, EveryCommandOfTheLedgerIsDocumentedAndNoOther) {
  std::set<std::string> documented;
  for (const auto& [path, item] : Paths()) {
    if (std::string_view(path).starts_with(kCommandPrefix)) {
      documented.insert(std::string(std::string_view(path).substr(kCommandPrefix.size())));
      EXPECT_TRUE(item.as_object().at("post").as_object().contains("requestBody")) << path;
    }
  }
  const auto& names = projections::Ledger::CommandNames();
  EXPECT_EQ(documented, std::set<std::string>(names.begin(), names.end()));
}

TEST_F(OpenApiTest, CommandBodiesAreClosedObjectsWithIdempotency) {
  for (const auto& [path, item] : Paths()) {
    if (!std::string_view(path).starts_with(kCommandPrefix)) continue;
    const json::value& body = item.as_object().at("post").as_object().at("requestBody");
    const json::value& schema =
        Resolve(body.at("content").at("application/json").at("schema"));
    EXPECT_EQ(schema.at("type").as_string(), "object") << path;
    EXPECT_FALSE(schema.at("additionalProperties").as_bool()) << path;  // unknown fields: 400
    EXPECT_TRUE(schema.at("properties").as_object().contains("command_id")) << path;
    EXPECT_TRUE(schema.at("properties").as_object().contains("occurred_at")) << path;
  }
}

TEST_F(OpenApiTest, PublicRoutesNeedNoTokenAndOthersDo) {
  for (const RouteInfo& route : Router::Routes()) {
    if (route.pattern == kCommandPattern) continue;
    const json::object& operation = Paths().at(route.pattern).as_object().begin()->value().as_object();
    bool public_operation = operation.contains("security") && operation.at("security").as_array().empty();
    EXPECT_EQ(public_operation, !route.needs_token) << route.pattern;
  }
}

TEST_F(OpenApiTest, ErrorsAreProblemJsonAndReferencesResolve) {
  for (const auto& [path, item] : Paths()) {
    for (const auto& [method, operation] : item.as_object()) {
      for (const auto& [status, response_ref] : operation.at("responses").as_object()) {
        const json::value& response = Resolve(response_ref);
        ASSERT_TRUE(response.is_object()) << path << " " << status;
        EXPECT_TRUE(response.as_object().contains("description")) << path << " " << status;
        if (status.size() == 3 && (status[0] == '4' || status[0] == '5')) {
          EXPECT_TRUE(response.at("content").as_object().contains("application/problem+json"))
              << method << " " << path << " " << status;
        }
      }
    }
  }
  const json::value& problem = doc_.at("components").at("schemas").at("Problem");
  for (std::string_view field : {"type", "title", "status", "detail"}) {
    EXPECT_TRUE(problem.at("properties").as_object().contains(field));
  }
}

}  // namespace
}  // namespace vigie::server::testing
