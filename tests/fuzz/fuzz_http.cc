// fuzz_http: the whole HTTP API as Router::Handle sees it (server/router.h),
// over the real Ledger and a real EventStore in a scratch directory.
//
// Input, an HTTP/1.1 request in plain text (no Content-Length needed):
//   METHOD SP TARGET LF *(NAME ":" VALUE LF) LF BODY
// In header values, "$<person>" (e.g. "Bearer $referent") becomes the
// bearer token of that person of setup_script.h, so seeds stay valid
// though tokens are random.
//
// What must hold: no crash or sanitizer report; never a 5xx (SPEC §6:
// never a 500 for anything a client sent); every problem answer is RFC
// 9457 JSON whose status is the HTTP status; every JSON answer parses; a
// 401 says WWW-Authenticate.
//
// Accepted commands grow the store, and views cost more as it grows: the
// store is rebuilt from the setup script every kRequestsPerStore inputs
// (so a crash that depends on earlier inputs of the same run may need the
// run's inputs to reproduce; the harness prints when it rebuilds).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "eventstore/event_store.h"
#include "projections/ledger.h"
#include "server/http_message.h"
#include "server/metrics.h"
#include "server/router.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/setup_script.h"

namespace {

namespace json = boost::json;
using vigie::Result;
using vigie::server::Request;
using vigie::server::Response;

constexpr std::uint64_t kRequestsPerStore = 100000;

// A clock that starts at the script's "now" and moves 1 ms per reading, so
// recorded_at grows and as_of times are meaningful, run after run.
vigie::eventstore::Clock FuzzClock() {
  auto now = std::make_shared<std::int64_t>(vigie::fuzz::kNowNs);
  return [now] { return *now += 1'000'000; };
}

void CounterRandom(std::span<std::uint8_t> out) {
  static std::uint64_t counter = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 8 == 0) ++counter;
    out[i] = static_cast<std::uint8_t>((counter * 0x9e3779b97f4a7c15ULL) >> (8 * (i % 8)));
  }
}

void CheckResponse(const Request& request, const Response& response) {
  const std::string what = request.method + " " + request.target.substr(0, 200) + " -> " +
                           std::to_string(response.status) + " " + response.log_note + " " +
                           response.body.substr(0, 300);
  FUZZ_CHECK(response.status >= 200 && response.status < 500, what);
  if (response.content_type == "application/json" || response.content_type == "application/problem+json") {
    boost::system::error_code error;
    json::value body = json::parse(response.body, error);
    FUZZ_CHECK(!error, "answer is not JSON: " + what);
    if (response.content_type == "application/problem+json") {
      const json::object* problem = body.if_object();
      FUZZ_CHECK(problem != nullptr, "problem is not an object: " + what);
      for (const char* field : {"type", "title", "detail"}) {
        FUZZ_CHECK(problem->contains(field) && problem->at(field).is_string(), "problem without " + std::string(field) + ": " + what);
      }
      const json::value* status = problem->if_contains("status");
      FUZZ_CHECK(status && status->is_int64() && status->as_int64() == response.status, "problem status: " + what);
    }
  }
  if (response.status == 401) FUZZ_CHECK(!response.Header("WWW-Authenticate").empty(), "401 without WWW-Authenticate: " + what);
}

class Server {
 public:
  explicit Server(std::uint64_t generation) : dir_(vigie::fuzz::ScratchDir() + "/server-" + std::to_string(generation)) {
    auto init = vigie::eventstore::EventStore::Init(dir_ + "/store", "vigie.fuzz/http");
    FUZZ_CHECK(init.has_value(), init ? "" : init.error().ToString());
    vigie::eventstore::StoreOptions store_options;
    store_options.clock = FuzzClock();
    store_options.sync = false;  // fsync is the crash tests' business, not the parser's
    auto store = vigie::eventstore::EventStore::Open(dir_ + "/store", store_options);
    FUZZ_CHECK(store.has_value(), store ? "" : store.error().ToString());
    store_ = std::move(*store);
    vigie::projections::LedgerOptions ledger_options;
    ledger_options.key_dir = dir_ + "/keys";
    ledger_options.clock = FuzzClock();
    ledger_options.random = CounterRandom;
    auto ledger = vigie::projections::Ledger::Open(store_.get(), ledger_options);
    FUZZ_CHECK(ledger.has_value(), ledger ? "" : ledger.error().ToString());
    ledger_ = std::move(*ledger);
    auto admin = ledger_->Bootstrap("vigie.fuzz/http");
    FUZZ_CHECK(admin.has_value(), admin ? "" : admin.error().ToString());
    tokens_["admin"] = *admin;
    router_ = std::make_unique<vigie::server::Router>(*ledger_, *store_, metrics_);
    RunSetup();
  }

  ~Server() {
    router_.reset();
    ledger_.reset();
    (void)store_->Close();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  Response Handle(Request request) const {
    for (auto& [name, value] : request.headers) value = WithTokens(value);
    Response response = router_->Handle(request);
    CheckResponse(request, response);
    return response;
  }

 private:
  void RunSetup() {
    for (const vigie::fuzz::SetupStep& step : vigie::fuzz::kSetupScript) {
      Request request;
      request.method = "POST";
      request.target = "/v1/commands/" + std::string(step.command);
      request.headers.emplace_back("Content-Type", "application/json");
      request.headers.emplace_back("Authorization", "Bearer $" + std::string(step.person));
      request.body = std::string(step.body);
      const Response response = Handle(request);
      FUZZ_CHECK(response.status == 201, "setup step " + std::string(step.command) + ": " + response.body);
      if (step.command == "enroll-person") {
        const json::value answer = json::parse(response.body);
        const json::value request_body = json::parse(step.body);
        tokens_[std::string(request_body.at("person_id").as_string())] =
            std::string(answer.at("token").as_string());
      }
    }
  }

  // "$person" -> that person's token.
  std::string WithTokens(const std::string& value) const {
    if (value.find('$') == std::string::npos) return value;
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value[i] == '$') {
        bool replaced = false;
        for (const auto& [person, token] : tokens_) {
          if (std::string_view(value).substr(i + 1).starts_with(person)) {
            out += token;
            i += person.size();
            replaced = true;
            break;
          }
        }
        if (replaced) continue;
      }
      out += value[i];
    }
    return out;
  }

  std::string dir_;
  std::unique_ptr<vigie::eventstore::EventStore> store_;
  std::unique_ptr<vigie::projections::Ledger> ledger_;
  vigie::server::Metrics metrics_;
  std::unique_ptr<vigie::server::Router> router_;
  std::map<std::string, std::string, std::greater<>> tokens_;  // longest name first on shared prefixes
};

Request ParseRequest(std::string_view input) {
  Request request;
  const std::size_t line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  const std::size_t space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  if (space != std::string_view::npos) request.target = std::string(line.substr(space + 1));
  input = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    const std::string_view header = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (header.empty()) break;
    const std::size_t colon = header.find(':');
    std::string_view value = colon == std::string_view::npos ? std::string_view() : header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::string(header.substr(0, colon)), std::string(value));
  }
  request.body = std::string(input);
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::uint64_t requests = 0;
  static std::uint64_t generation = 0;
  // Reachable until exit, and closed at exit before the scratch directory
  // is removed (atexit handlers run in reverse order of registration). The
  // close runs on a thread of its own: it signs a checkpoint, and the main
  // thread's thread_local digest context is already gone during exit.
  static Server* server = nullptr;
  if (server == nullptr || ++requests % kRequestsPerStore == 0) {
    delete server;
    server = new Server(generation++);
    if (generation == 1) {
      std::atexit([] {
        std::thread([] { delete server; }).join();
        server = nullptr;
      });
    } else {
      std::fprintf(stderr, "fuzz_http: store rebuilt after %llu requests\n",
                   static_cast<unsigned long long>(requests));
    }
  }
  (void)server->Handle(ParseRequest({reinterpret_cast<const char*>(data), size}));
  return 0;
}
