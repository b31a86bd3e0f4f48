// The Ledger end to end on a real EventStore in a temporary directory.
#include "projections/ledger.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "eventstore/merkle_tree.h"
#include "eventstore/signed_note.h"
#include "projections/rfc3339.h"
#include "tests/projections/domain_test_support.h"

namespace vigie::projections::domain_testing {
namespace {

namespace json = boost::json;

std::int64_t At(std::string_view text) { return *ParseRfc3339(text); }

AsOf At(std::uint64_t tree_size) {
  AsOf as_of;
  as_of.position = tree_size;
  return as_of;
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(eventstore::EventStore::Init(store_dir_, "vigie.test/zsp").has_value());
    OpenAll();
    Result<std::string> token = ledger_->Bootstrap("vigie.test/zsp");
    ASSERT_TRUE(token.has_value()) << token.error().ToString();
    admin_token_ = *token;
    admin_ = Auth(admin_token_);
    BuildPartnership();
  }

  void OpenAll() {
    eventstore::StoreOptions store_options;
    store_options.clock = [this] { return now_; };
    auto store = eventstore::EventStore::Open(store_dir_, store_options);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    LedgerOptions options;
    options.key_dir = key_dir_;
    options.clock = [this] { return now_; };
    options.random = CountingRandom(++seed_);
    options.snapshot_every_events = 64;
    auto ledger = Ledger::Open(store_.get(), options);
    ASSERT_TRUE(ledger.has_value()) << ledger.error().ToString();
    ledger_ = std::move(*ledger);
  }

  void CloseAll() {
    ledger_.reset();
    ASSERT_TRUE(store_->Close().ok());
    store_.reset();
  }

  Caller Auth(const std::string& token) {
    Result<Caller> caller = ledger_->Authenticate(token);
    EXPECT_TRUE(caller.has_value()) << caller.error().ToString();
    return caller ? *caller : Caller{};
  }

  Result<CommandAnswer> Try(const Caller& caller, std::string_view command, std::string_view body) {
    return ledger_->Execute(caller, command, json::parse(body));
  }

  json::object Exec(const Caller& caller, std::string_view command, std::string_view body) {
    Result<CommandAnswer> answer = Try(caller, command, body);
    EXPECT_TRUE(answer.has_value()) << command << ": " << answer.error().ToString();
    return answer ? answer->body.as_object() : json::object();
  }

  // Enrolls a person and returns them authenticated, charter v1 signed.
  Caller Enroll(std::string_view id, std::string_view partner, std::string_view role) {
    const std::string partner_field =
        partner.empty() ? "" : R"("partner_id": ")" + std::string(partner) + R"(", )";
    json::object answer = Exec(admin_, "enroll-person",
                               std::string(R"({"person_id": ")") + std::string(id) + R"(", )" + partner_field +
                                   R"("display_name": ")" + std::string(id) + R"(", "roles": [")" +
                                   std::string(role) + R"("]})");
    const std::string token(answer.at("token").as_string());
    Caller caller = Auth(token);
    Exec(caller, "sign-charter", R"({"charter_version": "v1"})");
    tokens_[std::string(id)] = token;
    return Auth(token);
  }

  void BuildPartnership() {
    Exec(admin_, "configure-territory", R"({"name": "ZSP de Montreynaud", "kind": "zsp",
        "communes": ["Saint-Étienne"], "neighbourhoods": ["Montreynaud"], "population": 12000,
        "population_year": 2010})");
    Exec(admin_, "register-partner", R"({"partner_id": "ddsp", "name": "DDSP de la Loire", "kind": "state_security"})");
    Exec(admin_, "register-partner", R"({"partner_id": "ville", "name": "Ville de Saint-Étienne", "kind": "local_authority"})");
    Exec(admin_, "create-cell", R"({"cell_id": "partenariale", "name": "Cellule partenariale", "kind": "partnership",
        "chairs": [], "members": ["ddsp", "ville"], "confidential": true})");
    referent_ = Enroll("ref", "ddsp", "referent");
    member_ = Enroll("m-ville", "ville", "member");
    outsider_ = Enroll("m-ddsp", "ddsp", "member");
    auditor_ = Enroll("audit", "", "auditor");
  }

  void OpenSituation() {
    Exec(referent_, "open-situation", R"({"situation_id": "s1", "cell_id": "partenariale",
        "pseudonym": "Kevin D.", "birth_year": 1997, "referral_source": "education",
        "reason": "decrochage_scolaire", "need_to_know": ["ville"]})");
    Exec(member_, "add-situation-note", R"({"situation_id": "s1", "note_id": "n1", "category": "famille",
        "text": "Rencontre avec la mère, très inquiète"})");
  }

  std::string KeyIdOf(std::string_view situation) {
    Result<json::value> stream = ledger_->Stream(auditor_, "situation-" + std::string(situation), 0, 10);
    EXPECT_TRUE(stream.has_value());
    return std::string(stream->at("events").at(0).at("payload").at("key_id").as_string());
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  TempDir dir_{"vigie-ledger"};
  const std::string store_dir_ = dir_.path() + "/store";
  const std::string key_dir_ = dir_.path() + "/keys";
  std::int64_t now_ = At("2013-01-10T09:00:00Z");
  std::uint64_t seed_ = 0;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<Ledger> ledger_;
  std::string admin_token_;
  std::map<std::string, std::string> tokens_;
  Caller admin_, referent_, member_, outsider_, auditor_;
};

TEST_F(LedgerTest, BootstrapEnrollsTheAdministratorOnce) {
  EXPECT_EQ(admin_.person_id, "admin");
  EXPECT_EQ(admin_.roles, std::vector<std::string>{"admin"});
  EXPECT_EQ(admin_token_.size(), 43u);
  EXPECT_EQ(ledger_->Bootstrap("again").error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->Authenticate("nope").error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(ledger_->Authenticate("").error().code(), StatusCode::kUnauthenticated);
  Result<json::value> me = ledger_->Me(referent_);
  ASSERT_TRUE(me.has_value());
  EXPECT_EQ(me->at("person_id"), "ref");
  EXPECT_EQ(me->at("charter_signed"), "v1");
  EXPECT_EQ(me->at("partner").at("name"), "DDSP de la Loire");
}

TEST_F(LedgerTest, AnswersCarryPositionsAndTreeSize) {
  const std::uint64_t before = store_->Size();
  json::object answer = Exec(admin_, "register-partner", R"({"partner_id": "bailleur", "name": "Bailleur",
      "kind": "social_landlord"})");
  EXPECT_EQ(answer.at("command_id").as_string().size(), 36u);
  ASSERT_EQ(answer.at("events").as_array().size(), 1u);
  const json::value& event = answer.at("events").at(0);
  EXPECT_EQ(event.at("position").to_number<std::uint64_t>(), before);
  EXPECT_EQ(event.at("stream"), "partner-bailleur");
  EXPECT_EQ(event.at("version").to_number<std::uint64_t>(), 0u);
  EXPECT_EQ(event.at("type"), "PartnerRegistered");
  EXPECT_EQ(answer.at("tree_size").to_number<std::uint64_t>(), before + 1);
  EXPECT_FALSE(answer.contains("token"));
}

TEST_F(LedgerTest, ReplayedCommandIdReturnsTheFirstAnswer) {
  const char* body = R"({"partner_id": "bailleur", "name": "Bailleur", "kind": "social_landlord",
      "command_id": "0f8fad5b-d9cb-469f-a165-70867728950e"})";
  Result<CommandAnswer> first = Try(admin_, "register-partner", body);
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->replayed);
  const std::uint64_t size = store_->Size();
  Result<CommandAnswer> again = Try(admin_, "register-partner", body);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(json::serialize(again->body), json::serialize(first->body));
  EXPECT_EQ(store_->Size(), size);
}

// A command_id replays its own submitter's command only: another caller
// reusing it (here to learn which situation the referent opened) gets a
// conflict, whether the first command is stored or still on its way.
TEST_F(LedgerTest, OnlyItsSubmitterReplaysACommand) {
  const char* open = R"({"situation_id": "s2", "cell_id": "partenariale", "pseudonym": "Léa M.",
      "birth_year": 2001, "referral_source": "education", "reason": "decrochage_scolaire",
      "need_to_know": ["ddsp"], "command_id": "2c1b7e33-2a57-4d7c-9d7c-43a1c9a8b001"})";
  Result<CommandAnswer> first = Try(referent_, "open-situation", open);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  const std::uint64_t size = store_->Size();
  Result<CommandAnswer> stolen = Try(member_, "sign-charter",
      R"({"charter_version": "v9", "command_id": "2c1b7e33-2a57-4d7c-9d7c-43a1c9a8b001"})");
  ASSERT_FALSE(stolen.has_value());
  EXPECT_EQ(stolen.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(stolen.error().message().find("s2"), std::string::npos);
  Result<CommandAnswer> again = Try(referent_, "open-situation", open);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(store_->Size(), size);
}

TEST_F(LedgerTest, RefusedCommandsRecordNothing) {
  const std::uint64_t size = store_->Size();
  EXPECT_EQ(Try(member_, "register-partner", R"({"partner_id": "x", "name": "X", "kind": "other"})").error().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Try(admin_, "register-partner", R"({"partner_id": "ddsp", "name": "X", "kind": "other"})").error().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Try(admin_, "register-partner", R"({"partner_id": "x", "name": "X"})").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Try(admin_, "no-such-command", "{}").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Size(), size);
}

TEST_F(LedgerTest, RevokedTokensStopWorking) {
  Exec(admin_, "revoke-person", R"({"person_id": "m-ddsp"})");
  EXPECT_EQ(ledger_->Authenticate(tokens_.at("m-ddsp")).error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Try(outsider_, "sign-charter", R"({"charter_version": "v9"})").error().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(LedgerTest, AuditorsReadTheLogWithProvableRecords) {
  EXPECT_EQ(ledger_->Events(member_, 0, 10).error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger_->CheckAuditor(member_).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(ledger_->CheckAuditor(auditor_).ok());
  Result<json::value> page = ledger_->Events(auditor_, 0, 1000);
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  const json::array& events = page->at("events").as_array();
  ASSERT_EQ(events.size(), store_->Size());
  EXPECT_EQ(page->at("next").to_number<std::uint64_t>(), store_->Size());
  for (const json::value& e : events) {
    const std::uint64_t position = e.at("position").to_number<std::uint64_t>();
    Result<std::string> record = note::Base64Decode(e.at("record").as_string());
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(std::string(e.at("leaf_hash").as_string()), merkle::ToHex(*store_->LeafHash(position)));
    EXPECT_EQ(merkle::ToHex(merkle::HashLeaf(*record)), merkle::ToHex(*store_->LeafHash(position)));
    EXPECT_TRUE(e.at("payload").is_object()) << json::serialize(e);
  }
  const json::value& last = events.back();  // audit's charter signature
  EXPECT_EQ(last.at("type"), "CharterSigned");
  EXPECT_EQ(last.at("payload").at("charter_version"), "v1");
  EXPECT_EQ(last.at("actor").at("person"), "audit");
  EXPECT_EQ(last.at("occurred_at"), "2013-01-10T09:00:00Z");
  // The admin's enrolment shows the token hash, never a token.
  auto enrolled = std::find_if(events.begin(), events.end(),
                               [](const json::value& e) { return e.at("type") == "PersonEnrolled"; });
  ASSERT_NE(enrolled, events.end());
  EXPECT_EQ(enrolled->at("payload").at("person_id"), "admin");
  EXPECT_EQ(enrolled->at("payload").at("token_sha256").as_string().size(), 64u);
  EXPECT_EQ(json::serialize(*page).find(admin_token_), std::string::npos);
  Result<json::value> limited = ledger_->Events(auditor_, 2, 3);
  ASSERT_TRUE(limited.has_value());
  EXPECT_EQ(limited->at("events").as_array().size(), 3u);
  EXPECT_EQ(limited->at("next").to_number<std::uint64_t>(), 5u);
}

// A caller authenticated before a change (a subscription keeps the caller
// it authenticated once) reads the log only as the current state allows.
TEST_F(LedgerTest, TheLogIsReadOnlyByCurrentAuditors) {
  ASSERT_TRUE(ledger_->Events(auditor_, 0, 10).has_value());
  Caller stranger = auditor_;
  stranger.person_id = "nobody";
  EXPECT_EQ(ledger_->Events(stranger, 0, 10).error().code(), StatusCode::kUnauthenticated);
  Caller claiming = member_;  // roles the state does not give
  claiming.roles = {"auditor"};
  EXPECT_EQ(ledger_->Events(claiming, 0, 10).error().code(), StatusCode::kPermissionDenied);

  Exec(admin_, "revoke-person", R"({"person_id": "audit"})");
  EXPECT_EQ(ledger_->Events(auditor_, 0, 10).error().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(ledger_->Events(auditor_, store_->Size(), 10).error().code(), StatusCode::kUnauthenticated);
}

TEST_F(LedgerTest, AStreamWithoutEventsIsNotFoundAndOnePastItsEndAnEmptyPage) {
  OpenSituation();
  Result<json::value> past = ledger_->Stream(auditor_, "situation-s1", 1000, 10);
  ASSERT_TRUE(past.has_value()) << past.error().ToString();
  EXPECT_TRUE(past->at("events").as_array().empty());
  EXPECT_EQ(past->at("next").as_uint64(), 1000u);
  Result<json::value> unknown = ledger_->Stream(auditor_, "situation-nobody", 0, 10);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kNotFound);
}

TEST_F(LedgerTest, PersonalDataReachesTheLogOnlyAsCiphertext) {
  OpenSituation();
  Result<json::value> stream = ledger_->Stream(auditor_, "situation-s1", 0, 10);
  ASSERT_TRUE(stream.has_value());
  const json::value& opened = stream->at("events").at(0).at("payload");
  EXPECT_EQ(opened.at("key_id").as_string().size(), 32u);
  Result<std::string> nonce = note::Base64Decode(opened.at("pseudonym").at("nonce").as_string());
  ASSERT_TRUE(nonce.has_value());
  EXPECT_EQ(nonce->size(), 12u);
  const std::string all = json::serialize(*stream);
  EXPECT_EQ(all.find("Kevin"), std::string::npos);
  EXPECT_EQ(all.find("inquiète"), std::string::npos);
  CloseAll();  // flush everything RocksDB holds to its files
  EXPECT_TRUE(FilesContaining(dir_.path(), "Kevin D.").empty());
  EXPECT_TRUE(FilesContaining(dir_.path(), "très inquiète").empty());
}

TEST_F(LedgerTest, ConsultingASituationIsRecordedAndShowsTheFile) {
  OpenSituation();
  const std::uint64_t size = store_->Size();
  EXPECT_EQ(ledger_->Situation(outsider_, "s1", AsOf{}, std::nullopt).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(ledger_->Situation(outsider_, "s9", AsOf{}, std::nullopt).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Size(), size);
  Result<json::value> file = ledger_->Situation(member_, "s1", AsOf{}, std::string("préparer la cellule"));
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(store_->Size(), size + 1);
  const std::string text = json::serialize(*file);
  EXPECT_NE(text.find("Kevin D."), std::string::npos) << text;
  EXPECT_NE(text.find("1997"), std::string::npos) << text;
  EXPECT_NE(text.find("très inquiète"), std::string::npos) << text;
  Result<json::value> log = ledger_->AccessLog(auditor_, AccessLogQuery{});
  ASSERT_TRUE(log.has_value()) << log.error().ToString();
  EXPECT_NE(json::serialize(*log).find("préparer la cellule"), std::string::npos);
}

// A past file that cannot be shown (an as_of beyond the log, a date before
// the situation was opened) is refused before the read is recorded: the
// access log holds only reads that happened.
TEST_F(LedgerTest, RefusedPastFilesRecordNoConsultation) {
  const std::uint64_t before_opening = store_->Size();
  OpenSituation();
  const std::uint64_t size = store_->Size();
  const auto purpose = std::string("préparer la cellule");
  EXPECT_EQ(ledger_->Situation(member_, "s1", At(size + 100), purpose).error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Situation(member_, "s1", At(before_opening), purpose).error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->Size(), size);
  Result<json::value> file = ledger_->Situation(member_, "s1", At(size), purpose);
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(store_->Size(), size + 1);
}

// Who may read the evaluation is checked before anything is built for the
// date asked: a member is refused (403) even with an as_of beyond the log.
TEST_F(LedgerTest, EvaluationRefusesTheRoleBeforeLookingAtTheDate) {
  const AsOf beyond = At(store_->Size() + 100);
  EXPECT_EQ(ledger_->Evaluation(member_, 2013, beyond).error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger_->Evaluation(referent_, 2013, beyond).error().code(), StatusCode::kInvalidArgument);
}

TEST_F(LedgerTest, RetentionDestroysTheKeyPhysically) {
  OpenSituation();
  const std::string key_id = KeyIdOf("s1");
  const std::string key_file = ReadFile(key_dir_ + "/" + key_id + ".key");
  ASSERT_EQ(key_file.size(), 36u);
  const std::string key = key_file.substr(4);
  ASSERT_EQ(FilesContaining(dir_.path(), key).size(), 1u);

  now_ = At("2013-06-01T10:00:00Z");
  Exec(referent_, "close-situation", R"({"situation_id": "s1", "outcome": "sortie_positive"})");
  Result<std::size_t> erased = ledger_->ApplyRetention();
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  EXPECT_EQ(*erased, 0u);  // archived only
  EXPECT_EQ(ledger_->Situation(member_, "s1", AsOf{}, std::nullopt).error().code(),
            StatusCode::kFailedPrecondition);  // archived: a purpose is required

  now_ = At("2016-06-01T10:00:00Z");
  erased = ledger_->ApplyRetention();
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  EXPECT_EQ(*erased, 1u);
  EXPECT_FALSE(std::filesystem::exists(key_dir_ + "/" + key_id + ".key"));
  Result<json::value> file = ledger_->Situation(referent_, "s1", AsOf{}, std::string("contrôle CNIL"));
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  const std::string text = json::serialize(*file);
  EXPECT_NE(text.find("[effacé]"), std::string::npos) << text;
  EXPECT_EQ(text.find("Kevin"), std::string::npos);
  EXPECT_EQ(*ledger_->ApplyRetention(), 0u);

  CloseAll();
  EXPECT_TRUE(FilesContaining(dir_.path(), key).empty());
  // The log still verifies: erasure changed no stored byte.
  Result<eventstore::VerifyReport> report = eventstore::VerifyStore(store_dir_);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->ok()) << report->problem;
}

TEST_F(LedgerTest, ReopeningRebuildsTheWriteModel) {
  OpenSituation();
  const std::uint64_t size = store_->Size();
  CloseAll();
  OpenAll();
  EXPECT_EQ(store_->Size(), size);
  EXPECT_EQ(Auth(tokens_.at("ref")).person_id, "ref");
  EXPECT_EQ(Try(referent_, "open-situation", R"({"situation_id": "s1", "cell_id": "partenariale",
      "pseudonym": "X", "birth_year": 1999, "referral_source": "mairie", "reason": "absenteisme",
      "need_to_know": ["ville"]})").error().code(), StatusCode::kAlreadyExists);
  Exec(member_, "add-situation-note", R"({"situation_id": "s1", "note_id": "n2", "category": "suivi",
      "text": "Deuxième note"})");
  Result<json::value> file = ledger_->Situation(member_, "s1", AsOf{}, std::nullopt);
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_NE(json::serialize(*file).find("Deuxième note"), std::string::npos);
}

// The write model reads stream heads from the store in pages of 4,096: a
// stream named after the first page keeps its version across a reopen.
TEST_F(LedgerTest, ReopeningReadsEveryPageOfStreamHeads) {
  OpenSituation();
  CloseAll();
  {
    auto store = eventstore::EventStore::Open(store_dir_, {});
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    // 4,200 streams named before "situation-s1"; their events are not the
    // domain's, so the fold skips them, but each has a head.
    std::uint64_t n = 0;
    while (n < 4200) {
      eventstore::AppendRequest request;
      request.actor = {"ref", "prefecture", "referent"};
      for (; n < 4200 && request.events.size() < eventstore::kMaxEventsPerAppend; ++n) {
        eventstore::NewEvent event;
        char name[32];
        std::snprintf(name, sizeof name, "a-stream-%04llu", static_cast<unsigned long long>(n));
        event.stream = name;
        event.type = "Unknown";
        event.event_id[0] = 0x77;
        event.event_id[14] = static_cast<std::uint8_t>(n >> 8);
        event.event_id[15] = static_cast<std::uint8_t>(n);
        event.occurred_at_ns = now_;
        event.payload = "not a domain event";
        request.events.push_back(std::move(event));
      }
      auto appended = (*store)->Append(std::move(request));
      ASSERT_TRUE(appended.has_value()) << appended.error().ToString();
    }
    ASSERT_GT((*store)->Heads("", 5000).size(), 4096u);
    ASSERT_TRUE((*store)->Close().ok());
  }
  OpenAll();
  // Without its head, the note would expect a new stream and be refused.
  Exec(member_, "add-situation-note", R"({"situation_id": "s1", "note_id": "n2", "category": "suivi",
      "text": "Deuxième note"})");
  Result<json::value> stream = ledger_->Stream(auditor_, "situation-s1", 0, 10);
  ASSERT_TRUE(stream.has_value()) << stream.error().ToString();
  EXPECT_EQ(stream->at("events").as_array().size(), 3u);
}

TEST_F(LedgerTest, QueriesRenderTheReadSide) {
  Result<json::value> cells = ledger_->Cells(referent_, AsOf{});
  ASSERT_TRUE(cells.has_value()) << cells.error().ToString();
  EXPECT_EQ(cells->at("as_of_position").to_number<std::uint64_t>(), store_->Size());
  AsOf fifth;
  fifth.position = 5;
  Result<json::value> earlier = ledger_->Cells(referent_, fifth);
  ASSERT_TRUE(earlier.has_value()) << earlier.error().ToString();
  EXPECT_EQ(earlier->at("as_of_position").to_number<std::uint64_t>(), 5u);
  EXPECT_TRUE(ledger_->Cell(referent_, "partenariale", AsOf{}).has_value());
  EXPECT_TRUE(ledger_->Situations(referent_, std::nullopt, AsOf{}).has_value());
  EXPECT_TRUE(ledger_->Plan(referent_, AsOf{}).has_value());
  DashboardQuery query{At("2013-01-01T00:00:00Z"), At("2014-01-01T00:00:00Z"), "month", std::nullopt, AsOf{}};
  EXPECT_TRUE(ledger_->Dashboard(referent_, query).has_value());
  Result<json::value> evaluation = ledger_->Evaluation(referent_, 2013, AsOf{});
  ASSERT_TRUE(evaluation.has_value()) << evaluation.error().ToString();
  EXPECT_NE(json::serialize(evaluation->at("checkpoint")).find("vigie.test/zsp"), std::string::npos);
  Result<std::string> html = ledger_->EvaluationHtml(referent_, 2013, AsOf{});
  ASSERT_TRUE(html.has_value()) << html.error().ToString();
  EXPECT_NE(html->find("<html"), std::string::npos);
}

TEST_F(LedgerTest, OpenFinishesAnInterruptedErasure) {
  OpenSituation();
  const std::string key_id = KeyIdOf("s1");
  const std::string key_path = key_dir_ + "/" + key_id + ".key";
  const std::string key_file = ReadFile(key_path);
  now_ = At("2013-06-01T10:00:00Z");
  Exec(referent_, "close-situation", R"({"situation_id": "s1", "outcome": "sortie_positive"})");
  now_ = At("2016-06-02T00:00:00Z");
  ASSERT_EQ(*ledger_->ApplyRetention(), 1u);
  CloseAll();
  // As if the process had died after SubjectErased was durable but before
  // the key was destroyed.
  {
    std::ofstream out(key_path, std::ios::binary);
    out << key_file;
  }
  ASSERT_EQ(::chmod(key_path.c_str(), 0600), 0);
  OpenAll();
  EXPECT_FALSE(std::filesystem::exists(key_path));
}

TEST_F(LedgerTest, ConcurrentCommandsAreAllDecidedAndStored) {
  const std::uint64_t before = store_->Size();
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "p" + std::to_string(t) + "-" + std::to_string(i);
        Result<CommandAnswer> answer = Try(admin_, "register-partner",
            R"({"partner_id": ")" + id + R"(", "name": "Partenaire", "kind": "association"})");
        if (!answer) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->Size(), before + kThreads * kEach);
  // Every one of them is known to the write model, in the log's order.
  EXPECT_EQ(Try(admin_, "register-partner", R"({"partner_id": "p3-4", "name": "X", "kind": "other"})").error().code(),
            StatusCode::kAlreadyExists);
  Exec(admin_, "add-cell-member", R"({"cell_id": "partenariale", "partner_id": "p7-4"})");
  CloseAll();
  OpenAll();
  Exec(admin_, "remove-cell-member", R"({"cell_id": "partenariale", "partner_id": "p7-4"})");
}

// ExecuteAsync: one thread hands over many commands without waiting for
// any; each is answered exactly once, all are stored densely, and the write
// model knows every one.
TEST_F(LedgerTest, AsyncCommandsAreEachAnsweredOnceAndAllStored) {
  const std::uint64_t before = store_->Size();
  constexpr int kCommands = 200;
  std::mutex mu;
  std::condition_variable answered_cv;
  std::vector<int> answers(kCommands, 0);
  std::vector<std::uint64_t> positions;
  int failures = 0;
  for (int i = 0; i < kCommands; ++i) {
    const std::string body = R"({"partner_id": "a)" + std::to_string(i) + R"(", "name": "Association", "kind": "association"})";
    ledger_->ExecuteAsync(admin_, "register-partner", json::parse(body), [&, i](Result<CommandAnswer> answer) {
      std::lock_guard lock(mu);
      ++answers[static_cast<std::size_t>(i)];
      if (!answer) {
        ++failures;
      } else {
        positions.push_back(answer->body.at("events").at(0).at("position").to_number<std::uint64_t>());
      }
      answered_cv.notify_all();
    });
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(answered_cv.wait_for(lock, std::chrono::seconds(60), [&] {
      return std::all_of(answers.begin(), answers.end(), [](int n) { return n > 0; });
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a second answer would come now
  std::lock_guard lock(mu);
  EXPECT_TRUE(std::all_of(answers.begin(), answers.end(), [](int n) { return n == 1; }));
  EXPECT_EQ(failures, 0);
  std::sort(positions.begin(), positions.end());
  ASSERT_EQ(positions.size(), static_cast<std::size_t>(kCommands));
  for (std::size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], before + i);
  EXPECT_EQ(store_->Size(), before + kCommands);
  EXPECT_EQ(Try(admin_, "register-partner", R"({"partner_id": "a199", "name": "X", "kind": "other"})").error().code(),
            StatusCode::kAlreadyExists);
}

// A refusal is answered on the calling thread, before ExecuteAsync returns;
// and one the store makes at once (closed) while the ledger holds its lock
// neither deadlocks nor leaves the command counted as in flight (the
// ledger's destructor, in CloseAll, waits for those).
TEST_F(LedgerTest, AsyncRefusalsAreAnsweredAtOnce) {
  // The refusal's code, once answered before ExecuteAsync returned.
  auto refusal = [&](const Caller& caller, std::string_view partner) -> std::optional<StatusCode> {
    std::optional<StatusCode> code;
    ledger_->ExecuteAsync(caller, "register-partner",
                          json::parse(R"({"partner_id": ")" + std::string(partner) + R"(", "name": "X", "kind": "other"})"),
                          [&](Result<CommandAnswer> answer) {
                            EXPECT_FALSE(answer);
                            code = answer ? StatusCode::kOk : answer.error().code();
                          });
    return code;
  };
  EXPECT_EQ(refusal(member_, "x"), StatusCode::kPermissionDenied);
  ASSERT_TRUE(store_->Close().ok());
  EXPECT_EQ(refusal(admin_, "late"), StatusCode::kUnavailable);
}

// TryExecuteAsync (an I/O thread's way in): a command that needs no wait
// is decided, handed to the store and answered as by ExecuteAsync; a
// refusal and a replay are answered at once; one that would write the key
// store (a new subject, a note) is left whole to ExecuteAsync: false,
// `done` neither called nor moved from, nothing recorded.
TEST_F(LedgerTest, TryExecuteAsyncLeavesToExecuteAsyncWhatWouldWait) {
  // Calls TryExecuteAsync; the answer, once it came, or nullopt when the
  // command was left (and then `done` must still be whole).
  auto try_execute = [&](const Caller& caller, std::string_view command,
                         std::string_view body) -> std::optional<Result<CommandAnswer>> {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<CommandAnswer>> answer;
    Ledger::CommandDone done = [&](Result<CommandAnswer> a) {
      std::lock_guard lock(mu);
      answer = std::move(a);
      cv.notify_all();
    };
    if (!ledger_->TryExecuteAsync(caller, command, json::parse(body), done)) {
      EXPECT_TRUE(static_cast<bool>(done)) << command << ": moved from";
      std::lock_guard lock(mu);
      EXPECT_FALSE(answer.has_value()) << command << ": answered, yet left";
      return std::nullopt;
    }
    std::unique_lock lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return answer.has_value(); }));
    return answer;
  };

  const std::uint64_t before = store_->Size();
  const char* share = R"({"info_id": "i-1", "cell_id": "partenariale", "topic": "rodeos",
      "neighbourhood": "Montreynaud", "summary": "Rodéos chaque soir", "sensitivity": "public",
      "command_id": "6f1c3f8e-2b1a-4c5d-9e7f-0a1b2c3d4e5f"})";
  auto shared = try_execute(member_, "share-information", share);
  ASSERT_TRUE(shared.has_value());
  ASSERT_TRUE(shared->has_value()) << shared->error().ToString();
  EXPECT_FALSE((*shared)->replayed);
  EXPECT_EQ(store_->Size(), before + 1);

  auto replayed = try_execute(member_, "share-information", share);
  ASSERT_TRUE(replayed.has_value() && replayed->has_value());
  EXPECT_TRUE((*replayed)->replayed);
  EXPECT_EQ(json::serialize((*replayed)->body), json::serialize((*shared)->body));

  auto refused = try_execute(member_, "register-partner", R"({"partner_id": "x", "name": "X", "kind": "other"})");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->error().code(), StatusCode::kPermissionDenied);
  auto malformed = try_execute(member_, "share-information", R"({"info_id": 7})");
  ASSERT_TRUE(malformed.has_value());
  EXPECT_EQ(malformed->error().code(), StatusCode::kInvalidArgument);

  const char* open = R"({"situation_id": "s1", "cell_id": "partenariale", "pseudonym": "Kevin D.",
      "birth_year": 1997, "referral_source": "education", "reason": "decrochage_scolaire", "need_to_know": ["ville"]})";
  EXPECT_FALSE(try_execute(referent_, "open-situation", open).has_value());
  EXPECT_EQ(store_->Size(), before + 1);
  Exec(referent_, "open-situation", open);  // the way a worker then does it
  const char* note = R"({"situation_id": "s1", "note_id": "n1", "category": "famille", "text": "Appel de l'école"})";
  EXPECT_FALSE(try_execute(member_, "add-situation-note", note).has_value());
  EXPECT_EQ(store_->Size(), before + 2);
  Exec(member_, "add-situation-note", note);
  EXPECT_EQ(store_->Size(), before + 3);

  std::optional<Result<Caller>> caller = ledger_->TryAuthenticate(tokens_.at("m-ville"));
  ASSERT_TRUE(caller.has_value() && caller->has_value());
  EXPECT_EQ((*caller)->person_id, "m-ville");
  caller = ledger_->TryAuthenticate("no-such-token");
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->error().code(), StatusCode::kUnauthenticated);
}

TEST(ParseAsOfTest, PositionsAndTimes) {
  EXPECT_EQ(ParseAsOf("42")->position, 42u);
  EXPECT_EQ(ParseAsOf("2014-02-15T00:00:00Z")->recorded_at_ns, At("2014-02-15T00:00:00Z"));
  EXPECT_EQ(ParseAsOf("").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseAsOf("-1").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseAsOf("99999999999999999999999").error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigie::projections::domain_testing
