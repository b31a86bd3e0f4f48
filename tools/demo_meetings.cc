// The demo's meetings: the security cell every month (third Tuesday), the
// partnership cell every month but August (third Thursday), the steering
// committee at its installation and every semester, one emergency meeting
// after the night of 14 July, and the evaluation committee in February
// 2014. Decisions are taken at them and completed (or not) by their owners.
#include <algorithm>
#include <array>

#include "tools/demo_script.h"

namespace vigie::tools::demo {
namespace {

const std::array<std::string_view, 12> kSecurityMinutes = {
    "Installation de la cellule. Présentation du référent unique et de son adjoint. Premier état des lieux : "
    "trafic de stupéfiants aux abords du centre commercial, occupation de halls, rodéos motorisés en soirée.",
    "Point sur les premiers contrôles coordonnés. Les services partagent leurs constats sur les commerces du "
    "centre commercial ; la DDPP et les douanes proposent une action commune.",
    "Analyse des informations du trimestre par le référent. Programmation des contrôles d'avril autour des "
    "halls signalés par les bailleurs.",
    "Bilan des contrôles de mars. La DIRECCTE signale des ateliers mécaniques non déclarés ; un contrôle "
    "commun travail illégal et fiscalité est programmé.",
    "Suites judiciaires des saisies de mars présentées par le parquet. Les contrôles seront concentrés en "
    "soirée, heures de plus forte occupation des halls.",
    "Préparation de l'été : présence renforcée en soirée, vigilance sur les rodéos motorisés et les feux de "
    "poubelles.",
    "Bilan du semestre des contrôles coordonnés, réalisés et annulés. Les services soulignent la qualité "
    "des échanges avec le référent.",
    "Retour sur les incidents de la nuit du 14 juillet et sur les mesures décidées en réunion d'urgence.",
    "Rentrée : reprise des contrôles coordonnés ; point sur les commerces fermés administrativement.",
    "Contrôle commun travail illégal dans les garages du quartier : résultats et suites administratives.",
    "Analyse de l'occupation des halls à l'approche de l'hiver ; cartographie demandée à la DDSP.",
    "Bilan de l'année pour le comité de pilotage ; programmation des contrôles de janvier.",
};

const std::array<std::string_view, 12> kPartnershipMinutes = {
    "Installation de la cellule partenariale. Rappel de la charte de partage d'informations et du secret "
    "partagé ; présentation de la procédure de suivi des situations individuelles.",
    "Décrochage scolaire : la DSDEN présente les signalements des collèges ; une fiche commune est décidée.",
    "Accueil de la DDT dans la cellule. Point sur les situations suivies ; orientation de deux jeunes vers le "
    "Centre de Loisirs Jeunes.",
    "Le CLJ présente son programme de printemps ; une réunion d'information des familles est décidée.",
    "Point sur les situations suivies ; la PJJ et le SPIP présentent leurs prises en charge en cours.",
    "Logements vacants et points de rassemblement : les bailleurs proposent un recensement.",
    "Préparation des vacances d'été : chantiers éducatifs de la Ville, séjours du CLJ.",
    "",
    "Rentrée scolaire : la DSDEN signale une hausse de l'absentéisme dans un collège du quartier.",
    "Point sur les situations ; une sortie positive vers une formation qualifiante.",
    "Compte rendu transmis avec retard : point sur les situations, préparation de l'hiver.",
    "Bilan de l'année de la cellule partenariale pour le comité d'évaluation.",
};

struct DecisionSpec {
  std::string_view id;
  std::string_view cell;
  std::string_view meeting;
  std::string_view chair;  // person who records it
  std::string_view text;
  std::string_view owner;
  std::int64_t due_ns;
  std::string_view outcome;  // empty: never completed
  std::int64_t completed_ns;
};

std::string SecurityMeetingId(int month) { return "cosi-2013-" + std::string(month < 10 ? "0" : "") + std::to_string(month); }
std::string PartnershipMeetingId(int month) {
  return "partenariale-2013-" + std::string(month < 10 ? "0" : "") + std::to_string(month);
}

std::int64_t SecurityMeetingTime(int month) { return NthWeekday(2013, month, 1, 3, 14, 0); }
std::int64_t PartnershipMeetingTime(int month) { return NthWeekday(2013, month, 3, 3, 9, 30); }

// Chairs and members present, drawn with the dice so that attendance varies.
boost::json::array Attendees(Dice& dice, std::initializer_list<std::string_view> chairs,
                             const std::vector<std::string>& members, int percent_present) {
  boost::json::array out;
  for (std::string_view chair : chairs) {
    if (dice.Chance(80)) out.emplace_back(chair);
  }
  for (const std::string& m : members) {
    const bool also_chair = std::find(chairs.begin(), chairs.end(), m) != chairs.end();
    if (also_chair) continue;  // a chairing partner attends once
    if (m == "ddsp" || dice.Chance(percent_present)) out.emplace_back(m);
  }
  return out;
}

void Meeting(Script& s, std::string_view convener, std::string_view meeting_id, std::string_view cell,
             std::int64_t convened_ns, std::int64_t held_ns, bool emergency, std::string_view agenda,
             boost::json::array attendees, std::string_view minutes, std::int64_t minutes_recorded_ns) {
  s.Add(convened_ns, std::string(convener), "schedule-meeting",
        {{"meeting_id", meeting_id},
         {"cell_id", cell},
         {"scheduled_for", Rfc3339(held_ns)},
         {"emergency", emergency},
         {"agenda", agenda}});
  s.Add(held_ns, std::string(convener), "record-meeting",
        {{"meeting_id", meeting_id}, {"attendees", std::move(attendees)}, {"minutes", minutes}},
        minutes_recorded_ns);
}

void CellMeetings(Script& s, Dice& dice) {
  const std::vector<std::string> security = {"ddsp", "renseignement", "pj", "douanes", "ddfip", "ddpp", "direccte"};
  std::vector<std::string> partnership = {"ddsp", "renseignement", "pj",   "douanes", "ddfip",
                                          "ddpp", "direccte",      "ville", "bailleurs", "spip",
                                          "dsden", "ddpjj",        "stas", "delegue-prefet"};
  for (int month = 1; month <= 12; ++month) {
    const std::int64_t held = SecurityMeetingTime(month);
    Meeting(s, "referent", SecurityMeetingId(month), "cosi", held - 7 * kDayNs - 4 * kHourNs, held, false,
            "Analyse des informations partagées ; bilan et programmation des contrôles coordonnés",
            Attendees(dice, {"prefecture", "parquet"}, security, 85), kSecurityMinutes[month - 1],
            held + 4 * kHourNs);
  }
  for (int month = 1; month <= 12; ++month) {
    if (month == 8) continue;  // no partnership meeting in August
    if (month == 3) partnership.push_back("ddt");
    const std::int64_t held = PartnershipMeetingTime(month);
    // November's minutes reach the ledger eleven days late.
    const std::int64_t recorded = month == 11 ? held + 11 * kDayNs : held + 5 * kHourNs;
    Meeting(s, "referent-adjoint", PartnershipMeetingId(month), "partenariale", held - 7 * kDayNs,
            held, false, "Situations individuelles ; informations partagées ; actions de prévention",
            Attendees(dice, {"prefecture", "parquet"}, partnership, 75), kPartnershipMinutes[month - 1],
            recorded);
  }
}

void SteeringMeetings(Script& s, Dice& dice) {
  const std::vector<std::string> steering = {"ddsp", "ville", "dsden", "ddpjj", "bailleurs", "stas", "spip", "delegue-prefet"};
  struct Sitting {
    std::string_view id;
    std::int64_t convened, held;
    std::string_view agenda, minutes;
  };
  const Sitting sittings[] = {
      {"copil-2013-installation", Paris(2013, 1, 10, 11, 0), Paris(2013, 1, 24, 10, 0),
       "Installation du comité de pilotage ; adoption du plan d'action en six priorités",
       "Installation du comité de pilotage par la Préfète et le Procureur de la République. Le plan d'action "
       "de la ZSP est adopté autour de six priorités, sur le modèle des contrats locaux de sécurité ; chaque "
       "partenaire précise ses engagements."},
      {"copil-2013-s1", Paris(2013, 6, 6, 11, 0), Paris(2013, 6, 27, 10, 0),
       "Bilan du premier semestre ; avenant n° 1 au plan d'action",
       "Bilan du premier semestre présenté par le référent unique. Le comité arrête l'avenant n° 1 : la lutte "
       "contre l'économie souterraine et le travail illégal rejoint la priorité 2, avec les engagements de la "
       "DDFiP et de la DIRECCTE. Extension de la médiation en soirée sur les lignes STAS."},
      {"copil-2013-s2", Paris(2013, 11, 21, 11, 0), Paris(2013, 12, 12, 10, 0),
       "Bilan de l'année ; préparation du comité d'évaluation",
       "Bilan de l'année 2013 : présence renforcée des services de l'État, contrôles coordonnés réguliers, "
       "coopération partenariale jugée satisfaisante. Le bilan détaillé sera présenté au comité "
       "d'évaluation en février 2014."},
  };
  for (const Sitting& sitting : sittings) {
    Meeting(s, "prefete", sitting.id, "copil", sitting.convened, sitting.held, false, sitting.agenda,
            Attendees(dice, {"prefecture", "parquet", "ville"}, steering, 90), sitting.minutes,
            sitting.held + 3 * kHourNs);
  }
  // "En cas de crise, il se réunira en urgence" (seeds/): after the night
  // of 14 July, the security cell is convened the same morning.
  const std::int64_t emergency = Paris(2013, 7, 15, 11, 0);
  Meeting(s, "prefete", "cosi-2013-urgence-juillet", "cosi", Paris(2013, 7, 15, 8, 0), emergency, true,
          "Réunion d'urgence : incendies de véhicules et caillassage d'un bus dans la nuit du 14 juillet",
          Attendees(dice, {"prefecture", "parquet"}, {"ddsp", "renseignement", "pj"}, 100),
          "Réunion d'urgence après les incendies de véhicules et le caillassage d'un bus STAS dans la nuit du "
          "14 juillet. Renfort des patrouilles de nuit jusqu'à la fin du mois ; les lignes de soirée sont "
          "déviées pendant une semaine.",
          emergency + 2 * kHourNs);
  s.Add(Paris(2014, 1, 20, 10, 0), "prefete", "schedule-meeting",
        {{"meeting_id", "evaluation-2013"},
         {"cell_id", "evaluation"},
         {"scheduled_for", Rfc3339(Paris(2014, 2, 12, 14, 0))},
         {"emergency", false},
         {"agenda", "Bilan statistique et qualitatif de l'année 2013 ; évaluation des engagements"}});
  s.Add(Paris(2014, 2, 12, 14, 0), "prefete", "record-meeting",
        {{"meeting_id", "evaluation-2013"},
         {"attendees", Ids({"prefecture", "ddsp", "ville", "dsden", "ddpjj", "delegue-prefet"})},
         {"minutes",
          "Le comité dresse le bilan de l'année 2013 : bilan statistique, qualitatif et évaluation des "
          "engagements des partenaires. Les évaluations sont enregistrées par le rapporteur."}},
        Paris(2014, 2, 12, 18, 0));
}

void Decisions(Script& s) {
  const DecisionSpec decisions[] = {
      {"d-2013-01-controles", "cosi", "cosi-2013-01", "prefete",
       "Programmer au moins deux contrôles coordonnés par mois sur les points de revente identifiés", "ddsp",
       Paris(2013, 3, 31, 18, 0), "realisee", Paris(2013, 4, 2, 10, 0)},
      {"d-2013-01-tableau-bord", "copil", "copil-2013-installation", "prefete",
       "Adopter un tableau de bord mensuel commun de la ZSP (état 4001 et indicateurs d'activité)", "ddsp",
       Paris(2013, 2, 28, 18, 0), "realisee", Paris(2013, 2, 26, 10, 0)},
      {"d-2013-02-fiche-decrochage", "partenariale", "partenariale-2013-02", "procureur",
       "Mettre en place une fiche de signalement commune du décrochage scolaire", "dsden",
       Paris(2013, 4, 30, 18, 0), "realisee", Paris(2013, 4, 25, 10, 0)},
      {"d-2013-03-debits-boissons", "cosi", "cosi-2013-03", "procureur",
       "Contrôler les débits de boissons et épiceries de nuit du centre commercial", "ddpp",
       Paris(2013, 5, 31, 18, 0), "realisee", Paris(2013, 5, 28, 10, 0)},
      {"d-2013-04-familles-clj", "partenariale", "partenariale-2013-04", "prefete",
       "Organiser une réunion d'information des familles sur le Centre de Loisirs Jeunes", "ddsp",
       Paris(2013, 6, 30, 18, 0), "realisee", Paris(2013, 6, 20, 10, 0)},
      {"d-2013-05-economie-souterraine", "cosi", "cosi-2013-05", "prefete",
       "Vérifier la situation fiscale et sociale des commerces signalés (économie souterraine)", "ddfip",
       Paris(2013, 9, 30, 18, 0), "partiellement_realisee", Paris(2013, 10, 10, 10, 0)},
      {"d-2013-06-logements-vacants", "partenariale", "partenariale-2013-06", "procureur",
       "Recenser les logements vacants utilisés comme points de rassemblement", "bailleurs",
       Paris(2013, 9, 30, 18, 0), "non_realisee", Paris(2013, 10, 7, 10, 0)},
      {"d-2013-06-mediation-stas", "copil", "copil-2013-s1", "prefete",
       "Étendre la médiation en soirée sur les lignes STAS desservant le quartier", "stas",
       Paris(2013, 10, 31, 18, 0), "realisee", Paris(2013, 10, 15, 10, 0)},
      {"d-2013-07-patrouilles", "cosi", "cosi-2013-urgence-juillet", "prefete",
       "Renforcer les patrouilles de nuit jusqu'au 31 juillet", "ddsp", Paris(2013, 7, 31, 23, 0), "realisee",
       Paris(2013, 8, 1, 9, 0)},
      {"d-2013-09-travail-illegal", "cosi", "cosi-2013-09", "procureur",
       "Conduire un contrôle commun travail illégal dans les garages du quartier", "direccte",
       Paris(2013, 11, 30, 18, 0), "realisee", Paris(2013, 11, 20, 10, 0)},
      {"d-2013-10-chantier-educatif", "partenariale", "partenariale-2013-10", "prefete",
       "Proposer un chantier éducatif pendant les vacances de février", "ville", Paris(2014, 2, 28, 18, 0), "",
       0},
      {"d-2013-11-halls", "cosi", "cosi-2013-11", "prefete",
       "Établir la cartographie des halls occupés pour l'hiver", "ddsp", Paris(2013, 12, 20, 18, 0), "", 0},
      {"d-2013-12-bilan-clj", "partenariale", "partenariale-2013-12", "procureur",
       "Présenter le bilan des orientations vers le CLJ au comité d'évaluation", "ddsp",
       Paris(2014, 1, 31, 18, 0), "realisee", Paris(2014, 1, 28, 10, 0)},
      {"d-2013-12-bilan-annuel", "copil", "copil-2013-s2", "prefete",
       "Préparer le bilan annuel de la ZSP pour le comité d'évaluation", "ville", Paris(2014, 2, 10, 18, 0),
       "realisee", Paris(2014, 2, 7, 10, 0)},
  };
  auto held_at = [](std::string_view meeting) -> std::int64_t {
    if (meeting == "copil-2013-installation") return Paris(2013, 1, 24, 10, 0);
    if (meeting == "copil-2013-s1") return Paris(2013, 6, 27, 10, 0);
    if (meeting == "copil-2013-s2") return Paris(2013, 12, 12, 10, 0);
    if (meeting == "cosi-2013-urgence-juillet") return Paris(2013, 7, 15, 11, 0);
    const int month = std::stoi(std::string(meeting.substr(meeting.size() - 2)));
    return meeting.starts_with("cosi") ? SecurityMeetingTime(month) : PartnershipMeetingTime(month);
  };
  for (const DecisionSpec& d : decisions) {
    const std::int64_t taken = held_at(d.meeting) + 90 * kMinuteNs;
    // Recorded once the minutes are in (November's partnership minutes came late).
    const std::int64_t recorded = d.meeting == "partenariale-2013-11" ? taken + 12 * kDayNs : taken + 6 * kHourNs;
    s.Add(taken, std::string(d.chair), "record-decision",
          {{"decision_id", d.id},
           {"cell_id", d.cell},
           {"meeting_id", d.meeting},
           {"text", d.text},
           {"owner_partner", d.owner},
           {"due", Rfc3339(d.due_ns)}},
          recorded);
    if (!d.outcome.empty()) {
      s.Add(d.completed_ns, MemberOf(d.owner, d.completed_ns), "complete-decision",
            {{"decision_id", d.id}, {"outcome", d.outcome}});
    }
  }
}

}  // namespace

void AddMeetings(Script& script) {
  Dice dice(0x2013'0001);
  CellMeetings(script, dice);
  SteeringMeetings(script, dice);
  Decisions(script);
}

}  // namespace vigie::tools::demo
