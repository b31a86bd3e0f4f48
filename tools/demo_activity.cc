// The demo's daily work: information items shared with the two cells by
// the services that know (each item's topic fits its sender), the
// référent's monthly analyses, and the coordinated controls the security
// cell plans at each meeting — executed, or cancelled for a stated reason.
// December's analyses and one December control outcome reach the ledger
// late, in January and March 2014.
#include <string>
#include <vector>

#include "tools/demo_script.h"

namespace vigie::tools::demo {
namespace {

struct Source {
  std::string_view partner;
  std::string_view topic;
  std::string_view summary;
};

// What each cell hears about, from whom.
const std::vector<Source>& SecuritySources() {
  static const auto* sources = new std::vector<Source>{
      {"ddsp", "trafic_stupefiants",
       "Regroupements réguliers en soirée au pied d'un immeuble ; allées et venues évoquant un point de revente."},
      {"ddsp", "occupation_halls", "Occupation persistante d'un hall d'immeuble ; plaintes répétées des locataires."},
      {"ddsp", "rodeos", "Rodéos motorisés le week-end sur le parking du centre commercial."},
      {"ddsp", "cambriolages", "Série de cambriolages de caves dans une résidence du quartier."},
      {"ddsp", "vols", "Vols à la roulotte sur les parkings en surface, en hausse depuis trois semaines."},
      {"ddsp", "violences", "Rixe entre groupes de jeunes à la sortie d'un équipement sportif ; pas de blessé grave."},
      {"renseignement", "trafic_stupefiants",
       "Le point de revente du centre commercial s'approvisionnerait hors du département ; horaires de livraison identifiés."},
      {"renseignement", "economie_souterraine", "Circulation d'espèces importante autour de deux commerces du quartier."},
      {"pj", "trafic_stupefiants", "Enquête en cours sur un réseau d'approvisionnement ; les services sont invités à la discrétion sur un secteur."},
      {"douanes", "trafic_stupefiants", "Saisie de résine de cannabis lors d'un contrôle routier à l'entrée du quartier."},
      {"douanes", "economie_souterraine", "Vente de cigarettes de contrebande signalée aux abords d'un commerce."},
      {"ddfip", "economie_souterraine", "Commerce dont le chiffre d'affaires déclaré est sans rapport avec son activité apparente."},
      {"ddfip", "fraudes", "Suspicion de domiciliations fictives dans un immeuble du quartier."},
      {"ddpp", "hygiene_securite", "Épicerie de nuit : denrées périmées et installation électrique dangereuse constatées."},
      {"direccte", "travail_illegal", "Atelier de réparation automobile non déclaré installé dans un box de garage."},
  };
  return *sources;
}

const std::vector<Source>& PartnershipSources() {
  static const auto* sources = new std::vector<Source>{
      {"ville", "incivilites", "Nuisances sonores nocturnes et jets de détritus signalés par l'amicale des locataires."},
      {"ville", "degradations", "Mobilier urbain dégradé sur la place du marché ; réparation programmée."},
      {"ville", "rodeos", "Plaintes d'habitants sur les deux-roues circulant sur les voies piétonnes en soirée."},
      {"bailleurs", "occupation_halls", "Hall occupé chaque soir ; les agents de proximité ne peuvent plus y intervenir."},
      {"bailleurs", "degradations", "Incendie de conteneurs à ordures dans la nuit ; local poubelles à remettre en état."},
      {"bailleurs", "incivilites", "Encombrants déposés de façon répétée dans les parties communes d'une tour."},
      {"stas", "transports", "Caillassage d'un bus en soirée ; la ligne a été déviée pour la nuit."},
      {"stas", "transports", "Agression verbale d'un conducteur au terminus du quartier."},
      {"dsden", "decrochage_scolaire", "Hausse des absences non justifiées dans un collège du quartier."},
      {"ddpjj", "violences", "Tensions entre groupes de jeunes signalées par les éducateurs de rue."},
      {"delegue-prefet", "incivilites", "Les associations du quartier font part d'un sentiment d'insécurité autour du centre commercial."},
      {"spip", "autre", "Deux personnes suivies en milieu ouvert emménagent dans le quartier ; suivi coordonné proposé."},
      {"ddsp", "rodeos", "Interpellation de deux conducteurs de motocross ; véhicules saisis."},
  };
  return *sources;
}

const std::vector<std::string_view> kSecurityConclusions = {
    "Les informations convergent sur un point de revente actif en soirée ; un contrôle coordonné est justifié.",
    "Phénomène stable par rapport au mois précédent ; maintenir la vigilance et la présence en soirée.",
    "Les signalements portent sur des commerces déjà connus ; une action administrative commune est possible.",
    "Hausse ponctuelle liée à un petit groupe ; les services judiciaires sont informés.",
};
const std::vector<std::string_view> kPartnershipConclusions = {
    "Les nuisances se concentrent sur deux résidences ; action commune bailleurs et Ville proposée.",
    "Les signalements scolaires et éducatifs se recoupent ; un suivi individuel peut être envisagé.",
    "Les incidents dans les transports restent limités aux lignes de soirée ; la médiation est à renforcer.",
};
const std::vector<std::string_view> kPlaces = {
    "Centre commercial du quartier",          "Halls d'immeubles du secteur nord",
    "Parkings souterrains du secteur sud",    "Commerces de la place du marché",
    "Terminus des bus STAS",                  "Garages et boxes du secteur est",
};

struct Objective {
  std::vector<std::string_view> services;  // besides the DDSP
  std::string_view text;
};
const std::vector<Objective>& Objectives() {
  static const auto* objectives = new std::vector<Objective>{
      {{"douanes"}, "Lutte contre le trafic de stupéfiants et l'occupation des halls"},
      {{"ddpp"}, "Contrôle d'hygiène et de sécurité des commerces alimentaires et épiceries de nuit"},
      {{"direccte", "ddfip"}, "Lutte contre le travail illégal et l'économie souterraine"},
      {{"douanes", "ddfip"}, "Contrôle des commerces : contrebande et situation fiscale"},
      {{"pj"}, "Sécurisation d'un secteur en appui d'une enquête judiciaire"},
      {{"ddpp", "douanes"}, "Contrôle des débits de boissons et de la vente de tabac"},
  };
  return *objectives;
}

struct Item {
  std::string id;
  std::string cell;
  std::int64_t occurred_ns;
};

std::string TwoDigits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::vector<Item> ShareInformation(Script& s, Dice& dice, int month) {
  std::vector<Item> items;
  const int count = dice.Between(6, 10);
  for (int n = 1; n <= count; ++n) {
    const bool security = n % 2 == 1;
    const std::vector<Source>& sources = security ? SecuritySources() : PartnershipSources();
    const Source& source = dice.Pick(sources);
    // In January the cells start work once everyone has signed the charter.
    const int first_day = month == 1 ? 14 : 1;
    const std::int64_t at =
        Paris(2013, month, dice.Between(first_day, 26), dice.Between(8, 17), dice.Between(0, 59));
    const int roll = dice.Between(0, 99);
    std::string_view sensitivity = security ? (roll < 40 ? "confidential" : roll < 90 ? "restricted" : "public")
                                            : (roll < 35 ? "public" : roll < 90 ? "restricted" : "confidential");
    Item item{"info-2013-" + TwoDigits(month) + "-" + TwoDigits(n), security ? "cosi" : "partenariale", at};
    s.Add(at, MemberOf(source.partner, at), "share-information",
          {{"info_id", item.id},
           {"cell_id", item.cell},
           {"topic", source.topic},
           {"neighbourhood", "Montreynaud"},
           {"summary", source.summary},
           {"sensitivity", sensitivity}},
          at + dice.Between(1, 6) * kHourNs);
    items.push_back(std::move(item));
  }
  return items;
}

// The référent analyses most of the month's items, one analysis per cell
// (a confidential item never leaves its cell).
void Analyse(Script& s, Dice& dice, int month, const std::vector<Item>& items) {
  for (std::string_view cell : {"cosi", "partenariale"}) {
    boost::json::array ids;
    for (const Item& item : items) {
      if (item.cell == cell && dice.Chance(75)) ids.emplace_back(item.id);
    }
    if (ids.empty()) continue;
    const std::int64_t at = Paris(2013, month, 27, 16, 0);
    const std::int64_t recorded = month == 12 ? Paris(2014, 1, 6, 11, 0) : at + 2 * kHourNs;
    const auto& conclusions = cell == "cosi" ? kSecurityConclusions : kPartnershipConclusions;
    s.Add(at, "referent", "record-analysis",
          {{"analysis_id", "analyse-2013-" + TwoDigits(month) + "-" + std::string(cell)},
           {"info_ids", std::move(ids)},
           {"conclusion", dice.Pick(conclusions)},
           {"recommended_action", cell == "cosi" ? "Programmer un contrôle coordonné au prochain comité de la cellule"
                                                 : "Inscrire le point à l'ordre du jour de la prochaine cellule"}},
          recorded);
  }
}

struct ControlPlan {
  std::string id;
  std::int64_t planned_ns;
  std::vector<std::string> services;
};

void PlanControls(Script& s, Dice& dice, int month) {
  const std::int64_t meeting = NthWeekday(2013, month, 1, 3, 14, 0);
  const std::int64_t planned_at = meeting + 2 * kHourNs;
  std::vector<ControlPlan> plans;
  for (char letter : {'a', 'b'}) {
    const Objective& objective = dice.Pick(Objectives());
    ControlPlan plan;
    plan.id = "ctl-2013-" + TwoDigits(month) + "-" + letter;
    const int days = letter == 'a' ? dice.Between(2, 6) : dice.Between(8, 13);
    plan.planned_ns = meeting - 14 * kHourNs + days * kDayNs + dice.Between(18, 21) * kHourNs;
    if (month == 12 && letter == 'a') plan.planned_ns = Paris(2013, 12, 18, 20, 0);
    plan.services.push_back("ddsp");
    for (std::string_view service : objective.services) plan.services.emplace_back(service);
    s.Add(planned_at, "referent", "plan-control",
          {{"control_id", plan.id},
           {"cell_id", "cosi"},
           {"planned_for", Rfc3339(plan.planned_ns)},
           {"place", dice.Pick(kPlaces)},
           {"services", Ids(plan.services)},
           {"objectives", objective.text}},
          planned_at + 2 * kHourNs);
    plans.push_back(std::move(plan));
  }
  for (const ControlPlan& plan : plans) {
    std::string_view cancel_reason;
    if (plan.id == "ctl-2013-04-b") cancel_reason = "Effectifs mobilisés par un service d'ordre imprévu";
    if (plan.id == "ctl-2013-07-a") cancel_reason = "Effectifs mobilisés après les incidents de la nuit du 14 juillet";
    if (plan.id == "ctl-2013-10-b") cancel_reason = "Report à la demande du parquet : enquête judiciaire en cours sur le secteur";
    if (!cancel_reason.empty()) {
      const std::int64_t at = plan.planned_ns - 30 * kHourNs;
      s.Add(at, "referent", "cancel-control", {{"control_id", plan.id}, {"reason", cancel_reason}});
      continue;
    }
    const bool closure = dice.Chance(12);
    boost::json::object outcome{{"control_id", plan.id},
                                {"persons_controlled", dice.Between(8, 45)},
                                {"offences_found", dice.Between(0, 8)},
                                {"seizures", dice.Between(0, 4)},
                                {"administrative_closures", closure ? 1 : 0},
                                {"fines", dice.Between(0, 12)}};
    // December's first control: its report reaches the ledger in March 2014.
    const std::int64_t recorded = plan.id == "ctl-2013-12-a" ? Paris(2014, 3, 1, 10, 0)
                                                             : plan.planned_ns + 14 * kHourNs;
    const std::string recorder = plan.id == "ctl-2013-12-a" ? "referent" : "ddsp-surete";
    s.Add(plan.planned_ns + 2 * kHourNs, recorder, "record-control-outcome", std::move(outcome), recorded);
  }
}

}  // namespace

void AddActivity(Script& script) {
  Dice dice(0x2013'0002);
  for (int month = 1; month <= 12; ++month) {
    const std::vector<Item> items = ShareInformation(script, dice, month);
    Analyse(script, dice, month, items);
    PlanControls(script, dice, month);
  }
}

}  // namespace vigie::tools::demo
