#pragma once
// State: the whole partnership as a pure fold of the log.
//
// `Apply(state, event)` folds one record into State; folding positions
// 0..N-1 from a default State gives the partnership as known at tree size N.
// The write model checks commands against it (decide.h); the read side
// (views, dashboard, evaluation, state_at) renders it, buckets it by
// occurred_at and snapshots it. State is a plain value: copyable, no
// pointers between parts (everything refers by id), ordered maps so that
// iteration (and therefore every rendered view) is deterministic. Its large
// collections are persistent (persistent.h): a copy shares them, so copying
// a State (a snapshot, an as-of state's starting point) costs O(1), and a
// write to one copy copies only the entity and the path above it. Every
// part compares by value (==): two ways to the same state can be checked
// to agree.
//
// What each part holds
// - size: the tree size folded so far (positions 0..size-1).
// - territory: name, kind, communes, neighbourhoods, and every population
//   figure with the time it became current (PopulationAt(t) for rates).
// - reference: the closed lists (partner_kinds, cell_kinds, topics,
//   measures, referral_sources, reasons, situation_outcomes,
//   decision_outcomes, note_categories, information_means), each code
//   with its French label history and validity period. Seeded by
//   Bootstrap as ordinary events (reference_defaults.h).
// - partners: kind, name history [(name, valid_from)] so a 2013 view shows
//   the 2013 name (NameAt), registration and retirement times.
// - cells: kind, chairs, confidential flag and every membership period
//   (MembersAt(t) gives "the cell's members then").
// - people: partner, roles, token hash (tokens index), charters signed,
//   revocation. current_charter is the version everyone must have signed.
// - meetings: scheduling and, once held, held_at, attendees and minutes.
// - decisions: cell decisions (text) and situation decisions (measure) in
//   one id space, with owner, due date and completion.
// - information: every item shared, with its cell, sensitivity, the time
//   it happened (occurred_at) and the position it was recorded at, and
//   the analyses that cover it.
// - analyses, controls (planned / executed with outcome figures /
//   cancelled), situations (sealed personal fields, need-to-know partners
//   and their history, notes, decisions, information of the subject,
//   closure, archiving, erasure), consultations (the access log),
//   priorities, commitments with their evaluations, amendments
//   (avenants), indicators with their recorded values.
// Every entity keeps a Stamp (position, occurred_at, recorded_at, actor) of
// each event that shaped it, so a view can bucket by period and as-of.
//
// Thread safety: none; a State is a value owned by one thread at a time.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/status.h"
#include "projections/persistent.h"

namespace vigie::schema {
struct DomainEvent;
struct Record;
}

namespace vigie::projections {

class FactIndex;
class FactWriter;

// Entities by id, shared between copies of a State (persistent.h). Looked up
// by std::string_view, so that a fold finds ids from an event's bytes
// without copying them.
template <typename T>
using ById = PersistentMap<T>;
// Ids in the order recorded, shared between copies of a State.
using IdList = PersistentVector<std::string>;

// Where and when one event happened.
struct Stamp {
  std::uint64_t position = 0;
  std::int64_t occurred_at_ns = 0;
  std::int64_t recorded_at_ns = 0;
  std::string person_id;   // the actor; empty for the system
  std::string partner_id;  // the actor's partner organisation
  friend bool operator==(const Stamp&, const Stamp&) = default;
};

// A name (or label) and the time from which it is the current one.
struct NameVersion {
  std::string name;
  std::int64_t valid_from_ns = 0;
  friend bool operator==(const NameVersion&, const NameVersion&) = default;
};
// The name current at t: the last version with valid_from <= t, or the
// first one when t predates them all (an entity is shown by its earliest
// known name before it was registered).
const std::string& NameAt(const std::vector<NameVersion>& history, std::int64_t t_ns);

// One personal field as stored in the log: ciphertext only.
struct SealedField {
  std::string key_id;
  std::string nonce;       // raw bytes
  std::string ciphertext;  // raw bytes, tag appended
  bool empty() const { return ciphertext.empty(); }
  friend bool operator==(const SealedField&, const SealedField&) = default;
};

struct PopulationFigure {
  std::uint64_t population = 0;
  int year = 0;
  std::int64_t valid_from_ns = 0;  // occurred_at of its configuration
  friend bool operator==(const PopulationFigure&, const PopulationFigure&) = default;
};

struct Territory {
  bool configured = false;
  std::string name;
  std::string kind;  // zsp | qrr | cls | clspd | cispd
  std::vector<std::string> communes;
  std::vector<std::string> neighbourhoods;
  std::vector<PopulationFigure> populations;  // by valid_from
  Stamp configured_stamp;                     // the latest configuration
  // The population current at t (0 when none is known).
  std::uint64_t PopulationAt(std::int64_t t_ns) const;
  friend bool operator==(const Territory&, const Territory&) = default;
};

struct ReferenceEntry {
  std::string list;
  std::string code;
  std::vector<NameVersion> labels;  // French labels by valid_from
  std::int64_t valid_from_ns = 0;
  std::optional<std::int64_t> valid_until_ns;  // exclusive
  bool ValidAt(std::int64_t t_ns) const;
  const std::string& LabelAt(std::int64_t t_ns) const { return NameAt(labels, t_ns); }
  friend bool operator==(const ReferenceEntry&, const ReferenceEntry&) = default;
};

struct ReferenceData {
  // list -> code -> entry (a few hundred entries: copied with the State)
  std::map<std::string, std::map<std::string, ReferenceEntry, std::less<>>, std::less<>> lists;
  const ReferenceEntry* Find(std::string_view list, std::string_view code) const;
  friend bool operator==(const ReferenceData&, const ReferenceData&) = default;
};

struct Partner {
  std::string id;
  std::string kind;
  std::vector<NameVersion> names;  // by valid_from
  Stamp registered;
  std::optional<Stamp> retired;
  const std::string& NameAt(std::int64_t t_ns) const;
  bool ActiveAt(std::int64_t t_ns) const;
  friend bool operator==(const Partner&, const Partner&) = default;
};

struct Membership {
  std::string partner_id;
  std::int64_t joined_ns = 0;
  std::optional<std::int64_t> left_ns;  // exclusive
  std::uint64_t joined_position = 0;
  bool ActiveAt(std::int64_t t_ns) const {
    return joined_ns <= t_ns && (!left_ns || t_ns < *left_ns);
  }
  friend bool operator==(const Membership&, const Membership&) = default;
};

struct Cell {
  std::string id;
  std::string name;
  std::string kind;
  std::vector<std::string> chairs;  // partner ids
  bool confidential = false;
  std::vector<Membership> memberships;  // in the order recorded
  Stamp created;
  // Ids of the cell's meetings, decisions, information items and controls,
  // in the order recorded, i.e. of their first positions: the cell view
  // reads a page from the end of these, without scanning other cells' items.
  IdList meeting_ids;
  IdList decision_ids;
  IdList info_ids;
  IdList control_ids;
  bool IsMember(std::string_view partner_id) const;  // now (open membership)
  bool WasMemberAt(std::string_view partner_id, std::int64_t t_ns) const;
  std::set<std::string> MembersAt(std::int64_t t_ns) const;
  std::set<std::string> CurrentMembers() const;
  bool IsChair(std::string_view partner_id) const;
  friend bool operator==(const Cell&, const Cell&) = default;
};

struct CharterSignature {
  std::string version;
  Stamp stamp;
  friend bool operator==(const CharterSignature&, const CharterSignature&) = default;
};

struct Person {
  std::string id;
  std::string partner_id;
  std::string display_name;
  std::vector<std::string> roles;
  std::string token_sha256;  // 32 raw bytes
  Stamp enrolled;
  std::optional<Stamp> revoked;
  std::vector<CharterSignature> charters;
  bool Has(std::string_view role) const;
  bool HasSigned(std::string_view version) const;
  // The charter in force signed; before any is published (`current` null),
  // any version: the one rule of reads (access.cc) and commands.
  bool HasSignedCharter(const std::optional<std::string>& current) const;
  std::optional<std::string> LatestCharter() const;
  friend bool operator==(const Person&, const Person&) = default;
};

struct MeetingHeld {
  std::vector<std::string> attendees;  // partner ids
  std::string minutes;
  Stamp stamp;  // occurred_at is held_at
  friend bool operator==(const MeetingHeld&, const MeetingHeld&) = default;
};

struct Meeting {
  std::string id;
  std::string cell_id;
  std::int64_t scheduled_for_ns = 0;
  bool emergency = false;
  std::string agenda;
  Stamp scheduled;
  std::optional<MeetingHeld> held;
  friend bool operator==(const Meeting&, const Meeting&) = default;
};

struct DecisionCompletion {
  std::string outcome;
  Stamp stamp;
  friend bool operator==(const DecisionCompletion&, const DecisionCompletion&) = default;
};

struct Decision {
  std::string id;
  bool situation_decision = false;  // from record-situation-decision
  std::string cell_id;              // the situation's cell for those
  std::string meeting_id;
  std::string situation_id;
  std::string text;     // cell decisions
  std::string measure;  // situation decisions: a code of measures
  std::string owner_partner;
  std::int64_t due_ns = 0;
  Stamp recorded;
  std::optional<DecisionCompletion> completed;
  friend bool operator==(const Decision&, const Decision&) = default;
};

struct InformationItem {
  std::string id;
  std::string from_partner;
  std::string cell_id;
  std::string topic;
  std::string neighbourhood;
  std::string summary;
  std::string sensitivity;  // public | restricted | confidential
  std::string situation_id;
  Stamp shared;  // occurred_at and recorded position
  std::vector<std::string> analysis_ids;  // in recording order
  friend bool operator==(const InformationItem&, const InformationItem&) = default;
};

struct Analysis {
  std::string id;
  std::vector<std::string> info_ids;
  std::string conclusion;
  std::string recommended_action;
  Stamp recorded;
  friend bool operator==(const Analysis&, const Analysis&) = default;
};

struct ControlOutcome {
  std::uint32_t persons_controlled = 0;
  std::uint32_t offences_found = 0;
  std::uint32_t seizures = 0;
  std::uint32_t administrative_closures = 0;
  std::uint32_t fines = 0;
  Stamp stamp;  // occurred_at is executed_at
  friend bool operator==(const ControlOutcome&, const ControlOutcome&) = default;
};

struct ControlCancellation {
  std::string reason;
  Stamp stamp;
  friend bool operator==(const ControlCancellation&, const ControlCancellation&) = default;
};

struct Control {
  std::string id;
  std::string cell_id;
  std::int64_t planned_for_ns = 0;
  std::string place;
  std::vector<std::string> services;  // partner ids
  std::string objectives;
  Stamp planned;
  std::optional<ControlOutcome> outcome;
  std::optional<ControlCancellation> cancelled;
  bool Pending() const { return !outcome && !cancelled; }
  friend bool operator==(const Control&, const Control&) = default;
};

struct SituationNote {
  std::string note_id;
  std::string category;
  SealedField text;
  Stamp stamp;
  friend bool operator==(const SituationNote&, const SituationNote&) = default;
};

struct AccessChange {
  std::string partner_id;
  bool granted = true;  // false: revoked
  Stamp stamp;
  friend bool operator==(const AccessChange&, const AccessChange&) = default;
};

struct SubjectInformation {
  std::string means;
  Stamp stamp;
  friend bool operator==(const SubjectInformation&, const SubjectInformation&) = default;
};

struct SituationClosure {
  std::string outcome;
  Stamp stamp;
  friend bool operator==(const SituationClosure&, const SituationClosure&) = default;
};

struct Erasure {
  std::string reason;  // archive_expired | age_limit | key_destroyed
  Stamp stamp;
  friend bool operator==(const Erasure&, const Erasure&) = default;
};

struct Situation {
  std::string id;
  std::string cell_id;
  std::string key_id;
  SealedField pseudonym;
  SealedField birth_year;
  std::string referral_source;
  std::string reason;
  std::set<std::string> need_to_know;    // current partner ids
  std::vector<AccessChange> access_history;  // including the initial list
  std::vector<SituationNote> notes;
  std::vector<std::string> decision_ids;     // situation and cell decisions about it
  std::vector<std::string> info_ids;         // information items about it
  std::vector<SubjectInformation> informed;
  Stamp opened;
  std::optional<SituationClosure> closed;
  std::optional<Stamp> archived;
  std::optional<Erasure> erased;
  bool Open() const { return !closed; }
  bool NeedToKnow(std::string_view partner_id) const { return need_to_know.contains(std::string(partner_id)); }
  friend bool operator==(const Situation&, const Situation&) = default;
};

struct Consultation {
  std::string situation_id;
  std::string person_id;
  std::string partner_id;
  std::string purpose;
  Stamp stamp;
  friend bool operator==(const Consultation&, const Consultation&) = default;
};

struct Priority {
  std::string id;
  std::uint32_t number = 0;
  std::string title;
  Stamp adopted;
  friend bool operator==(const Priority&, const Priority&) = default;
};

struct CommitmentEvaluation {
  int year = 0;
  std::string status;  // met | partially_met | not_met | dropped
  std::string comment;
  Stamp stamp;
  friend bool operator==(const CommitmentEvaluation&, const CommitmentEvaluation&) = default;
};

struct Commitment {
  std::string id;
  std::string priority_id;
  std::string partner_id;
  std::string text;
  std::string indicator_id;
  std::optional<double> target;
  std::int64_t due_ns = 0;
  Stamp recorded;
  // Every evaluation in recording order; for a year the last one recorded
  // is the committee's verdict (a later one corrects an earlier one).
  std::vector<CommitmentEvaluation> evaluations;
  const CommitmentEvaluation* EvaluationOf(int year) const;
  friend bool operator==(const Commitment&, const Commitment&) = default;
};

struct Amendment {
  std::string id;
  std::string meeting_id;
  std::string summary;
  Stamp adopted;
  friend bool operator==(const Amendment&, const Amendment&) = default;
};

struct IndicatorValue {
  std::int64_t period_start_ns = 0;
  std::int64_t period_end_ns = 0;  // exclusive
  double value = 0;
  Stamp stamp;
  friend bool operator==(const IndicatorValue&, const IndicatorValue&) = default;
};

struct Indicator {
  std::string id;
  std::string name;
  std::string kind;  // activity | result | impact
  std::string unit;
  std::string source_partner;
  std::string category;
  bool per_thousand = false;
  std::optional<double> target;
  Stamp defined;
  // In recording order; a value recorded again for the same period
  // replaces the earlier one (kept in place, with the newer stamp).
  std::vector<IndicatorValue> values;
  friend bool operator==(const Indicator&, const Indicator&) = default;
};

struct State {
  std::uint64_t size = 0;
  Territory territory;
  ReferenceData reference;
  ById<Partner> partners;
  ById<Cell> cells;
  ById<Person> people;
  std::map<std::string, std::string> people_by_token;  // token_sha256 -> person id
  std::optional<std::string> current_charter;
  ById<Meeting> meetings;
  ById<Decision> decisions;
  ById<InformationItem> information;
  ById<Analysis> analyses;
  ById<Control> controls;
  ById<Situation> situations;
  PersistentVector<Consultation> consultations;  // in log order
  ById<Priority> priorities;
  ById<Commitment> commitments;
  ById<Amendment> amendments;
  ById<Indicator> indicators;
  friend bool operator==(const State&, const State&) = default;
};

// Record metadata an event is folded with.
struct EventMeta {
  std::uint64_t position = 0;
  std::int64_t occurred_at_ns = 0;
  std::int64_t recorded_at_ns = 0;
  std::string person_id;
  std::string partner_id;
  friend bool operator==(const EventMeta&, const EventMeta&) = default;
};

// Folds one event. Positions must be folded in order from state.size;
// state.size becomes position + 1 even when the payload is refused, so a
// replay never stalls. Returns kDataLoss when the payload is not a valid
// DomainEvent (the event is then skipped) and kInternal for an event whose
// facts contradict the state (e.g. a member added to an unknown cell: the
// write model refuses such commands, so only a foreign writer produces it).
// The record is read from an aligned copy when the scan's bytes (a RocksDB
// slice, byte-aligned only) are not 8-byte aligned.
Status Apply(State& state, const eventstore::RecordView& record);
// Same, from a record already aligned (RecordAligner below); null: kDataLoss.
// With `facts`, the event's rows are added to it when it folds (fact_index.h).
Status ApplyRecord(State& state, std::uint64_t position, const schema::Record* record,
                   FactIndex* facts = nullptr);
// Same, the event's rows handed to `writer` (fact_writer.h) when it folds.
Status ApplyRecord(State& state, std::uint64_t position, const schema::Record* record, FactWriter& writer);
Status Apply(State& state, const EventMeta& meta, const schema::DomainEvent& event);
// Same, from payload bytes (verified here).
Status ApplyPayload(State& state, const EventMeta& meta, std::string_view payload,
                    FactIndex* facts = nullptr);

// FlatBuffers reads scalars in place and needs them aligned to their size;
// a record borrowed from RocksDB is only byte-aligned. Returns the view's
// record itself when its bytes are 8-byte aligned, else the same record in
// this object's buffer (valid until the next call). `view.record` must be
// the verified record of `view.bytes`.
class RecordAligner {
 public:
  const schema::Record* operator()(const eventstore::RecordView& view);

 private:
  std::vector<std::uint64_t> buffer_;
};

}  // namespace vigie::projections
