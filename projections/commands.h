#pragma once
// Commands: what a person asks, as decoded from SPEC §9's JSON bodies.
//
// Each struct holds exactly the fields of its body, already checked for
// shape (types, identifier syntax, lengths, ranges, fixed vocabularies) by
// DecodeCommand (command_decoder.h). Whether the command is allowed and
// consistent with the partnership is decide()'s job (decide.h).
//
// Beyond SPEC §9, the administrator has four commands for reference data
// that SPEC §2 asks to be extendable:
//   publish-charter         charter_version
//   define-reference-entry  list, code, label
//   rename-reference-entry  list, code, label
//   retire-reference-entry  list, code
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vigie::projections {

struct ConfigureTerritory {
  std::string name;
  std::string kind;  // zsp | qrr | cls | clspd | cispd
  std::vector<std::string> communes;
  std::vector<std::string> neighbourhoods;
  std::uint64_t population = 0;
  int population_year = 0;
};

struct RegisterPartner { std::string partner_id, name, kind; };
struct RenamePartner { std::string partner_id, name; };
struct RetirePartner { std::string partner_id; };

struct CreateCell {
  std::string cell_id, name, kind;
  std::vector<std::string> chairs;
  std::vector<std::string> members;
  bool confidential = false;
};
struct AddCellMember { std::string cell_id, partner_id; };
struct RemoveCellMember { std::string cell_id, partner_id; };

struct EnrollPerson {
  std::string person_id, partner_id, display_name;
  std::vector<std::string> roles;
  // Filled by the ledger, never decoded: SHA-256 of the token it issues.
  std::string token_sha256;
};
struct RevokePerson { std::string person_id; };
struct SignCharter { std::string charter_version; };
struct PublishCharter { std::string charter_version; };

struct ScheduleMeeting {
  std::string meeting_id, cell_id;
  std::int64_t scheduled_for_ns = 0;
  bool emergency = false;
  std::string agenda;
};
struct RecordMeeting {
  std::string meeting_id;
  std::vector<std::string> attendees;
  std::string minutes;
};
struct RecordDecision {
  std::string decision_id, cell_id;
  std::optional<std::string> meeting_id, situation_id;
  std::string text, owner_partner;
  std::int64_t due_ns = 0;
};
struct CompleteDecision { std::string decision_id, outcome; };

struct ShareInformation {
  std::string info_id, cell_id, topic, neighbourhood, summary, sensitivity;
  std::optional<std::string> situation_id;
};
struct RecordAnalysis {
  std::string analysis_id;
  std::vector<std::string> info_ids;
  std::string conclusion, recommended_action;
};

struct PlanControl {
  std::string control_id, cell_id;
  std::int64_t planned_for_ns = 0;
  std::string place;
  std::vector<std::string> services;
  std::string objectives;
};
struct RecordControlOutcome {
  std::string control_id;
  std::uint32_t persons_controlled = 0, offences_found = 0, seizures = 0,
                administrative_closures = 0, fines = 0;
};
struct CancelControl { std::string control_id, reason; };

struct OpenSituation {
  std::string situation_id, cell_id;
  std::string pseudonym;  // personal: sealed before it reaches the log
  int birth_year = 0;     // personal: sealed before it reaches the log
  std::string referral_source, reason;
  std::vector<std::string> need_to_know;
};
struct AddSituationNote {
  std::string situation_id, note_id, category;
  std::string text;  // personal: sealed before it reaches the log
};
struct RecordSituationDecision {
  std::string situation_id, decision_id, measure, owner_partner;
  std::int64_t due_ns = 0;
};
struct GrantSituationAccess { std::string situation_id, partner_id; };
struct RevokeSituationAccess { std::string situation_id, partner_id; };
struct RecordSubjectInformed { std::string situation_id, means; };
struct CloseSituation { std::string situation_id, outcome; };

struct AdoptPriority {
  std::string priority_id;
  std::uint32_t number = 0;
  std::string title;
};
struct RecordCommitment {
  std::string commitment_id, priority_id, partner_id, text;
  std::optional<std::string> indicator_id;
  std::optional<double> target;
  std::int64_t due_ns = 0;
};
struct AmendPlan { std::string amendment_id, meeting_id, summary; };
struct EvaluateCommitment {
  std::string commitment_id;
  int year = 0;
  std::string status;  // met | partially_met | not_met | dropped
  std::string comment;
};

struct DefineIndicator {
  std::string indicator_id, name, kind, unit, source_partner, category;
  bool per_thousand = false;
  std::optional<double> target;
};
struct RecordIndicatorValue {
  std::string indicator_id;
  std::int64_t period_start_ns = 0, period_end_ns = 0;
  double value = 0;
};

struct DefineReferenceEntry { std::string list, code, label; };
struct RenameReferenceEntry { std::string list, code, label; };
struct RetireReferenceEntry { std::string list, code; };

using CommandBody = std::variant<
    ConfigureTerritory, RegisterPartner, RenamePartner, RetirePartner, CreateCell, AddCellMember,
    RemoveCellMember, EnrollPerson, RevokePerson, SignCharter, PublishCharter, ScheduleMeeting,
    RecordMeeting, RecordDecision, CompleteDecision, ShareInformation, RecordAnalysis, PlanControl,
    RecordControlOutcome, CancelControl, OpenSituation, AddSituationNote, RecordSituationDecision,
    GrantSituationAccess, RevokeSituationAccess, RecordSubjectInformed, CloseSituation, AdoptPriority,
    RecordCommitment, AmendPlan, EvaluateCommitment, DefineIndicator, RecordIndicatorValue,
    DefineReferenceEntry, RenameReferenceEntry, RetireReferenceEntry>;

struct Command {
  std::string name;        // "share-information"
  std::string command_id;  // canonical lower-case UUID, empty when not given
  std::int64_t occurred_at_ns = 0;
  CommandBody body;
};

}  // namespace vigie::projections
