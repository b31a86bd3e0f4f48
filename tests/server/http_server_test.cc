// The real HttpServer on a loopback port, driven by a raw Beast client.
// Limits and timeouts are set short so that every case stays well under a
// second; no case depends on a sleep to be right, only to bound a wait.
#include "server/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "server/descriptor_limit.h"
#include "server/listener.h"
#include "tests/server/exposition_check.h"
#include "tests/server/http_client.h"
#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.port = 0;
    options_.io_threads = 2;
    options_.worker_threads = 4;
    options_.worker_queue_max = 16;
    options_.idle_timeout = 2000ms;
    options_.read_timeout = 300ms;
    options_.write_timeout = 300ms;
    options_.handling_timeout = 2000ms;
    options_.shutdown_timeout = 2000ms;
    options_.sse_heartbeat = 100ms;
    options_.logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    options_.logger->set_pattern("%v");
  }

  void TearDown() override {
    ledger_.Release();
    if (server_) server_->Stop();
  }

  void Start() {
    server_ = std::make_unique<HttpServer>(ledger_, store_, options_);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
  }

  std::string Log() {
    options_.logger->flush();
    return log_.str();
  }

  FakeEventStore store_;
  FakeLedger ledger_{store_};
  HttpServerOptions options_;
  std::ostringstream log_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Start();
  Client client(server_->port());
  auto health = client.Send(HttpGet("/healthz"));
  EXPECT_EQ(health.result_int(), 200);
  EXPECT_TRUE(health.keep_alive());
  auto me = client.Send(HttpGet("/v1/me", kMemberToken));
  EXPECT_EQ(me.result_int(), 200);
  EXPECT_EQ(me[http::field::content_type], "application/json");
  EXPECT_EQ(me[http::field::cache_control], "no-store");
  auto command = client.Send(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"a"})"));
  EXPECT_EQ(command.result_int(), 201);
  auto missing = client.Send(HttpGet("/v1/nothing", kMemberToken));
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(missing[http::field::content_type], "application/problem+json");

  std::regex id("^[0-9a-f]{16}$");
  EXPECT_TRUE(std::regex_match(std::string(me["X-Request-Id"]), id));
  EXPECT_NE(me["X-Request-Id"], command["X-Request-Id"]);
  EXPECT_EQ(server_->metrics().connections_open(), 1);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  Client client(server_->port());
  ASSERT_FALSE(client.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                               "GET /v1/me HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto [ec1, first] = client.Read();
  auto [ec2, second] = client.Read();
  EXPECT_EQ(first.result_int(), 200);
  EXPECT_EQ(second.result_int(), 401);
  EXPECT_EQ(second[http::field::www_authenticate], "Bearer realm=\"vigie\"");
}

TEST_F(HttpServerTest, ExpectContinueGetsA100) {
  Start();
  Client client(server_->port());
  std::string body = R"({"partner_id":"a"})";
  ASSERT_FALSE(client.WriteRaw("POST /v1/commands/retire-partner HTTP/1.1\r\nHost: x\r\n"
                               "Authorization: Bearer admin-token\r\nContent-Type: application/json\r\n"
                               "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
  std::string seen;
  ASSERT_FALSE(client.ReadUntil("\r\n\r\n", &seen));
  EXPECT_TRUE(seen.starts_with("HTTP/1.1 100 Continue\r\n")) << seen;
  ASSERT_FALSE(client.WriteRaw(body));
  auto [ec, response] = client.Read();
  EXPECT_FALSE(ec);
  EXPECT_EQ(response.result_int(), 201);
}

TEST_F(HttpServerTest, OversizedBodyIs413AndClosed) {
  options_.body_bytes_max = 64 * 1024;
  Start();
  Client client(server_->port());
  ASSERT_FALSE(client.WriteRaw("POST /v1/commands/add-situation-note HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n" +
                               std::string(100 * 1024, 'x')));
  auto [ec, response] = client.Read();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ClosedWithin(3000ms));
}

TEST_F(HttpServerTest, OversizedChunkedBodyIs413) {
  options_.body_bytes_max = 1024;
  Start();
  Client client(server_->port());
  std::string chunk(2048, 'x');
  ASSERT_FALSE(client.WriteRaw("POST /v1/commands/add-situation-note HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "800\r\n" + chunk + "\r\n0\r\n\r\n"));
  auto [ec, response] = client.Read();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(response.result_int(), 413);
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  Start();
  Client client(server_->port());
  ASSERT_FALSE(client.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Junk: " + std::string(20 * 1024, 'j') +
                               "\r\n\r\n"));
  auto [ec, response] = client.Read();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(response.result_int(), 431);
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
  Start();
  Client client(server_->port());
  ASSERT_FALSE(client.WriteRaw("GARBAGE\r\n\r\n"));
  auto [ec, response] = client.Read();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
}

TEST_F(HttpServerTest, SlowlorisIsCutByTheReadTimeout) {
  Start();
  Client client(server_->port());
  auto started = Clock::now();
  ASSERT_FALSE(client.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  // Keep trickling header bytes, each well within the timeout of the previous.
  bool cut = false;
  for (int i = 0; i < 40 && !cut; ++i) {
    if (client.WriteRaw("X-A: b\r\n")) cut = true;
    if (!cut && client.ClosedWithin(50ms)) cut = true;
  }
  EXPECT_TRUE(cut || client.ClosedWithin(1000ms));
  EXPECT_LT(Clock::now() - started, 1500ms);
  EXPECT_TRUE(WaitFor([&] { return server_->metrics().Render(0, {}).find("vigie_http_read_timeouts_total 1") !=
                                   std::string::npos; }));
}

TEST_F(HttpServerTest, IdleConnectionIsClosed) {
  options_.idle_timeout = 200ms;
  Start();
  Client client(server_->port());
  EXPECT_EQ(client.Send(HttpGet("/healthz")).result_int(), 200);
  EXPECT_TRUE(client.ClosedWithin(2000ms));
  EXPECT_TRUE(WaitFor([&] { return server_->metrics().connections_open() == 0; }));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitGet503) {
  options_.max_connections = 2;
  Start();
  Client first(server_->port());
  Client second(server_->port());
  EXPECT_EQ(first.Send(HttpGet("/healthz")).result_int(), 200);
  EXPECT_EQ(second.Send(HttpGet("/healthz")).result_int(), 200);
  Client third(server_->port());
  EXPECT_FALSE(third.Write(HttpGet("/healthz")));
  auto [ec, response] = third.Read();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(response.result_int(), 503);
  EXPECT_EQ(response[http::field::retry_after], "1");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(third.ClosedWithin(2000ms));
  // The first two are still served.
  EXPECT_EQ(first.Send(HttpGet("/healthz")).result_int(), 200);
}

TEST_F(HttpServerTest, ABlockedCommandDoesNotBlockOtherConnections) {
  options_.io_threads = 1;
  Start();
  ledger_.Hold();
  Client writer(server_->port());
  ASSERT_FALSE(writer.Write(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"a"})")));
  ASSERT_TRUE(WaitFor([&] { return ledger_.commands_started() == 1; }));

  Client reader(server_->port());
  EXPECT_EQ(reader.Send(HttpGet("/healthz")).result_int(), 200);
  EXPECT_EQ(reader.Send(HttpGet("/v1/me", kMemberToken)).result_int(), 200);

  ledger_.Release();
  auto [ec, response] = writer.Read();
  EXPECT_FALSE(ec);
  EXPECT_EQ(response.result_int(), 201);
}

// A command answered later (the real ledger: once durable, from the
// store's thread) does not keep its worker: with one worker, a read is
// served while the command still waits for its answer.
TEST_F(HttpServerTest, ACommandWaitingForTheDiskDoesNotHoldItsWorker) {
  options_.worker_threads = 1;
  Start();
  ledger_.AnswerAsynchronously();
  ledger_.Hold();
  Client writer(server_->port());
  ASSERT_FALSE(writer.Write(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"a"})")));
  ASSERT_TRUE(WaitFor([&] { return ledger_.commands_started() == 1; }));

  Client reader(server_->port());
  EXPECT_EQ(reader.Send(HttpGet("/v1/me", kMemberToken)).result_int(), 200);

  ledger_.Release();
  auto [ec, response] = writer.Read();
  EXPECT_FALSE(ec);
  EXPECT_EQ(response.result_int(), 201);
  EXPECT_NE(response.body().find("PartnerRegistered"), std::string::npos);
}

// Stop waits for a command answered later, and its client gets the answer.
TEST_F(HttpServerTest, StopWaitsForCommandsAnsweredLater) {
  Start();
  ledger_.AnswerAsynchronously();
  ledger_.Hold();
  Client busy(server_->port());
  ASSERT_FALSE(busy.Write(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"a"})")));
  ASSERT_TRUE(WaitFor([&] { return ledger_.commands_started() == 1; }));

  auto stopped = std::async(std::launch::async, [&] { server_->Stop(); });
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);  // waiting for the command
  ledger_.Release();
  auto [ec, response] = busy.Read();
  EXPECT_FALSE(ec);
  EXPECT_EQ(response.result_int(), 201);
  EXPECT_EQ(stopped.wait_for(3000ms), std::future_status::ready);
}

TEST_F(HttpServerTest, HandlingTimeoutIs503AndTheConnectionGoesOn) {
  options_.handling_timeout = 150ms;
  Start();
  ledger_.Hold();
  Client client(server_->port());
  auto response = client.Send(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"a"})"));
  EXPECT_EQ(response.result_int(), 503);
  EXPECT_EQ(response[http::field::retry_after], "1");
  EXPECT_NE(response.body().find("command_id"), std::string::npos);
  ledger_.Release();
  EXPECT_EQ(client.Send(HttpGet("/healthz")).result_int(), 200);
}

TEST_F(HttpServerTest, FullWorkQueueIs503) {
  options_.worker_threads = 1;
  options_.worker_queue_max = 1;
  Start();
  ledger_.Hold();
  Client running(server_->port());
  Client queued(server_->port());
  Client refused(server_->port());
  ASSERT_FALSE(running.Write(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"a"})")));
  ASSERT_TRUE(WaitFor([&] { return ledger_.commands_started() == 1; }));
  ASSERT_FALSE(queued.Write(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"b"})")));
  ASSERT_TRUE(WaitFor([&] {
    return server_->metrics().Render(0, {}).find("vigie_http_work_queue_depth 1") != std::string::npos;
  }));
  auto response = refused.Send(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"c"})"));
  EXPECT_EQ(response.result_int(), 503);
  EXPECT_EQ(response[http::field::retry_after], "1");
  ledger_.Release();
  EXPECT_EQ(running.Read().second.result_int(), 201);
  EXPECT_EQ(queued.Read().second.result_int(), 201);
}

TEST_F(HttpServerTest, StoreOverloadIs429) {
  Start();
  ledger_.FailNextCommand(ResourceExhausted("too many pending appends"));
  Client client(server_->port());
  auto response = client.Send(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"a"})"));
  EXPECT_EQ(response.result_int(), 429);
  EXPECT_EQ(response[http::field::retry_after], "1");
}

TEST_F(HttpServerTest, SubscribeStreamsPastAndLiveEvents) {
  store_.Add("partner-a", "PartnerRegistered");
  store_.Add("cell-b", "CellCreated");
  Start();
  Client client(server_->port());
  ASSERT_FALSE(client.Write(HttpGet("/v1/subscribe?from=0", kAuditorToken)));
  std::string seen;
  ASSERT_FALSE(client.ReadUntil("id: 1\n", &seen));
  EXPECT_TRUE(seen.starts_with("HTTP/1.1 200 OK\r\n")) << seen;
  EXPECT_NE(seen.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(seen.find("id: 0\nevent: PartnerRegistered\ndata: {\"position\":0"), std::string::npos) << seen;

  ASSERT_TRUE(WaitFor([&] { return store_.subscriber_count() == 1; }));
  store_.Add("situation-c", "SituationOpened");
  ASSERT_FALSE(client.ReadUntil("event: SituationOpened\n", &seen));
  EXPECT_NE(seen.find("id: 2\n"), std::string::npos);
  ASSERT_FALSE(client.ReadUntil(": keep-alive\n\n", &seen));  // heartbeats while idle
  EXPECT_EQ(server_->metrics().subscribers(), 1);
}

TEST_F(HttpServerTest, SubscribeNeedsAnAuditor) {
  Start();
  Client anonymous(server_->port());
  EXPECT_EQ(anonymous.Send(HttpGet("/v1/subscribe")).result_int(), 401);
  Client member(server_->port());
  EXPECT_EQ(member.Send(HttpGet("/v1/subscribe", kMemberToken)).result_int(), 403);
  EXPECT_EQ(store_.subscriber_count(), 0u);
}

TEST_F(HttpServerTest, ASubscriberThatDoesNotReadIsDropped) {
  ledger_.SetEventPadding(64 * 1024);
  for (int i = 0; i < 200; ++i) store_.Add("partner-" + std::to_string(i), "PartnerRegistered");
  Start();
  Client client(server_->port(), 4096);
  ASSERT_FALSE(client.Write(HttpGet("/v1/subscribe?from=0", kAuditorToken)));
  // The client never reads: 12 MiB cannot fit in the socket buffers, a
  // write stalls past write_timeout and the subscriber is dropped.
  EXPECT_TRUE(WaitFor([&] { return server_->metrics().Render(0, {}).find("vigie_subscribers_dropped_total 1") !=
                                   std::string::npos; },
                      5000ms));
  EXPECT_TRUE(WaitFor([&] { return store_.subscriber_count() == 0; }));
  EXPECT_EQ(server_->metrics().subscribers(), 0);
}

TEST_F(HttpServerTest, StopFinishesInFlightCommandsAndClosesIdleConnections) {
  Start();
  Client idle(server_->port());
  EXPECT_EQ(idle.Send(HttpGet("/healthz")).result_int(), 200);
  ledger_.Hold();
  Client busy(server_->port());
  ASSERT_FALSE(busy.Write(HttpPost("/v1/commands/retire-partner", R"({"partner_id":"a"})")));
  ASSERT_TRUE(WaitFor([&] { return ledger_.commands_started() == 1; }));

  auto stopped = std::async(std::launch::async, [&] { server_->Stop(); });
  EXPECT_TRUE(idle.ClosedWithin(2000ms));
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);  // waiting for the command
  ledger_.Release();
  auto [ec, response] = busy.Read();
  EXPECT_FALSE(ec);
  EXPECT_EQ(response.result_int(), 201);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(stopped.wait_for(3000ms), std::future_status::ready);
  EXPECT_EQ(server_->metrics().connections_open(), 0);
}

TEST_F(HttpServerTest, StopClosesSubscriptions) {
  Start();
  Client client(server_->port());
  ASSERT_FALSE(client.Write(HttpGet("/v1/subscribe", kAuditorToken)));
  std::string seen;
  ASSERT_FALSE(client.ReadUntil("\r\n\r\n", &seen));
  ASSERT_TRUE(WaitFor([&] { return store_.subscriber_count() == 1; }));
  server_->Stop();
  EXPECT_TRUE(client.ClosedWithin(2000ms));
  EXPECT_EQ(store_.subscriber_count(), 0u);
}

TEST_F(HttpServerTest, MetricsOverHttpAreWellFormed) {
  Start();
  Client client(server_->port());
  client.Send(HttpGet("/v1/cells/gltd-centre", kMemberToken));
  auto response = client.Send(HttpGet("/metrics"));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(CheckExposition(response.body()), "") << response.body();
  EXPECT_NE(response.body().find("route=\"/v1/cells/{id}\""), std::string::npos);
  EXPECT_NE(response.body().find("vigie_http_connections_open 1\n"), std::string::npos);
}

TEST_F(HttpServerTest, OneLogLinePerRequestWithoutSecrets) {
  Start();
  Client client(server_->port());
  auto response = client.Send(HttpGet("/v1/situations/s-2024-001?purpose=secret+purpose", kMemberToken));
  EXPECT_EQ(response.result_int(), 200);
  client.Send(HttpPost("/v1/commands/enroll-person", R"({"person_id":"p","display_name":"Secret Name","roles":["member"]})"));
  std::string log = Log();
  std::string id(response["X-Request-Id"]);
  EXPECT_NE(log.find("request_id=" + id + " method=GET route=/v1/situations/{id} status=200 duration_ms="),
            std::string::npos)
      << log;
  for (std::string_view secret : std::vector<std::string_view>{"secret", "purpose", "s-2024-001", kMemberToken, kAdminToken, "new-token",
                                  "Secret Name", "Bearer"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in " << log;
  }
}

TEST_F(HttpServerTest, JsonLinesLogging) {
  options_.log_format = LogFormat::kJsonLines;
  Start();
  Client client(server_->port());
  client.Send(HttpGet("/healthz"));
  server_->Stop();
  std::istringstream lines(Log());
  std::string line;
  int requests = 0;
  while (std::getline(lines, line)) {
    boost::json::value value = boost::json::parse(line);
    ASSERT_TRUE(value.is_object()) << line;
    if (value.as_object().contains("request_id")) {
      ++requests;
      EXPECT_EQ(value.at("route").as_string(), "/healthz");
      EXPECT_EQ(value.at("status").as_int64(), 200);
      EXPECT_EQ(value.at("method").as_string(), "GET");
      EXPECT_TRUE(value.at("duration_ms").is_double());
    }
  }
  EXPECT_EQ(requests, 1);
}

TEST_F(HttpServerTest, StartTwiceOrOnABusyPortFails) {
  Start();
  EXPECT_EQ(server_->Start().code(), StatusCode::kFailedPrecondition);
  HttpServerOptions same = options_;
  same.port = server_->port();
  HttpServer other(ledger_, store_, same);
  EXPECT_EQ(other.Start().code(), StatusCode::kUnavailable);
}

// ---- the descriptor limit ------------------------------------------------

// The soft RLIMIT_NOFILE set for one test, and the one before put back.
class SoftDescriptorLimit {
 public:
  explicit SoftDescriptorLimit(rlim_t soft) {
    EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &original_), 0);
    rlimit lowered = original_;
    lowered.rlim_cur = soft;
    EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  }
  ~SoftDescriptorLimit() { EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &original_), 0); }
  SoftDescriptorLimit(const SoftDescriptorLimit&) = delete;
  SoftDescriptorLimit& operator=(const SoftDescriptorLimit&) = delete;

  const rlimit& original() const { return original_; }

 private:
  rlimit original_{};
};

rlim_t SoftLimitNow() {
  rlimit limit{};
  EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  return limit.rlim_cur;
}

std::chrono::microseconds ProcessCpuTime() {
  rusage usage{};
  EXPECT_EQ(getrusage(RUSAGE_SELF, &usage), 0);
  auto micros = [](const timeval& t) {
    return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
  };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

TEST_F(HttpServerTest, StartRaisesASoftLimitTooLowForMaxConnections) {
  const std::uint64_t needed = DescriptorsNeeded(options_.max_connections);
  SoftDescriptorLimit low(400);
  if (low.original().rlim_max != RLIM_INFINITY && low.original().rlim_max < needed) {
    GTEST_SKIP() << "the hard descriptor limit is below " << needed;
  }
  Start();
  EXPECT_EQ(SoftLimitNow(), needed);
  EXPECT_NE(Log().find("raised the descriptor limit (RLIMIT_NOFILE) from 400 to " + std::to_string(needed)),
            std::string::npos)
      << Log();
}

// A hard limit cannot be raised again once lowered, so in a child process.
TEST_F(HttpServerTest, StartServesFewerConnectionsThanTheHardLimitHolds) {
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    const rlimit low{600, 600};
    if (setrlimit(RLIMIT_NOFILE, &low) != 0) _exit(2);
    options_.max_connections = 1024;
    HttpServer server(ledger_, store_, options_);
    if (!server.Start().ok()) _exit(3);
    server.Stop();
    const std::uint64_t fit = 600 - Listener::kRejectingMax - kDescriptorReserve;
    const std::string warning = "serving at most " + std::to_string(fit) + " connections, not max_connections 1024";
    _exit(Log().find(warning) == std::string::npos ? 4 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: setrlimit failed, 3: Start failed, 4: no warning";
}

// Out of descriptors, accept() fails and the connection stays in the
// backlog: the listener waits between tries instead of spinning (a core's
// worth of CPU), logs it once, and serves the connection once descriptors
// are free again.
TEST_F(HttpServerTest, AcceptWaitsWhileOutOfDescriptors) {
  options_.io_threads = 1;
  Start();
  // Made before the descriptors run out; connected after.
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  const timeval receive_timeout{5, 0};
  ASSERT_EQ(setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout), 0);

  std::vector<int> fillers;
  {
    const int probe = open("/dev/null", O_RDONLY);
    ASSERT_GE(probe, 0);
    close(probe);
    SoftDescriptorLimit low(static_cast<rlim_t>(probe) + 8);
    for (int fd = open("/dev/null", O_RDONLY); fd >= 0; fd = open("/dev/null", O_RDONLY)) fillers.push_back(fd);
    ASSERT_EQ(errno, EMFILE);

    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server_->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ASSERT_EQ(send(client, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));

    const auto cpu_before = ProcessCpuTime();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto cpu = ProcessCpuTime() - cpu_before;
    EXPECT_LT(cpu, std::chrono::milliseconds(150)) << "the accept loop spins";

    for (int fd : fillers) close(fd);
  }
  char answer[64] = {};
  const ssize_t got = recv(client, answer, sizeof answer - 1, 0);
  close(client);
  ASSERT_GT(got, 0) << "no answer once descriptors were free";
  EXPECT_TRUE(std::string(answer).starts_with("HTTP/1.1 200")) << answer;
  server_->Stop();
  const std::string log = Log();
  const std::string warning = "cannot accept connections";
  const std::size_t first = log.find(warning);
  EXPECT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find(warning, first + 1), std::string::npos) << "logged more than once: " << log;
}

}  // namespace
}  // namespace vigie::server::testing
