#include "projections/reference_defaults.h"

#include "projections/rfc3339.h"

namespace vigie::projections {
namespace {

// The avertissement pénal probatoire replaced the rappel à la loi on
// 1 January 2023 (loi n° 2021-1729 du 22 décembre 2021).
const std::int64_t kAvertissementPenalProbatoire = StartOfUtcYear(2023);

}  // namespace

const std::vector<ReferenceSeed>& DefaultReferenceEntries() {
  static const auto* seeds = new std::vector<ReferenceSeed>{
      {"partner_kinds", "state_security", "Service de l'État chargé de la sécurité"},
      {"partner_kinds", "state_control", "Service de l'État chargé du contrôle"},
      {"partner_kinds", "justice", "Justice"},
      {"partner_kinds", "local_authority", "Collectivité territoriale"},
      {"partner_kinds", "social_landlord", "Bailleur social"},
      {"partner_kinds", "transport", "Transporteur"},
      {"partner_kinds", "education", "Éducation nationale"},
      {"partner_kinds", "social", "Action sociale"},
      {"partner_kinds", "association", "Association"},
      {"partner_kinds", "other", "Autre"},

      {"cell_kinds", "security_operational", "Cellule opérationnelle de sécurité intérieure"},
      {"cell_kinds", "partnership", "Cellule partenariale"},
      {"cell_kinds", "gltd", "Groupe local de traitement de la délinquance"},
      {"cell_kinds", "thematic_group", "Groupe de travail thématique"},
      {"cell_kinds", "steering_committee", "Comité de pilotage"},
      {"cell_kinds", "evaluation_committee", "Comité d'évaluation"},
      {"cell_kinds", "observatory", "Observatoire de la délinquance"},

      {"topics", "trafic_stupefiants", "Trafic de stupéfiants"},
      {"topics", "occupation_halls", "Occupation des halls d'immeubles"},
      {"topics", "rodeos", "Rodéos motorisés"},
      {"topics", "degradations", "Dégradations et incendies"},
      {"topics", "violences", "Violences aux personnes"},
      {"topics", "cambriolages", "Cambriolages"},
      {"topics", "vols", "Vols"},
      {"topics", "incivilites", "Incivilités et nuisances"},
      {"topics", "economie_souterraine", "Économie souterraine"},
      {"topics", "travail_illegal", "Travail illégal"},
      {"topics", "fraudes", "Fraudes"},
      {"topics", "hygiene_securite", "Hygiène et sécurité des établissements"},
      {"topics", "decrochage_scolaire", "Décrochage scolaire"},
      {"topics", "transports", "Sécurité dans les transports"},
      {"topics", "autre", "Autre"},

      {"measures", "rappel_a_la_loi", "Rappel à la loi", 0, kAvertissementPenalProbatoire},
      {"measures", "avertissement_penal_probatoire", "Avertissement pénal probatoire",
       kAvertissementPenalProbatoire},
      {"measures", "mesure_reparation", "Mesure de réparation"},
      {"measures", "stage_citoyennete", "Stage de citoyenneté"},
      {"measures", "injonction_therapeutique", "Injonction thérapeutique"},
      {"measures", "travail_interet_general", "Travail d'intérêt général"},
      {"measures", "accompagnement_educatif", "Accompagnement éducatif"},
      {"measures", "soutien_parentalite", "Soutien à la parentalité"},
      {"measures", "orientation_sociale", "Orientation vers un dispositif social"},
      {"measures", "insertion_professionnelle", "Accompagnement vers l'insertion professionnelle"},
      {"measures", "suivi_sante", "Orientation vers un suivi de santé"},
      {"measures", "autre", "Autre mesure"},

      {"referral_sources", "police_nationale", "Police nationale"},
      {"referral_sources", "gendarmerie", "Gendarmerie nationale"},
      {"referral_sources", "police_municipale", "Police municipale"},
      {"referral_sources", "education", "Éducation nationale"},
      {"referral_sources", "bailleur", "Bailleur social"},
      {"referral_sources", "mairie", "Mairie"},
      {"referral_sources", "service_social", "Service social"},
      {"referral_sources", "justice", "Justice"},
      {"referral_sources", "transporteur", "Transporteur"},
      {"referral_sources", "association", "Association"},
      {"referral_sources", "famille", "Famille"},
      {"referral_sources", "autre", "Autre"},

      {"reasons", "decrochage_scolaire", "Décrochage scolaire"},
      {"reasons", "absenteisme", "Absentéisme scolaire"},
      {"reasons", "reiteration", "Réitération d'actes de délinquance"},
      {"reasons", "conduites_a_risque", "Conduites à risque"},
      {"reasons", "violences", "Violences"},
      {"reasons", "violences_intrafamiliales", "Violences intrafamiliales"},
      {"reasons", "addictions", "Addictions"},
      {"reasons", "errance", "Errance"},
      {"reasons", "troubles_voisinage", "Troubles du voisinage"},
      {"reasons", "autre", "Autre"},

      {"situation_outcomes", "sortie_positive", "Sortie positive"},
      {"situation_outcomes", "relais_droit_commun", "Relais vers le droit commun"},
      {"situation_outcomes", "orientation_judiciaire", "Orientation judiciaire"},
      {"situation_outcomes", "demenagement", "Déménagement"},
      {"situation_outcomes", "refus_accompagnement", "Refus d'accompagnement"},
      {"situation_outcomes", "sans_suite", "Sans suite"},
      {"situation_outcomes", "autre", "Autre"},
      // Recorded by retention when a followed subject reaches the age limit.
      {"situation_outcomes", "limite_age", "Limite d'âge atteinte"},

      {"decision_outcomes", "realisee", "Réalisée"},
      {"decision_outcomes", "partiellement_realisee", "Partiellement réalisée"},
      {"decision_outcomes", "non_realisee", "Non réalisée"},
      {"decision_outcomes", "abandonnee", "Abandonnée"},

      {"note_categories", "suivi", "Suivi"},
      {"note_categories", "scolarite", "Scolarité"},
      {"note_categories", "famille", "Famille"},
      {"note_categories", "sante", "Santé"},
      {"note_categories", "justice", "Justice"},
      {"note_categories", "insertion", "Insertion"},
      {"note_categories", "logement", "Logement"},
      {"note_categories", "autre", "Autre"},

      {"information_means", "entretien", "Entretien"},
      {"information_means", "courrier", "Courrier"},
      {"information_means", "courriel", "Courriel"},
      {"information_means", "telephone", "Téléphone"},
      {"information_means", "representant_legal", "Par son représentant légal"},
  };
  return *seeds;
}

}  // namespace vigie::projections
