#pragma once
// A small partnership for the fuzz targets to be refused or accepted by:
// a ZSP with five partners, a security cell and a follow-up cell, people of
// every role (one of them revoked), the charter signed, one information
// item, one situation, one meeting, one control, a plan and an indicator.
//
// Each step is a SPEC §9 command run by the person named (through
// DecodeCommand + Decide in fuzz_command, through the router in fuzz_http),
// after the administrator's bootstrap. Every step must be accepted: a
// refusal means the harness no longer matches the domain, and the target
// stops at start-up saying which step.
#include <cstdint>
#include <string_view>

namespace vigie::fuzz {

struct SetupStep {
  std::string_view person;
  std::string_view command;
  std::string_view body;
};

// People enrolled below, with their one role.
inline constexpr std::string_view kPeople[] = {"admin",      "referent", "agent-police",
                                               "agent-mairie", "maire",    "auditeur",
                                               "evaluateur", "ancien"};

// The clock of the fuzzed domain: every command happens "now" unless it
// says otherwise (2013-06-01T12:00:00Z).
inline constexpr std::int64_t kNowNs = 1370088000LL * 1'000'000'000;

inline constexpr SetupStep kSetupScript[] = {
    {"admin", "configure-territory",
     R"({"name":"Montreynaud","kind":"zsp","communes":["Saint-Étienne"],)"
     R"("neighbourhoods":["Montreynaud","Crêt de Roch"],"population":11000,"population_year":2012})"},
    {"admin", "register-partner", R"({"partner_id":"police","name":"DDSP de la Loire","kind":"state_security"})"},
    {"admin", "register-partner", R"({"partner_id":"mairie","name":"Ville de Saint-Étienne","kind":"local_authority"})"},
    {"admin", "register-partner", R"({"partner_id":"parquet","name":"Parquet de Saint-Étienne","kind":"justice"})"},
    {"admin", "register-partner", R"({"partner_id":"bailleur","name":"Métropole Habitat","kind":"social_landlord"})"},
    {"admin", "register-partner", R"({"partner_id":"education","name":"Collège Jules Vallès","kind":"education"})"},
    {"admin", "create-cell",
     R"({"cell_id":"cellule-securite","name":"Cellule opérationnelle","kind":"security_operational",)"
     R"("chairs":["parquet"],"members":["police","mairie","bailleur"],"confidential":true})"},
    {"admin", "create-cell",
     R"({"cell_id":"cellule-suivi","name":"Cellule de suivi individualisé","kind":"partnership",)"
     R"("chairs":["mairie"],"members":["mairie","education","police"],"confidential":false})"},
    {"admin", "enroll-person", R"({"person_id":"referent","partner_id":"mairie","display_name":"Référente","roles":["referent"]})"},
    {"admin", "enroll-person", R"({"person_id":"agent-police","partner_id":"police","display_name":"Agent","roles":["member"]})"},
    {"admin", "enroll-person", R"({"person_id":"agent-mairie","partner_id":"mairie","display_name":"Agente","roles":["member"]})"},
    {"admin", "enroll-person", R"({"person_id":"maire","partner_id":"mairie","display_name":"Maire","roles":["chair"]})"},
    {"admin", "enroll-person", R"({"person_id":"auditeur","display_name":"Inspection","roles":["auditor"]})"},
    {"admin", "enroll-person", R"({"person_id":"evaluateur","display_name":"Évaluation","roles":["evaluator"]})"},
    {"admin", "enroll-person", R"({"person_id":"ancien","partner_id":"police","display_name":"Parti","roles":["member"]})"},
    {"admin", "revoke-person", R"({"person_id":"ancien"})"},
    {"admin", "publish-charter", R"({"charter_version":"2013-1"})"},
    {"referent", "sign-charter", R"({"charter_version":"2013-1"})"},
    {"agent-police", "sign-charter", R"({"charter_version":"2013-1"})"},
    {"agent-mairie", "sign-charter", R"({"charter_version":"2013-1"})"},
    {"maire", "sign-charter", R"({"charter_version":"2013-1"})"},
    {"agent-police", "share-information",
     R"({"info_id":"info-1","cell_id":"cellule-securite","topic":"occupation_halls","neighbourhood":"Montreynaud",)"
     R"("summary":"Occupation du hall 12 rue Mallarmé","sensitivity":"restricted"})"},
    {"referent", "open-situation",
     R"({"situation_id":"situation-1","cell_id":"cellule-suivi","pseudonym":"Jeune A","birth_year":1998,)"
     R"("referral_source":"education","reason":"absenteisme","need_to_know":["mairie","education"]})"},
    {"referent", "add-situation-note",
     R"({"situation_id":"situation-1","note_id":"note-1","category":"scolarite","text":"Absences répétées"})"},
    {"referent", "schedule-meeting",
     R"({"meeting_id":"reunion-1","cell_id":"cellule-securite","scheduled_for":"2013-06-10T09:00:00Z","emergency":false,"agenda":"Halls"})"},
    {"referent", "plan-control",
     R"({"control_id":"controle-1","cell_id":"cellule-securite","planned_for":"2013-06-12T20:00:00Z",)"
     R"("place":"Hall 12","services":["police","bailleur"],"objectives":"Occupation des halls"})"},
    {"maire", "adopt-priority", R"({"priority_id":"priorite-1","number":1,"title":"Tranquillité des halls"})"},
    {"maire", "record-commitment",
     R"({"commitment_id":"engagement-1","priority_id":"priorite-1","partner_id":"bailleur",)"
     R"("text":"Vidéoprotection des halls","due":"2013-12-31T00:00:00Z"})"},
    {"admin", "define-indicator",
     R"({"indicator_id":"indicateur-1","name":"Interventions","kind":"activity","unit":"interventions",)"
     R"("source_partner":"police","category":"4001-01","per_thousand":true})"},
};

}  // namespace vigie::fuzz
