// `vigie serve` as a real child process (VIGIE_BINARY, from CMake), killed
// with SIGTERM in the middle of concurrent command load. Then, offline:
// every command the server acknowledged (2xx) is in the reopened store,
// `vigie verify` passes, and the shutdown stored a checkpoint of the final
// tree. This is SPEC §5's "no acknowledged event is ever lost" through the
// whole edge: signal handling, drain of in-flight requests, store close.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "eventstore/event_store.h"
#include "tests/server/http_client.h"
#include "tests/support/child_process.h"
#include "tests/support/vigie_process_test.h"

namespace vigie::server::testing {
namespace {

namespace json = boost::json;
using vigie::child_process::ReadFile;
using vigie::child_process::Spawn;
using vigie::child_process::WaitExit;
using vigie::child_process::WaitForPort;

class ServeProcessTest : public child_process::VigieProcessTest {
 protected:
  std::uint16_t Serve() { return VigieProcessTest::Serve("16"); }
};

TEST_F(ServeProcessTest, SigtermMidLoadLosesNoAcknowledgedCommandAndStoresACheckpoint) {
  std::string init_out;
  ASSERT_EQ(RunVigie({"init", "--data", data_, "--origin", "vigie.test/serve"}, &init_out), 0);
  const std::string admin(json::parse(init_out).at("admin_token").as_string());

  const std::uint16_t port = Serve();
  ASSERT_NE(port, 0) << ReadFile(dir_ + "/serve.err");
  std::string member;
  {
    Client client(port);
    for (const char* body :
         {R"({"name":"ZSP","kind":"zsp","communes":["Saint-Étienne"],"neighbourhoods":["Montreynaud"],"population":12000,"population_year":2010})"}) {
      ASSERT_EQ(client.Send(HttpPost("/v1/commands/configure-territory", body, admin)).result_int(), 201);
    }
    ASSERT_EQ(client.Send(HttpPost("/v1/commands/register-partner",
                                   R"({"partner_id":"ville","name":"Ville","kind":"local_authority"})", admin))
                  .result_int(), 201);
    ASSERT_EQ(client.Send(HttpPost("/v1/commands/create-cell",
                                   R"({"cell_id":"cp","name":"Cellule","kind":"partnership","chairs":[],)"
                                   R"("members":["ville"],"confidential":true})", admin))
                  .result_int(), 201);
    auto enrolled = client.Send(HttpPost("/v1/commands/enroll-person",
                                         R"({"person_id":"m-ville","partner_id":"ville","display_name":"M",)"
                                         R"("roles":["member"]})", admin));
    ASSERT_EQ(enrolled.result_int(), 201) << enrolled.body();
    member = std::string(json::parse(enrolled.body()).at("token").as_string());
  }

  // Load: each thread its own connection, commands until the server goes.
  constexpr int kThreads = 8;
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<int> sent{0};
  std::atomic<int> refused_while_stopping{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        Client client(port);
        for (int i = 0; i < 100000; ++i) {
          const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
          auto request = HttpPost("/v1/commands/share-information",
                                  R"({"info_id":")" + id + R"(","cell_id":"cp","topic":"vols",)"
                                  R"("neighbourhood":"Montreynaud","summary":"x","sensitivity":"public"})",
                                  member);
          if (client.Write(std::move(request))) return;
          ++sent;
          auto [ec, response] = client.Read();
          if (ec) return;  // the server closed the connection: not acknowledged
          if (response.result_int() == 201) {
            std::lock_guard lock(mu);
            acknowledged.push_back(id);
          } else if (response.result_int() == 503) {
            ++refused_while_stopping;
          } else {
            ADD_FAILURE() << response.result_int() << " " << response.body();
            return;
          }
        }
      } catch (const std::exception&) {
        // connect refused once the listener closed
      }
    });
  }
  ASSERT_TRUE(WaitFor([&] { return sent.load() >= 200; }, 20s));
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  for (std::thread& t : threads) t.join();
  const int exit_code = WaitExit(pid_, 60s);
  pid_ = -1;
  // The HTTP log goes to stderr, the process's own lines (spdlog's default
  // logger) to stdout.
  const std::string log = ReadFile(dir_ + "/serve.err") + ReadFile(dir_ + "/serve.out");
  ASSERT_EQ(exit_code, 0) << log;
  ASSERT_GE(acknowledged.size(), 100u);

  static const std::regex kClosed(R"(store closed at tree size (\d+), checkpoint stored)");
  std::smatch closed;
  ASSERT_TRUE(std::regex_search(log, closed, kClosed)) << log;
  const std::uint64_t final_size = std::stoull(closed[1]);

  {
    auto store = eventstore::EventStore::OpenReadOnly(data_);
    ASSERT_TRUE(store) << store.error().ToString();
    EXPECT_EQ((*store)->Size(), final_size);
    for (const std::string& id : acknowledged) {
      auto events = (*store)->ReadStream("information-" + id, 0, 1);
      ASSERT_TRUE(events) << events.error().ToString();
      EXPECT_EQ(events->size(), 1u) << "acknowledged command " << id << " is missing";
    }
    auto checkpoints = (*store)->Checkpoints();
    ASSERT_FALSE(checkpoints.empty());
    EXPECT_EQ(checkpoints.back().first, final_size) << "no checkpoint of the final tree";
  }
  EXPECT_EQ(RunVigie({"verify", "--data", data_}), 0);
  std::cout << "acknowledged " << acknowledged.size() << " of " << sent.load() << " sent, "
            << refused_while_stopping.load() << " answered 503 while stopping\n";
}

}  // namespace
}  // namespace vigie::server::testing
