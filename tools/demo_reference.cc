// The demo's structure, set up by the administrator in the first days of
// January 2013: the ZSP of Montreynaud, its partners and cells as the
// préfecture's page "Les moyens mis en oeuvre" (seeds/) lists them, the
// people, the charter and the indicators of the dashboard. People's names
// are their functions: the demo invents no staff names.
#include "tools/demo_script.h"

namespace vigie::tools::demo {
namespace {

struct PartnerSpec {
  std::string_view id;
  std::string_view name;
  std::string_view kind;
};

const std::vector<PartnerSpec>& Partners() {
  static const auto* partners = new std::vector<PartnerSpec>{
      {"prefecture", "Préfecture de la Loire", "state_security"},
      {"parquet", "Parquet près le tribunal de grande instance de Saint-Étienne", "justice"},
      {"ddsp", "Direction départementale de la sécurité publique de la Loire", "state_security"},
      {"renseignement", "Renseignement intérieur — service départemental de la Loire", "state_security"},
      {"pj", "Police judiciaire — antenne de Saint-Étienne", "state_security"},
      {"douanes", "Service départemental des douanes", "state_control"},
      {"ddfip", "Direction départementale des finances publiques de la Loire", "state_control"},
      {"ddpp", "Direction départementale de la protection des populations de la Loire", "state_control"},
      {"direccte", "DIRECCTE Rhône-Alpes — unité territoriale de la Loire", "state_control"},
      {"ville", "Ville de Saint-Étienne", "local_authority"},
      {"bailleurs", "Bailleurs sociaux de Montreynaud", "social_landlord"},
      {"ddt", "Direction départementale des territoires de la Loire", "other"},
      {"spip", "Service pénitentiaire d'insertion et de probation de la Loire", "justice"},
      {"dsden", "Direction des services départementaux de l'éducation nationale de la Loire", "education"},
      {"ddpjj", "Direction départementale de la protection judiciaire de la jeunesse", "justice"},
      {"stas", "Société de transport de l'agglomération stéphanoise (STAS)", "transport"},
      {"delegue-prefet", "Déléguée de la Préfète pour le quartier de Montreynaud", "other"},
  };
  return *partners;
}

// The cellule opérationnelle de sécurité intérieure: the State's security
// and control services (circulaire du 30 juillet 2012).
const std::vector<std::string> kSecurityMembers = {"ddsp",  "renseignement", "pj",      "douanes",
                                                   "ddfip", "ddpp",          "direccte"};
// The cellule partenariale: the same services and the local partners; the
// DDT joins in March.
const std::vector<std::string> kPartnershipMembers = {
    "ddsp", "renseignement", "pj",   "douanes", "ddfip", "ddpp",  "direccte",      "ville",
    "bailleurs", "spip",     "dsden", "ddpjj",  "stas",  "delegue-prefet"};
const std::vector<std::string> kSteeringMembers = {"ddsp",  "ville", "dsden",         "ddpjj", "bailleurs",
                                                   "stas",  "spip",  "delegue-prefet"};
const std::vector<std::string> kEvaluationMembers = {"ddsp", "ville", "dsden", "ddpjj", "delegue-prefet"};

struct IndicatorSpec {
  std::string_view id;
  std::string_view name;
  std::string_view kind;
  std::string_view unit;
  std::string_view source;
  std::string_view category;
  bool per_thousand;
  double target;  // < 0: none
};

const std::vector<IndicatorSpec>& Indicators() {
  static const auto* indicators = new std::vector<IndicatorSpec>{
      {"delinquance-generale", "Criminalité totale (faits constatés)", "impact", "faits", "ddsp",
       "État 4001 — total des crimes et délits", true, -1},
      {"atteintes-biens", "Atteintes aux biens", "impact", "faits", "ddsp", "État 4001 — atteintes aux biens",
       true, -1},
      {"avip", "Atteintes volontaires à l'intégrité physique", "impact", "faits", "ddsp",
       "État 4001 — atteintes volontaires à l'intégrité physique", true, -1},
      {"ils", "Infractions à la législation sur les stupéfiants révélées", "result", "faits", "ddsp",
       "État 4001 — infractions révélées par l'action des services", false, -1},
      {"effectif-ads", "Adjoints de sécurité affectés à la ZSP", "activity", "agents", "ddsp",
       "Moyens — effectifs", false, 8},
      {"clj-accueils", "Jeunes accueillis au Centre de Loisirs Jeunes", "activity", "jeunes", "ddsp",
       "Prévention", false, 1200},
      {"degradations-stas", "Dégradations et caillassages sur les lignes STAS du quartier", "result", "faits",
       "stas", "Transports", false, 40},
      {"absenteisme", "Signalements d'absentéisme des collèges du quartier", "result", "signalements", "dsden",
       "Éducation", false, -1},
  };
  return *indicators;
}

void ConfigureTerritory(Script& s) {
  s.Add(Paris(2013, 1, 2, 9, 0), "admin", "configure-territory",
        {{"name", "ZSP de Montreynaud"},
         {"kind", "zsp"},
         {"communes", Ids({"Saint-Étienne"})},
         {"neighbourhoods", Ids({"Montreynaud"})},
         {"population", 8260},
         {"population_year", 2010}});
  int minute = 10;
  for (const PartnerSpec& p : Partners()) {
    s.Add(Paris(2013, 1, 2, 9, minute++), "admin", "register-partner",
          {{"partner_id", p.id}, {"name", p.name}, {"kind", p.kind}});
  }
  // The CLJ is the partners' flagship prevention scheme (seeds/): the
  // cellule partenariale orients young people to it, a measure the
  // default list does not hold.
  s.Add(Paris(2013, 1, 2, 10, 0), "admin", "define-reference-entry",
        {{"list", "measures"},
         {"code", "orientation_clj"},
         {"label", "Orientation vers le Centre de Loisirs Jeunes (CLJ)"}});
}

void CreateCells(Script& s) {
  s.Add(Paris(2013, 1, 3, 9, 0), "admin", "create-cell",
        {{"cell_id", "cosi"},
         {"name", "Cellule opérationnelle de sécurité intérieure de la ZSP"},
         {"kind", "security_operational"},
         {"chairs", Ids({"prefecture", "parquet"})},
         {"members", Ids(kSecurityMembers)},
         {"confidential", true}});
  s.Add(Paris(2013, 1, 3, 9, 5), "admin", "create-cell",
        {{"cell_id", "partenariale"},
         {"name", "Cellule partenariale de la ZSP"},
         {"kind", "partnership"},
         {"chairs", Ids({"prefecture", "parquet"})},
         {"members", Ids(kPartnershipMembers)},
         {"confidential", true}});
  s.Add(Paris(2013, 1, 3, 9, 10), "admin", "create-cell",
        {{"cell_id", "copil"},
         {"name", "Comité de pilotage de la ZSP de Montreynaud"},
         {"kind", "steering_committee"},
         {"chairs", Ids({"prefecture", "parquet", "ville"})},
         {"members", Ids(kSteeringMembers)},
         {"confidential", false}});
  s.Add(Paris(2013, 1, 3, 9, 15), "admin", "create-cell",
        {{"cell_id", "evaluation"},
         {"name", "Comité d'évaluation de la ZSP"},
         {"kind", "evaluation_committee"},
         {"chairs", Ids({"prefecture"})},
         {"members", Ids(kEvaluationMembers)},
         {"confidential", false}});
  s.Add(Paris(2013, 3, 1, 9, 0), "admin", "add-cell-member", {{"cell_id", "partenariale"}, {"partner_id", "ddt"}});
}

void EnrollPeople(Script& s) {
  s.Add(Paris(2013, 1, 3, 10, 0), "admin", "publish-charter", {{"charter_version", "2013-1"}});
  int minute = 0;
  int signer = 0;
  for (const DemoPersonSpec& p : DemoPeople()) {
    if (p.person_id == "direccte-controleur") continue;  // replaces a colleague in September
    boost::json::array roles;
    for (std::string_view role : p.roles) roles.emplace_back(role);
    boost::json::object body{{"person_id", p.person_id}, {"display_name", p.display_name}, {"roles", roles}};
    if (!p.partner_id.empty()) body["partner_id"] = p.partner_id;
    s.Add(Paris(2013, 1, 4, 9, minute++), "admin", "enroll-person", std::move(body));
    // Everyone signs the charter during the first week, before any work.
    const int day = 7 + signer % 4;
    s.Add(Paris(2013, 1, day, 9, 0) + (signer++) * 7 * kMinuteNs, std::string(p.person_id), "sign-charter",
          {{"charter_version", "2013-1"}});
  }
  s.Add(Paris(2013, 9, 2, 9, 0), "admin", "revoke-person", {{"person_id", "direccte-agent"}});
  s.Add(Paris(2013, 9, 2, 9, 5), "admin", "enroll-person",
        {{"person_id", "direccte-controleur"},
         {"partner_id", "direccte"},
         {"display_name", "Contrôleur du travail (DIRECCTE), à compter de septembre"},
         {"roles", Ids({"member"})}});
  s.Add(Paris(2013, 9, 3, 8, 30), "direccte-controleur", "sign-charter", {{"charter_version", "2013-1"}});
}

void DefineIndicators(Script& s) {
  int minute = 0;
  for (const IndicatorSpec& i : Indicators()) {
    boost::json::object body{{"indicator_id", i.id},         {"name", i.name},
                             {"kind", i.kind},               {"unit", i.unit},
                             {"source_partner", i.source},   {"category", i.category},
                             {"per_thousand", i.per_thousand}};
    if (i.target >= 0) body["target"] = i.target;
    s.Add(Paris(2013, 1, 8, 10, minute), "admin", "define-indicator", std::move(body));
    minute += 5;
  }
}

}  // namespace

const std::vector<DemoPersonSpec>& DemoPeople() {
  static const auto* people = new std::vector<DemoPersonSpec>{
      {"referent", "ddsp", "Référent unique de la ZSP (DDSP)", {"referent"}},
      {"referent-adjoint", "ddsp", "Référent adjoint de la ZSP (DDSP)", {"deputy_referent"}},
      {"prefete", "prefecture", "La Préfète de la Loire", {"chair"}},
      {"procureur", "parquet", "Le Procureur de la République", {"chair"}},
      {"adjoint-maire", "ville", "Adjoint au maire chargé de la sécurité", {"chair", "member"}},
      {"ddsp-surete", "ddsp", "Chef de la sûreté urbaine (DDSP)", {"member"}},
      {"ddsp-clj", "ddsp", "Responsable du Centre de Loisirs Jeunes (DDSP)", {"member"}},
      {"renseignement-analyste", "renseignement", "Analyste du renseignement intérieur", {"member"}},
      {"pj-enqueteur", "pj", "Enquêteur de la police judiciaire", {"member"}},
      {"douanes-inspecteur", "douanes", "Inspecteur des douanes", {"member"}},
      {"ddfip-inspecteur", "ddfip", "Inspecteur des finances publiques", {"member"}},
      {"ddpp-inspecteur", "ddpp", "Inspecteur de la protection des populations", {"member"}},
      {"direccte-agent", "direccte", "Contrôleur du travail (DIRECCTE)", {"member"}},
      {"direccte-controleur", "direccte", "Contrôleur du travail (DIRECCTE), à compter de septembre", {"member"}},
      {"ville-prevention", "ville", "Coordonnatrice prévention de la délinquance (Ville)", {"member"}},
      {"bailleurs-proximite", "bailleurs", "Responsable de la gestion de proximité (bailleurs)", {"member"}},
      {"ddt-politique-ville", "ddt", "Chargé de mission politique de la ville (DDT)", {"member"}},
      {"spip-conseillere", "spip", "Conseillère pénitentiaire d'insertion et de probation", {"member"}},
      {"dsden-inspectrice", "dsden", "Inspectrice de l'éducation nationale (DSDEN)", {"member"}},
      {"ddpjj-educateur", "ddpjj", "Éducateur de la protection judiciaire de la jeunesse", {"member"}},
      {"stas-surete", "stas", "Responsable sûreté du réseau STAS", {"member"}},
      {"deleguee-prefete", "delegue-prefet", "Déléguée de la Préfète", {"member"}},
      {"auditeur", "", "Inspection — auditeur du dispositif", {"auditor"}},
      {"evaluateur", "", "Rapporteur du comité d'évaluation", {"evaluator"}},
  };
  return *people;
}

std::string MemberOf(std::string_view partner_id, std::int64_t t_ns) {
  if (partner_id == "direccte") {
    return t_ns >= Paris(2013, 9, 2, 9, 5) ? "direccte-controleur" : "direccte-agent";
  }
  for (const DemoPersonSpec& p : DemoPeople()) {
    if (p.partner_id != partner_id) continue;
    for (std::string_view role : p.roles) {
      if (role == "member") return std::string(p.person_id);
    }
  }
  return "referent";  // partners without a member of their own are represented by the référent
}

void AddReference(Script& script) {
  ConfigureTerritory(script);
  CreateCells(script);
  EnrollPeople(script);
  DefineIndicators(script);
}

}  // namespace vigie::tools::demo
