// Rules of territory, partners, cells, people, the charter and the closed
// lists (projections/decide_structure.cc).
#include <gtest/gtest.h>

#include "projections/access.h"
#include "tests/projections/decide_fixture.h"

namespace vigie::projections::domain_testing {
namespace {

using SC = StatusCode;

class StructureTest : public DecideTest {};

TEST_F(StructureTest, SetupFoldsEveryone) {
  EXPECT_TRUE(state_.territory.configured);
  EXPECT_EQ(state_.partners.size(), 8u);
  EXPECT_EQ(state_.cells.size(), 3u);
  EXPECT_EQ(state_.people.size(), 12u);
  EXPECT_TRUE(state_.people.at("ref").HasSigned("v1"));
  EXPECT_EQ(state_.people_by_token.at(TokenHash("token-ref")), "ref");
}

TEST_F(StructureTest, ReconfiguringTheTerritoryKeepsEarlierPopulations) {
  Run("admin", "configure-territory", R"({"name": "ZSP de Montreynaud", "kind": "zsp",
      "communes": ["Saint-Étienne"], "neighbourhoods": ["Montreynaud"], "population": 11500,
      "population_year": 2012, "occurred_at": "2013-02-01T00:00:00Z"})");
  EXPECT_EQ(state_.territory.PopulationAt(At("2013-01-20T00:00:00Z")), 12000u);
  EXPECT_EQ(state_.territory.PopulationAt(At("2013-02-20T00:00:00Z")), 11500u);
}

TEST_F(StructureTest, OnlyTheAdministratorConfigures) {
  EXPECT_REFUSED(Refuse("ref", "configure-territory", R"({"name": "X", "kind": "zsp", "communes": ["A"],
      "neighbourhoods": [], "population": 10, "population_year": 2010})"),
                 SC::kPermissionDenied, "admin");
}

TEST_F(StructureTest, RegisterPartnerRefusesDuplicatesAndUnknownKinds) {
  Decided d = Run("admin", "register-partner", R"({"partner_id": "stas", "name": "STAS", "kind": "transport"})");
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0].type(), "PartnerRegistered");
  EXPECT_EQ(d.events[0].stream, "partner-stas");
  EXPECT_TRUE(d.events[0].creates_stream);
  EXPECT_EQ(d.role, "admin");
  EXPECT_REFUSED(Refuse("admin", "register-partner", R"({"partner_id": "stas", "name": "STAS", "kind": "transport"})"),
                 SC::kAlreadyExists, "stas");
  EXPECT_REFUSED(Refuse("admin", "register-partner", R"({"partner_id": "x", "name": "X", "kind": "martians"})"),
                 SC::kFailedPrecondition, "partner_kinds");
  EXPECT_REFUSED(Refuse("m-ddsp", "register-partner", R"({"partner_id": "x", "name": "X", "kind": "other"})"),
                 SC::kPermissionDenied, "admin");
}

TEST_F(StructureTest, RenamedPartnerKeepsItsEarlierNameForEarlierDates) {
  Run("admin", "rename-partner", R"({"partner_id": "ddsp", "name": "DDPN de la Loire",
      "occurred_at": "2024-01-01T00:00:00Z"})");
  const Partner& p = state_.partners.at("ddsp");
  EXPECT_EQ(p.NameAt(At("2013-06-01T00:00:00Z")), "DDSP de la Loire");
  EXPECT_EQ(p.NameAt(At("2024-06-01T00:00:00Z")), "DDPN de la Loire");
  EXPECT_EQ(Refuse("admin", "rename-partner", R"({"partner_id": "nobody", "name": "X"})").code(), SC::kNotFound);
  EXPECT_REFUSED(Refuse("admin", "rename-partner", R"({"partner_id": "ville", "name": "Ville de Saint-Étienne"})"),
                 SC::kFailedPrecondition, "already bears");
  EXPECT_REFUSED(Refuse("admin", "rename-partner", R"({"partner_id": "ville", "name": "V",
      "occurred_at": "2012-01-01T00:00:00Z"})"), SC::kFailedPrecondition, "precedes");
}

TEST_F(StructureTest, RetiringAPartnerEndsItsMemberships) {
  Decided d = Run("admin", "retire-partner", R"({"partner_id": "douanes"})");
  ASSERT_EQ(d.events.size(), 3u);  // leaves cosi and copil, then retires
  EXPECT_EQ(d.events.back().type(), "PartnerRetired");
  EXPECT_FALSE(state_.cells.at("cosi").IsMember("douanes"));
  EXPECT_TRUE(state_.cells.at("cosi").WasMemberAt("douanes", At("2013-02-01T00:00:00Z")));
  EXPECT_REFUSED(Refuse("admin", "retire-partner", R"({"partner_id": "douanes"})"),
                 SC::kFailedPrecondition, "already retired");
  EXPECT_REFUSED(Refuse("admin", "rename-partner", R"({"partner_id": "douanes", "name": "DGDDI"})"),
                 SC::kFailedPrecondition, "retired");
  EXPECT_REFUSED(Refuse("admin", "add-cell-member", R"({"cell_id": "cosi", "partner_id": "douanes"})"),
                 SC::kFailedPrecondition, "retired");
}

TEST_F(StructureTest, CreateCellChecksKindAndPartners) {
  Run("admin", "create-cell", R"({"cell_id": "gltd-nord", "name": "GLTD Nord", "kind": "gltd",
      "chairs": ["parquet"], "members": ["ville"], "confidential": true})");
  EXPECT_EQ(state_.cells.at("gltd-nord").CurrentMembers(), std::set<std::string>{"ville"});
  EXPECT_EQ(Refuse("admin", "create-cell", R"({"cell_id": "cosi", "name": "X", "kind": "gltd",
      "chairs": [], "members": [], "confidential": false})").code(), SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("admin", "create-cell", R"({"cell_id": "c2", "name": "X", "kind": "club",
      "chairs": [], "members": [], "confidential": false})"), SC::kFailedPrecondition, "cell_kinds");
  EXPECT_REFUSED(Refuse("admin", "create-cell", R"({"cell_id": "c2", "name": "X", "kind": "gltd",
      "chairs": [], "members": ["ghost"], "confidential": false})"), SC::kFailedPrecondition, "members");
}

TEST_F(StructureTest, MembershipHasPeriods) {
  Run("admin", "add-cell-member", R"({"cell_id": "cosi", "partner_id": "ville",
      "occurred_at": "2013-02-01T00:00:00Z"})");
  Run("admin", "remove-cell-member", R"({"cell_id": "cosi", "partner_id": "ville",
      "occurred_at": "2013-02-15T00:00:00Z"})");
  const Cell& cosi = state_.cells.at("cosi");
  EXPECT_TRUE(cosi.MembersAt(At("2013-02-10T00:00:00Z")).contains("ville"));
  EXPECT_FALSE(cosi.MembersAt(At("2013-02-20T00:00:00Z")).contains("ville"));
  EXPECT_FALSE(cosi.MembersAt(At("2013-01-20T00:00:00Z")).contains("ville"));
  EXPECT_EQ(Refuse("admin", "add-cell-member", R"({"cell_id": "cosi", "partner_id": "ddsp"})").code(),
            SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("admin", "remove-cell-member", R"({"cell_id": "cosi", "partner_id": "ville"})"),
                 SC::kFailedPrecondition, "not a member");
  EXPECT_EQ(Refuse("admin", "add-cell-member", R"({"cell_id": "nope", "partner_id": "ville"})").code(),
            SC::kNotFound);
}

TEST_F(StructureTest, EnrollPersonStoresOnlyTheTokenHash) {
  Decided d = Run("admin", "enroll-person", R"({"person_id": "m2", "partner_id": "ville",
      "display_name": "Agent 2", "roles": ["member", "chair"]})");
  const auto* enrolled = d.events[0].event.body.AsPersonEnrolled();
  ASSERT_NE(enrolled, nullptr);
  EXPECT_EQ(enrolled->token_sha256.size(), 32u);
  EXPECT_EQ(state_.people.at("m2").roles, (std::vector<std::string>{"member", "chair"}));
  EXPECT_EQ(Refuse("admin", "enroll-person", R"({"person_id": "m2", "partner_id": "ville",
      "display_name": "X", "roles": ["member"]})").code(), SC::kAlreadyExists);
  EXPECT_REFUSED(Refuse("admin", "enroll-person", R"({"person_id": "m3", "display_name": "X",
      "roles": ["member"]})"), SC::kFailedPrecondition, "partner");
  EXPECT_REFUSED(Refuse("admin", "enroll-person", R"({"person_id": "m3", "partner_id": "ghost",
      "display_name": "X", "roles": ["member"]})"), SC::kFailedPrecondition, "not registered");
}

TEST_F(StructureTest, RevokedPeopleCanDoNothing) {
  Run("admin", "revoke-person", R"({"person_id": "m-ville"})");
  EXPECT_TRUE(state_.people.at("m-ville").revoked.has_value());
  EXPECT_FALSE(state_.people_by_token.contains(TokenHash("token-m-ville")));
  EXPECT_EQ(Refuse("m-ville", "sign-charter", R"({"charter_version": "v2"})").code(), SC::kUnauthenticated);
  EXPECT_EQ(Refuse("nobody", "sign-charter", R"({"charter_version": "v2"})").code(), SC::kUnauthenticated);
  EXPECT_REFUSED(Refuse("admin", "revoke-person", R"({"person_id": "m-ville"})"),
                 SC::kFailedPrecondition, "already revoked");
}

TEST_F(StructureTest, TheLastAdministratorStays) {
  EXPECT_REFUSED(Refuse("admin", "revoke-person", R"({"person_id": "admin"})"),
                 SC::kFailedPrecondition, "last administrator");
  Run("admin", "enroll-person", R"({"person_id": "admin2", "display_name": "Second", "roles": ["admin"]})");
  Run("admin", "revoke-person", R"({"person_id": "admin"})");
  EXPECT_TRUE(state_.people.at("admin").revoked.has_value());
}

TEST_F(StructureTest, PublishedCharterMustBeSignedAgain) {
  EXPECT_REFUSED(Refuse("m-ddsp", "sign-charter", R"({"charter_version": "v1"})"),
                 SC::kAlreadyExists, "already signed");
  Run("admin", "publish-charter", R"({"charter_version": "v2"})");
  EXPECT_REFUSED(Refuse("m-ddsp", "sign-charter", R"({"charter_version": "v3"})"),
                 SC::kFailedPrecondition, "version v2");
  EXPECT_REFUSED(Refuse("m-ddsp", "share-information", R"({"info_id": "i1", "cell_id": "partenariale",
      "topic": "rodeos", "neighbourhood": "", "summary": "S", "sensitivity": "confidential"})"),
                 SC::kFailedPrecondition, "charter (version v2)");
  Run("m-ddsp", "sign-charter", R"({"charter_version": "v2"})");
  Run("m-ddsp", "share-information", R"({"info_id": "i1", "cell_id": "partenariale",
      "topic": "rodeos", "neighbourhood": "", "summary": "S", "sensitivity": "confidential"})");
  EXPECT_EQ(Refuse("admin", "publish-charter", R"({"charter_version": "v2"})").code(), SC::kAlreadyExists);
  EXPECT_EQ(Refuse("ref", "publish-charter", R"({"charter_version": "v3"})").code(), SC::kPermissionDenied);
}

// SPEC §3: nobody reads confidential information or a situation before
// signing the charter. With none published yet, a signature of any version
// counts (as for commands); no signature at all still shuts the door.
TEST_F(StructureTest, BeforeAnyCharterIsPublishedReadingStillNeedsASignature) {
  ASSERT_FALSE(state_.current_charter.has_value());
  Run("m-ville", "share-information", R"({"info_id": "i1", "cell_id": "partenariale",
      "topic": "rodeos", "neighbourhood": "", "summary": "S", "sensitivity": "confidential"})");
  const InformationItem& item = state_.information.at("i1");
  EXPECT_TRUE(HasSignedCharter(state_, CallerOf("m-ville")));
  EXPECT_TRUE(CanSeeInformation(state_, CallerOf("m-education"), item));
  EXPECT_FALSE(HasSignedCharter(state_, CallerOf("m-bailleur")));
  EXPECT_FALSE(CanSeeInformation(state_, CallerOf("m-bailleur"), item));
  Run("m-bailleur", "sign-charter", R"({"charter_version": "v1"})");
  EXPECT_TRUE(CanSeeInformation(state_, CallerOf("m-bailleur"), item));
}

TEST_F(StructureTest, ClosedListsAreExtendedRenamedAndRetired) {
  Run("admin", "define-reference-entry", R"({"list": "topics", "code": "mortiers",
      "label": "Tirs de mortiers"})");
  EXPECT_EQ(state_.reference.Find("topics", "mortiers")->LabelAt(now_), "Tirs de mortiers");
  Run("admin", "rename-reference-entry", R"({"list": "topics", "code": "mortiers",
      "label": "Tirs de mortiers d'artifice", "occurred_at": "2013-03-02T00:00:00Z"})");
  EXPECT_EQ(state_.reference.Find("topics", "mortiers")->LabelAt(now_), "Tirs de mortiers");
  EXPECT_EQ(state_.reference.Find("topics", "mortiers")->LabelAt(At("2013-03-03T00:00:00Z")),
            "Tirs de mortiers d'artifice");
  Run("admin", "retire-reference-entry", R"({"list": "topics", "code": "rodeos"})");
  EXPECT_REFUSED(Refuse("m-ddsp", "share-information", R"({"info_id": "i1", "cell_id": "partenariale",
      "topic": "rodeos", "neighbourhood": "", "summary": "S", "sensitivity": "public"})"),
                 SC::kFailedPrecondition, "not valid on");
  EXPECT_EQ(Refuse("admin", "define-reference-entry", R"({"list": "topics", "code": "mortiers", "label": "X"})").code(),
            SC::kAlreadyExists);
  EXPECT_EQ(Refuse("admin", "rename-reference-entry", R"({"list": "topics", "code": "ghost", "label": "X"})").code(),
            SC::kNotFound);
  EXPECT_EQ(Refuse("ref", "define-reference-entry", R"({"list": "topics", "code": "x", "label": "X"})").code(),
            SC::kPermissionDenied);
}

TEST_F(StructureTest, SeededMeasuresFollowTheLaw) {
  const ReferenceEntry* rappel = state_.reference.Find("measures", "rappel_a_la_loi");
  const ReferenceEntry* avpp = state_.reference.Find("measures", "avertissement_penal_probatoire");
  ASSERT_NE(rappel, nullptr);
  ASSERT_NE(avpp, nullptr);
  EXPECT_TRUE(rappel->ValidAt(At("2013-06-01T00:00:00Z")));
  EXPECT_FALSE(rappel->ValidAt(At("2023-06-01T00:00:00Z")));
  EXPECT_FALSE(avpp->ValidAt(At("2013-06-01T00:00:00Z")));
  EXPECT_TRUE(avpp->ValidAt(At("2023-06-01T00:00:00Z")));
}

TEST_F(StructureTest, BootstrapOnlyOnce) {
  EXPECT_EQ(DecideBootstrap(state_, TokenHash("x"), "Admin").error().code(), SC::kFailedPrecondition);
}

}  // namespace
}  // namespace vigie::projections::domain_testing
