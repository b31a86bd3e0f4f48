// SPEC §3 × SPEC §6 over the real EventStore and Ledger, through the
// router's pure handler (no sockets): every kind of caller against every
// route, with a resource they may see and one they may not.
//
// For every cell of the matrix the test checks
//   - the status (the table below, one column per caller);
//   - that no hidden field appears in the body: pseudonyms, birth years and
//     note texts only in a situation file the caller may read; restricted
//     and confidential summaries only in a cell view of someone inside the
//     cell (confidential: charter signed) or in the log read by an auditor;
//   - that a refused request records nothing (the log does not grow).
// A second table checks that what a caller may not see answers exactly like
// what does not exist (same status, same body once the id is swapped).
#include <array>
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "eventstore/event_store.h"
#include "projections/ledger.h"
#include "server/metrics.h"
#include "server/router.h"
#include "tests/server/real_ledger.h"
#include "tests/server/test_support.h"

namespace vigie::server::testing {
namespace {

namespace json = boost::json;

// The callers of SPEC §1/§3, in the order of the table's columns.
enum Who : int {
  kNobody,     // no Authorization header
  kAdmin,      // administrator (bootstrap)
  kReferent,   // référent unique, partner ddsp
  kDeputy,     // deputy référent, partner ddsp
  kMember,     // member of partner ville: cell-a, need-to-know on sit-a; charter signed
  kUnsigned,   // member of partner ville, charter NOT signed
  kOutsider,   // member of partner bailleur: cell-b only, need-to-know on sit-b
  kChair,      // chair of partner prefecture, chair of cell-a
  kEvaluator,  // evaluation committee
  kAuditor,    // auditor
  kRevoked,    // a ville member whose token was revoked
  kWhoCount,
};
constexpr const char* kWhoNames[kWhoCount] = {"nobody",   "admin",   "referent",  "deputy",
                                              "member",   "unsigned", "outsider", "chair",
                                              "evaluator", "auditor", "revoked"};

// What a successful answer may reveal, beyond public data.
enum class Reveals {
  kNothing,
  kCellA,   // cell-a's contents: restricted to its insiders, confidential to signed insiders
  kCellB,   // the same for cell-b
  kCells,   // the items of both cells, each by its own cell's rule
  kSitA,    // sit-a's file: its personal fields and the items about it
  kSitB,    // sit-b's file
  kLog,     // the whole log (auditors): every summary, but personal fields sealed
};

// Markers planted in the world; each must appear only where allowed.
constexpr std::string_view kRestrictedA = "RESTRICTED-MARKER-A";
constexpr std::string_view kConfidentialA = "CONFIDENTIAL-MARKER-A";
constexpr std::string_view kRestrictedB = "RESTRICTED-MARKER-B";
constexpr std::string_view kConfidentialB = "CONFIDENTIAL-MARKER-B";
constexpr std::string_view kAboutSitA = "SITUATION-INFO-MARKER-A";
constexpr std::string_view kPseudonymA = "PSEUDONYM-MARKER-A";
constexpr std::string_view kBirthYearA = "\"2012\"";
constexpr std::string_view kNoteA = "NOTE-MARKER-A";
constexpr std::string_view kPseudonymB = "PSEUDONYM-MARKER-B";
constexpr std::string_view kBirthYearB = "\"2011\"";
constexpr std::string_view kNoteB = "NOTE-MARKER-B";
constexpr std::string_view kAllMarkers[] = {kRestrictedA, kConfidentialA, kRestrictedB, kConfidentialB,
                                            kAboutSitA,   kPseudonymA,    kBirthYearA,  kNoteA,
                                            kPseudonymB,  kBirthYearB,    kNoteB};

// Insiders of each cell (SPEC §3: members of its partners, referents, chairs).
bool InsideA(Who who) { return who == kReferent || who == kDeputy || who == kMember || who == kUnsigned || who == kChair; }
bool InsideB(Who who) { return who == kReferent || who == kDeputy || who == kOutsider; }
bool Signed(Who who) { return who != kUnsigned && who != kNobody && who != kRevoked; }

std::set<std::string_view> AllowedMarkers(Reveals reveals, Who who) {
  switch (reveals) {
    case Reveals::kNothing:
      return {};
    case Reveals::kCellA:
      if (!InsideA(who)) return {};
      if (!Signed(who)) return {kRestrictedA};
      return {kRestrictedA, kConfidentialA, kAboutSitA};
    case Reveals::kCellB:
      if (!InsideB(who)) return {};
      if (!Signed(who)) return {kRestrictedB};
      return {kRestrictedB, kConfidentialB};
    case Reveals::kCells: {
      std::set<std::string_view> both = AllowedMarkers(Reveals::kCellA, who);
      both.merge(AllowedMarkers(Reveals::kCellB, who));
      return both;
    }
    case Reveals::kSitA:
      return {kPseudonymA, kBirthYearA, kNoteA, kAboutSitA, kConfidentialA, kRestrictedA};
    case Reveals::kSitB:
      return {kPseudonymB, kBirthYearB, kNoteB, kConfidentialB, kRestrictedB};
    case Reveals::kLog:
      // Personal fields are sealed in the log: never these.
      return {kRestrictedA, kConfidentialA, kRestrictedB, kConfidentialB, kAboutSitA};
  }
  return {};
}

struct Case {
  const char* method;
  std::string target;
  std::string body;  // POST only; "{who}" is replaced by the caller's name
  Reveals reveals;
  //  nobody admin ref deputy member unsigned outsider chair evaluator auditor revoked
  std::array<int, kWhoCount> status;
};

int CurrentYear() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(world_.Open("vigie.test/access"));
    store_ = &world_.store();
    tokens_[kAdmin] = world_.admin_token();
    router_ = std::make_unique<Router>(world_.ledger(), world_.store(), metrics_);
    ASSERT_NO_FATAL_FAILURE(BuildWorld());
  }

  Response Send(Who who, const char* method, const std::string& target, const std::string& body = {}) {
    const std::string token = who == kNobody ? std::string() : tokens_.at(who);
    // An empty token: no Authorization header at all.
    Request request = std::string_view(method) == "POST" ? Post(target, body, token) : Get(target, token);
    return router_->Handle(request);
  }

  // A command every test relies on: must succeed.
  json::object Exec(Who who, const std::string& command, const std::string& body) {
    Response response = Send(who, "POST", "/v1/commands/" + command, body);
    EXPECT_EQ(response.status, 201) << command << ": " << response.body;
    if (response.status != 201) return {};
    return json::parse(response.body).as_object();
  }

  void Enroll(Who who, const std::string& person, const std::string& partner, const std::string& role,
              bool sign) {
    std::string partner_field = partner.empty() ? "" : R"("partner_id":")" + partner + R"(",)";
    json::object answer = Exec(kAdmin, "enroll-person",
                               R"({"person_id":")" + person + R"(",)" + partner_field +
                                   R"("display_name":"Personne )" + person + R"(","roles":[")" + role + R"("]})");
    ASSERT_TRUE(answer.contains("token"));
    tokens_[who] = std::string(answer.at("token").as_string());
    if (sign) Exec(who, "sign-charter", R"({"charter_version":"v1"})");
  }

  void BuildWorld() {
    Exec(kAdmin, "configure-territory",
         R"({"name":"ZSP de Montreynaud","kind":"zsp","communes":["Saint-Étienne"],)"
         R"("neighbourhoods":["Montreynaud"],"population":12000,"population_year":2010})");
    for (const char* partner : {R"({"partner_id":"ddsp","name":"DDSP","kind":"state_security"})",
                                R"({"partner_id":"ville","name":"Ville","kind":"local_authority"})",
                                R"({"partner_id":"bailleur","name":"Bailleur","kind":"social_landlord"})",
                                R"({"partner_id":"prefecture","name":"Préfecture","kind":"state_control"})"}) {
      Exec(kAdmin, "register-partner", partner);
    }
    Exec(kAdmin, "create-cell",
         R"({"cell_id":"cell-a","name":"Cellule partenariale","kind":"partnership","chairs":["prefecture"],)"
         R"("members":["ddsp","ville"],"confidential":true})");
    Exec(kAdmin, "create-cell",
         R"({"cell_id":"cell-b","name":"Groupe de travail","kind":"gltd","chairs":[],)"
         R"("members":["ddsp","bailleur"],"confidential":true})");
    Exec(kAdmin, "publish-charter", R"({"charter_version":"v1"})");
    Enroll(kReferent, "ref", "ddsp", "referent", true);
    Enroll(kDeputy, "deputy", "ddsp", "deputy_referent", true);
    Enroll(kMember, "m-ville", "ville", "member", true);
    Enroll(kUnsigned, "m-ville-unsigned", "ville", "member", false);
    Enroll(kOutsider, "m-bailleur", "bailleur", "member", true);
    Enroll(kChair, "chair-pref", "prefecture", "chair", true);
    Enroll(kEvaluator, "eval", "", "evaluator", true);
    Enroll(kAuditor, "audit", "", "auditor", true);
    Enroll(kRevoked, "m-revoked", "ville", "member", true);
    Exec(kAdmin, "revoke-person", R"({"person_id":"m-revoked"})");

    auto share = [&](Who who, const char* id, const char* cell, const char* sensitivity,
                     std::string_view summary, const char* situation = nullptr) {
      Exec(who, "share-information",
           std::string(R"({"info_id":")") + id + R"(","cell_id":")" + cell +
               R"(","topic":"trafic_stupefiants","neighbourhood":"Montreynaud","summary":")" +
               std::string(summary) + R"(","sensitivity":")" + sensitivity + "\"" +
               (situation ? std::string(R"(,"situation_id":")") + situation + "\"" : std::string()) + "}");
    };
    share(kMember, "i-a-public", "cell-a", "public", "Information publique");
    share(kMember, "i-a-restricted", "cell-a", "restricted", kRestrictedA);
    share(kMember, "i-a-confidential", "cell-a", "confidential", kConfidentialA);
    share(kOutsider, "i-b-restricted", "cell-b", "restricted", kRestrictedB);
    share(kOutsider, "i-b-confidential", "cell-b", "confidential", kConfidentialB);

    auto open = [&](const char* id, const char* cell, std::string_view pseudonym, int birth_year,
                    const char* need_to_know) {
      Exec(kReferent, "open-situation",
           std::string(R"({"situation_id":")") + id + R"(","cell_id":")" + cell + R"(","pseudonym":")" +
               std::string(pseudonym) + R"(","birth_year":)" + std::to_string(birth_year) +
               R"(,"referral_source":"education","reason":"decrochage_scolaire","need_to_know":[")" +
               need_to_know + R"("]})");
    };
    open("sit-a", "cell-a", kPseudonymA, 2012, "ville");
    open("sit-b", "cell-b", kPseudonymB, 2011, "bailleur");
    Exec(kMember, "add-situation-note",
         R"({"situation_id":"sit-a","note_id":"n1","category":"suivi","text":")" + std::string(kNoteA) + R"("})");
    Exec(kOutsider, "add-situation-note",
         R"({"situation_id":"sit-b","note_id":"n1","category":"suivi","text":")" + std::string(kNoteB) + R"("})");
    share(kMember, "i-about-sit-a", "cell-a", "confidential", kAboutSitA, "sit-a");
  }

  RealLedger world_;
  eventstore::EventStore* store_ = nullptr;
  Metrics metrics_;
  std::unique_ptr<Router> router_;
  std::map<Who, std::string> tokens_;
};

// Every route of SPEC §6 (router.cc's table) with a visible and a hidden
// resource where the route names one.
std::vector<Case> Matrix() {
  const std::string year = std::to_string(CurrentYear());
  const std::string period = "from=2020-01-01T00:00:00Z&to=2040-01-01T00:00:00Z&granularity=year";
  // Column order: nobody admin ref deputy member unsigned outsider chair evaluator auditor revoked
  return {
      {"GET", "/healthz", "", Reveals::kNothing,                 {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
      {"GET", "/metrics", "", Reveals::kNothing,                 {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
      {"GET", "/v1/openapi.json", "", Reveals::kNothing,         {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
      {"GET", "/v1/me", "", Reveals::kNothing,                   {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401}},
      {"GET", "/v1/events?from=0&limit=1000", "", Reveals::kLog, {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      {"GET", "/v1/streams/situation-sit-a", "", Reveals::kLog,  {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      {"GET", "/v1/streams/information-i-a-confidential", "", Reveals::kLog,
                                                                 {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      {"GET", "/v1/subscribe?from=0", "", Reveals::kLog,         {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      {"GET", "/v1/cells", "", Reveals::kNothing,                {401, 200, 200, 200, 200, 200, 200, 200, 403, 403, 401}},
      {"GET", "/v1/cells/cell-a", "", Reveals::kCellA,           {401, 200, 200, 200, 200, 200, 404, 200, 403, 403, 401}},
      {"GET", "/v1/cells/cell-b", "", Reveals::kCellB,           {401, 200, 200, 200, 404, 404, 200, 404, 403, 403, 401}},
      {"GET", "/v1/cells/cell-z", "", Reveals::kNothing,         {401, 404, 404, 404, 404, 404, 404, 404, 403, 403, 401}},
      {"GET", "/v1/cells/cell-a?as_of=1", "", Reveals::kCellA,   {401, 404, 404, 404, 404, 404, 404, 404, 403, 403, 401}},
      // Public items for everyone who works in the cells and auditors; the
      // others by the cell view's rules; neither administrator nor evaluator.
      {"GET", "/v1/information", "", Reveals::kCells,            {401, 403, 200, 200, 200, 200, 200, 200, 403, 200, 401}},
      {"GET", "/v1/information?cell=cell-a", "", Reveals::kCellA,
                                                                 {401, 403, 200, 200, 200, 200, 200, 200, 403, 200, 401}},
      {"GET", "/v1/information?cell=cell-b&limit=1000", "", Reveals::kCellB,
                                                                 {401, 403, 200, 200, 200, 200, 200, 200, 403, 200, 401}},
      {"GET", "/v1/information?cell=cell-z", "", Reveals::kNothing,
                                                                 {401, 403, 200, 200, 200, 200, 200, 200, 403, 200, 401}},
      {"GET", "/v1/information?as_of=1", "", Reveals::kCells,    {401, 403, 200, 200, 200, 200, 200, 200, 403, 200, 401}},
      {"GET", "/v1/situations", "", Reveals::kNothing,           {401, 403, 200, 200, 200, 403, 200, 200, 403, 403, 401}},
      {"GET", "/v1/situations?cell=cell-a", "", Reveals::kNothing,
                                                                 {401, 403, 200, 200, 200, 403, 200, 200, 403, 403, 401}},
      {"GET", "/v1/situations/sit-a?purpose=suivi", "", Reveals::kSitA,
                                                                 {401, 404, 200, 200, 200, 403, 404, 404, 404, 404, 401}},
      {"GET", "/v1/situations/sit-b", "", Reveals::kSitB,        {401, 404, 200, 200, 404, 403, 200, 404, 404, 404, 401}},
      {"GET", "/v1/situations/sit-z", "", Reveals::kNothing,     {401, 404, 404, 404, 404, 403, 404, 404, 404, 404, 401}},
      {"GET", "/v1/dashboard?" + period, "", Reveals::kNothing,  {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401}},
      {"GET", "/v1/dashboard?cell=cell-a&" + period, "", Reveals::kNothing,
                                                                 {401, 200, 200, 200, 200, 200, 404, 200, 200, 200, 401}},
      {"GET", "/v1/dashboard?cell=cell-b&" + period, "", Reveals::kNothing,
                                                                 {401, 200, 200, 200, 404, 404, 200, 404, 200, 200, 401}},
      {"GET", "/v1/plan", "", Reveals::kNothing,                 {401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 401}},
      {"GET", "/v1/evaluations/" + year, "", Reveals::kNothing,  {401, 403, 200, 200, 403, 403, 403, 200, 200, 200, 401}},
      {"GET", "/v1/evaluations/" + year + "?format=html", "", Reveals::kNothing,
                                                                 {401, 403, 200, 200, 403, 403, 403, 200, 200, 200, 401}},
      {"GET", "/v1/audit/checkpoint", "", Reveals::kNothing,     {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      {"GET", "/v1/audit/verifier-key", "", Reveals::kNothing,   {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      {"GET", "/v1/audit/inclusion?position=0&tree_size=2", "", Reveals::kNothing,
                                                                 {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      {"GET", "/v1/audit/consistency?first=1&second=2", "", Reveals::kNothing,
                                                                 {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      {"GET", "/v1/audit/access-log?situation=sit-a", "", Reveals::kNothing,
                                                                 {401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 401}},
      // Commands: the role, the cell membership and the situation's visibility decide.
      // A member without the charter is refused for it (422) before any situation is
      // looked up, so sit-a, sit-b and a missing one answer alike.
      {"POST", "/v1/commands/share-information",
       R"({"info_id":"x-{who}","cell_id":"cell-a","topic":"vols","neighbourhood":"Montreynaud",)"
       R"("summary":"Information publique","sensitivity":"public"})", Reveals::kNothing,
                                                                 {401, 403, 201, 201, 201, 201, 422, 403, 403, 403, 401}},
      {"POST", "/v1/commands/add-situation-note",
       R"({"situation_id":"sit-a","note_id":"x-{who}","category":"suivi","text":"NOTE-MARKER-A"})", Reveals::kNothing,
                                                                 {401, 403, 201, 201, 201, 422, 404, 403, 403, 403, 401}},
      {"POST", "/v1/commands/add-situation-note",
       R"({"situation_id":"sit-b","note_id":"x-{who}","category":"suivi","text":"NOTE-MARKER-B"})", Reveals::kNothing,
                                                                 {401, 403, 201, 201, 404, 422, 201, 403, 403, 403, 401}},
      {"POST", "/v1/commands/register-partner",
       R"({"partner_id":"p-{who}","name":"Association","kind":"association"})", Reveals::kNothing,
                                                                 {401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 401}},
      {"POST", "/v1/commands/enroll-person",
       R"({"person_id":"p-{who}","display_name":"Nouvelle personne","roles":["member"],"partner_id":"ville"})",
       Reveals::kNothing,                                        {401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 401}},
  };
}

TEST_F(AccessMatrixTest, EveryCallerOnEveryRouteGetsTheStatusOfSpecSection3AndNoHiddenField) {
  for (const Case& c : Matrix()) {
    for (int w = 0; w < kWhoCount; ++w) {
      const Who who = static_cast<Who>(w);
      SCOPED_TRACE(std::string(kWhoNames[w]) + " " + c.method + " " + c.target);
      const std::string body = Replace(c.body, "{who}", kWhoNames[w]);
      const std::uint64_t size_before = store_->Size();
      Response response = Send(who, c.method, c.target, body);

      EXPECT_EQ(response.status, c.status[w]) << response.body;
      if (response.status >= 400) {
        ExpectProblem(response, response.status);
        EXPECT_EQ(store_->Size(), size_before) << "a refused request recorded something";
      }
      const std::set<std::string_view> allowed =
          response.status < 300 ? AllowedMarkers(c.reveals, who) : std::set<std::string_view>{};
      for (std::string_view marker : kAllMarkers) {
        if (allowed.contains(marker)) continue;
        EXPECT_EQ(response.body.find(marker), std::string::npos) << "leaks " << marker << ": " << response.body;
      }
      for (const std::string& token : {tokens_.at(kAdmin), tokens_.at(kMember)}) {
        if (c.target.find("enroll-person") == std::string::npos) {
          EXPECT_EQ(response.body.find(token), std::string::npos) << "a token in an answer";
        }
      }
    }
  }
}

// The markers are where they should be: the checks above are not vacuous.
TEST_F(AccessMatrixTest, AllowedReadersSeeWhatTheyMaySee) {
  Response file = Send(kMember, "GET", "/v1/situations/sit-a");
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_NE(file.body.find(kPseudonymA), std::string::npos);
  EXPECT_NE(file.body.find(kNoteA), std::string::npos);

  Response cell = Send(kMember, "GET", "/v1/cells/cell-a");
  ASSERT_EQ(cell.status, 200);
  EXPECT_NE(cell.body.find(kConfidentialA), std::string::npos);
  EXPECT_NE(cell.body.find(kRestrictedA), std::string::npos);

  Response unsigned_cell = Send(kUnsigned, "GET", "/v1/cells/cell-a");
  ASSERT_EQ(unsigned_cell.status, 200);
  EXPECT_NE(unsigned_cell.body.find(kRestrictedA), std::string::npos);
  EXPECT_EQ(unsigned_cell.body.find(kConfidentialA), std::string::npos);

  // Public items reach those outside the cell; the rest, and the
  // situation an item is about, only those who may see them.
  for (Who who : {kOutsider, kAuditor}) {
    SCOPED_TRACE(kWhoNames[who]);
    Response information = Send(who, "GET", "/v1/information?cell=cell-a");
    ASSERT_EQ(information.status, 200) << information.body;
    EXPECT_NE(information.body.find("i-a-public"), std::string::npos) << information.body;
    EXPECT_EQ(information.body.find("i-a-restricted"), std::string::npos) << information.body;
    EXPECT_EQ(information.body.find(R"("situation_id")"), std::string::npos) << information.body;
  }
  Response member_items = Send(kMember, "GET", "/v1/information");
  ASSERT_EQ(member_items.status, 200);
  EXPECT_NE(member_items.body.find(kConfidentialA), std::string::npos);
  EXPECT_NE(member_items.body.find(R"("situation_id":"sit-a")"), std::string::npos);
  EXPECT_EQ(member_items.body.find(kRestrictedB), std::string::npos);
  Response chair_items = Send(kChair, "GET", "/v1/information");  // inside cell-a, not on sit-a
  ASSERT_EQ(chair_items.status, 200);
  EXPECT_NE(chair_items.body.find(kAboutSitA), std::string::npos);
  EXPECT_EQ(chair_items.body.find(R"("situation_id")"), std::string::npos) << chair_items.body;

  Response log = Send(kAuditor, "GET", "/v1/events?from=0&limit=1000");
  ASSERT_EQ(log.status, 200);
  EXPECT_NE(log.body.find(kConfidentialB), std::string::npos);
  EXPECT_EQ(log.body.find(kPseudonymA), std::string::npos);
}

// Every read of a situation file records who read it; a refused read does not.
TEST_F(AccessMatrixTest, ASituationReadIsRecordedAndARefusedOneIsNot) {
  const std::uint64_t before = store_->Size();
  ASSERT_EQ(Send(kMember, "GET", "/v1/situations/sit-a?purpose=suivi").status, 200);
  EXPECT_EQ(store_->Size(), before + 1);
  ASSERT_EQ(Send(kOutsider, "GET", "/v1/situations/sit-a?purpose=suivi").status, 404);
  EXPECT_EQ(store_->Size(), before + 1);
  Response log = Send(kAuditor, "GET", "/v1/audit/access-log?situation=sit-a");
  ASSERT_EQ(log.status, 200);
  EXPECT_NE(log.body.find("m-ville"), std::string::npos) << log.body;
  EXPECT_EQ(log.body.find("m-bailleur"), std::string::npos) << log.body;
}

struct LeakCase {
  const char* method;
  std::string hidden_target;
  std::string hidden_body;
  std::string hidden_id;
  std::string absent_id;  // replaces hidden_id in both target and body
  std::vector<Who> callers;  // for whom the hidden resource is not visible
};

std::vector<LeakCase> LeakCases() {
  const std::string period = "&from=2020-01-01T00:00:00Z&to=2040-01-01T00:00:00Z";
  const std::vector<Who> not_on_a = {kAdmin, kOutsider, kChair, kEvaluator, kAuditor};
  const std::vector<Who> not_on_b = {kAdmin, kMember, kUnsigned, kChair, kEvaluator, kAuditor};
  return {
      {"GET", "/v1/situations/sit-a", "", "sit-a", "sit-z", not_on_a},
      {"GET", "/v1/situations/sit-b", "", "sit-b", "sit-z", not_on_b},
      {"GET", "/v1/situations/sit-b?purpose=x", "", "sit-b", "sit-z", not_on_b},
      {"GET", "/v1/cells/cell-b", "", "cell-b", "cell-z", {kMember, kUnsigned, kChair, kEvaluator, kAuditor}},
      {"GET", "/v1/cells/cell-a", "", "cell-a", "cell-z", {kOutsider, kEvaluator, kAuditor}},
      {"GET", "/v1/dashboard?cell=cell-b" + period, "", "cell-b", "cell-z", {kMember, kUnsigned, kChair}},
      // cell-b holds no public item: to those outside it, it lists like a cell that does not exist.
      {"GET", "/v1/information?cell=cell-b", "", "cell-b", "cell-z", {kMember, kUnsigned, kChair, kAuditor}},
      {"GET", "/v1/situations?cell=cell-b", "", "cell-b", "cell-z", {kMember, kChair}},
      {"POST", "/v1/commands/add-situation-note",
       R"({"situation_id":"sit-b","note_id":"n9","category":"suivi","text":"x"})", "sit-b", "sit-z",
       {kMember, kUnsigned, kChair}},
      {"POST", "/v1/commands/record-situation-decision",
       R"({"situation_id":"sit-b","decision_id":"d9","measure":"rappel_a_la_loi","owner_partner":"ville",)"
       R"("due":"2030-01-01T00:00:00Z"})", "sit-b", "sit-z", {kMember, kUnsigned, kChair}},
      {"POST", "/v1/commands/share-information",
       R"({"info_id":"i9","cell_id":"cell-a","topic":"vols","neighbourhood":"Montreynaud","summary":"x",)"
       R"("sensitivity":"confidential","situation_id":"sit-b"})", "sit-b", "sit-z", {kMember}},
      {"POST", "/v1/commands/grant-situation-access", R"({"situation_id":"sit-b","partner_id":"ville"})",
       "sit-b", "sit-z", {kMember, kUnsigned, kChair}},
      {"POST", "/v1/commands/close-situation", R"({"situation_id":"sit-b","outcome":"sortie_positive"})",
       "sit-b", "sit-z", {kMember, kUnsigned, kChair}},
  };
}

TEST_F(AccessMatrixTest, WhatACallerMayNotSeeAnswersLikeWhatDoesNotExist) {
  for (const LeakCase& c : LeakCases()) {
    for (Who who : c.callers) {
      SCOPED_TRACE(std::string(kWhoNames[who]) + " " + c.method + " " + c.hidden_target);
      const std::uint64_t size_before = store_->Size();
      Response hidden = Send(who, c.method, c.hidden_target, c.hidden_body);
      Response absent = Send(who, c.method, Replace(c.hidden_target, c.hidden_id, c.absent_id),
                             Replace(c.hidden_body, c.hidden_id, c.absent_id));
      EXPECT_EQ(store_->Size(), size_before);
      EXPECT_EQ(hidden.status, absent.status) << hidden.body << "\n" << absent.body;
      EXPECT_EQ(hidden.content_type, absent.content_type);
      // A list filtered by a hidden cell is as empty as one by a cell that does not exist.
      EXPECT_EQ(Replace(hidden.body, c.hidden_id, c.absent_id), absent.body);
    }
  }
}

}  // namespace
}  // namespace vigie::server::testing
