#include "tests/projections/decide_fixture.h"

#include <cstdlib>

#include <boost/json/parse.hpp>

#include "projections/event_ids.h"
#include "projections/rfc3339.h"

namespace vigie::projections::domain_testing {
namespace {

namespace fbs = vigie::schema;

void TestSeal(std::unique_ptr<fbs::SealedT>& field) {
  if (!field || !field->nonce.empty()) return;
  if (field->key_id.empty()) field->key_id = "test-key";
  field->nonce.assign(12, 1);
}

}  // namespace

std::int64_t At(std::string_view rfc3339) {
  Result<std::int64_t> t = ParseRfc3339(rfc3339);
  if (!t) std::abort();
  return *t;
}

void FoldDecided(State& state, Decided decided, std::int64_t occurred_at_ns,
                 std::string_view person_id, std::string_view partner_id) {
  for (PlannedEvent& planned : decided.events) {
    if (auto* opened = planned.event.body.AsSituationOpened()) {
      if (opened->key_id.empty()) opened->key_id = "test-key";
      TestSeal(opened->pseudonym);
      TestSeal(opened->birth_year);
    } else if (auto* note = planned.event.body.AsSituationNoteAdded()) {
      TestSeal(note->text);
    }
    Result<std::string> payload = SerializeEvent(planned);
    ASSERT_TRUE(payload.has_value()) << payload.error().ToString();
    EventMeta meta{state.size, occurred_at_ns, occurred_at_ns, std::string(person_id),
                   std::string(partner_id)};
    Status applied = ApplyPayload(state, meta, *payload);
    ASSERT_TRUE(applied.ok()) << applied.ToString();
  }
}

Caller DecideTest::CallerOf(std::string_view person) const {
  Caller caller;
  caller.person_id = std::string(person);
  if (auto it = state_.people.find(caller.person_id); it != state_.people.end()) {
    caller.partner_id = it->second.partner_id;
    caller.display_name = it->second.display_name;
    caller.roles = it->second.roles;
    caller.charter_signed = it->second.LatestCharter();
  }
  return caller;
}

Result<Decided> DecideTest::Try(std::string_view person, std::string_view command,
                                std::string_view json) {
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(json, ec);
  if (ec) return Fail(Internal("test body is not JSON: " + std::string(json)));
  // Bodies default to occurred_at = now_; the decoder's clock is far ahead
  // so that tests may record things happening after now_.
  if (body.is_object() && !body.as_object().contains("occurred_at")) {
    body.as_object()["occurred_at"] = FormatRfc3339(now_);
  }
  Result<Command> decoded = DecodeCommand(command, body, At("2030-01-01T00:00:00Z"));
  if (!decoded) return Fail(decoded.error());
  if (auto* enroll = std::get_if<EnrollPerson>(&decoded->body)) {
    enroll->token_sha256 = TokenHash("token-" + enroll->person_id);
  }
  return Decide(state_, CallerOf(person), *decoded);
}

Decided DecideTest::Run(std::string_view person, std::string_view command, std::string_view json) {
  Result<Decided> decided = Try(person, command, json);
  EXPECT_TRUE(decided.has_value()) << command << ": " << decided.error().ToString();
  if (!decided) return {};
  boost::json::value body = boost::json::parse(json);
  std::int64_t occurred = now_;
  if (const auto* t = body.as_object().if_contains("occurred_at")) occurred = At(t->as_string());
  const Caller caller = CallerOf(person);
  FoldDecided(state_, *decided, occurred, caller.person_id, caller.partner_id);
  return std::move(*decided);
}

Status DecideTest::Refuse(std::string_view person, std::string_view command, std::string_view json) {
  Result<Decided> decided = Try(person, command, json);
  EXPECT_FALSE(decided.has_value()) << command << " was not refused";
  return decided ? Status::Ok() : decided.error();
}

void DecideTest::SetUp() {
  now_ = At("2013-01-10T09:00:00Z");
  Result<Decided> boot = DecideBootstrap(state_, TokenHash("token-admin"), "Administrateur");
  ASSERT_TRUE(boot.has_value());
  FoldDecided(state_, std::move(*boot), now_);

  Run("admin", "configure-territory", R"({"name": "ZSP de Montreynaud", "kind": "zsp",
      "communes": ["Saint-Étienne"], "neighbourhoods": ["Montreynaud", "Centre"],
      "population": 12000, "population_year": 2010})");
  const char* partners[][3] = {
      {"prefecture", "Préfecture de la Loire", "state_security"},
      {"parquet", "Parquet de Saint-Étienne", "justice"},
      {"ddsp", "DDSP de la Loire", "state_security"},
      {"douanes", "Service des douanes", "state_control"},
      {"dgfip", "DDFiP de la Loire", "state_control"},
      {"ville", "Ville de Saint-Étienne", "local_authority"},
      {"bailleur", "Bailleur social", "social_landlord"},
      {"education", "DSDEN de la Loire", "education"},
  };
  for (const auto& p : partners) {
    Run("admin", "register-partner",
        std::string(R"({"partner_id": ")") + p[0] + R"(", "name": ")" + p[1] + R"(", "kind": ")" +
            p[2] + R"("})");
  }
  Run("admin", "create-cell", R"({"cell_id": "cosi", "name": "Cellule opérationnelle",
      "kind": "security_operational", "chairs": ["prefecture", "parquet"],
      "members": ["ddsp", "douanes", "dgfip"], "confidential": true})");
  Run("admin", "create-cell", R"({"cell_id": "partenariale", "name": "Cellule partenariale",
      "kind": "partnership", "chairs": ["prefecture"],
      "members": ["ddsp", "ville", "bailleur", "education"], "confidential": true})");
  Run("admin", "create-cell", R"({"cell_id": "copil", "name": "Comité de pilotage",
      "kind": "steering_committee", "chairs": ["prefecture", "ville"],
      "members": ["prefecture", "parquet", "ddsp", "douanes", "dgfip", "ville", "bailleur", "education"],
      "confidential": false})");
  const char* people[][3] = {
      {"ref", "ddsp", "referent"},          {"deputy", "ddsp", "deputy_referent"},
      {"m-ddsp", "ddsp", "member"},         {"m-douanes", "douanes", "member"},
      {"m-ville", "ville", "member"},       {"m-bailleur", "bailleur", "member"},
      {"m-education", "education", "member"}, {"chair", "prefecture", "chair"},
      {"chair-ville", "ville", "chair"},    {"eval", "", "evaluator"},
      {"audit", "", "auditor"},
  };
  for (const auto& p : people) {
    std::string partner = p[1][0] ? std::string(R"("partner_id": ")") + p[1] + R"(", )" : "";
    Run("admin", "enroll-person",
        std::string(R"({"person_id": ")") + p[0] + R"(", )" + partner + R"("display_name": ")" + p[0] +
            R"(", "roles": [")" + p[2] + R"("]})");
  }
  for (const auto& p : people) {
    if (std::string_view(p[0]) == "m-bailleur") continue;
    Run(p[0], "sign-charter", R"({"charter_version": "v1"})");
  }
  now_ = At("2013-03-01T10:00:00Z");
}

}  // namespace vigie::projections::domain_testing
