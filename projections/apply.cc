// Apply: folds one DomainEvent into State (see state.h). Pure.
//
// The write model only records events that its rules accepted, so every
// lookup below succeeds for a log written by Vigie. A log written by
// another tool may still reference something unknown: such an event is
// skipped with kInternal rather than crashing a replay.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "projections/fact_index.h"
#include "projections/fact_writer.h"
#include "projections/state.h"
#include "schemas/events_generated.h"
#include "schemas/record_generated.h"

namespace vigie::projections {
namespace {

namespace fbs = vigie::schema;

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }
// For lookups: no copy.
std::string_view View(const flatbuffers::String* s) {
  return s ? std::string_view(s->c_str(), s->size()) : std::string_view();
}

std::vector<std::string> Strs(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (!v) return out;
  out.reserve(v->size());
  for (const auto* s : *v) out.push_back(Str(s));
  return out;
}

std::string Bytes(const flatbuffers::Vector<std::uint8_t>* v) {
  if (!v) return {};
  return std::string(reinterpret_cast<const char*>(v->data()), v->size());
}

SealedField Seal(const fbs::Sealed* s) {
  if (!s) return {};
  return {Str(s->key_id()), Bytes(s->nonce()), Bytes(s->ciphertext())};
}

Stamp StampOf(const EventMeta& m) {
  return {m.position, m.occurred_at_ns, m.recorded_at_ns, m.person_id, m.partner_id};
}

// Keeps a history ordered by valid_from; equal times keep recording order.
void InsertVersion(std::vector<NameVersion>& history, NameVersion version) {
  auto at = std::upper_bound(history.begin(), history.end(), version.valid_from_ns,
                             [](std::int64_t t, const NameVersion& v) { return t < v.valid_from_ns; });
  history.insert(at, std::move(version));
}

// Records an entity under its id; one recorded again replaces the earlier.
template <typename Map, typename Entity>
void Put(Map& map, Entity&& entity) {
  const std::string& id = entity.id;  // copied into the node before the entity is moved
  map.insert_or_assign(id, std::forward<Entity>(entity));
}

Status Unknown(std::string_view what, const std::string& id) {
  return Internal("event refers to unknown " + std::string(what) + " '" + id + "'");
}

template <typename Map>
auto* Lookup(Map& map, std::string_view id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

// Records an item of a cell under its id, and its id at the end of the
// cell's list (Cell::meeting_ids...). One recorded again replaces the earlier
// and moves to the end of its list, so a list stays in position order.
template <typename Map, typename Entity>
void PutCellItem(State& s, Map& map, IdList Cell::*list, Entity&& entity) {
  if (auto old = std::as_const(map).find(entity.id); old != map.cend()) {
    if (Cell* c = Lookup(s.cells, old->second.cell_id)) (c->*list).erase_value(entity.id);
  }
  if (Cell* c = Lookup(s.cells, entity.cell_id)) (c->*list).push_back(entity.id);
  Put(map, std::forward<Entity>(entity));
}

class Folder {
 public:
  Folder(State& state, const EventMeta& meta) : s_(state), m_(meta), stamp_(StampOf(meta)) {}

  Status Fold(const fbs::DomainEvent& e) {
    using T = fbs::EventBody;
    // The verifier accepts a union whose type is set but whose table is
    // absent (an optional field): such an event is refused, never read.
    if (e.body_type() != T::NONE && e.body() == nullptr) {
      std::string name = fbs::EnumNameEventBody(e.body_type());
      if (name.empty()) name = "type " + std::to_string(static_cast<int>(e.body_type()));
      return DataLoss("position " + std::to_string(m_.position) + ": " + name + " event without a body");
    }
    switch (e.body_type()) {
      case T::TerritoryConfigured: return On(*e.body_as_TerritoryConfigured());
      case T::ReferenceEntryDefined: return On(*e.body_as_ReferenceEntryDefined());
      case T::ReferenceEntryRenamed: return On(*e.body_as_ReferenceEntryRenamed());
      case T::ReferenceEntryRetired: return On(*e.body_as_ReferenceEntryRetired());
      case T::PartnerRegistered: return On(*e.body_as_PartnerRegistered());
      case T::PartnerRenamed: return On(*e.body_as_PartnerRenamed());
      case T::PartnerRetired: return On(*e.body_as_PartnerRetired());
      case T::CellCreated: return On(*e.body_as_CellCreated());
      case T::CellMemberAdded: return On(*e.body_as_CellMemberAdded());
      case T::CellMemberRemoved: return On(*e.body_as_CellMemberRemoved());
      case T::PersonEnrolled: return On(*e.body_as_PersonEnrolled());
      case T::PersonRevoked: return On(*e.body_as_PersonRevoked());
      case T::CharterSigned: return On(*e.body_as_CharterSigned());
      case T::CharterPublished: return On(*e.body_as_CharterPublished());
      case T::MeetingScheduled: return On(*e.body_as_MeetingScheduled());
      case T::MeetingRecorded: return On(*e.body_as_MeetingRecorded());
      case T::DecisionRecorded: return On(*e.body_as_DecisionRecorded());
      case T::DecisionCompleted: return On(*e.body_as_DecisionCompleted());
      case T::InformationShared: return On(*e.body_as_InformationShared());
      case T::AnalysisRecorded: return On(*e.body_as_AnalysisRecorded());
      case T::ControlPlanned: return On(*e.body_as_ControlPlanned());
      case T::ControlOutcomeRecorded: return On(*e.body_as_ControlOutcomeRecorded());
      case T::ControlCancelled: return On(*e.body_as_ControlCancelled());
      case T::SituationOpened: return On(*e.body_as_SituationOpened());
      case T::SituationNoteAdded: return On(*e.body_as_SituationNoteAdded());
      case T::SituationDecisionRecorded: return On(*e.body_as_SituationDecisionRecorded());
      case T::SituationAccessGranted: return On(*e.body_as_SituationAccessGranted());
      case T::SituationAccessRevoked: return On(*e.body_as_SituationAccessRevoked());
      case T::SubjectInformed: return On(*e.body_as_SubjectInformed());
      case T::SituationClosed: return On(*e.body_as_SituationClosed());
      case T::SituationConsulted: return On(*e.body_as_SituationConsulted());
      case T::SituationArchived: return On(*e.body_as_SituationArchived());
      case T::SubjectErased: return On(*e.body_as_SubjectErased());
      case T::PriorityAdopted: return On(*e.body_as_PriorityAdopted());
      case T::CommitmentRecorded: return On(*e.body_as_CommitmentRecorded());
      case T::PlanAmended: return On(*e.body_as_PlanAmended());
      case T::CommitmentEvaluated: return On(*e.body_as_CommitmentEvaluated());
      case T::IndicatorDefined: return On(*e.body_as_IndicatorDefined());
      case T::IndicatorValueRecorded: return On(*e.body_as_IndicatorValueRecorded());
      case T::NONE: break;
    }
    return DataLoss("position " + std::to_string(m_.position) + ": event without a known body");
  }

 private:
  std::int64_t t() const { return m_.occurred_at_ns; }

  Status On(const fbs::TerritoryConfigured& e) {
    Territory& ty = s_.territory;
    ty.configured = true;
    ty.name = Str(e.name());
    ty.kind = Str(e.kind());
    ty.communes = Strs(e.communes());
    ty.neighbourhoods = Strs(e.neighbourhoods());
    PopulationFigure figure{e.population(), e.population_year(), t()};
    auto at = std::upper_bound(ty.populations.begin(), ty.populations.end(), figure.valid_from_ns,
                               [](std::int64_t v, const PopulationFigure& f) { return v < f.valid_from_ns; });
    ty.populations.insert(at, figure);
    ty.configured_stamp = stamp_;
    return Status::Ok();
  }

  Status On(const fbs::ReferenceEntryDefined& e) {
    ReferenceEntry entry;
    entry.list = Str(e.list());
    entry.code = Str(e.code());
    entry.labels.push_back({Str(e.label()), e.valid_from()});
    entry.valid_from_ns = e.valid_from();
    if (e.valid_until() != 0) entry.valid_until_ns = e.valid_until();
    auto& list = s_.reference.lists[entry.list];
    const std::string& code = entry.code;  // copied into the node before the entry is moved
    list.insert_or_assign(code, std::move(entry));
    return Status::Ok();
  }

  Status On(const fbs::ReferenceEntryRenamed& e) {
    auto& list = s_.reference.lists[Str(e.list())];
    ReferenceEntry* entry = Lookup(list, View(e.code()));
    if (!entry) return Unknown("reference entry", Str(e.code()));
    InsertVersion(entry->labels, {Str(e.label()), t()});
    return Status::Ok();
  }

  Status On(const fbs::ReferenceEntryRetired& e) {
    auto& list = s_.reference.lists[Str(e.list())];
    ReferenceEntry* entry = Lookup(list, View(e.code()));
    if (!entry) return Unknown("reference entry", Str(e.code()));
    entry->valid_until_ns = t();
    return Status::Ok();
  }

  Status On(const fbs::PartnerRegistered& e) {
    Partner p;
    p.id = Str(e.partner_id());
    p.kind = Str(e.kind());
    p.names.push_back({Str(e.name()), t()});
    p.registered = stamp_;
    Put(s_.partners, std::move(p));
    return Status::Ok();
  }

  Status On(const fbs::PartnerRenamed& e) {
    Partner* p = Lookup(s_.partners, View(e.partner_id()));
    if (!p) return Unknown("partner", Str(e.partner_id()));
    InsertVersion(p->names, {Str(e.name()), t()});
    return Status::Ok();
  }

  Status On(const fbs::PartnerRetired& e) {
    Partner* p = Lookup(s_.partners, View(e.partner_id()));
    if (!p) return Unknown("partner", Str(e.partner_id()));
    p->retired = stamp_;
    return Status::Ok();
  }

  Status On(const fbs::CellCreated& e) {
    Cell c;
    c.id = Str(e.cell_id());
    c.name = Str(e.name());
    c.kind = Str(e.kind());
    c.chairs = Strs(e.chairs());
    c.confidential = e.confidential();
    for (std::string& partner : Strs(e.members())) {
      c.memberships.push_back({std::move(partner), t(), std::nullopt, m_.position});
    }
    c.created = stamp_;
    if (Cell* earlier = Lookup(s_.cells, c.id)) {
      // Recorded again: its items stay its own.
      c.meeting_ids = std::move(earlier->meeting_ids);
      c.decision_ids = std::move(earlier->decision_ids);
      c.info_ids = std::move(earlier->info_ids);
      c.control_ids = std::move(earlier->control_ids);
    }
    Put(s_.cells, std::move(c));
    return Status::Ok();
  }

  Status On(const fbs::CellMemberAdded& e) {
    Cell* c = Lookup(s_.cells, View(e.cell_id()));
    if (!c) return Unknown("cell", Str(e.cell_id()));
    c->memberships.push_back({Str(e.partner_id()), t(), std::nullopt, m_.position});
    return Status::Ok();
  }

  Status On(const fbs::CellMemberRemoved& e) {
    Cell* c = Lookup(s_.cells, View(e.cell_id()));
    if (!c) return Unknown("cell", Str(e.cell_id()));
    const std::string_view partner = View(e.partner_id());
    for (Membership& m : c->memberships) {
      if (m.partner_id == partner && !m.left_ns) m.left_ns = t();
    }
    return Status::Ok();
  }

  Status On(const fbs::PersonEnrolled& e) {
    Person p;
    p.id = Str(e.person_id());
    p.partner_id = Str(e.partner_id());
    p.display_name = Str(e.display_name());
    p.roles = Strs(e.roles());
    p.token_sha256 = Bytes(e.token_sha256());
    p.enrolled = stamp_;
    if (!p.token_sha256.empty()) s_.people_by_token[p.token_sha256] = p.id;
    Put(s_.people, std::move(p));
    return Status::Ok();
  }

  Status On(const fbs::PersonRevoked& e) {
    Person* p = Lookup(s_.people, View(e.person_id()));
    if (!p) return Unknown("person", Str(e.person_id()));
    p->revoked = stamp_;
    s_.people_by_token.erase(p->token_sha256);
    return Status::Ok();
  }

  Status On(const fbs::CharterSigned& e) {
    Person* p = Lookup(s_.people, View(e.person_id()));
    if (!p) return Unknown("person", Str(e.person_id()));
    p->charters.push_back({Str(e.charter_version()), stamp_});
    return Status::Ok();
  }

  Status On(const fbs::CharterPublished& e) {
    s_.current_charter = Str(e.charter_version());
    return Status::Ok();
  }

  Status On(const fbs::MeetingScheduled& e) {
    Meeting m;
    m.id = Str(e.meeting_id());
    m.cell_id = Str(e.cell_id());
    m.scheduled_for_ns = e.scheduled_for();
    m.emergency = e.emergency();
    m.agenda = Str(e.agenda());
    m.scheduled = stamp_;
    PutCellItem(s_, s_.meetings, &Cell::meeting_ids, std::move(m));
    return Status::Ok();
  }

  Status On(const fbs::MeetingRecorded& e) {
    Meeting* m = Lookup(s_.meetings, View(e.meeting_id()));
    if (!m) return Unknown("meeting", Str(e.meeting_id()));
    m->held = MeetingHeld{Strs(e.attendees()), Str(e.minutes()), stamp_};
    return Status::Ok();
  }

  Status On(const fbs::DecisionRecorded& e) {
    Decision d;
    d.id = Str(e.decision_id());
    d.cell_id = Str(e.cell_id());
    d.meeting_id = Str(e.meeting_id());
    d.situation_id = Str(e.situation_id());
    d.text = Str(e.text());
    d.owner_partner = Str(e.owner_partner());
    d.due_ns = e.due();
    d.recorded = stamp_;
    if (!d.situation_id.empty()) {
      if (Situation* s = Lookup(s_.situations, d.situation_id)) s->decision_ids.push_back(d.id);
    }
    PutCellItem(s_, s_.decisions, &Cell::decision_ids, std::move(d));
    return Status::Ok();
  }

  Status On(const fbs::DecisionCompleted& e) {
    Decision* d = Lookup(s_.decisions, View(e.decision_id()));
    if (!d) return Unknown("decision", Str(e.decision_id()));
    d->completed = DecisionCompletion{Str(e.outcome()), stamp_};
    return Status::Ok();
  }

  Status On(const fbs::InformationShared& e) {
    InformationItem i;
    i.id = Str(e.info_id());
    i.from_partner = Str(e.from_partner());
    i.cell_id = Str(e.cell_id());
    i.topic = Str(e.topic());
    i.neighbourhood = Str(e.neighbourhood());
    i.summary = Str(e.summary());
    i.sensitivity = Str(e.sensitivity());
    i.situation_id = Str(e.situation_id());
    i.shared = stamp_;
    if (!i.situation_id.empty()) {
      if (Situation* s = Lookup(s_.situations, i.situation_id)) s->info_ids.push_back(i.id);
    }
    PutCellItem(s_, s_.information, &Cell::info_ids, std::move(i));
    return Status::Ok();
  }

  Status On(const fbs::AnalysisRecorded& e) {
    Analysis a;
    a.id = Str(e.analysis_id());
    a.info_ids = Strs(e.info_ids());
    a.conclusion = Str(e.conclusion());
    a.recommended_action = Str(e.recommended_action());
    a.recorded = stamp_;
    for (const std::string& info : a.info_ids) {
      if (InformationItem* i = Lookup(s_.information, info)) i->analysis_ids.push_back(a.id);
    }
    Put(s_.analyses, std::move(a));
    return Status::Ok();
  }

  Status On(const fbs::ControlPlanned& e) {
    Control c;
    c.id = Str(e.control_id());
    c.cell_id = Str(e.cell_id());
    c.planned_for_ns = e.planned_for();
    c.place = Str(e.place());
    c.services = Strs(e.services());
    c.objectives = Str(e.objectives());
    c.planned = stamp_;
    PutCellItem(s_, s_.controls, &Cell::control_ids, std::move(c));
    return Status::Ok();
  }

  Status On(const fbs::ControlOutcomeRecorded& e) {
    Control* c = Lookup(s_.controls, View(e.control_id()));
    if (!c) return Unknown("control", Str(e.control_id()));
    c->outcome = ControlOutcome{e.persons_controlled(), e.offences_found(), e.seizures(),
                                e.administrative_closures(), e.fines(), stamp_};
    return Status::Ok();
  }

  Status On(const fbs::ControlCancelled& e) {
    Control* c = Lookup(s_.controls, View(e.control_id()));
    if (!c) return Unknown("control", Str(e.control_id()));
    c->cancelled = ControlCancellation{Str(e.reason()), stamp_};
    return Status::Ok();
  }

  Status On(const fbs::SituationOpened& e) {
    Situation s;
    s.id = Str(e.situation_id());
    s.cell_id = Str(e.cell_id());
    s.key_id = Str(e.key_id());
    s.pseudonym = Seal(e.pseudonym());
    s.birth_year = Seal(e.birth_year());
    s.referral_source = Str(e.referral_source());
    s.reason = Str(e.reason());
    for (std::string& partner : Strs(e.need_to_know())) {
      s.access_history.push_back({partner, true, stamp_});
      s.need_to_know.insert(std::move(partner));
    }
    s.opened = stamp_;
    Put(s_.situations, std::move(s));
    return Status::Ok();
  }

  Situation* FindSituation(const flatbuffers::String* id) { return Lookup(s_.situations, View(id)); }

  Status On(const fbs::SituationNoteAdded& e) {
    Situation* s = FindSituation(e.situation_id());
    if (!s) return Unknown("situation", Str(e.situation_id()));
    s->notes.push_back({Str(e.note_id()), Str(e.category()), Seal(e.text()), stamp_});
    return Status::Ok();
  }

  Status On(const fbs::SituationDecisionRecorded& e) {
    Situation* s = FindSituation(e.situation_id());
    if (!s) return Unknown("situation", Str(e.situation_id()));
    Decision d;
    d.id = Str(e.decision_id());
    d.situation_decision = true;
    d.cell_id = s->cell_id;
    d.situation_id = s->id;
    d.measure = Str(e.measure());
    d.owner_partner = Str(e.owner_partner());
    d.due_ns = e.due();
    d.recorded = stamp_;
    s->decision_ids.push_back(d.id);
    PutCellItem(s_, s_.decisions, &Cell::decision_ids, std::move(d));
    return Status::Ok();
  }

  Status On(const fbs::SituationAccessGranted& e) {
    Situation* s = FindSituation(e.situation_id());
    if (!s) return Unknown("situation", Str(e.situation_id()));
    s->need_to_know.insert(Str(e.partner_id()));
    s->access_history.push_back({Str(e.partner_id()), true, stamp_});
    return Status::Ok();
  }

  Status On(const fbs::SituationAccessRevoked& e) {
    Situation* s = FindSituation(e.situation_id());
    if (!s) return Unknown("situation", Str(e.situation_id()));
    s->need_to_know.erase(Str(e.partner_id()));
    s->access_history.push_back({Str(e.partner_id()), false, stamp_});
    return Status::Ok();
  }

  Status On(const fbs::SubjectInformed& e) {
    Situation* s = FindSituation(e.situation_id());
    if (!s) return Unknown("situation", Str(e.situation_id()));
    s->informed.push_back({Str(e.means()), stamp_});
    return Status::Ok();
  }

  Status On(const fbs::SituationClosed& e) {
    Situation* s = FindSituation(e.situation_id());
    if (!s) return Unknown("situation", Str(e.situation_id()));
    s->closed = SituationClosure{Str(e.outcome()), stamp_};
    return Status::Ok();
  }

  Status On(const fbs::SituationConsulted& e) {
    s_.consultations.push_back(
        {Str(e.situation_id()), Str(e.person_id()), Str(e.partner_id()), Str(e.purpose()), stamp_});
    return Status::Ok();
  }

  Status On(const fbs::SituationArchived& e) {
    Situation* s = FindSituation(e.situation_id());
    if (!s) return Unknown("situation", Str(e.situation_id()));
    s->archived = stamp_;
    return Status::Ok();
  }

  Status On(const fbs::SubjectErased& e) {
    Situation* s = FindSituation(e.situation_id());
    if (!s) return Unknown("situation", Str(e.situation_id()));
    s->erased = Erasure{Str(e.reason()), stamp_};
    return Status::Ok();
  }

  Status On(const fbs::PriorityAdopted& e) {
    Priority p{Str(e.priority_id()), e.number(), Str(e.title()), stamp_};
    Put(s_.priorities, std::move(p));
    return Status::Ok();
  }

  Status On(const fbs::CommitmentRecorded& e) {
    Commitment c;
    c.id = Str(e.commitment_id());
    c.priority_id = Str(e.priority_id());
    c.partner_id = Str(e.partner_id());
    c.text = Str(e.text());
    c.indicator_id = Str(e.indicator_id());
    if (e.target().has_value()) c.target = *e.target();
    c.due_ns = e.due();
    c.recorded = stamp_;
    Put(s_.commitments, std::move(c));
    return Status::Ok();
  }

  Status On(const fbs::PlanAmended& e) {
    Amendment a{Str(e.amendment_id()), Str(e.meeting_id()), Str(e.summary()), stamp_};
    Put(s_.amendments, std::move(a));
    return Status::Ok();
  }

  Status On(const fbs::CommitmentEvaluated& e) {
    Commitment* c = Lookup(s_.commitments, View(e.commitment_id()));
    if (!c) return Unknown("commitment", Str(e.commitment_id()));
    c->evaluations.push_back({e.year(), Str(e.status()), Str(e.comment()), stamp_});
    return Status::Ok();
  }

  Status On(const fbs::IndicatorDefined& e) {
    Indicator i;
    i.id = Str(e.indicator_id());
    i.name = Str(e.name());
    i.kind = Str(e.kind());
    i.unit = Str(e.unit());
    i.source_partner = Str(e.source_partner());
    i.category = Str(e.category());
    i.per_thousand = e.per_thousand();
    if (e.target().has_value()) i.target = *e.target();
    i.defined = stamp_;
    Put(s_.indicators, std::move(i));
    return Status::Ok();
  }

  Status On(const fbs::IndicatorValueRecorded& e) {
    Indicator* i = Lookup(s_.indicators, View(e.indicator_id()));
    if (!i) return Unknown("indicator", Str(e.indicator_id()));
    IndicatorValue v{e.period_start(), e.period_end(), e.value(), stamp_};
    for (IndicatorValue& existing : i->values) {
      if (existing.period_start_ns == v.period_start_ns && existing.period_end_ns == v.period_end_ns) {
        existing = v;
        return Status::Ok();
      }
    }
    i->values.push_back(v);
    return Status::Ok();
  }

  State& s_;
  const EventMeta& m_;
  Stamp stamp_;
};

}  // namespace

Status Apply(State& state, const EventMeta& meta, const schema::DomainEvent& event) {
  state.size = meta.position + 1;
  return Folder(state, meta).Fold(event);
}

namespace {

Status ApplyPayloadTo(State& state, const EventMeta& meta, std::string_view payload, FactIndex* facts,
                      FactWriter* writer = nullptr) {
  // A payload nested in a record is byte-aligned only; FlatBuffers reads
  // scalars in place, so a misaligned one is copied first. An empty one is
  // left as is: there is nothing to copy and the verifier refuses it.
  thread_local std::vector<std::uint64_t> aligned;
  if (!payload.empty() &&
      reinterpret_cast<std::uintptr_t>(payload.data()) % alignof(std::uint64_t) != 0) {
    aligned.resize((payload.size() + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t));
    std::memcpy(aligned.data(), payload.data(), payload.size());
    payload = std::string_view(reinterpret_cast<const char*>(aligned.data()), payload.size());
  }
  flatbuffers::Verifier verifier(reinterpret_cast<const std::uint8_t*>(payload.data()),
                                 payload.size());
  if (!schema::VerifyDomainEventBuffer(verifier)) {
    state.size = meta.position + 1;
    if (facts) facts->Advance(meta.position + 1);
    return DataLoss("payload at position " + std::to_string(meta.position) +
                    " is not a valid DomainEvent");
  }
  const schema::DomainEvent& event = *schema::GetDomainEvent(payload.data());
  Status folded = Apply(state, meta, event);
  if (facts) {
    if (folded.ok()) facts->Add(state, meta, event);
    facts->Advance(meta.position + 1);
  }
  if (writer && folded.ok()) writer->Add(meta, payload, FactIndex::SituationCell(state, event));
  return folded;
}

}  // namespace

Status ApplyPayload(State& state, const EventMeta& meta, std::string_view payload, FactIndex* facts) {
  return ApplyPayloadTo(state, meta, payload, facts);
}

const schema::Record* RecordAligner::operator()(const eventstore::RecordView& view) {
  if (!view.record) return nullptr;
  if (reinterpret_cast<std::uintptr_t>(view.bytes.data()) % alignof(std::uint64_t) == 0) {
    return view.record;
  }
  buffer_.resize((view.bytes.size() + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t));
  std::memcpy(buffer_.data(), view.bytes.data(), view.bytes.size());
  return schema::GetRecord(buffer_.data());
}

Status Apply(State& state, const eventstore::RecordView& view) {
  thread_local RecordAligner aligner;
  return ApplyRecord(state, view.position, aligner(view));
}

namespace {

Status ApplyRecordTo(State& state, std::uint64_t position, const schema::Record* r, FactIndex* facts,
                     FactWriter* writer) {
  EventMeta meta;
  meta.position = position;
  if (!r) {
    state.size = position + 1;
    if (facts) facts->Advance(position + 1);
    return DataLoss("record at position " + std::to_string(position) + " is missing");
  }
  meta.occurred_at_ns = r->occurred_at();
  meta.recorded_at_ns = r->recorded_at();
  if (const schema::Actor* actor = r->actor()) {
    meta.person_id = Str(actor->person());
    meta.partner_id = Str(actor->partner());
  }
  const auto* payload = r->payload();
  std::string_view bytes = payload ? std::string_view(reinterpret_cast<const char*>(payload->data()),
                                                      payload->size())
                                   : std::string_view();
  return ApplyPayloadTo(state, meta, bytes, facts, writer);
}

}  // namespace

Status ApplyRecord(State& state, std::uint64_t position, const schema::Record* r, FactIndex* facts) {
  return ApplyRecordTo(state, position, r, facts, nullptr);
}

Status ApplyRecord(State& state, std::uint64_t position, const schema::Record* r, FactWriter& writer) {
  return ApplyRecordTo(state, position, r, nullptr, &writer);
}

}  // namespace vigie::projections
