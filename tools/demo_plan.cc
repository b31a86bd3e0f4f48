// The demo's action plan and figures, modelled on the CLS of Poitiers
// (seeds/): six priorities adopted when the steering committee is
// installed, each partner's commitments, an avenant at the first semester's
// committee, the indicators' monthly values, and the evaluation committee's
// verdicts on 2013 in February 2014 — one of them corrected in March, and
// November's crime figure revised in February, so that the year "as known
// on 2014-02-15" differs from the year as known today.
#include <array>
#include <string>

#include "tools/demo_script.h"

namespace vigie::tools::demo {
namespace {

struct PrioritySpec {
  std::string_view id;
  int number;
  std::string_view title;
};

struct CommitmentSpec {
  std::string_view id;
  std::string_view priority;
  std::string_view partner;
  std::string_view text;
  std::string_view indicator;  // empty: none
  double target;               // < 0: none
  std::string_view status;     // the committee's verdict on 2013
  std::string_view comment;
};

constexpr PrioritySpec kPriorities[] = {
    {"p1-connaitre", 1, "Mieux connaître la délinquance du quartier"},
    {"p2-presence", 2, "Renforcer la présence visible des services de l'État"},
    {"p3-services-publics", 3, "Renforcer la présence des services publics et la médiation"},
    {"p4-cooperation", 4, "Améliorer la coopération entre les intervenants de terrain"},
    {"p5-prevention", 5, "Renforcer la prévention de la délinquance, notamment chez les jeunes"},
    {"p6-reponse-judiciaire", 6, "Maintenir une réponse judiciaire diversifiée et adaptée à la petite délinquance"},
};

const CommitmentSpec kCommitments[] = {
    {"c1-tableau-bord", "p1-connaitre", "ddsp",
     "Produire chaque mois le tableau de bord de la délinquance du quartier et le présenter en cellule",
     "delinquance-generale", -1, "met", "Tableau de bord produit chaque mois et présenté en cellule de sécurité."},
    {"c1-observatoire", "p1-connaitre", "ville",
     "Installer un observatoire local de la tranquillité publique partagé avec les bailleurs", "", -1,
     "partially_met", "Observatoire installé en septembre ; les bailleurs n'y contribuent pas encore."},
    {"c2-ads", "p2-presence", "ddsp", "Porter à huit le nombre d'adjoints de sécurité affectés à la ZSP",
     "effectif-ads", 8, "not_met", "Sept adjoints de sécurité affectés en fin d'année pour un objectif de huit."},
    {"c2-controles", "p2-presence", "ddsp", "Conduire au moins vingt contrôles coordonnés dans l'année", "", 20,
     "met", "Contrôles coordonnés conduits chaque mois ; trois annulés pour des raisons opérationnelles."},
    {"c3-mediation", "p3-services-publics", "stas",
     "Déployer des agents de médiation en soirée sur les lignes desservant le quartier", "degradations-stas", 40,
     "met", "Médiation étendue en octobre ; dégradations sous le seuil fixé."},
    {"c3-gardiens", "p3-services-publics", "bailleurs",
     "Renforcer la présence des gardiens et sécuriser les halls d'immeubles", "", -1, "partially_met",
     "Gardiennage renforcé dans deux tours sur cinq."},
    {"c4-cellule", "p4-cooperation", "delegue-prefet",
     "Animer le lien entre la cellule partenariale et les acteurs de terrain du quartier", "", -1, "met",
     "Réunions régulières avec les associations et les amicales de locataires."},
    {"c4-signalements", "p4-cooperation", "dsden",
     "Signaler à la cellule partenariale les situations de décrochage scolaire", "absenteisme", -1, "met",
     "Fiche de signalement commune utilisée depuis le printemps."},
    {"c5-clj", "p5-prevention", "ddsp", "Accueillir au moins 1 200 jeunes au Centre de Loisirs Jeunes dans l'année",
     "clj-accueils", 1200, "partially_met", "Objectif presque atteint ; fréquentation plus faible en été."},
    {"c5-pjj", "p5-prevention", "ddpjj",
     "Proposer une prise en charge éducative à chaque mineur orienté par la cellule", "", -1, "met",
     "Chaque orientation a reçu une proposition de prise en charge."},
    {"c6-alternatives", "p6-reponse-judiciaire", "parquet",
     "Développer les mesures alternatives aux poursuites : rappels à la loi, mesures de réparation, "
     "injonctions thérapeutiques", "", -1, "met",
     "Les alternatives aux poursuites ont été privilégiées pour les mineurs du quartier."},
    {"c6-accueil-tig", "p6-reponse-judiciaire", "ville",
     "Accueillir des mesures de réparation et des travaux d'intérêt général dans les services municipaux", "",
     -1, "met", "Postes d'accueil ouverts dans trois services municipaux."},
    {"c6-spip", "p6-reponse-judiciaire", "spip",
     "Assurer le suivi renforcé des personnes placées sous main de justice résidant dans le quartier", "", -1,
     "dropped", "Engagement repris dans le suivi individuel de la cellule partenariale."},
};

// Adopted with the avenant of June.
const CommitmentSpec kAmendmentCommitments[] = {
    {"c2-economie-souterraine", "p2-presence", "ddfip",
     "Contrôler la situation fiscale des commerces signalés par la cellule de sécurité", "", -1, "partially_met",
     "Contrôles engagés ; une partie des vérifications se poursuit en 2014."},
    {"c2-travail-illegal", "p2-presence", "direccte",
     "Conduire des contrôles communs du travail illégal dans les garages et ateliers du quartier", "", -1, "met",
     "Deux contrôles communs conduits à l'automne."},
};

void Commit(Script& s, const CommitmentSpec& c, std::int64_t at) {
  boost::json::object body{{"commitment_id", c.id}, {"priority_id", c.priority}, {"partner_id", c.partner},
                           {"text", c.text},        {"due", Rfc3339(Paris(2013, 12, 31, 18, 0))}};
  if (!c.indicator.empty()) body["indicator_id"] = c.indicator;
  if (c.target >= 0) body["target"] = c.target;
  s.Add(at, "prefete", "record-commitment", std::move(body), at + 3 * kHourNs);
}

void Plan(Script& s) {
  // Adopted at the installation committee (held at 10:00, minutes recorded at 13:00).
  std::int64_t at = Paris(2013, 1, 24, 11, 0);
  for (const PrioritySpec& p : kPriorities) {
    s.Add(at, "prefete", "adopt-priority",
          {{"priority_id", p.id}, {"number", p.number}, {"title", p.title}}, at + 3 * kHourNs);
    at += kMinuteNs;
  }
  at = Paris(2013, 1, 24, 11, 30);
  for (const CommitmentSpec& c : kCommitments) {
    Commit(s, c, at);
    at += kMinuteNs;
  }
  const std::int64_t avenant = Paris(2013, 6, 27, 11, 30);
  s.Add(avenant, "prefete", "amend-plan",
        {{"amendment_id", "avenant-2013-1"},
         {"meeting_id", "copil-2013-s1"},
         {"summary",
          "Avenant n° 1 : la lutte contre l'économie souterraine et le travail illégal rejoint la priorité 2 ; "
          "la DDFiP et la DIRECCTE s'engagent."}},
        avenant + 3 * kHourNs);
  at = avenant + 30 * kMinuteNs;
  for (const CommitmentSpec& c : kAmendmentCommitments) {
    Commit(s, c, at);
    at += kMinuteNs;
  }
}

struct Series {
  std::string_view indicator;
  std::array<int, 12> values;  // January .. December; < 0: no value
};

// Monthly figures for 2013 (invented, of the order of a quartier of 8,000
// inhabitants).
constexpr Series kSeries[] = {
    {"delinquance-generale", {71, 64, 69, 62, 66, 73, 78, 59, 63, 61, 58, 60}},
    {"atteintes-biens", {36, 31, 34, 29, 30, 35, 39, 27, 30, 28, 26, 29}},
    {"avip", {9, 7, 8, 10, 9, 11, 12, 8, 7, 8, 6, 7}},
    {"ils", {4, 6, 7, 5, 8, 6, 5, 3, 7, 9, 8, 6}},
    {"clj-accueils", {70, 85, 95, 110, 120, 90, 160, 60, 100, 115, 105, 80}},
    {"degradations-stas", {5, 4, 3, 4, 2, 3, 6, 2, 3, 2, 2, 3}},
    {"absenteisme", {18, 22, 25, 20, 17, 12, -1, -1, 14, 21, 24, 19}},
};

void IndicatorValues(Script& s) {
  for (const Series& series : kSeries) {
    const std::string source = series.indicator == "degradations-stas" ? "stas-surete"
                               : series.indicator == "absenteisme"     ? "dsden-inspectrice"
                                                                       : "ddsp-surete";
    for (int month = 1; month <= 12; ++month) {
      const int value = series.values[static_cast<std::size_t>(month - 1)];
      if (value < 0) continue;
      // Sent in the first days of the next month; December's in January 2014.
      const std::int64_t at = month == 12 ? Paris(2014, 1, 8, 10, 0) : Paris(2013, month + 1, 5, 10, 0);
      s.Add(at, source, "record-indicator-value",
            {{"indicator_id", series.indicator},
             {"period_start", Rfc3339(Paris(2013, month, 1))},
             {"period_end", Rfc3339(Paris(2013, month + 1, 1))},
             {"value", value}});
    }
  }
  // A headcount, not a count of facts: the figures of two periods do not
  // add up, so it is recorded once, for the year (seven at its end), and a
  // month's or a quarter's dashboard has no value for it.
  s.Add(Paris(2014, 1, 8, 10, 0), "ddsp-surete", "record-indicator-value",
        {{"indicator_id", "effectif-ads"},
         {"period_start", Rfc3339(Paris(2013, 1, 1))},
         {"period_end", Rfc3339(Paris(2014, 1, 1))},
         {"value", 7}});
  // The consolidated November figure replaces the provisional one.
  s.Add(Paris(2014, 2, 20, 10, 0), "ddsp-surete", "record-indicator-value",
        {{"indicator_id", "delinquance-generale"},
         {"period_start", Rfc3339(Paris(2013, 11, 1))},
         {"period_end", Rfc3339(Paris(2013, 12, 1))},
         {"value", 67}});
}

void Evaluations(Script& s) {
  std::int64_t at = Paris(2014, 2, 12, 15, 0);
  auto evaluate = [&](const CommitmentSpec& c) {
    s.Add(at, "evaluateur", "evaluate-commitment",
          {{"commitment_id", c.id}, {"year", 2013}, {"status", c.status}, {"comment", c.comment}},
          at + 2 * kHourNs);
    at += 5 * kMinuteNs;
  };
  for (const CommitmentSpec& c : kCommitments) evaluate(c);
  for (const CommitmentSpec& c : kAmendmentCommitments) evaluate(c);
  // The landlords send their evidence after the committee: the verdict is corrected.
  s.Add(Paris(2014, 3, 5, 10, 0), "evaluateur", "evaluate-commitment",
        {{"commitment_id", "c3-gardiens"},
         {"year", 2013},
         {"status", "met"},
         {"comment", "Pièces transmises en mars : gardiennage renforcé dans les cinq tours du quartier."}});
}

}  // namespace

void AddPlan(Script& script) {
  Plan(script);
  IndicatorValues(script);
  Evaluations(script);
}

}  // namespace vigie::tools::demo
