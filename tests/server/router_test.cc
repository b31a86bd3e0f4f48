// The router, endpoint by endpoint, over the fake ledger and store.
#include "server/router.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "server/uri_text.h"
#include "tests/server/exposition_check.h"
#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

namespace json = boost::json;

class RouterEndpointTest : public RouterTest {
 protected:
  void AddEvents(int n) {
    for (int i = 0; i < n; ++i) store_.Add("partner-p" + std::to_string(i), "PartnerRegistered");
  }
};

// ---- public routes ---------------------------------------------------------

TEST_F(RouterEndpointTest, HealthNeedsNoToken) {
  Response response = Handle(Get("/healthz"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(Json(response).at("status").as_string(), "ok");
  EXPECT_EQ(response.route, "/healthz");
}

TEST_F(RouterEndpointTest, MetricsNeedNoTokenAndAreWellFormed) {
  Handle(Get("/v1/me", kAdminToken));
  Response response = Handle(Get("/metrics"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(CheckExposition(response.body), "") << response.body;
  EXPECT_NE(response.body.find("vigie_log_size 0\n"), std::string::npos);
}

TEST_F(RouterEndpointTest, OpenApiIsServed) {
  Response response = Handle(Get("/v1/openapi.json"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_TRUE(Json(response).at("openapi").as_string().starts_with("3.1"));
}

TEST_F(RouterEndpointTest, PublicRoutesRefuseUnknownParameters) {
  ExpectProblem(Handle(Get("/healthz?verbose=1")), 400);
  ExpectProblem(Handle(Get("/metrics?x=1")), 400);
}

// ---- routing and authentication -------------------------------------------

TEST_F(RouterEndpointTest, UnknownRouteIsA404Problem) {
  auto body = ExpectProblem(Handle(Get("/v1/nothing", kAdminToken)), 404);
  EXPECT_EQ(body.at("type").as_string(), "urn:vigie:problem:not-found");
  ExpectProblem(Handle(Get("/", kAdminToken)), 404);
  ExpectProblem(Handle(Get("/v2/me", kAdminToken)), 404);
}

TEST_F(RouterEndpointTest, WrongMethodIsA405WithAllow) {
  Request request = Get("/v1/me", kAdminToken);
  request.method = "DELETE";
  Response response = Handle(request);
  ExpectProblem(response, 405);
  EXPECT_EQ(response.Header("Allow"), "GET");

  Response get_command = Handle(Get("/v1/commands/register-partner", kAdminToken));
  ExpectProblem(get_command, 405);
  EXPECT_EQ(get_command.Header("Allow"), "POST");
}

TEST_F(RouterEndpointTest, MissingTokenIs401WithChallenge) {
  Response response = Handle(Get("/v1/me"));
  auto body = ExpectProblem(response, 401);
  EXPECT_EQ(response.Header("WWW-Authenticate"), "Bearer realm=\"vigie\"");
  EXPECT_EQ(ledger_.calls(), 0);
}

TEST_F(RouterEndpointTest, BadTokensAre401) {
  Request unknown = Get("/v1/me", "nobody");
  Response response = Handle(unknown);
  ExpectProblem(response, 401);
  EXPECT_NE(response.Header("WWW-Authenticate").find("invalid_token"), std::string_view::npos);

  Request basic = Get("/v1/me");
  basic.headers.emplace_back("Authorization", "Basic YWRtaW46YWRtaW4=");
  ExpectProblem(Handle(basic), 401);

  Request twice = Get("/v1/me", kAdminToken);
  twice.headers.emplace_back("Authorization", "Bearer " + std::string(kAdminToken));
  ExpectProblem(Handle(twice), 401);

  Request empty = Get("/v1/me");
  empty.headers.emplace_back("Authorization", "Bearer ");
  ExpectProblem(Handle(empty), 401);
  EXPECT_EQ(ledger_.calls(), 0);
}

TEST_F(RouterEndpointTest, TheBearerSchemeIsCaseInsensitive) {
  Request request = Get("/v1/me");
  request.headers.emplace_back("authorization", "bearer " + std::string(kAdminToken));
  EXPECT_EQ(Handle(request).status, 200);
}

TEST_F(RouterEndpointTest, EveryAnswerIsNotCacheable) {
  for (const Request& request : {Get("/v1/me", kAdminToken), Get("/v1/me"), Get("/healthz"), Get("/nothing")}) {
    Response response = Handle(request);
    EXPECT_EQ(response.Header("Cache-Control"), "no-store") << request.target;
    EXPECT_EQ(response.Header("X-Content-Type-Options"), "nosniff");
  }
}

TEST_F(RouterEndpointTest, MatchTellsTheHttpLayerWhatMayBlock) {
  EXPECT_EQ(router_.Match("GET", "/healthz")->kind, RouteKind::kInline);
  EXPECT_EQ(router_.Match("GET", "/metrics?x")->kind, RouteKind::kInline);
  EXPECT_EQ(router_.Match("POST", "/v1/commands/register-partner")->kind, RouteKind::kCommand);
  EXPECT_EQ(router_.Match("GET", "/v1/situations/s1?purpose=x")->pattern, "/v1/situations/{id}");
  EXPECT_EQ(router_.Match("GET", "/v1/subscribe?from=0")->kind, RouteKind::kEventStream);
  EXPECT_EQ(router_.Match("GET", "/nothing"), nullptr);
  EXPECT_EQ(router_.Match("POST", "/v1/me"), nullptr);
}

// ---- commands -------------------------------------------------------------

TEST_F(RouterEndpointTest, CommandIs201WithTheLedgersAnswer) {
  Response response =
      Handle(Post("/v1/commands/register-partner", R"({"partner_id":"ddsp","name":"DDSP","kind":"state_security"})"));
  EXPECT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  auto body = Json(response).as_object();
  EXPECT_EQ(body.at("tree_size").as_int64(), 1);
  EXPECT_EQ(body.at("events").as_array().size(), 1u);
  EXPECT_EQ(ledger_.last().command, "register-partner");
  EXPECT_EQ(ledger_.last().body.at("partner_id").as_string(), "ddsp");
  EXPECT_EQ(response.route, "/v1/commands/{command}");
}

TEST_F(RouterEndpointTest, ReplayedCommandIs200) {
  Response response = Handle(Post("/v1/commands/retire-partner", R"({"command_id":"replayed","partner_id":"a"})"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(Json(response).at("command_id").as_string(), "replayed");
}

// A command's completion counts it out of the router after its Responder
// returned: letting the router go as soon as the answer arrived (what a
// Handle caller does) must wait for that, not free what it still uses.
TEST_F(RouterEndpointTest, DestroyingTheRouterWaitsForACommandStillBeingAnswered) {
  ledger_.AnswerAsynchronously();
  ledger_.Hold();
  auto router = std::make_unique<Router>(ledger_, store_, metrics_);
  std::atomic<bool> answered = false;
  std::atomic<bool> responder_returned = false;
  router->HandleAsync(Post("/v1/commands/retire-partner", R"({"partner_id":"a"})"), [&](Response response) {
    EXPECT_EQ(response.status, 201);
    answered = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    responder_returned = true;
  });
  std::thread store_thread([&] { ledger_.Release(); });  // answers the held command
  while (!answered) std::this_thread::yield();
  router.reset();
  EXPECT_TRUE(responder_returned);
  store_thread.join();
}

// A ledger that throws before it answers a command (as a bad_alloc while
// deciding would), whether it was left the command's answer function or not.
class ThrowingLedger : public FakeLedger {
 public:
  using FakeLedger::FakeLedger;
  void ExecuteAsync(const projections::Caller&, std::string_view, const json::value&, CommandDone) override {
    throw std::runtime_error("out of memory");
  }
};

// The HTTP layer answers such a command 500 (HandleSafelyAsync); it must
// not stay counted in flight, or Stop() would wait for it forever.
TEST_F(RouterEndpointTest, ACommandTheLedgerThrowsOnIsNotLeftInFlight) {
  ThrowingLedger ledger(store_);
  auto router = std::make_unique<Router>(ledger, store_, metrics_);
  int answers = 0;
  auto count = [&](Response) { ++answers; };
  const Request command = Post("/v1/commands/retire-partner", R"({"partner_id":"a"})");
  EXPECT_THROW(router->HandleAsync(command, count), std::runtime_error);
  ledger.NeverWait();  // TryExecuteAsync goes on to ExecuteAsync
  EXPECT_THROW((void)router->TryHandleAsync(command, count), std::runtime_error);
  EXPECT_EQ(answers, 0);

  auto drained = std::make_shared<std::atomic<bool>>(false);
  std::thread waiter([router = router.get(), drained] {
    router->WaitForCommands();
    *drained = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!*drained && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!*drained) {
    ADD_FAILURE() << "a command is still counted in flight";
    // The waiter and the router's destructor would wait forever: leave both.
    waiter.detach();
    (void)router.release();
    return;
  }
  waiter.join();
}

TEST_F(RouterEndpointTest, EnrollPersonReturnsTheToken) {
  Response response = Handle(Post("/v1/commands/enroll-person",
                                  R"({"person_id":"p","partner_id":"ddsp","display_name":"P","roles":["member"]})"));
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(Json(response).at("token").as_string(), "new-token");
}

TEST_F(RouterEndpointTest, UnknownCommandIs404WithoutTheLedger) {
  ExpectProblem(Handle(Post("/v1/commands/launch-missiles", "{}")), 404);
  ExpectProblem(Handle(Post("/v1/commands/REGISTER-PARTNER", "{}")), 404);
  EXPECT_EQ(ledger_.calls(), 0);
}

// TryHandleAsync (an I/O thread's way in): only a command is tried; what
// would wait is left whole (done not called, no command counted in
// flight, nothing executed); what needs no wait is answered as by Handle.
TEST_F(RouterEndpointTest, TryHandleAsyncLeavesWhatWouldWait) {
  int answers = 0;
  Response last;
  auto count = [&](Response response) {
    ++answers;
    last = std::move(response);
  };
  EXPECT_FALSE(router_.TryHandleAsync(Get("/v1/me", kAdminToken), count));
  EXPECT_FALSE(router_.TryHandleAsync(Get("/healthz"), count));
  const Request command =
      Post("/v1/commands/register-partner", R"({"partner_id":"ddsp","name":"DDSP","kind":"state_security"})");
  EXPECT_FALSE(router_.TryHandleAsync(command, count));  // the fake ledger's lock is "busy"
  EXPECT_EQ(answers, 0);
  EXPECT_EQ(ledger_.calls(), 0);
  router_.WaitForCommands();  // none counted in flight

  // Refusals made before the ledger is asked are answered on the spot.
  Request oversized = command;
  oversized.body.assign(2 * 1024 * 1024, ' ');
  EXPECT_TRUE(router_.TryHandleAsync(oversized, count));
  EXPECT_EQ(answers, 1);
  EXPECT_EQ(last.status, 413);

  ledger_.NeverWait();
  EXPECT_TRUE(router_.TryHandleAsync(command, count));
  EXPECT_EQ(answers, 2);
  EXPECT_EQ(last.status, 201) << last.body;
  EXPECT_EQ(last.route, "/v1/commands/{command}");
  EXPECT_EQ(last.Header("Cache-Control"), "no-store");
  EXPECT_EQ(ledger_.last().command, "register-partner");
  EXPECT_TRUE(router_.TryHandleAsync(Post("/v1/commands/register-partner", "{"), count));
  EXPECT_EQ(last.status, 400);
  EXPECT_FALSE(router_.TryHandleAsync(Get("/v1/me", kAdminToken), count));  // not a command
  EXPECT_EQ(answers, 3);
}

TEST_F(RouterEndpointTest, CommandNeedsJsonContentType) {
  Request request = Post("/v1/commands/retire-partner", R"({"partner_id":"a"})");
  request.headers.erase(request.headers.begin());
  ExpectProblem(Handle(request), 415);
  request.headers.emplace_back("Content-Type", "text/plain");
  ExpectProblem(Handle(request), 415);
  request.headers.back().second = "application/json; charset=utf-8";
  EXPECT_EQ(Handle(request).status, 201);
  request.headers.back().second = "Application/JSON";
  EXPECT_EQ(Handle(request).status, 201);
}

TEST_F(RouterEndpointTest, CommandTakesNoQuery) {
  auto body = ExpectProblem(Handle(Post("/v1/commands/retire-partner?dry_run=1", R"({"partner_id":"a"})")), 400);
  EXPECT_EQ(body.at("parameter").as_string(), "dry_run");
}

TEST_F(RouterEndpointTest, CommandFailuresMapThroughProblem) {
  struct Case {
    Status status;
    int http;
  };
  for (const Case& c : {Case{InvalidArgument("field 'name' is required"), 400},
                        Case{NotFound("no such partner"), 404},
                        Case{Aborted("stream moved on"), 409},
                        Case{AlreadyExists("partner ddsp exists"), 409},
                        Case{FailedPrecondition("charter not signed"), 422},
                        Case{ResourceExhausted("too many pending appends"), 429},
                        Case{Unavailable("the store is closing"), 503},
                        Case{Internal("rocksdb: IO error"), 500}}) {
    ledger_.FailNextCommand(c.status);
    Response response = Handle(Post("/v1/commands/retire-partner", R"({"partner_id":"a"})"));
    auto body = ExpectProblem(response, c.http);
    if (c.http < 500) {
      EXPECT_EQ(body.at("detail").as_string(), c.status.message());
    }
    if (c.http == 429 || c.http == 503) {
      EXPECT_EQ(response.Header("Retry-After"), "1");
    }
    if (c.http == 500) {
      EXPECT_EQ(body.at("detail").as_string().find("rocksdb"), json::string::npos);
      EXPECT_NE(response.log_note.find("rocksdb"), std::string::npos);
    }
  }
}

TEST_F(RouterEndpointTest, RefusedCallerIs403) {
  ExpectProblem(Handle(Post("/v1/commands/retire-partner", R"({"partner_id":"a"})", kMemberToken)), 403);
}

TEST_F(RouterEndpointTest, CommandsAreCounted) {
  Handle(Post("/v1/commands/retire-partner", R"({"partner_id":"a"})"));
  ledger_.FailNextCommand(AlreadyExists("x"));
  Handle(Post("/v1/commands/retire-partner", R"({"partner_id":"a"})"));
  std::string text = metrics_.Render(0, {});
  EXPECT_NE(text.find("vigie_commands_total{command=\"retire-partner\",result=\"created\"} 1"), std::string::npos);
  EXPECT_NE(text.find("vigie_commands_total{command=\"retire-partner\",result=\"already_exists\"} 1"),
            std::string::npos);
}

// ---- queries --------------------------------------------------------------

TEST_F(RouterEndpointTest, MeAnswersTheCaller) {
  Response response = Handle(Get("/v1/me", kMemberToken));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(Json(response).at("person_id").as_string(), "agent");
  ExpectProblem(Handle(Get("/v1/me?x=1", kMemberToken)), 400);
}

TEST_F(RouterEndpointTest, EventsPassFromAndLimit) {
  AddEvents(3);
  Response response = Handle(Get("/v1/events?from=1&limit=10", kAuditorToken));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(ledger_.last().from, 1u);
  EXPECT_EQ(ledger_.last().limit, 10u);
  EXPECT_EQ(Json(response).at("events").as_array().size(), 2u);

  Handle(Get("/v1/events", kAuditorToken));
  EXPECT_EQ(ledger_.last().from, 0u);
  EXPECT_EQ(ledger_.last().limit, kPageLimitDefault);
}

TEST_F(RouterEndpointTest, EventsBoundTheirPage) {
  EXPECT_EQ(ExpectProblem(Handle(Get("/v1/events?limit=1001", kAuditorToken)), 400).at("parameter").as_string(),
            "limit");
  EXPECT_EQ(ExpectProblem(Handle(Get("/v1/events?from=-1", kAuditorToken)), 400).at("parameter").as_string(),
            "from");
  EXPECT_EQ(ledger_.calls(), 0);
}

TEST_F(RouterEndpointTest, EventsAreForAuditors) {
  ExpectProblem(Handle(Get("/v1/events", kMemberToken)), 403);
}

TEST_F(RouterEndpointTest, StreamPassesItsNameAndPage) {
  Response response = Handle(Get("/v1/streams/partner-ddsp?from_version=2&limit=10", kAuditorToken));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(ledger_.last().id, "partner-ddsp");
  EXPECT_EQ(ledger_.last().from, 2u);
  EXPECT_EQ(ledger_.last().limit, 10u);
  EXPECT_EQ(response.route, "/v1/streams/{stream}");
}

TEST_F(RouterEndpointTest, StreamNamesAreChecked) {
  for (const std::string& bad : std::vector<std::string>{"Partner-x", "a%2Fb", "a%00", "%C3%A9", "-a", std::string(201, 'a')}) {
    auto body = ExpectProblem(Handle(Get("/v1/streams/" + bad, kAuditorToken)), 400);
    EXPECT_EQ(body.at("parameter").as_string(), "stream") << bad;
  }
  EXPECT_EQ(ledger_.calls(), 0);
}

TEST_F(RouterEndpointTest, CellsTakeAsOfAsPositionOrTime) {
  EXPECT_EQ(Handle(Get("/v1/cells?as_of=5", kMemberToken)).status, 200);
  EXPECT_EQ(ledger_.last().as_of.position, 5u);
  EXPECT_EQ(Handle(Get("/v1/cells?as_of=2024-01-01T00:00:00Z", kMemberToken)).status, 200);
  EXPECT_TRUE(ledger_.last().as_of.recorded_at_ns.has_value());
  EXPECT_EQ(Handle(Get("/v1/cells", kMemberToken)).status, 200);
  EXPECT_FALSE(ledger_.last().as_of.position || ledger_.last().as_of.recorded_at_ns);
  EXPECT_EQ(ExpectProblem(Handle(Get("/v1/cells?as_of=yesterday", kMemberToken)), 400).at("parameter").as_string(),
            "as_of");
}

TEST_F(RouterEndpointTest, CellById) {
  Response response = Handle(Get("/v1/cells/gltd-centre?as_of=3", kMemberToken));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(ledger_.last().id, "gltd-centre");
  EXPECT_EQ(ledger_.last().as_of.position, 3u);
  ExpectProblem(Handle(Get("/v1/cells/other", kMemberToken)), 404);
}

TEST_F(RouterEndpointTest, CellViewIsPagedByLimitAndBefore) {
  EXPECT_EQ(Handle(Get("/v1/cells/gltd-centre", kMemberToken)).status, 200);
  EXPECT_EQ(ledger_.last().cell_page.limit, projections::kCellPageLimitDefault);
  EXPECT_FALSE(ledger_.last().cell_page.before);
  EXPECT_EQ(Handle(Get("/v1/cells/gltd-centre?limit=1000&before=42", kMemberToken)).status, 200);
  EXPECT_EQ(ledger_.last().cell_page.limit, 1000u);
  EXPECT_EQ(ledger_.last().cell_page.before, 42u);
  EXPECT_EQ(Handle(Get("/v1/cells/gltd-centre?limit=1&before=0", kMemberToken)).status, 200);
  EXPECT_EQ(ledger_.last().cell_page.limit, 1u);
  EXPECT_EQ(ledger_.last().cell_page.before, 0u);
}

TEST_F(RouterEndpointTest, CellViewPageParametersAreBounded) {
  const int calls = ledger_.calls();
  for (const char* bad : {"limit=0", "limit=1001", "limit=-1", "limit=ten", "limit=", "limit=1&limit=2"}) {
    auto body = ExpectProblem(Handle(Get(std::string("/v1/cells/gltd-centre?") + bad, kMemberToken)), 400);
    EXPECT_EQ(body.at("parameter").as_string(), "limit") << bad;
  }
  for (const char* bad : {"before=-1", "before=1.5", "before=18446744073709551616", "before=0x10"}) {
    auto body = ExpectProblem(Handle(Get(std::string("/v1/cells/gltd-centre?") + bad, kMemberToken)), 400);
    EXPECT_EQ(body.at("parameter").as_string(), "before") << bad;
  }
  // The other lists take no paging parameter.
  EXPECT_EQ(ExpectProblem(Handle(Get("/v1/cells?limit=5", kMemberToken)), 400).at("parameter").as_string(),
            "limit");
  EXPECT_EQ(ledger_.calls(), calls);
}

TEST_F(RouterEndpointTest, CellIdIsChecked) {
  auto body = ExpectProblem(Handle(Get("/v1/cells/GLTD", kMemberToken)), 400);
  EXPECT_EQ(body.at("parameter").as_string(), "id");
  EXPECT_EQ(ledger_.calls(), 0);
}

TEST_F(RouterEndpointTest, SituationsFilterByCell) {
  EXPECT_EQ(Handle(Get("/v1/situations?cell=gltd-centre", kMemberToken)).status, 200);
  EXPECT_EQ(ledger_.last().cell, "gltd-centre");
  EXPECT_EQ(Handle(Get("/v1/situations", kMemberToken)).status, 200);
  EXPECT_FALSE(ledger_.last().cell);
  EXPECT_EQ(ExpectProblem(Handle(Get("/v1/situations?cell=a/b", kMemberToken)), 400).at("parameter").as_string(),
            "cell");
}

TEST_F(RouterEndpointTest, SituationPassesItsPurpose) {
  Response response =
      Handle(Get("/v1/situations/s-2024-001?purpose=suivi+du+dossier+%C3%A9ducatif", kMemberToken));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(ledger_.last().purpose, "suivi du dossier éducatif");
  EXPECT_EQ(ledger_.last().id, "s-2024-001");
  EXPECT_EQ(response.route, "/v1/situations/{id}");
}

TEST_F(RouterEndpointTest, SituationTheCallerMayNotSeeIs404) {
  ExpectProblem(Handle(Get("/v1/situations/s-2024-001", kAdminToken)), 404);
  ExpectProblem(Handle(Get("/v1/situations/s-9", kMemberToken)), 404);
}

TEST_F(RouterEndpointTest, SituationPurposeIsBounded) {
  auto body = ExpectProblem(
      Handle(Get("/v1/situations/s-2024-001?purpose=" + std::string(kTextParamBytesMax + 1, 'a'), kMemberToken)), 400);
  EXPECT_EQ(body.at("parameter").as_string(), "purpose");
  EXPECT_EQ(ledger_.calls(), 0);
}

TEST_F(RouterEndpointTest, InformationPassesItsQuery) {
  Response response = Handle(Get(
      "/v1/information?cell=gltd-centre&from=2013-01-01&to=2014-01-01T00:00:00%2B01:00&limit=5&before=42&as_of=9",
      kMemberToken));
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(ledger_.last().method, "Information");
  const auto& query = ledger_.last().information;
  EXPECT_EQ(query.cell, "gltd-centre");
  EXPECT_EQ(query.from_ns, 1356994800LL * 1'000'000'000);  // 2013-01-01T00:00:00+01:00
  EXPECT_EQ(query.to_ns, 1388530800LL * 1'000'000'000);    // 2014-01-01T00:00:00+01:00
  EXPECT_EQ(query.limit, 5u);
  EXPECT_EQ(query.before, 42u);
  EXPECT_EQ(query.as_of.position, 9u);
}

TEST_F(RouterEndpointTest, InformationParametersAreOptional) {
  EXPECT_EQ(Handle(Get("/v1/information", kMemberToken)).status, 200);
  const auto& query = ledger_.last().information;
  EXPECT_FALSE(query.cell || query.from_ns || query.to_ns || query.before);
  EXPECT_FALSE(query.as_of.position || query.as_of.recorded_at_ns);
  EXPECT_EQ(query.limit, kPageLimitDefault);
  // Either end of the period alone.
  EXPECT_EQ(Handle(Get("/v1/information?from=2013-01-01", kMemberToken)).status, 200);
  EXPECT_TRUE(ledger_.last().information.from_ns && !ledger_.last().information.to_ns);
  EXPECT_EQ(Handle(Get("/v1/information?to=2013-01-01&limit=1000&before=0", kMemberToken)).status, 200);
  EXPECT_EQ(ledger_.last().information.limit, 1000u);
  EXPECT_EQ(ledger_.last().information.before, 0u);
}

TEST_F(RouterEndpointTest, InformationValidatesItsParameters) {
  const std::pair<const char*, const char*> refused[] = {
      {"cell=Bad", "cell"},
      {"from=2013-13-01", "from"},
      {"to=yesterday", "to"},
      {"from=2013-06-01&to=2013-01-01", "to"},
      {"from=2013-06-01&to=2013-06-01", "to"},
      {"limit=0", "limit"},
      {"limit=1001", "limit"},
      {"limit=ten", "limit"},
      {"limit=", "limit"},
      {"limit=1&limit=2", "limit"},
      {"before=-1", "before"},
      {"before=1.5", "before"},
      {"before=18446744073709551616", "before"},
      {"as_of=yesterday", "as_of"},
      {"granularity=month", "granularity"},
  };
  for (const auto& [query, parameter] : refused) {
    auto body = ExpectProblem(Handle(Get(std::string("/v1/information?") + query, kMemberToken)), 400);
    EXPECT_EQ(body.at("parameter").as_string(), parameter) << query;
  }
  EXPECT_EQ(ledger_.calls(), 0);
}

TEST_F(RouterEndpointTest, DashboardPassesTheQuery) {
  Response response = Handle(Get(
      "/v1/dashboard?from=2013-01-01&to=2014-01-01T00:00:00%2B01:00&granularity=quarter&cell=gltd-centre&as_of=9",
      kMemberToken));
  EXPECT_EQ(response.status, 200) << response.body;
  const auto& query = ledger_.last().dashboard;
  EXPECT_EQ(query.granularity, "quarter");
  EXPECT_EQ(query.cell, "gltd-centre");
  EXPECT_EQ(query.as_of.position, 9u);
  EXPECT_EQ(query.from_ns, 1356994800LL * 1'000'000'000);  // 2013-01-01T00:00:00+01:00
  EXPECT_EQ(query.to_ns, 1388530800LL * 1'000'000'000);    // 2014-01-01T00:00:00+01:00
}

TEST_F(RouterEndpointTest, DashboardDefaultsToMonths) {
  EXPECT_EQ(Handle(Get("/v1/dashboard?from=2013-01-01&to=2013-06-01", kMemberToken)).status, 200);
  EXPECT_EQ(ledger_.last().dashboard.granularity, "month");
}

TEST_F(RouterEndpointTest, DashboardValidatesItsParameters) {
  auto parameter = [&](std::string target) {
    auto body = ExpectProblem(Handle(Get(std::move(target), kMemberToken)), 400);
    return std::string(body.at("parameter").as_string());
  };
  EXPECT_EQ(parameter("/v1/dashboard?to=2013-06-01"), "from");
  EXPECT_EQ(parameter("/v1/dashboard?from=2013-01-01"), "to");
  EXPECT_EQ(parameter("/v1/dashboard?from=2013-06-01&to=2013-01-01"), "to");
  EXPECT_EQ(parameter("/v1/dashboard?from=2013-01-01&to=2013-06-01&granularity=week"), "granularity");
  EXPECT_EQ(parameter("/v1/dashboard?from=2013-13-01&to=2014-01-01"), "from");
  EXPECT_EQ(parameter("/v1/dashboard?from=2013-01-01&to=2014-01-01&cell=Bad"), "cell");
  EXPECT_EQ(ledger_.calls(), 0);
}

TEST_F(RouterEndpointTest, PlanTakesAsOf) {
  EXPECT_EQ(Handle(Get("/v1/plan?as_of=4", kMemberToken)).status, 200);
  EXPECT_EQ(ledger_.last().as_of.position, 4u);
  ExpectProblem(Handle(Get("/v1/plan?year=2013", kMemberToken)), 400);
}

TEST_F(RouterEndpointTest, EvaluationAsJsonAndHtml) {
  Response json_answer = Handle(Get("/v1/evaluations/2013?as_of=2014-02-15T00:00:00Z", kMemberToken));
  EXPECT_EQ(json_answer.status, 200);
  EXPECT_EQ(ledger_.last().year, 2013);
  EXPECT_TRUE(ledger_.last().as_of.recorded_at_ns);

  Response html = Handle(Get("/v1/evaluations/2013?format=html", kMemberToken));
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(ledger_.last().method, "EvaluationHtml");
  EXPECT_NE(html.Header("Content-Security-Policy").find("default-src 'none'"), std::string_view::npos);
  EXPECT_NE(html.body.find("Évaluation 2013"), std::string::npos);
}

TEST_F(RouterEndpointTest, EvaluationChecksYearAndFormat) {
  for (const std::string& bad : std::vector<std::string>{"13", "abcd", "20130", "1899", "-201", "2013.5"}) {
    auto body = ExpectProblem(Handle(Get("/v1/evaluations/" + bad, kMemberToken)), 400);
    EXPECT_EQ(body.at("parameter").as_string(), "year") << bad;
  }
  EXPECT_EQ(ExpectProblem(Handle(Get("/v1/evaluations/2013?format=pdf", kMemberToken)), 400)
                .at("parameter")
                .as_string(),
            "format");
  EXPECT_EQ(ledger_.calls(), 0);
}

// ---- audit ----------------------------------------------------------------

TEST_F(RouterEndpointTest, CheckpointIsASignedNoteForAuditors) {
  AddEvents(2);
  Response response = Handle(Get("/v1/audit/checkpoint", kAuditorToken));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
  EXPECT_TRUE(response.body.starts_with("vigie.test\n2\n"));
  ExpectProblem(Handle(Get("/v1/audit/checkpoint", kMemberToken)), 403);
  ExpectProblem(Handle(Get("/v1/audit/checkpoint")), 401);
}

TEST_F(RouterEndpointTest, VerifierKeyIsExactlyTheKey) {
  Response response = Handle(Get("/v1/audit/verifier-key", kAuditorToken));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(response.body, FakeEventStore::kVerifierKey);
  ExpectProblem(Handle(Get("/v1/audit/verifier-key", kMemberToken)), 403);
}

TEST_F(RouterEndpointTest, InclusionProof) {
  AddEvents(5);
  Response response = Handle(Get("/v1/audit/inclusion?position=2&tree_size=5", kAuditorToken));
  EXPECT_EQ(response.status, 200) << response.body;
  auto body = Json(response).as_object();
  EXPECT_EQ(body.at("leaf_index").as_int64(), 2);
  EXPECT_EQ(body.at("tree_size").as_int64(), 5);
  EXPECT_EQ(body.at("leaf_hash").as_string().size(), 64u);
  ASSERT_EQ(body.at("path").as_array().size(), 2u);
  EXPECT_EQ(body.at("path").as_array()[0].as_string().size(), 64u);

  Response current = Handle(Get("/v1/audit/inclusion?position=4", kAuditorToken));
  EXPECT_EQ(Json(current).at("tree_size").as_int64(), 5);
}

TEST_F(RouterEndpointTest, InclusionParametersAreBounded) {
  AddEvents(5);
  auto parameter = [&](std::string target) {
    auto body = ExpectProblem(Handle(Get(std::move(target), kAuditorToken)), 400);
    return std::string(body.at("parameter").as_string());
  };
  EXPECT_EQ(parameter("/v1/audit/inclusion?position=5&tree_size=5"), "position");
  EXPECT_EQ(parameter("/v1/audit/inclusion?position=1&tree_size=6"), "tree_size");
  EXPECT_EQ(parameter("/v1/audit/inclusion?position=0&tree_size=0"), "tree_size");
  EXPECT_EQ(parameter("/v1/audit/inclusion?tree_size=5"), "position");
  EXPECT_EQ(parameter("/v1/audit/inclusion?position=99999999999999999999"), "position");
  ExpectProblem(Handle(Get("/v1/audit/inclusion?position=1", kMemberToken)), 403);
}

TEST_F(RouterEndpointTest, ConsistencyProof) {
  AddEvents(5);
  Response response = Handle(Get("/v1/audit/consistency?first=2&second=5", kAuditorToken));
  EXPECT_EQ(response.status, 200) << response.body;
  auto body = Json(response).as_object();
  EXPECT_EQ(body.at("first").as_int64(), 2);
  EXPECT_EQ(body.at("second").as_int64(), 5);
  EXPECT_EQ(body.at("path").as_array().size(), 3u);

  Response same = Handle(Get("/v1/audit/consistency?first=5", kAuditorToken));
  EXPECT_EQ(Json(same).at("path").as_array().size(), 0u);
}

TEST_F(RouterEndpointTest, ConsistencyParametersAreBounded) {
  AddEvents(5);
  auto parameter = [&](std::string target) {
    auto body = ExpectProblem(Handle(Get(std::move(target), kAuditorToken)), 400);
    return std::string(body.at("parameter").as_string());
  };
  EXPECT_EQ(parameter("/v1/audit/consistency?first=0&second=5"), "first");
  EXPECT_EQ(parameter("/v1/audit/consistency?first=4&second=3"), "first");
  EXPECT_EQ(parameter("/v1/audit/consistency?first=1&second=6"), "second");
  EXPECT_EQ(parameter("/v1/audit/consistency?second=5"), "first");
}

TEST_F(RouterEndpointTest, AccessLogPassesItsFilters) {
  Response response = Handle(Get(
      "/v1/audit/access-log?person=agent&situation=s-2024-001&from=2024-01-01&to=2024-02-01T00:00:00Z",
      kAuditorToken));
  EXPECT_EQ(response.status, 200) << response.body;
  const auto& query = ledger_.last().access;
  EXPECT_EQ(query.person, "agent");
  EXPECT_EQ(query.situation, "s-2024-001");
  EXPECT_TRUE(query.from_ns && query.to_ns);
  ExpectProblem(Handle(Get("/v1/audit/access-log", kMemberToken)), 403);
  ExpectProblem(Handle(Get("/v1/audit/access-log?from=2024-02-01&to=2024-01-01", kAuditorToken)), 400);
  ExpectProblem(Handle(Get("/v1/audit/access-log?person=..", kAuditorToken)), 400);
}

// ---- subscribe, without a connection to hold ------------------------------

TEST_F(RouterEndpointTest, SubscribeAnswersAvailableEventsAsEventStream) {
  AddEvents(3);
  Response response = Handle(Get("/v1/subscribe?from=1", kAuditorToken));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/event-stream");
  EXPECT_TRUE(response.body.starts_with("id: 1\nevent: PartnerRegistered\ndata: {")) << response.body;
  EXPECT_NE(response.body.find("id: 2\n"), std::string::npos);
  EXPECT_EQ(response.body.find("id: 0\n"), std::string::npos);
}

TEST_F(RouterEndpointTest, SubscribeIsForAuditors) {
  ExpectProblem(Handle(Get("/v1/subscribe")), 401);
  ExpectProblem(Handle(Get("/v1/subscribe", kMemberToken)), 403);
  ExpectProblem(Handle(Get("/v1/subscribe?from=x", kAuditorToken)), 400);
}

TEST_F(RouterEndpointTest, SubscriptionResumesAfterLastEventId) {
  AddEvents(4);
  Request request = Get("/v1/subscribe?from=0", kAuditorToken);
  request.headers.emplace_back("Last-Event-ID", "1");
  auto subscription = router_.OpenSubscription(request);
  ASSERT_TRUE(subscription);
  EXPECT_EQ(subscription->from, 2u);

  request.headers.back().second = "one";
  EXPECT_FALSE(router_.OpenSubscription(request));
  EXPECT_EQ(router_.OpenSubscription(Get("/v1/subscribe", kAuditorToken))->from, 4u);  // live tail only
}

TEST_F(RouterEndpointTest, PositionsBeyondTheLogAreRefused) {
  // From the log's size: the next event. Beyond it, the caller would miss
  // whatever is appended in between without knowing.
  AddEvents(4);
  EXPECT_EQ(router_.OpenSubscription(Get("/v1/subscribe?from=4", kAuditorToken))->from, 4u);
  for (const char* target : {"/v1/subscribe?from=5", "/v1/events?from=5"}) {
    Response response = Handle(Get(target, kAuditorToken));
    ExpectProblem(response, 400);
    EXPECT_EQ(Json(response).at("parameter").as_string(), "from") << target;
  }
  EXPECT_EQ(Handle(Get("/v1/events?from=4", kAuditorToken)).status, 200);
  Request resumed = Get("/v1/subscribe?from=0", kAuditorToken);
  resumed.headers.emplace_back("Last-Event-ID", "3");
  EXPECT_EQ(router_.OpenSubscription(resumed)->from, 4u);
  resumed.headers.back().second = "4";
  EXPECT_FALSE(router_.OpenSubscription(resumed));
  Response response = Handle(resumed);
  ExpectProblem(response, 400);
  EXPECT_EQ(Json(response).at("parameter").as_string(), "Last-Event-ID");
}

}  // namespace
}  // namespace vigie::server::testing
