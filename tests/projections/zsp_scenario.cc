#include "tests/projections/zsp_scenario.h"

#include <cstdlib>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include <flatbuffers/flatbuffers.h>

#include "projections/period.h"
#include "projections/rfc3339.h"
#include "schemas/events_generated.h"

namespace vigie::projections::testing {
namespace {

namespace fbs = vigie::schema;

struct Who {
  std::string person;
  std::string partner;
};
const Who kAdmin{"admin", ""};
const Who kRef{"ref", "ddsp"};
const Who kDdsp{"m-ddsp", "ddsp"};
const Who kVille{"m-ville", "ville"};
const Who kBailleur{"m-bailleur", "bailleur"};
const Who kDouanes{"m-douanes", "douanes"};
const Who kChair{"chair-pref", "prefecture"};
const Who kEval{"eval", ""};

constexpr std::int64_t kHourNs = 3'600'000'000'000;

std::unique_ptr<fbs::SealedT> Sealed(std::string_view key_id, std::string_view text) {
  auto s = std::make_unique<fbs::SealedT>();
  s->key_id = key_id;
  s->nonce.assign(12, 7);
  // The test "cipher" is the identity, so that any leak of sealed bytes is
  // visible in an output.
  s->ciphertext.assign(text.begin(), text.end());
  return s;
}

class Builder {
 public:
  // Records `body` as happening at `occurred`; it is recorded an hour later
  // (or `recorded` when given), never before the previous event.
  template <typename T>
  void Emit(std::string_view stream, std::string_view occurred, const Who& who, T body,
            std::string_view recorded = {}) {
    fbs::DomainEventT event;
    event.body.Set(std::move(body));
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(fbs::DomainEvent::Pack(fbb, &event), fbs::DomainEventIdentifier());
    ScenarioEvent e;
    e.stream = std::string(stream);
    e.type = fbs::EnumNameEventBody(fbs::EventBodyUnionTraits<T>::enum_value);
    e.meta.position = events_.size();
    e.meta.occurred_at_ns = T_(occurred);
    std::int64_t rec = recorded.empty() ? e.meta.occurred_at_ns + kHourNs : T_(recorded);
    if (rec <= last_recorded_) rec = last_recorded_ + 1'000'000'000;
    last_recorded_ = rec;
    e.meta.recorded_at_ns = rec;
    e.meta.person_id = who.person;
    e.meta.partner_id = who.partner;
    e.payload.assign(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
    events_.push_back(std::move(e));
  }

  std::uint64_t size() const { return events_.size(); }
  std::vector<ScenarioEvent> Take() { return std::move(events_); }

 private:
  static std::int64_t T_(std::string_view text) { return T(text); }
  std::vector<ScenarioEvent> events_;
  std::int64_t last_recorded_ = 0;
};

void Partner(Builder& b, const char* id, const char* name, const char* kind) {
  fbs::PartnerRegisteredT p;
  p.partner_id = id;
  p.name = name;
  p.kind = kind;
  b.Emit(std::string("partner-") + id, "2013-01-02T09:05:00Z", kAdmin, std::move(p));
}

void Person(Builder& b, const char* id, const char* partner, const char* name,
            std::vector<std::string> roles) {
  fbs::PersonEnrolledT p;
  p.person_id = id;
  p.partner_id = partner;
  p.display_name = name;
  p.roles = std::move(roles);
  p.token_sha256.assign(32, static_cast<std::uint8_t>(id[0]));
  p.token_sha256[1] = static_cast<std::uint8_t>(id[2]);
  b.Emit(std::string("person-") + id, "2013-01-02T10:05:00Z", kAdmin, std::move(p));
}

void Sign(Builder& b, const char* person) {
  fbs::CharterSignedT c;
  c.person_id = person;
  c.charter_version = "v1";
  b.Emit(std::string("person-") + person, "2013-01-02T11:00:00Z", {person, ""}, std::move(c));
}

void Info(Builder& b, std::string_view occurred, const Who& who, const char* id, const char* cell,
          const char* sensitivity, const char* summary, const char* situation = "",
          std::string_view recorded = {}) {
  fbs::InformationSharedT i;
  i.info_id = id;
  i.from_partner = who.partner;
  i.cell_id = cell;
  i.topic = "trafic";
  i.neighbourhood = "Montreynaud";
  i.summary = summary;
  i.sensitivity = sensitivity;
  i.situation_id = situation;
  b.Emit(std::string("info-") + id, occurred, who, std::move(i), recorded);
}

void Analysis(Builder& b, std::string_view occurred, const char* id, std::vector<std::string> infos,
              const char* conclusion) {
  fbs::AnalysisRecordedT a;
  a.analysis_id = id;
  a.info_ids = std::move(infos);
  a.conclusion = conclusion;
  a.recommended_action = "Point à la prochaine cellule";
  b.Emit(std::string("analysis-") + id, occurred, kRef, std::move(a));
}

void Meeting(Builder& b, std::string_view scheduled_at, std::string_view held_at, const char* id,
             const char* cell, bool emergency, std::vector<std::string> attendees,
             const char* minutes) {
  fbs::MeetingScheduledT s;
  s.meeting_id = id;
  s.cell_id = cell;
  s.scheduled_for = T(held_at);
  s.emergency = emergency;
  s.agenda = "Ordre du jour";
  b.Emit(std::string("meeting-") + id, scheduled_at, kChair, std::move(s));
  if (attendees.empty()) return;
  fbs::MeetingRecordedT r;
  r.meeting_id = id;
  r.held_at = T(held_at);
  r.attendees = std::move(attendees);
  r.minutes = minutes;
  b.Emit(std::string("meeting-") + id, held_at, kChair, std::move(r));
}

void Decision(Builder& b, std::string_view occurred, const char* id, const char* cell,
              const char* meeting, const char* situation, const char* text, const char* owner,
              std::string_view due) {
  fbs::DecisionRecordedT d;
  d.decision_id = id;
  d.cell_id = cell;
  d.meeting_id = meeting;
  d.situation_id = situation;
  d.text = text;
  d.owner_partner = owner;
  d.due = T(due);
  b.Emit(std::string("decision-") + id, occurred, kChair, std::move(d));
}

void SituationDecision(Builder& b, std::string_view occurred, const char* situation,
                       const char* id, const char* measure, const char* owner,
                       std::string_view due) {
  fbs::SituationDecisionRecordedT d;
  d.situation_id = situation;
  d.decision_id = id;
  d.measure = measure;
  d.owner_partner = owner;
  d.due = T(due);
  b.Emit(std::string("situation-") + situation, occurred, kRef, std::move(d));
}

void Complete(Builder& b, std::string_view occurred, const char* id) {
  fbs::DecisionCompletedT c;
  c.decision_id = id;
  c.outcome = "done";
  b.Emit(std::string("decision-") + id, occurred, kChair, std::move(c));
}

void Open(Builder& b, std::string_view occurred, const char* id, std::vector<std::string> need,
          std::string_view pseudonym, std::string_view birth_year) {
  fbs::SituationOpenedT s;
  s.situation_id = id;
  s.cell_id = "cp";
  s.key_id = std::string("key-") + id;
  s.pseudonym = Sealed(s.key_id, pseudonym);
  s.birth_year = Sealed(s.key_id, birth_year);
  s.referral_source = "education";
  s.reason = "decrochage";
  s.need_to_know = std::move(need);
  b.Emit(std::string("situation-") + id, occurred, kRef, std::move(s));
}

void Close(Builder& b, std::string_view occurred, const char* id) {
  fbs::SituationClosedT c;
  c.situation_id = id;
  c.outcome = "orientation";
  b.Emit(std::string("situation-") + id, occurred, kRef, std::move(c));
}

void PlanControl(Builder& b, std::string_view occurred, const char* id) {
  fbs::ControlPlannedT c;
  c.control_id = id;
  c.cell_id = "csi";
  c.planned_for = T(occurred) + 7 * 24 * kHourNs;
  c.place = "Centre commercial";
  c.services = {"ddsp", "douanes"};
  c.objectives = "Contrôle coordonné";
  b.Emit(std::string("control-") + id, occurred, kRef, std::move(c));
}

void Outcome(Builder& b, std::string_view occurred, const char* id, std::uint32_t persons,
             std::uint32_t offences, std::uint32_t seizures, std::uint32_t closures,
             std::uint32_t fines) {
  fbs::ControlOutcomeRecordedT o;
  o.control_id = id;
  o.executed_at = T(occurred);
  o.persons_controlled = persons;
  o.offences_found = offences;
  o.seizures = seizures;
  o.administrative_closures = closures;
  o.fines = fines;
  b.Emit(std::string("control-") + id, occurred, kRef, std::move(o));
}

void Commitment(Builder& b, const char* id, const char* priority, const char* partner,
                const char* text, std::optional<double> target) {
  fbs::CommitmentRecordedT c;
  c.commitment_id = id;
  c.priority_id = priority;
  c.partner_id = partner;
  c.text = text;
  if (target) c.target = *target;
  c.due = T("2013-12-31T12:00:00Z");
  b.Emit("plan", "2013-04-01T11:00:00Z", kChair, std::move(c));
}

void Evaluate(Builder& b, const char* id, const char* status, const char* comment) {
  fbs::CommitmentEvaluatedT e;
  e.commitment_id = id;
  e.year = 2013;
  e.status = status;
  e.comment = comment;
  b.Emit("plan", "2014-01-25T10:00:00Z", kEval, std::move(e));
}

void Value(Builder& b, const char* indicator, CivilDate from, CivilDate to, double value) {
  fbs::IndicatorValueRecordedT v;
  v.indicator_id = indicator;
  v.period_start = ParisMidnight(from);
  v.period_end = ParisMidnight(to);
  v.value = value;
  b.Emit(std::string("indicator-") + indicator, "2013-04-02T11:00:00Z", kDdsp, std::move(v));
}

}  // namespace

std::int64_t T(std::string_view rfc3339) {
  Result<std::int64_t> t = ParseRfc3339(rfc3339);
  if (!t) std::abort();
  return *t;
}

State ZspScenario::FoldTo(std::uint64_t n) const {
  State state;
  for (std::uint64_t i = 0; i < n && i < events.size(); ++i) {
    const ScenarioEvent& e = events[i];
    if (!ApplyPayload(state, e.meta, e.payload).ok()) std::abort();
  }
  return state;
}

ZspScenario BuildZspScenario() {
  Builder b;
  {
    fbs::TerritoryConfiguredT t;
    t.name = "ZSP de Montreynaud";
    t.kind = "zsp";
    t.communes = {"Saint-Étienne"};
    t.neighbourhoods = {"Montreynaud"};
    t.population = 10000;
    t.population_year = 2010;
    b.Emit("territory", "2013-01-02T09:00:00Z", kAdmin, std::move(t));
  }
  for (auto [list, code, label] : {std::tuple{"measures", "rappel_loi", "Rappel à la loi"},
                                   std::tuple{"measures", "suivi_educatif", "Suivi éducatif"},
                                   std::tuple{"topics", "trafic", "Trafic de stupéfiants"}}) {
    fbs::ReferenceEntryDefinedT r;
    r.list = list;
    r.code = code;
    r.label = label;
    r.valid_from = 0;
    b.Emit("reference", "2013-01-02T09:01:00Z", kAdmin, std::move(r));
  }
  Partner(b, "ddsp", "DDSP de la Loire", "state_security");
  Partner(b, "douanes", "Douanes de Saint-Étienne", "state_control");
  Partner(b, "direccte", "UT DIRECCTE Loire", "state_control");
  Partner(b, "prefecture", "Préfecture de la Loire", "other");
  Partner(b, "parquet", "Parquet de Saint-Étienne", "justice");
  Partner(b, "ville", "Ville de Saint-Étienne", "local_authority");
  Partner(b, "bailleur", "Métropole Habitat", "social_landlord");
  {
    fbs::CharterPublishedT c;
    c.charter_version = "v1";
    b.Emit("charter", "2013-01-02T10:00:00Z", kAdmin, std::move(c));
  }
  Person(b, "ref", "ddsp", "Référent ZSP", {"referent"});
  Person(b, "m-ddsp", "ddsp", "Agent DDSP", {"member"});
  Person(b, "m-ville", "ville", "Agent Ville", {"member"});
  Person(b, "m-bailleur", "bailleur", "Agent bailleur", {"member"});
  Person(b, "m-douanes", "douanes", "Agent douanes", {"member"});
  Person(b, "chair-pref", "prefecture", "Sous-préfète", {"chair"});
  Person(b, "admin", "", "Coordinatrice", {"admin"});
  Person(b, "audit", "", "DPO", {"auditor"});
  Person(b, "eval", "", "Comité d'évaluation", {"evaluator"});
  for (const char* p : {"ref", "m-ddsp", "m-ville", "m-douanes", "chair-pref", "audit", "eval"}) {
    Sign(b, p);
  }
  {
    fbs::CellCreatedT c;
    c.cell_id = "csi";
    c.name = "Cellule opérationnelle de sécurité intérieure";
    c.kind = "security_operational";
    c.chairs = {"prefecture", "parquet"};
    c.members = {"ddsp", "douanes", "direccte"};
    c.confidential = true;
    b.Emit("cell-csi", "2013-01-03T09:00:00Z", kAdmin, std::move(c));
  }
  {
    fbs::CellCreatedT c;
    c.cell_id = "cp";
    c.name = "Cellule partenariale";
    c.kind = "partnership";
    c.chairs = {"prefecture"};
    c.members = {"ddsp", "ville", "bailleur"};
    c.confidential = false;
    b.Emit("cell-cp", "2013-01-03T09:10:00Z", kAdmin, std::move(c));
  }

  // ---- January 2013 ------------------------------------------------------
  Open(b, "2013-01-08T10:00:00Z", "s4", {"ville"}, kPseudonymS4, "1995");
  Info(b, "2013-01-10T10:00:00Z", kDdsp, "i1", "csi", "confidential", "Point de deal signalé");
  // M1 (csi): members ddsp, douanes, direccte; 2 of 3 attend.
  Meeting(b, "2013-01-14T10:00:00Z", "2013-01-15T09:00:00Z", "m1", "csi", false,
          {"ddsp", "douanes"}, "Revue des points de deal ; contrôles à programmer.");
  Decision(b, "2013-01-15T11:00:00Z", "d1", "csi", "m1", "", "Renforcer les patrouilles de soirée",
           "ddsp", "2013-02-15T10:00:00Z");
  PlanControl(b, "2013-01-16T10:00:00Z", "c1");
  Analysis(b, "2013-01-20T10:00:00Z", "a1", {"i1"}, "Trafic installé au pied de la tour");
  Open(b, "2013-01-20T10:00:00Z", "s3", {"bailleur"}, "Lina M.", "1999");
  // M2 (cp): members ddsp, ville, bailleur all attend; the prefecture is a
  // guest (a chair, not a member) and does not count: 3 of 3.
  Meeting(b, "2013-01-21T10:00:00Z", "2013-01-22T14:00:00Z", "m2", "cp", false,
          {"ddsp", "ville", "bailleur", "prefecture"},
          "Tranquillité résidentielle : éclairage, halls d'immeuble.");
  Decision(b, "2013-01-22T16:00:00Z", "d2", "cp", "m2", "", "Réparer l'éclairage du parking",
           "bailleur", "2013-02-28T10:00:00Z");
  Outcome(b, "2013-01-24T08:00:00Z", "c1", 12, 3, 1, 0, 2);
  Info(b, "2013-01-25T10:00:00Z", kDouanes, "i2", "csi", "restricted", "Livraisons suspectes");
  PlanControl(b, "2013-01-28T10:00:00Z", "c2");
  Close(b, "2013-01-30T10:00:00Z", "s4");
  // 23:30 UTC on 31 January is 00:30 on 1 February in Paris: a February item.
  Info(b, "2013-01-31T23:30:00Z", kVille, "i6", "cp", "public", "Dégradations dans le parc");

  // ---- February 2013 -----------------------------------------------------
  Analysis(b, "2013-02-05T10:00:00Z", "a2", {"i2", "i1"}, "Les livraisons alimentent le point");
  Outcome(b, "2013-02-07T10:00:00Z", "c2", 20, 5, 2, 1, 4);
  Info(b, "2013-02-08T10:00:00Z", kVille, "i3", "cp", "public", "Regroupements de jeunes en soirée");
  Analysis(b, "2013-02-09T10:00:00Z", "a5", {"i3"}, "Renforcer la médiation de soirée");
  Open(b, "2013-02-10T10:00:00Z", "s1", {"ville", "bailleur"}, kPseudonymS1, kBirthYearS1);
  Complete(b, "2013-02-10T10:00:00Z", "d1");
  {
    fbs::SituationNoteAddedT n;
    n.situation_id = "s1";
    n.note_id = "n1";
    n.category = "famille";
    n.text = Sealed("key-s1", kNoteS1);
    b.Emit("situation-s1", "2013-02-11T10:00:00Z", kVille, std::move(n));
  }
  // M3 (cp, emergency): 1 of 3 members.
  Meeting(b, "2013-02-11T12:00:00Z", "2013-02-12T18:00:00Z", "m3", "cp", true, {"ville"},
          "Réunion d'urgence après l'incendie de véhicules.");
  Info(b, "2013-02-14T10:00:00Z", kBailleur, "i4", "cp", "restricted", "Tags menaçants", "s1");
  PlanControl(b, "2013-02-15T10:00:00Z", "c3");
  {
    fbs::ControlCancelledT c;
    c.control_id = "c3";
    c.reason = "Effectifs mobilisés ailleurs";
    b.Emit("control-c3", "2013-02-20T10:00:00Z", kRef, std::move(c));
  }
  SituationDecision(b, "2013-02-28T10:00:00Z", "s1", "sd1", "rappel_loi", "parquet",
                    "2013-03-31T10:00:00Z");

  // ---- March 2013 --------------------------------------------------------
  {
    fbs::CellMemberAddedT m;
    m.cell_id = "cp";
    m.partner_id = "parquet";
    b.Emit("cell-cp", "2013-03-01T10:00:00Z", kAdmin, std::move(m));
  }
  Analysis(b, "2013-03-05T10:00:00Z", "a3", {"i4"}, "Tensions de voisinage");
  Open(b, "2013-03-05T10:00:00Z", "s2", {"ddsp", "douanes"}, "Sami K.", "1998");
  Complete(b, "2013-03-10T10:00:00Z", "d2");
  Info(b, "2013-03-12T10:00:00Z", kDdsp, "i5", "cp", "confidential", "Menaces signalées", "s1");
  SituationDecision(b, "2013-03-15T10:00:00Z", "s2", "sd2", "suivi_educatif", "ville",
                    "2013-04-15T10:00:00Z");
  // M4 (csi): 3 of 3.
  Meeting(b, "2013-03-18T10:00:00Z", "2013-03-19T09:00:00Z", "m4", "csi", false,
          {"ddsp", "douanes", "direccte"}, "Bilan des contrôles du trimestre.");
  Info(b, "2013-03-20T10:00:00Z", kDdsp, "i7", "cp", "restricted", "Absences scolaires", "s2");
  PlanControl(b, "2013-03-20T11:00:00Z", "c4");
  Complete(b, "2013-03-25T10:00:00Z", "sd1");
  // M5 (cp): members ddsp, ville, bailleur, parquet (since 1 March); 2 of 4.
  Meeting(b, "2013-03-25T12:00:00Z", "2013-03-26T14:00:00Z", "m5", "cp", false,
          {"ddsp", "parquet"}, "Suivi des situations individuelles.");
  Decision(b, "2013-03-26T16:00:00Z", "d3", "cp", "m5", "s1",
           "Accompagnement vers un chantier éducatif", "ville", "2013-03-28T10:00:00Z");
  SituationDecision(b, "2013-03-30T10:00:00Z", "s3", "sd3", "rappel_loi", "parquet",
                    "2013-04-30T10:00:00Z");
  Close(b, "2013-03-31T10:00:00Z", "s3");

  // ---- April 2013: the plan, indicators, the rest ------------------------
  {
    fbs::PriorityAdoptedT p;
    p.priority_id = "p1";
    p.number = 1;
    p.title = "Mieux connaître la délinquance";
    b.Emit("plan", "2013-04-01T10:00:00Z", kChair, std::move(p));
    fbs::PriorityAdoptedT q;
    q.priority_id = "p2";
    q.number = 2;
    q.title = "Maintenir une réponse judiciaire diversifiée";
    b.Emit("plan", "2013-04-01T10:00:00Z", kChair, std::move(q));
  }
  Commitment(b, "k1", "p1", "ddsp", "Transmettre un état mensuel des faits constatés", 12.0);
  Commitment(b, "k2", "p2", "parquet", "Développer les mesures alternatives aux poursuites",
             std::nullopt);
  Commitment(b, "k3", "p1", "ville", "Installer la vidéoprotection <centre commercial>", 1.0);
  {
    fbs::PlanAmendedT a;
    a.amendment_id = "av1";
    a.meeting_id = "m5";
    a.summary = "Avenant n°1 : ajout du parquet à la cellule partenariale";
    b.Emit("plan", "2013-04-01T12:00:00Z", kChair, std::move(a));
  }
  {
    fbs::IndicatorDefinedT i;
    i.indicator_id = "cambriolages";
    i.name = "Cambriolages de logements";
    i.kind = "result";
    i.unit = "faits";
    i.source_partner = "ddsp";
    i.category = "état 4001";
    i.per_thousand = true;
    i.target = 30.0;
    b.Emit("indicator-cambriolages", "2013-04-01T12:00:00Z", kAdmin, std::move(i));
    fbs::IndicatorDefinedT j;
    j.indicator_id = "satisfaction";
    j.name = "Satisfaction des habitants";
    j.kind = "impact";
    j.unit = "%";
    j.source_partner = "ville";
    j.category = "enquête";
    j.per_thousand = false;
    b.Emit("indicator-satisfaction", "2013-04-01T12:00:00Z", kAdmin, std::move(j));
  }
  Analysis(b, "2013-04-02T10:00:00Z", "a4", {"i5"}, "Menaces liées au trafic");
  Value(b, "cambriolages", {2013, 1, 1}, {2013, 2, 1}, 15);
  Value(b, "cambriolages", {2013, 2, 1}, {2013, 3, 1}, 12);
  Value(b, "cambriolages", {2013, 3, 1}, {2013, 4, 1}, 9);
  Value(b, "satisfaction", {2013, 1, 1}, {2013, 4, 1}, 62);
  Outcome(b, "2013-04-04T08:00:00Z", "c4", 8, 1, 0, 0, 1);
  Complete(b, "2013-04-05T10:00:00Z", "sd3");
  Close(b, "2013-04-10T10:00:00Z", "s1");
  Meeting(b, "2013-04-12T10:00:00Z", "2013-04-30T14:00:00Z", "m6", "cp", false, {}, "");
  for (const char* s : {"s3", "s4"}) {
    fbs::SituationArchivedT a;
    a.situation_id = s;
    b.Emit(std::string("situation-") + s, "2013-04-20T10:00:00Z", kAdmin, std::move(a));
  }
  {
    fbs::SubjectErasedT e;
    e.situation_id = "s4";
    e.key_id = "key-s4";
    e.reason = "age_limit";
    b.Emit("situation-s4", "2013-04-25T10:00:00Z", kAdmin, std::move(e));
  }

  ZspScenario scenario;
  scenario.size_end_of_april = b.size();
  scenario.size_before_rename = b.size();

  // ---- 2014: what was recorded later -------------------------------------
  {
    fbs::PartnerRenamedT r;
    r.partner_id = "ddsp";
    r.name = "DDPN de la Loire";
    b.Emit("partner-ddsp", "2014-01-20T09:00:00Z", kAdmin, std::move(r));
  }
  scenario.size_before_evaluations = b.size();
  Evaluate(b, "k1", "met", "État transmis chaque mois");
  Evaluate(b, "k2", "partially_met", "Mesures en hausse, délais longs");
  Evaluate(b, "k3", "not_met", "Marché public infructueux");
  scenario.size_before_late_item = b.size();
  // Happened in March 2013, recorded in February 2014.
  Info(b, "2013-03-28T10:00:00Z", kVille, "i8", "cp", "public", "Rodéos motorisés signalés", "",
       "2014-02-20T10:00:00Z");
  {
    fbs::SituationConsultedT c;
    c.situation_id = "s1";
    c.person_id = "m-ville";
    c.partner_id = "ville";
    c.purpose = "préparation de la cellule";
    b.Emit("access-log", "2014-02-21T10:00:00Z", kVille, std::move(c));
    fbs::SituationConsultedT d;
    d.situation_id = "s4";
    d.person_id = "ref";
    d.partner_id = "ddsp";
    d.purpose = "contrôle DPO";
    b.Emit("access-log", "2014-02-22T10:00:00Z", kRef, std::move(d));
  }
  scenario.size_all = b.size();
  scenario.events = b.Take();
  return scenario;
}

namespace {
Caller Make(const char* person, const char* partner, const char* name, const char* role,
            bool signed_charter) {
  Caller c;
  c.person_id = person;
  c.partner_id = partner;
  c.display_name = name;
  c.roles = {role};
  if (signed_charter) c.charter_signed = "v1";
  return c;
}
}  // namespace

Caller Referent() { return Make("ref", "ddsp", "Référent ZSP", "referent", true); }
Caller MemberDdsp() { return Make("m-ddsp", "ddsp", "Agent DDSP", "member", true); }
Caller MemberVille() { return Make("m-ville", "ville", "Agent Ville", "member", true); }
Caller MemberBailleur() { return Make("m-bailleur", "bailleur", "Agent bailleur", "member", false); }
Caller MemberDouanes() { return Make("m-douanes", "douanes", "Agent douanes", "member", true); }
Caller ChairPrefecture() { return Make("chair-pref", "prefecture", "Sous-préfète", "chair", true); }
Caller Admin() { return Make("admin", "", "Coordinatrice", "admin", false); }
Caller Auditor() { return Make("audit", "", "DPO", "auditor", true); }
Caller Evaluator() { return Make("eval", "", "Comité d'évaluation", "evaluator", true); }

}  // namespace vigie::projections::testing
