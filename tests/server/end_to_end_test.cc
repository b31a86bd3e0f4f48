// The server over the real EventStore and Ledger, in a temporary
// directory: the shapes the router relies on (command answers, event
// pages, checkpoints, proofs) are the real ones, and a proof fetched over
// HTTP verifies against the signed checkpoint fetched over HTTP.
#include <cstdlib>
#include <filesystem>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "eventstore/event_store.h"
#include "eventstore/merkle_tree.h"
#include "eventstore/signed_note.h"
#include "projections/ledger.h"
#include "server/http_server.h"
#include "tests/server/http_client.h"
#include "tests/server/real_ledger.h"

namespace vigie::server::testing {
namespace {

namespace json = boost::json;

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(world_.Open("vigie.test"));
    store_ = &world_.store();
    admin_ = world_.admin_token();

    HttpServerOptions server_options;
    server_options.port = 0;
    server_options.io_threads = 2;
    server_options.worker_threads = 4;
    server_options.sse_heartbeat = 100ms;
    server_options.logger = std::make_shared<spdlog::logger>("e2e", std::make_shared<spdlog::sinks::null_sink_mt>());
    server_ = std::make_unique<HttpServer>(world_.ledger(), world_.store(), server_options);
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  // Enrolls an auditor and returns their token.
  std::string EnrollAuditor(Client& client) {
    auto response = client.Send(HttpPost("/v1/commands/enroll-person",
                                         R"({"person_id":"inspecteur","display_name":"Inspection",)"
                                         R"("roles":["auditor"]})",
                                         admin_));
    EXPECT_EQ(response.result_int(), 201) << response.body();
    return std::string(json::parse(response.body()).at("token").as_string());
  }

  RealLedger world_;
  eventstore::EventStore* store_ = nullptr;
  std::string admin_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(EndToEndTest, CommandsAreRecordedAndReplayedByCommandId) {
  Client client(server_->port());
  const std::string body =
      R"({"command_id":"0b7e2a1c-4f1d-4c55-9e0c-2f9a8d3b6a11","partner_id":"ddsp","name":"DDSP","kind":"state_security"})";
  auto first = client.Send(HttpPost("/v1/commands/register-partner", body, admin_));
  ASSERT_EQ(first.result_int(), 201) << first.body();
  json::value answer = json::parse(first.body());
  EXPECT_FALSE(answer.at("events").as_array().empty());
  EXPECT_EQ(answer.at("tree_size").as_int64(), static_cast<std::int64_t>(store_->Size()));

  auto replay = client.Send(HttpPost("/v1/commands/register-partner", body, admin_));
  EXPECT_EQ(replay.result_int(), 200);
  EXPECT_EQ(json::parse(replay.body()), answer);

  auto unknown_field = client.Send(HttpPost("/v1/commands/retire-partner",
                                            R"({"partner_id":"ddsp","colour":"red"})", admin_));
  EXPECT_EQ(unknown_field.result_int(), 400);
  EXPECT_NE(unknown_field.body().find("colour"), std::string::npos);
  EXPECT_EQ(unknown_field[http::field::content_type], "application/problem+json");

  auto me = client.Send(HttpGet("/v1/me", admin_));
  EXPECT_EQ(me.result_int(), 200) << me.body();

  // One at a time, nothing made them wait: all three were decided on the
  // I/O thread (HttpServerOptions::commands_on_io_threads).
  auto metrics = client.Send(HttpGet("/metrics"));
  EXPECT_NE(metrics.body().find("vigie_http_commands_on_io_threads_total{outcome=\"handled\"} 3\n"),
            std::string::npos)
      << metrics.body();
}

// With commands_on_io_threads off, every command goes to a worker, and is
// answered the same.
TEST_F(EndToEndTest, CommandsCanBeLeftToWorkers) {
  server_->Stop();
  HttpServerOptions options;
  options.port = 0;
  options.commands_on_io_threads = false;
  options.logger = std::make_shared<spdlog::logger>("e2e", std::make_shared<spdlog::sinks::null_sink_mt>());
  server_ = std::make_unique<HttpServer>(world_.ledger(), world_.store(), options);
  ASSERT_TRUE(server_->Start().ok());
  Client client(server_->port());
  auto created = client.Send(HttpPost("/v1/commands/register-partner",
                                      R"({"partner_id":"ville","name":"Ville","kind":"local_authority"})", admin_));
  EXPECT_EQ(created.result_int(), 201) << created.body();
  auto metrics = client.Send(HttpGet("/metrics"));
  EXPECT_NE(metrics.body().find("vigie_http_commands_on_io_threads_total{outcome=\"handled\"} 0\n"),
            std::string::npos)
      << metrics.body();
}

TEST_F(EndToEndTest, AnInclusionProofVerifiesAgainstTheSignedCheckpoint) {
  Client client(server_->port());
  const std::string auditor = EnrollAuditor(client);
  auto key = client.Send(HttpGet("/v1/audit/verifier-key", auditor));
  ASSERT_EQ(key.result_int(), 200);
  auto note = client.Send(HttpGet("/v1/audit/checkpoint", auditor));
  ASSERT_EQ(note.result_int(), 200);
  auto body = note::VerifyNote(key.body(), note.body());
  ASSERT_TRUE(body) << body.error().ToString();
  auto checkpoint = note::ParseCheckpoint(*body);
  ASSERT_TRUE(checkpoint);
  ASSERT_GT(checkpoint->size, 1u);

  const std::uint64_t position = checkpoint->size - 1;
  auto proof = client.Send(HttpGet("/v1/audit/inclusion?position=" + std::to_string(position) +
                                       "&tree_size=" + std::to_string(checkpoint->size),
                                   auditor));
  ASSERT_EQ(proof.result_int(), 200) << proof.body();
  json::value answer = json::parse(proof.body());
  auto leaf = merkle::FromHex(answer.at("leaf_hash").as_string());
  ASSERT_TRUE(leaf);
  std::vector<merkle::Hash> path;
  for (const json::value& hex : answer.at("path").as_array()) path.push_back(*merkle::FromHex(hex.as_string()));
  EXPECT_TRUE(merkle::VerifyInclusion(*leaf, position, checkpoint->size, path, checkpoint->root));

  auto consistency = client.Send(HttpGet("/v1/audit/consistency?first=1&second=" +
                                             std::to_string(checkpoint->size), auditor));
  EXPECT_EQ(consistency.result_int(), 200) << consistency.body();
}

TEST_F(EndToEndTest, SubscribeStreamsTheLogAndItsTail) {
  Client client(server_->port());
  const std::string auditor = EnrollAuditor(client);
  Client subscriber(server_->port());
  ASSERT_FALSE(subscriber.Write(HttpGet("/v1/subscribe?from=0", auditor)));
  std::string seen;
  ASSERT_FALSE(subscriber.ReadUntil("id: 0\nevent: ", &seen));
  const std::uint64_t size = store_->Size();
  ASSERT_FALSE(subscriber.ReadUntil("id: " + std::to_string(size - 1) + "\n", &seen));

  auto command = client.Send(HttpPost("/v1/commands/register-partner",
                                      R"({"partner_id":"mairie","name":"Mairie","kind":"local_authority"})", admin_));
  ASSERT_EQ(command.result_int(), 201) << command.body();
  ASSERT_FALSE(subscriber.ReadUntil("id: " + std::to_string(size) + "\nevent: ", &seen));
  EXPECT_NE(seen.find("\"leaf_hash\":\""), std::string::npos);
}

// The subscriber is checked again for every page: once revoked, the stream
// sends no event recorded since (the revocation included), only the 401
// problem, and ends.
TEST_F(EndToEndTest, ARevokedAuditorsStreamEndsWithAnError) {
  Client client(server_->port());
  const std::string auditor = EnrollAuditor(client);
  Client subscriber(server_->port());
  ASSERT_FALSE(subscriber.Write(HttpGet("/v1/subscribe", auditor)));  // new events only
  std::string seen;
  ASSERT_FALSE(subscriber.ReadUntil(": keep-alive\n\n", &seen));  // subscribed

  auto revoked = client.Send(HttpPost("/v1/commands/revoke-person", R"({"person_id":"inspecteur"})", admin_));
  ASSERT_EQ(revoked.result_int(), 201) << revoked.body();
  auto command = client.Send(HttpPost("/v1/commands/register-partner",
                                      R"({"partner_id":"mairie","name":"Mairie","kind":"local_authority"})", admin_));
  ASSERT_EQ(command.result_int(), 201) << command.body();

  EXPECT_TRUE(subscriber.ClosedWithin(3000ms, &seen));
  EXPECT_NE(seen.find("event: error\ndata: "), std::string::npos) << seen;
  EXPECT_NE(seen.find(R"("status":401)"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("\nid: "), std::string::npos) << seen;
}

}  // namespace
}  // namespace vigie::server::testing
