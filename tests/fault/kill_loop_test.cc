// Kill loop (issue 6): the real `vigie serve` (VIGIE_BINARY, from CMake)
// under concurrent command load is killed with SIGKILL at a random moment,
// then checked offline and restarted on the same data directory, many
// times over. After every kill:
//   - `vigie verify` passes on the store as the crash left it (the tree and
//     every checkpoint);
//   - on restart, every command the server acknowledged (a 2xx answer
//     reached the client) in the cycle before is replayed by its
//     command_id and answers 200 with the very body of its first answer
//     (SPEC §5: no acknowledged event is ever lost; a replay appends
//     nothing);
// and at the end every acknowledged command of every cycle is read back
// from the store.
//
// Cycles: 50 by default (CI); VIGIE_KILL_LOOP_CYCLES for more (1,000
// outside CI). VIGIE_KILL_LOOP_SEED fixes the random kill moments (the
// seed is printed, so a failure can be replayed); VIGIE_KILL_LOOP_VERIFY_EVERY
// runs `vigie verify` every N cycles only (default 1: every cycle).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "eventstore/event_store.h"
#include "tests/support/child_process.h"
#include "tests/support/vigie_process_test.h"
#include "tests/server/http_client.h"

namespace vigie::server::testing {
namespace {

namespace json = boost::json;
using vigie::child_process::ReadFile;
using vigie::child_process::Spawn;
using vigie::child_process::WaitExit;
using vigie::child_process::WaitForPort;

long EnvOr(const char* name, long fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  const long parsed = std::strtol(value, &end, 10);
  return end != nullptr && *end == '\0' && parsed > 0 ? parsed : fallback;
}

// A UUID-shaped command_id unique to (cycle, thread, index).
std::string CommandId(int cycle, int thread, int index) {
  char text[40];
  std::snprintf(text, sizeof text, "00000000-%04x-4000-8%03x-%012x", cycle & 0xffff, thread & 0xfff,
                static_cast<unsigned>(index));
  return text;
}

std::string ShareBody(const std::string& command_id, const std::string& info_id) {
  return R"({"command_id":")" + command_id + R"(","info_id":")" + info_id +
         R"(","cell_id":"cp","topic":"vols","neighbourhood":"Montreynaud","summary":"x","sensitivity":"public"})";
}

struct Acknowledged {
  std::string command_id;
  std::string info_id;
  std::string body;  // the JSON body of the 2xx answer
};

class KillLoopTest : public child_process::VigieProcessTest {
 protected:
  std::uint16_t Serve() { return VigieProcessTest::Serve("8"); }

  void Kill() {
    ASSERT_EQ(kill(pid_, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid_, &status, 0), pid_);
    pid_ = -1;
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the server ended on its own before the kill: " << ReadFile(dir_ + "/serve.err")
        << ReadFile(dir_ + "/serve.out");
  }
};

TEST_F(KillLoopTest, SigkillUnderLoadLosesNoAcknowledgedCommandAndTheStoreVerifies) {
  const int cycles = static_cast<int>(EnvOr("VIGIE_KILL_LOOP_CYCLES", 50));
  const int verify_every = static_cast<int>(EnvOr("VIGIE_KILL_LOOP_VERIFY_EVERY", 1));
  const unsigned seed = static_cast<unsigned>(EnvOr("VIGIE_KILL_LOOP_SEED", static_cast<long>(std::random_device{}() & 0x7fffffff)));
  std::cout << "kill loop: " << cycles << " cycles, seed " << seed << " (VIGIE_KILL_LOOP_SEED)\n";
  std::mt19937 random(seed);

  std::string init_out;
  ASSERT_EQ(RunVigie({"init", "--data", data_, "--origin", "vigie.test/kill"}, &init_out), 0);
  const std::string admin(json::parse(init_out).at("admin_token").as_string());

  std::string member;
  {
    const std::uint16_t port = Serve();
    ASSERT_NE(port, 0) << ReadFile(dir_ + "/serve.err");
    Client client(port);
    ASSERT_EQ(client.Send(HttpPost("/v1/commands/configure-territory",
                                   R"({"name":"ZSP","kind":"zsp","communes":["Saint-Étienne"],)"
                                   R"("neighbourhoods":["Montreynaud"],"population":12000,"population_year":2010})",
                                   admin)).result_int(), 201);
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
  // The set-up commands were acknowledged before the first kill.
  Kill();

  constexpr int kThreads = 4;
  std::vector<Acknowledged> all_acknowledged;
  std::vector<Acknowledged> previous;  // acknowledged in the cycle before
  long sent_total = 0;
  long replayed_total = 0;
  long killed_before_listening = 0;
  std::uniform_int_distribution<int> kill_after_ms(0, 250);
  std::uniform_int_distribution<int> startup_kill(0, 9);
  std::uniform_int_distribution<int> startup_delay_us(0, 20000);
  const auto started = Clock::now();

  for (int cycle = 0; cycle < cycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle) + ", seed " + std::to_string(seed));
    // One cycle in ten, the kill lands during start-up (store recovery,
    // projection rebuild) instead of under load.
    if (startup_kill(random) == 0) {
      pid_ = Spawn({VIGIE_BINARY, "serve", "--data", data_, "--listen", "127.0.0.1:0"}, dir_ + "/serve.out",
                   dir_ + "/serve.err");
      ASSERT_GT(pid_, 0);
      std::this_thread::sleep_for(std::chrono::microseconds(startup_delay_us(random)));
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
      ++killed_before_listening;
    }

    const std::uint16_t port = Serve();
    ASSERT_NE(port, 0) << "restart failed: " << ReadFile(dir_ + "/serve.err") << ReadFile(dir_ + "/serve.out");

    // Every command acknowledged before the last kill is there: its replay
    // answers 200 with the body of the first answer.
    {
      Client client(port);
      for (const Acknowledged& ack : previous) {
        auto response = client.Send(HttpPost("/v1/commands/share-information",
                                             ShareBody(ack.command_id, ack.info_id), member));
        ASSERT_EQ(response.result_int(), 200) << "acknowledged command " << ack.command_id
                                              << " lost after a kill: " << response.body();
        ASSERT_EQ(json::parse(response.body()), json::parse(ack.body)) << ack.command_id;
        ++replayed_total;
      }
    }
    previous.clear();

    // Load: each thread its own connection, commands until the kill.
    std::mutex mu;
    std::atomic<long> sent{0};
    std::atomic<bool> unexpected{false};
    std::string unexpected_answer;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        try {
          Client client(port);
          for (int i = 0;; ++i) {
            const std::string command_id = CommandId(cycle, t, i);
            const std::string info_id = "k" + std::to_string(cycle) + "-" + std::to_string(t) + "-" + std::to_string(i);
            if (client.Write(HttpPost("/v1/commands/share-information", ShareBody(command_id, info_id), member))) return;
            ++sent;
            auto [ec, response] = client.Read();
            if (ec) return;  // killed: this one is not acknowledged
            const int code = response.result_int();
            if (code >= 200 && code < 300) {
              std::lock_guard lock(mu);
              previous.push_back({command_id, info_id, response.body()});
            } else if (code != 503 && code != 429) {
              std::lock_guard lock(mu);
              unexpected = true;
              unexpected_answer = std::to_string(code) + " " + response.body();
              return;
            }
          }
        } catch (const std::exception&) {
          // connect refused: the server is already gone
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(random)));
    Kill();
    for (std::thread& t : threads) t.join();
    ASSERT_FALSE(unexpected) << unexpected_answer;
    sent_total += sent.load();
    all_acknowledged.insert(all_acknowledged.end(), previous.begin(), previous.end());

    // The store as the kill left it: the tree and every checkpoint verify.
    if ((cycle + 1) % verify_every == 0 || cycle + 1 == cycles) {
      ASSERT_EQ(RunVigie({"verify", "--data", data_}), 0);
    }
  }

  // Last restart: the last cycle's acknowledgments are checked as the others.
  {
    const std::uint16_t port = Serve();
    ASSERT_NE(port, 0) << ReadFile(dir_ + "/serve.err");
    Client client(port);
    for (const Acknowledged& ack : previous) {
      auto response = client.Send(HttpPost("/v1/commands/share-information",
                                           ShareBody(ack.command_id, ack.info_id), member));
      ASSERT_EQ(response.result_int(), 200) << ack.command_id << ": " << response.body();
      ASSERT_EQ(json::parse(response.body()), json::parse(ack.body)) << ack.command_id;
      ++replayed_total;
    }
    Kill();
  }

  // And all of them, read back from the store: one event each, in its stream.
  {
    auto store = eventstore::EventStore::OpenReadOnly(data_);
    ASSERT_TRUE(store) << store.error().ToString();
    for (const Acknowledged& ack : all_acknowledged) {
      auto events = (*store)->ReadStream("information-" + ack.info_id, 0, 2);
      ASSERT_TRUE(events) << events.error().ToString();
      ASSERT_EQ(events->size(), 1u) << "acknowledged command " << ack.command_id << " is missing";
    }
    std::cout << "kill loop: store size " << (*store)->Size() << ", checkpoints "
              << (*store)->Checkpoints().size() << "\n";
  }
  ASSERT_EQ(RunVigie({"verify", "--data", data_}), 0);

  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::cout << "kill loop: " << cycles << " SIGKILLs under load (+" << killed_before_listening
            << " during start-up), " << sent_total << " commands sent, " << all_acknowledged.size()
            << " acknowledged, " << replayed_total << " replayed after a restart (200, same body), 0 lost; "
            << seconds << " s\n";
  EXPECT_GT(all_acknowledged.size(), 0u);
}

}  // namespace
}  // namespace vigie::server::testing
