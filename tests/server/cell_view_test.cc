// The cell view's paging (SPEC §8: every list read per page is bounded) and
// the response cache of the current read views, over the real EventStore
// and Ledger through the router (no sockets).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "server/metrics.h"
#include "server/response_cache.h"
#include "server/router.h"
#include "tests/server/real_ledger.h"
#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

namespace json = boost::json;

constexpr int kItems = 230;  // more than two default pages

class CellViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(world_.Open("vigie.test/cell-view"));
    router_ = std::make_unique<Router>(world_.ledger(), world_.store(), metrics_);
    RouterOptions cached;
    cached.response_cache_bytes = 1 << 20;
    cached.response_cache_max_age = std::chrono::hours(1);
    cached_router_ = std::make_unique<Router>(world_.ledger(), world_.store(), metrics_, cached);
    admin_ = world_.admin_token();
    Exec(admin_, "configure-territory",
         R"({"name":"ZSP","kind":"zsp","communes":["Saint-Étienne"],"neighbourhoods":["Montreynaud"],)"
         R"("population":12000,"population_year":2010})");
    Exec(admin_, "register-partner", R"({"partner_id":"ville","name":"Ville","kind":"local_authority"})");
    Exec(admin_, "register-partner", R"({"partner_id":"ddsp","name":"DDSP","kind":"state_security"})");
    Exec(admin_, "create-cell",
         R"({"cell_id":"cp","name":"Cellule","kind":"partnership","chairs":[],"members":["ville","ddsp"],)"
         R"("confidential":true})");
    Exec(admin_, "publish-charter", R"({"charter_version":"v1"})");
    signed_ = Enroll("m-signed", true);
    unsigned_ = Enroll("m-unsigned", false);
    // Every third item is confidential: the unsigned member must never
    // see one, whatever the page.
    for (int i = 0; i < kItems; ++i) {
      const std::string id = "i" + std::to_string(i);
      const char* sensitivity = i % 3 == 2 ? "confidential" : "public";
      if (i % 3 == 2) confidential_.insert(id);
      Exec(signed_, "share-information",
           R"({"info_id":")" + id + R"(","cell_id":"cp","topic":"vols","neighbourhood":"Montreynaud",)"
           R"("summary":"Item )" + id + R"(","sensitivity":")" + sensitivity + R"("})");
    }
  }

  json::object Exec(const std::string& token, const std::string& command, const std::string& body) {
    Response response = router_->Handle(Post("/v1/commands/" + command, body, token));
    EXPECT_EQ(response.status, 201) << command << ": " << response.body;
    if (response.status != 201) return {};
    return json::parse(response.body).as_object();
  }

  std::string Enroll(const std::string& person, bool sign) {
    json::object answer = Exec(admin_, "enroll-person",
                               R"({"person_id":")" + person + R"(","partner_id":"ville",)"
                               R"("display_name":"Membre","roles":["member"]})");
    std::string token(answer.at("token").as_string());
    if (sign) Exec(token, "sign-charter", R"({"charter_version":"v1"})");
    return token;
  }

  json::object View(const std::string& token, const std::string& query) {
    Response response = router_->Handle(Get("/v1/cells/cp" + query, token));
    EXPECT_EQ(response.status, 200) << query << ": " << response.body;
    return json::parse(response.body).as_object();
  }

  // Follows the information pages from the first one; checks each page's
  // order and bound; returns the ids in the order given.
  std::vector<std::string> AllInformation(const std::string& token, std::size_t limit) {
    std::vector<std::string> ids;
    std::string query = "?limit=" + std::to_string(limit);
    for (int pages = 0; pages < 1000; ++pages) {
      json::object view = View(token, query);
      const json::array& items = view.at("information").as_array();
      EXPECT_LE(items.size(), limit);
      std::uint64_t previous = UINT64_MAX;
      for (const json::value& item : items) {
        const std::uint64_t position = item.at("position").to_number<std::uint64_t>();
        EXPECT_LT(position, previous) << "newest first";
        previous = position;
        ids.emplace_back(item.at("info_id").as_string());
      }
      const json::value& next = view.at("pages").at("information").at("next");
      if (next.is_null()) return ids;
      EXPECT_EQ(items.size(), limit) << "a page before the last one is full";
      EXPECT_EQ(next.to_number<std::uint64_t>(), previous) << "next is the oldest position shown";
      query = "?limit=" + std::to_string(limit) + "&before=" + std::to_string(next.to_number<std::uint64_t>());
    }
    ADD_FAILURE() << "the pages never ended";
    return ids;
  }

  RealLedger world_;
  Metrics metrics_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Router> cached_router_;
  std::string admin_, signed_, unsigned_;
  std::set<std::string> confidential_;
};

TEST_F(CellViewTest, TheFirstPageHoldsTheNewestHundredItems) {
  json::object view = View(signed_, "");
  const json::array& items = view.at("information").as_array();
  ASSERT_EQ(items.size(), projections::kCellPageLimitDefault);
  EXPECT_EQ(items.front().at("info_id").as_string(), "i" + std::to_string(kItems - 1));
  EXPECT_FALSE(view.at("pages").at("information").at("next").is_null());
  // The short lists say that they have no next page; every field is still there.
  for (const char* list : {"meetings", "decisions", "controls"}) {
    EXPECT_TRUE(view.at(list).as_array().empty()) << list;
    EXPECT_TRUE(view.at("pages").at(list).at("next").is_null()) << list;
  }
  for (const char* field : {"cell_id", "name", "kind", "members", "chairs", "membership_history",
                            "analyses", "situations", "as_of_position"}) {
    EXPECT_TRUE(view.contains(field)) << field;
  }
}

TEST_F(CellViewTest, PagesCoverEveryVisibleItemOnceNewestFirst) {
  for (std::size_t limit : {std::size_t{1000}, std::size_t{100}, std::size_t{7}}) {
    std::vector<std::string> ids = AllInformation(signed_, limit);
    EXPECT_EQ(ids.size(), static_cast<std::size_t>(kItems)) << limit;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "no item twice";
  }
}

TEST_F(CellViewTest, PagingNeverShowsWhatTheCallerMayNotSee) {
  std::vector<std::string> ids = AllInformation(unsigned_, 10);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kItems) - confidential_.size());
  for (const std::string& id : ids) EXPECT_FALSE(confidential_.contains(id)) << id;
  // Pages are full of visible items: the hidden ones do not eat the limit.
  json::object view = View(unsigned_, "?limit=50");
  EXPECT_EQ(view.at("information").as_array().size(), 50u);
}

TEST_F(CellViewTest, BeforeZeroIsAnEmptyPage) {
  json::object view = View(signed_, "?before=0");
  EXPECT_TRUE(view.at("information").as_array().empty());
  EXPECT_TRUE(view.at("pages").at("information").at("next").is_null());
}

TEST_F(CellViewTest, CachedAnswersAreTheSameBytesUntilTheLogGrows) {
  const Request request = Get("/v1/cells/cp?limit=5", signed_);
  Response first = cached_router_->Handle(request);
  Response again = cached_router_->Handle(request);
  Response uncached = router_->Handle(request);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.content_type, "application/json");
  EXPECT_EQ(again.Header("Cache-Control"), "no-store");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(uncached.body, first.body);

  // Another person with the same route gets their own answer.
  Response other = cached_router_->Handle(Get("/v1/cells/cp?limit=5", unsigned_));
  EXPECT_EQ(other.body, router_->Handle(Get("/v1/cells/cp?limit=5", unsigned_)).body);
  EXPECT_NE(other.body, first.body);

  // A new item: the next read shows it.
  Exec(signed_, "share-information",
       R"({"info_id":"fresh","cell_id":"cp","topic":"vols","neighbourhood":"Montreynaud",)"
       R"("summary":"Nouvelle","sensitivity":"public"})");
  json::object after = json::parse(cached_router_->Handle(request).body).as_object();
  EXPECT_EQ(after.at("information").as_array().front().at("info_id").as_string(), "fresh");
}

TEST_F(CellViewTest, ARevokedTokenIsRefusedEvenWithACachedAnswer) {
  const Request request = Get("/v1/cells/cp", unsigned_);
  ASSERT_EQ(cached_router_->Handle(request).status, 200);
  Exec(admin_, "revoke-person", R"({"person_id":"m-unsigned"})");
  ExpectProblem(cached_router_->Handle(request), 401);
}

TEST_F(CellViewTest, SituationFilesAreNeverServedFromTheCache) {
  Exec(admin_, "register-partner", R"({"partner_id":"x","name":"X","kind":"association"})");
  json::object referent = Exec(admin_, "enroll-person",
                               R"({"person_id":"ref","partner_id":"ddsp","display_name":"Référent",)"
                               R"("roles":["referent"]})");
  const std::string token(referent.at("token").as_string());
  Exec(token, "sign-charter", R"({"charter_version":"v1"})");
  Exec(token, "open-situation",
       R"({"situation_id":"s1","cell_id":"cp","pseudonym":"P","birth_year":2010,)"
       R"("referral_source":"education","reason":"decrochage_scolaire","need_to_know":["ville"]})");
  const Request read = Get("/v1/situations/s1?purpose=suivi", token);
  const std::uint64_t before = world_.store().Size();
  ASSERT_EQ(cached_router_->Handle(read).status, 200);
  ASSERT_EQ(cached_router_->Handle(read).status, 200);
  EXPECT_EQ(world_.store().Size(), before + 2) << "each read records its SituationConsulted";
}

TEST(ResponseCacheTest, AnEntryIsValidForItsPersonTargetAndSizeOnly) {
  ResponseCache cache(1000, std::chrono::hours(1));
  cache.Store("p", "/v1/cells", 7, "body");
  EXPECT_EQ(cache.Find("p", "/v1/cells", 7), "body");
  EXPECT_FALSE(cache.Find("p", "/v1/cells", 8));
  EXPECT_FALSE(cache.Find("q", "/v1/cells", 7));
  EXPECT_FALSE(cache.Find("p", "/v1/cells?as_of=1", 7));
  EXPECT_FALSE(cache.Find("p\0/v1", "cells", 7));
  // An older answer never replaces a newer one.
  cache.Store("p", "/v1/cells", 8, "newer");
  cache.Store("p", "/v1/cells", 7, "older");
  EXPECT_EQ(cache.Find("p", "/v1/cells", 8), "newer");
  EXPECT_EQ(cache.entries(), 1u);
}

TEST(ResponseCacheTest, BytesAreBoundedOldestFirst) {
  ResponseCache cache(1000, std::chrono::hours(1));
  for (int i = 0; i < 10; ++i) cache.Store("p", "/t" + std::to_string(i), 1, std::string(200, 'x'));
  EXPECT_LE(cache.bytes(), 1000u);
  EXPECT_EQ(cache.entries(), 5u);
  EXPECT_FALSE(cache.Find("p", "/t0", 1));
  EXPECT_TRUE(cache.Find("p", "/t9", 1));
  cache.Store("p", "/big", 1, std::string(251, 'x'));  // more than a quarter: not kept
  EXPECT_FALSE(cache.Find("p", "/big", 1));
}

TEST(ResponseCacheTest, OldEntriesAndADisabledCacheAnswerNothing) {
  ResponseCache expired(1000, std::chrono::milliseconds(-1));
  expired.Store("p", "/t", 1, "x");
  EXPECT_FALSE(expired.Find("p", "/t", 1));
  ResponseCache off(0, std::chrono::hours(1));
  off.Store("p", "/t", 1, "x");
  EXPECT_FALSE(off.enabled());
  EXPECT_FALSE(off.Find("p", "/t", 1));
}

TEST(ResponseCacheTest, OneCallerComputesWhileTheOthersWaitForItsAnswer) {
  ResponseCache cache(1000, std::chrono::hours(1), std::chrono::seconds(30));
  ResponseCache::Ticket leader = cache.Begin("p", "/v1/cells", 7);
  ASSERT_FALSE(leader.body) << "nothing stored yet: the first caller computes";
  std::atomic<int> waiting_done = 0;
  std::vector<std::thread> waiters;
  std::vector<std::optional<std::string>> answers(4);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    waiters.emplace_back([&, i] {
      ResponseCache::Ticket t = cache.Begin("p", "/v1/cells", 7);
      answers[i] = t.body;
      ++waiting_done;
    });
  }
  while (cache.waiting() < answers.size()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(waiting_done.load(), 0) << "the others wait for the computation in flight";
  // Another person, or a caller at a newer size, does not wait for it.
  EXPECT_FALSE(cache.Begin("q", "/v1/cells", 7).body);
  EXPECT_FALSE(cache.Begin("p", "/v1/cells", 8).body);
  cache.Finish(leader, "body");
  for (std::thread& t : waiters) t.join();
  for (const auto& answer : answers) EXPECT_EQ(answer, "body");
  EXPECT_EQ(cache.Find("p", "/v1/cells", 7), "body");
}

TEST(ResponseCacheTest, ALeaderWithoutACacheableAnswerReleasesItsWaiters) {
  ResponseCache cache(1000, std::chrono::hours(1), std::chrono::seconds(30));
  std::optional<ResponseCache::Ticket> leader(cache.Begin("p", "/t", 1));
  std::thread waiter([&] {
    ResponseCache::Ticket t = cache.Begin("p", "/t", 1);
    EXPECT_FALSE(t.body) << "no answer to share: the waiter computes its own";
    cache.Finish(t, "own");
  });
  while (cache.waiting() < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  leader.reset();  // dropped unfinished (a handler that threw, or a denial)
  waiter.join();
  EXPECT_EQ(cache.Find("p", "/t", 1), "own");
}

TEST(ResponseCacheTest, AWaiterGivesUpAfterTheWaitLimit) {
  ResponseCache cache(1000, std::chrono::hours(1), std::chrono::milliseconds(10));
  ResponseCache::Ticket leader = cache.Begin("p", "/t", 1);
  ResponseCache::Ticket late = cache.Begin("p", "/t", 1);
  EXPECT_FALSE(late.body);
  cache.Finish(late, "late");
  cache.Finish(leader, "leader");
  EXPECT_EQ(cache.Find("p", "/t", 1), "leader");
  EXPECT_EQ(cache.entries(), 1u);
}

}  // namespace
}  // namespace vigie::server::testing
