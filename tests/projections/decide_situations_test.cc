// Rules of individual situations (projections/decide_situations.cc) and
// consultations.
#include <gtest/gtest.h>

#include "tests/projections/decide_fixture.h"

namespace vigie::projections::domain_testing {
namespace {

using SC = StatusCode;

constexpr std::string_view kOpen = R"({"situation_id": "s1", "cell_id": "partenariale",
    "pseudonym": "Kevin D.", "birth_year": 1997, "referral_source": "education",
    "reason": "decrochage_scolaire", "need_to_know": ["ville", "education"]})";

class SituationTest : public DecideTest {
 protected:
  void Open() { Run("ref", "open-situation", kOpen); }
};

TEST_F(SituationTest, TheReferentOpensWithPersonalFieldsUnsealed) {
  Result<Decided> d = Try("ref", "open-situation", kOpen);
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  const auto* opened = d->events[0].event.body.AsSituationOpened();
  ASSERT_NE(opened, nullptr);
  EXPECT_TRUE(opened->key_id.empty());  // the ledger makes the key
  EXPECT_TRUE(opened->pseudonym->nonce.empty());
  EXPECT_EQ(std::string(opened->pseudonym->ciphertext.begin(), opened->pseudonym->ciphertext.end()), "Kevin D.");
  EXPECT_EQ(std::string(opened->birth_year->ciphertext.begin(), opened->birth_year->ciphertext.end()), "1997");
  // Serialising an unsealed field is refused.
  EXPECT_EQ(SerializeEvent(d->events[0]).error().code(), SC::kInternal);
  Open();
  const Situation& s = state_.situations.at("s1");
  EXPECT_EQ(s.need_to_know, (std::set<std::string>{"ville", "education"}));
  EXPECT_FALSE(s.pseudonym.empty());
}

TEST_F(SituationTest, OpeningRules) {
  EXPECT_EQ(Refuse("m-ville", "open-situation", kOpen).code(), SC::kPermissionDenied);
  Open();
  EXPECT_EQ(Refuse("ref", "open-situation", kOpen).code(), SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("ref", "open-situation", R"({"situation_id": "s2", "cell_id": "cosi",
      "pseudonym": "A", "birth_year": 1997, "referral_source": "education", "reason": "absenteisme",
      "need_to_know": ["ddsp"]})"), SC::kFailedPrecondition, "partnership cell or a working group");
  EXPECT_REFUSED(Refuse("ref", "open-situation", R"({"situation_id": "s2", "cell_id": "partenariale",
      "pseudonym": "A", "birth_year": 1997, "referral_source": "horoscope", "reason": "absenteisme",
      "need_to_know": ["ville"]})"), SC::kFailedPrecondition, "referral_sources");
  EXPECT_REFUSED(Refuse("ref", "open-situation", R"({"situation_id": "s2", "cell_id": "partenariale",
      "pseudonym": "A", "birth_year": 1980, "referral_source": "mairie", "reason": "absenteisme",
      "need_to_know": ["ville"]})"), SC::kFailedPrecondition, "25th birthday");
  EXPECT_REFUSED(Refuse("ref", "open-situation", R"({"situation_id": "s2", "cell_id": "partenariale",
      "pseudonym": "A", "birth_year": 2014, "referral_source": "mairie", "reason": "absenteisme",
      "need_to_know": ["ville"]})"), SC::kFailedPrecondition, "birth_year");
  EXPECT_REFUSED(Refuse("ref", "open-situation", R"({"situation_id": "s2", "cell_id": "partenariale",
      "pseudonym": "A", "birth_year": 1999, "referral_source": "mairie", "reason": "absenteisme",
      "need_to_know": ["douanes"]})"), SC::kFailedPrecondition, "not a member");
}

TEST_F(SituationTest, TouchingASituationNeedsTheCharter) {
  Run("admin", "enroll-person", R"({"person_id": "ref2", "partner_id": "ddsp", "display_name": "R2",
      "roles": ["referent"]})");
  EXPECT_REFUSED(Refuse("ref2", "open-situation", kOpen), SC::kFailedPrecondition, "charter");
  Open();
  Run("ref", "grant-situation-access", R"({"situation_id": "s1", "partner_id": "bailleur"})");
  EXPECT_REFUSED(Refuse("m-bailleur", "add-situation-note", R"({"situation_id": "s1", "note_id": "n1",
      "category": "logement", "text": "T"})"), SC::kFailedPrecondition, "charter");
}

// The charter comes before the situation is even looked up: a member who
// has not signed it learns nothing from the answer, not even that a
// situation their organisation follows exists.
TEST_F(SituationTest, WithoutTheCharterAnExistingSituationAnswersLikeAMissingOne) {
  Open();
  Run("ref", "grant-situation-access", R"({"situation_id": "s1", "partner_id": "bailleur"})");
  const Status visible = Refuse("m-bailleur", "add-situation-note", R"({"situation_id": "s1", "note_id": "n1",
      "category": "logement", "text": "T"})");
  const Status absent = Refuse("m-bailleur", "add-situation-note", R"({"situation_id": "ghost", "note_id": "n1",
      "category": "logement", "text": "T"})");
  EXPECT_EQ(visible.code(), SC::kFailedPrecondition);
  EXPECT_EQ(absent.code(), visible.code());
  EXPECT_EQ(absent.message(), visible.message());
}

TEST_F(SituationTest, OutsidersAreToldItDoesNotExist) {
  Open();
  const Status absent = Refuse("m-ddsp", "add-situation-note", R"({"situation_id": "ghost", "note_id": "n1",
      "category": "suivi", "text": "T"})");
  const Status hidden = Refuse("m-ddsp", "add-situation-note", R"({"situation_id": "s1", "note_id": "n1",
      "category": "suivi", "text": "T"})");
  EXPECT_EQ(hidden.code(), SC::kNotFound);
  EXPECT_EQ(absent.code(), SC::kNotFound);
  EXPECT_EQ(Refuse("eval", "add-situation-note", R"({"situation_id": "s1", "note_id": "n1",
      "category": "suivi", "text": "T"})").code(), SC::kPermissionDenied);
  EXPECT_EQ(Refuse("admin", "close-situation", R"({"situation_id": "s1", "outcome": "sans_suite"})").code(),
            SC::kPermissionDenied);
}

TEST_F(SituationTest, NeedToKnowMembersAddNotesAndDecisions) {
  Open();
  Decided note = Run("m-ville", "add-situation-note", R"({"situation_id": "s1", "note_id": "n1",
      "category": "scolarite", "text": "Rencontre avec la famille"})");
  const auto* added = note.events[0].event.body.AsSituationNoteAdded();
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->text->key_id, "test-key");  // the situation's key
  EXPECT_EQ(state_.situations.at("s1").notes.size(), 1u);
  EXPECT_EQ(Refuse("m-ville", "add-situation-note", R"({"situation_id": "s1", "note_id": "n1",
      "category": "scolarite", "text": "X"})").code(), SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("m-ville", "add-situation-note", R"({"situation_id": "s1", "note_id": "n2",
      "category": "astrologie", "text": "X"})"), SC::kFailedPrecondition, "note_categories");

  Decided d = Run("m-education", "record-situation-decision", R"({"situation_id": "s1", "decision_id": "sd1",
      "measure": "accompagnement_educatif", "owner_partner": "education", "due": "2013-05-01T00:00:00Z"})");
  EXPECT_EQ(d.events[0].stream, "situation-s1");
  EXPECT_TRUE(state_.decisions.at("sd1").situation_decision);
  EXPECT_EQ(state_.situations.at("s1").decision_ids, std::vector<std::string>{"sd1"});
  EXPECT_REFUSED(Refuse("m-ville", "record-situation-decision", R"({"situation_id": "s1", "decision_id": "sd2",
      "measure": "accompagnement_educatif", "owner_partner": "bailleur", "due": "2013-05-01T00:00:00Z"})"),
                 SC::kFailedPrecondition, "need-to-know");
  EXPECT_REFUSED(Refuse("m-ville", "record-situation-decision", R"({"situation_id": "s1", "decision_id": "sd2",
      "measure": "avertissement_penal_probatoire", "owner_partner": "ville", "due": "2013-05-01T00:00:00Z"})"),
                 SC::kFailedPrecondition, "not valid on");
  EXPECT_EQ(Refuse("m-ville", "record-situation-decision", R"({"situation_id": "s1", "decision_id": "sd1",
      "measure": "autre", "owner_partner": "ville", "due": "2013-05-01T00:00:00Z"})").code(), SC::kAlreadyExists);
  // The owner completes it, in the situation's stream.
  Decided done = Run("m-education", "complete-decision", R"({"decision_id": "sd1", "outcome": "realisee"})");
  EXPECT_EQ(done.events[0].stream, "situation-s1");
}

TEST_F(SituationTest, CellDecisionsAboutASituationStayWithItsCell) {
  Open();
  EXPECT_REFUSED(Refuse("chair", "record-decision", R"({"decision_id": "d1", "cell_id": "copil",
      "situation_id": "s1", "text": "T", "owner_partner": "ville", "due": "2013-06-01T00:00:00Z"})"),
                 SC::kNotFound, "s1");  // the prefecture is not need-to-know
  Run("ref", "grant-situation-access", R"({"situation_id": "s1", "partner_id": "ddsp"})");
  Run("admin", "enroll-person", R"({"person_id": "chair-ddsp", "partner_id": "ddsp", "display_name": "C",
      "roles": ["chair"]})");
  Run("admin", "create-cell", R"({"cell_id": "gltd", "name": "GLTD", "kind": "gltd", "chairs": ["ddsp"],
      "members": ["ddsp", "ville"], "confidential": true})");
  Run("chair-ddsp", "sign-charter", R"({"charter_version": "v1"})");
  EXPECT_REFUSED(Refuse("chair-ddsp", "record-decision", R"({"decision_id": "d1", "cell_id": "gltd",
      "situation_id": "s1", "text": "T", "owner_partner": "ville", "due": "2013-06-01T00:00:00Z"})"),
                 SC::kFailedPrecondition, "another cell");
}

TEST_F(SituationTest, InformationAboutASituationIsConfidentialAndStaysInItsCell) {
  Open();
  EXPECT_REFUSED(Refuse("m-ville", "share-information", R"({"info_id": "i1", "cell_id": "partenariale",
      "topic": "decrochage_scolaire", "neighbourhood": "", "summary": "S", "sensitivity": "restricted",
      "situation_id": "s1"})"), SC::kFailedPrecondition, "must be confidential");
  Run("m-ville", "share-information", R"({"info_id": "i1", "cell_id": "partenariale",
      "topic": "decrochage_scolaire", "neighbourhood": "", "summary": "S", "sensitivity": "confidential",
      "situation_id": "s1"})");
  EXPECT_EQ(state_.situations.at("s1").info_ids, std::vector<std::string>{"i1"});
  const std::string_view in_copil = R"({"info_id": "i2", "cell_id": "copil",
      "topic": "decrochage_scolaire", "neighbourhood": "", "summary": "S", "sensitivity": "confidential",
      "situation_id": "s1"})";
  EXPECT_EQ(Refuse("m-ddsp", "share-information", in_copil).code(), SC::kNotFound);
  Run("ref", "grant-situation-access", R"({"situation_id": "s1", "partner_id": "ddsp"})");
  EXPECT_REFUSED(Refuse("m-ddsp", "share-information", in_copil), SC::kFailedPrecondition, "stays in its cell");
}

TEST_F(SituationTest, AccessIsGrantedAmongCellMembers) {
  Open();
  Run("ref", "grant-situation-access", R"({"situation_id": "s1", "partner_id": "bailleur"})");
  EXPECT_TRUE(state_.situations.at("s1").NeedToKnow("bailleur"));
  EXPECT_EQ(Refuse("ref", "grant-situation-access", R"({"situation_id": "s1", "partner_id": "bailleur"})").code(),
            SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("ref", "grant-situation-access", R"({"situation_id": "s1", "partner_id": "douanes"})"),
                 SC::kFailedPrecondition, "not a member");
  EXPECT_EQ(Refuse("m-ville", "grant-situation-access", R"({"situation_id": "s1", "partner_id": "ddsp"})").code(),
            SC::kPermissionDenied);
  Run("deputy", "revoke-situation-access", R"({"situation_id": "s1", "partner_id": "ville"})");
  EXPECT_FALSE(state_.situations.at("s1").NeedToKnow("ville"));
  EXPECT_EQ(state_.situations.at("s1").access_history.size(), 4u);
  EXPECT_REFUSED(Refuse("ref", "revoke-situation-access", R"({"situation_id": "s1", "partner_id": "ville"})"),
                 SC::kFailedPrecondition, "not on the need-to-know list");
  // Ville no longer sees it at all.
  EXPECT_EQ(Refuse("m-ville", "add-situation-note", R"({"situation_id": "s1", "note_id": "n1",
      "category": "suivi", "text": "T"})").code(), SC::kNotFound);
}

TEST_F(SituationTest, SubjectInformedAndClosure) {
  Open();
  Run("m-ville", "record-subject-informed", R"({"situation_id": "s1", "means": "entretien"})");
  EXPECT_EQ(state_.situations.at("s1").informed.size(), 1u);
  EXPECT_REFUSED(Refuse("m-ville", "record-subject-informed", R"({"situation_id": "s1", "means": "pigeon"})"),
                 SC::kFailedPrecondition, "information_means");
  EXPECT_EQ(Refuse("m-ville", "close-situation", R"({"situation_id": "s1", "outcome": "sortie_positive"})").code(),
            SC::kPermissionDenied);
  EXPECT_REFUSED(Refuse("ref", "close-situation", R"({"situation_id": "s1", "outcome": "sortie_positive",
      "occurred_at": "2013-02-01T00:00:00Z"})"), SC::kFailedPrecondition, "precedes");
  Run("ref", "close-situation", R"({"situation_id": "s1", "outcome": "sortie_positive"})");
  EXPECT_TRUE(state_.situations.at("s1").closed.has_value());
  // Nothing on a closed situation.
  EXPECT_REFUSED(Refuse("m-ville", "add-situation-note", R"({"situation_id": "s1", "note_id": "n9",
      "category": "suivi", "text": "T"})"), SC::kFailedPrecondition, "closed");
  EXPECT_REFUSED(Refuse("ref", "close-situation", R"({"situation_id": "s1", "outcome": "autre"})"),
                 SC::kFailedPrecondition, "closed");
  EXPECT_REFUSED(Refuse("ref", "record-situation-decision", R"({"situation_id": "s1", "decision_id": "x",
      "measure": "autre", "owner_partner": "ville", "due": "2013-06-01T00:00:00Z"})"),
                 SC::kFailedPrecondition, "closed");
}

TEST_F(SituationTest, ConsultationsAreDecidedForThoseWhoMaySee) {
  Open();
  Result<Decided> read = DecideConsultation(state_, CallerOf("m-ville"), "s1", std::string("suivi"));
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  const auto* consulted = read->events[0].event.body.AsSituationConsulted();
  ASSERT_NE(consulted, nullptr);
  EXPECT_EQ(consulted->person_id, "m-ville");
  EXPECT_EQ(consulted->partner_id, "ville");
  EXPECT_EQ(consulted->purpose, "suivi");
  EXPECT_EQ(DecideConsultation(state_, CallerOf("m-ddsp"), "s1", std::nullopt).error().code(), SC::kNotFound);
  EXPECT_EQ(DecideConsultation(state_, CallerOf("ref"), "ghost", std::nullopt).error().code(), SC::kNotFound);
  EXPECT_EQ(DecideConsultation(state_, CallerOf("admin"), "s1", std::nullopt).error().code(), SC::kNotFound);
}

}  // namespace
}  // namespace vigie::projections::domain_testing
