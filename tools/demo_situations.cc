// The demo's individual situations, followed by the cellule partenariale.
//
// Every pseudonym is a bird's name marked "(fictif)" / "(fictive)": the
// subjects are invented, as are their notes. The ledger seals these fields
// with each subject's key; nothing the CLI prints ever shows them.
//
// Ten young people are referred during the year by the school, the police,
// a landlord, the transport company, a family or the social services; the
// référent opens a file, the need-to-know partners record notes, measures
// (including orientations to the Centre de Loisirs Jeunes) and their
// completion, the subject or their legal representative is informed, and
// half the files are closed by the end of the year.
#include <string>

#include "tools/demo_script.h"

namespace vigie::tools::demo {
namespace {

class Situation {
 public:
  Situation(Script& s, std::string id) : s_(s), id_(std::move(id)) {}

  Situation& Open(std::int64_t at, std::string_view pseudonym, int birth_year, std::string_view source,
                  std::string_view reason, std::initializer_list<std::string_view> need_to_know) {
    s_.Add(at, "referent", "open-situation",
           {{"situation_id", id_},
            {"cell_id", "partenariale"},
            {"pseudonym", pseudonym},
            {"birth_year", birth_year},
            {"referral_source", source},
            {"reason", reason},
            {"need_to_know", Ids(need_to_know)}});
    return *this;
  }
  Situation& Inform(std::int64_t at, std::string_view means) {
    s_.Add(at, "referent", "record-subject-informed", {{"situation_id", id_}, {"means", means}});
    return *this;
  }
  Situation& Note(std::int64_t at, std::string_view partner, std::string_view category, std::string_view text) {
    s_.Add(at, MemberOf(partner, at), "add-situation-note",
           {{"situation_id", id_},
            {"note_id", "note-" + std::to_string(++notes_)},
            {"category", category},
            {"text", text}});
    return *this;
  }
  Situation& Share(std::int64_t at, std::string_view partner, std::string_view topic, std::string_view summary) {
    s_.Add(at, MemberOf(partner, at), "share-information",
           {{"info_id", "info-" + id_ + "-" + std::to_string(++items_)},
            {"cell_id", "partenariale"},
            {"topic", topic},
            {"neighbourhood", "Montreynaud"},
            {"summary", summary},
            {"sensitivity", "confidential"},
            {"situation_id", id_}});
    return *this;
  }
  // A measure of the closed list; `outcome` empty: not completed.
  Situation& Decide(std::int64_t at, std::string_view measure, std::string_view owner, std::int64_t due,
                    std::string_view outcome = {}, std::int64_t completed = 0) {
    const std::string decision_id = "m-" + id_ + "-" + std::to_string(++decisions_);
    s_.Add(at, decisions_ % 2 == 1 ? "referent" : "referent-adjoint", "record-situation-decision",
           {{"situation_id", id_},
            {"decision_id", decision_id},
            {"measure", measure},
            {"owner_partner", owner},
            {"due", Rfc3339(due)}});
    if (!outcome.empty()) {
      s_.Add(completed, MemberOf(owner, completed), "complete-decision",
             {{"decision_id", decision_id}, {"outcome", outcome}});
    }
    return *this;
  }
  Situation& Grant(std::int64_t at, std::string_view partner) {
    s_.Add(at, "referent", "grant-situation-access", {{"situation_id", id_}, {"partner_id", partner}});
    return *this;
  }
  Situation& Revoke(std::int64_t at, std::string_view partner) {
    s_.Add(at, "referent", "revoke-situation-access", {{"situation_id", id_}, {"partner_id", partner}});
    return *this;
  }
  Situation& Close(std::int64_t at, std::string_view outcome, std::int64_t recorded = 0) {
    s_.Add(at, "referent", "close-situation", {{"situation_id", id_}, {"outcome", outcome}}, recorded);
    return *this;
  }

 private:
  Script& s_;
  std::string id_;
  int notes_ = 0;
  int items_ = 0;
  int decisions_ = 0;
};

std::int64_t Day(int month, int day, int hour = 10) { return Paris(2013, month, day, hour, 0); }

}  // namespace

void AddSituations(Script& s) {
  Situation(s, "sit-2013-01")
      .Open(Day(2, 5), "Pivert (fictif)", 1998, "education", "absenteisme", {"ddsp", "dsden", "ville"})
      .Note(Day(2, 5, 14), "dsden", "scolarite", "Absences répétées depuis novembre ; la famille a été reçue par le collège.")
      .Inform(Day(2, 12), "representant_legal")
      .Share(Day(2, 18), "dsden", "decrochage_scolaire", "Nouvelles absences signalées après les vacances d'hiver.")
      .Note(Day(2, 20), "ville", "famille", "La famille demande de l'aide ; accord pour un accompagnement.")
      .Decide(Day(2, 21), "orientation_clj", "ddsp", Day(3, 31), "realisee", Day(3, 15))
      .Decide(Day(2, 21, 11), "soutien_parentalite", "ville", Day(5, 31), "realisee", Day(5, 20))
      .Close(Day(6, 28), "sortie_positive");

  Situation(s, "sit-2013-02")
      .Open(Day(2, 26), "Mésange (fictive)", 1997, "police_nationale", "reiteration", {"ddsp", "ddpjj", "ville", "dsden"})
      .Inform(Day(3, 4), "representant_legal")
      .Note(Day(3, 5), "ddpjj", "justice", "Mesure éducative en cours ; rencontre hebdomadaire avec l'éducateur.")
      .Decide(Day(3, 7), "mesure_reparation", "ddpjj", Day(6, 30), "realisee", Day(6, 18))
      .Decide(Day(3, 7, 11), "orientation_clj", "ddsp", Day(4, 30), "partiellement_realisee", Day(5, 2))
      .Share(Day(3, 20), "ddsp", "degradations", "Nouvelle interpellation pour dégradations ; remise à la famille.");

  Situation(s, "sit-2013-03")
      .Open(Day(3, 19), "Loriot (fictif)", 1995, "justice", "reiteration", {"ddsp", "spip", "ville"})
      .Inform(Day(3, 26), "entretien")
      .Note(Day(4, 2), "spip", "insertion", "Recherche de formation ; inscription auprès de la mission locale.")
      .Decide(Day(4, 4), "insertion_professionnelle", "ville", Day(9, 30), "realisee", Day(9, 12))
      .Decide(Day(4, 4, 11), "stage_citoyennete", "spip", Day(6, 30), "realisee", Day(6, 25))
      .Close(Day(10, 15), "relais_droit_commun");

  Situation(s, "sit-2013-04")
      .Open(Day(4, 9), "Bouvreuil (fictif)", 1999, "bailleur", "troubles_voisinage", {"ddsp", "bailleurs", "ville", "ddpjj"})
      .Note(Day(4, 10), "bailleurs", "logement", "Plaintes de voisinage répétées ; rappel du règlement intérieur à la famille.")
      .Inform(Day(4, 16), "representant_legal")
      .Decide(Day(4, 18), "rappel_a_la_loi", "ddsp", Day(5, 15), "realisee", Day(5, 10))
      .Decide(Day(4, 18, 11), "accompagnement_educatif", "ddpjj", Paris(2013, 12, 31, 12, 0))
      .Grant(Day(6, 3), "stas")
      .Share(Day(6, 10), "stas", "transports", "Présence signalée lors de deux incidents sur la ligne de soirée.")
      .Revoke(Day(9, 2), "stas");

  Situation(s, "sit-2013-05")
      .Open(Day(5, 14), "Fauvette (fictive)", 2000, "education", "decrochage_scolaire", {"dsden", "ville", "ddsp"})
      .Note(Day(5, 14, 15), "dsden", "scolarite", "Décrochage en classe de quatrième ; l'équipe éducative propose un tutorat.")
      .Inform(Day(5, 21), "representant_legal")
      .Decide(Day(5, 23), "accompagnement_educatif", "ville", Day(7, 5), "realisee", Day(7, 4))
      .Decide(Day(6, 13), "orientation_clj", "ddsp", Day(9, 30), "realisee", Day(9, 18))
      .Close(Day(12, 5), "sortie_positive");

  Situation(s, "sit-2013-06")
      .Open(Day(6, 11), "Martinet (fictif)", 1996, "transporteur", "violences", {"ddsp", "stas", "ddpjj"})
      .Inform(Day(6, 20), "courrier")
      .Share(Day(6, 25), "stas", "transports", "Nouvel incident verbal avec un conducteur ; pas de suite pénale.")
      .Decide(Day(6, 27), "mesure_reparation", "ddpjj", Day(9, 30), "realisee", Day(9, 25))
      .Note(Day(10, 1), "ddpjj", "suivi", "Réparation effectuée auprès de la STAS ; attitude constructive.")
      .Close(Day(11, 8), "relais_droit_commun");

  Situation(s, "sit-2013-07")
      .Open(Day(7, 23), "Grive (fictive)", 1998, "famille", "conduites_a_risque", {"ddsp", "ville", "dsden"})
      .Inform(Day(7, 30), "entretien")
      .Note(Day(8, 6), "ville", "sante", "Orientation proposée vers une consultation jeunes consommateurs.")
      .Decide(Day(8, 8), "suivi_sante", "ville", Day(10, 31), "realisee", Day(10, 22));

  Situation(s, "sit-2013-08")
      .Open(Day(9, 10), "Étourneau (fictif)", 1997, "police_municipale", "reiteration", {"ddsp", "ddpjj", "ville"})
      .Inform(Day(9, 17), "representant_legal")
      .Share(Day(10, 8), "ddsp", "vols", "Mis en cause dans un vol à la roulotte ; procédure transmise au parquet.")
      .Decide(Day(10, 10), "orientation_clj", "ddsp", Day(10, 31), "non_realisee", Day(11, 4))
      .Decide(Day(11, 14), "mesure_reparation", "ddpjj", Paris(2014, 1, 31, 18, 0));

  Situation(s, "sit-2013-09")
      .Open(Day(10, 1), "Hirondelle (fictive)", 1999, "education", "absenteisme", {"dsden", "ville"})
      .Inform(Day(10, 8), "representant_legal")
      .Decide(Day(10, 17), "soutien_parentalite", "ville", Day(12, 20));

  // Closed just before Christmas; the closure is recorded after the holidays.
  Situation(s, "sit-2013-10")
      .Open(Day(11, 5), "Rouge-gorge (fictif)", 1995, "service_social", "errance", {"ville", "ddsp", "spip"})
      .Inform(Day(11, 12), "entretien")
      .Decide(Day(11, 21), "insertion_professionnelle", "ville", Paris(2014, 3, 31, 18, 0))
      .Close(Day(12, 19), "demenagement", Paris(2014, 1, 9, 10, 0));
}

}  // namespace vigie::tools::demo
