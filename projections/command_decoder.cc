#include "projections/command_decoder.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

#include <boost/json/object.hpp>

#include "projections/json_fields.h"
#include "projections/reference_defaults.h"

namespace vigie::projections {
namespace {

constexpr TextLimit kVersion{1, 50, false};
constexpr TextLimit kUnit{1, 50, false};
constexpr TextLimit kReason{1, 1000, true};
constexpr TextLimit kNeighbourhood{0, 200, false};
constexpr std::int64_t kMaxCount = 1'000'000;
constexpr double kMaxMagnitude = 1e12;

using Decoder = std::function<CommandBody(FieldReader&)>;

std::int64_t Count(FieldReader& r, std::string_view field) {
  return r.Integer(field, 0, kMaxCount);
}

// SPEC §9, in its order; then the reference-data commands of commands.h.
const std::vector<std::pair<std::string, Decoder>>& Decoders() {
  static const auto* decoders = new std::vector<std::pair<std::string, Decoder>>{
      {"configure-territory", [](FieldReader& r) -> CommandBody {
         ConfigureTerritory c;
         c.name = r.Text("name", kTitle);
         c.kind = r.OneOf("kind", kTerritoryKinds);
         c.communes = r.TextList("communes", 1, kMaxListItems, kTitle);
         c.neighbourhoods = r.TextList("neighbourhoods", 0, kMaxListItems, kTitle);
         c.population = static_cast<std::uint64_t>(r.Integer("population", 1, 100'000'000));
         c.population_year = static_cast<int>(r.Integer("population_year", 1800, 2200));
         return c;
       }},
      {"register-partner", [](FieldReader& r) -> CommandBody {
         return RegisterPartner{r.Id("partner_id"), r.Text("name", kTitle), r.Id("kind")};
       }},
      {"rename-partner", [](FieldReader& r) -> CommandBody {
         return RenamePartner{r.Id("partner_id"), r.Text("name", kTitle)};
       }},
      {"retire-partner", [](FieldReader& r) -> CommandBody { return RetirePartner{r.Id("partner_id")}; }},
      {"create-cell", [](FieldReader& r) -> CommandBody {
         CreateCell c;
         c.cell_id = r.Id("cell_id");
         c.name = r.Text("name", kTitle);
         c.kind = r.Id("kind");
         c.chairs = r.IdList("chairs", 0);
         c.members = r.IdList("members", 0);
         c.confidential = r.Bool("confidential");
         return c;
       }},
      {"add-cell-member", [](FieldReader& r) -> CommandBody {
         return AddCellMember{r.Id("cell_id"), r.Id("partner_id")};
       }},
      {"remove-cell-member", [](FieldReader& r) -> CommandBody {
         return RemoveCellMember{r.Id("cell_id"), r.Id("partner_id")};
       }},
      {"enroll-person", [](FieldReader& r) -> CommandBody {
         EnrollPerson c;
         c.person_id = r.Id("person_id");
         // Auditors and evaluators may come from outside the partnership.
         c.partner_id = r.OptionalId("partner_id").value_or("");
         c.display_name = r.Text("display_name", kTitle);
         c.roles = r.IdList("roles", 1, std::size(kRoles));
         for (const std::string& role : c.roles) {
           if (std::find(std::begin(kRoles), std::end(kRoles), role) == std::end(kRoles)) {
             // Re-read through OneOf to get the uniform message.
             r.OneOf("roles", kRoles);
             break;
           }
         }
         return c;
       }},
      {"revoke-person", [](FieldReader& r) -> CommandBody { return RevokePerson{r.Id("person_id")}; }},
      {"sign-charter", [](FieldReader& r) -> CommandBody {
         return SignCharter{r.Text("charter_version", kVersion)};
       }},
      {"schedule-meeting", [](FieldReader& r) -> CommandBody {
         ScheduleMeeting c;
         c.meeting_id = r.Id("meeting_id");
         c.cell_id = r.Id("cell_id");
         c.scheduled_for_ns = r.Time("scheduled_for");
         c.emergency = r.Bool("emergency");
         c.agenda = r.Text("agenda", kOptionalLongText);
         return c;
       }},
      {"record-meeting", [](FieldReader& r) -> CommandBody {
         RecordMeeting c;
         c.meeting_id = r.Id("meeting_id");
         c.attendees = r.IdList("attendees", 0);
         c.minutes = r.Text("minutes", kOptionalLongText);
         return c;
       }},
      {"record-decision", [](FieldReader& r) -> CommandBody {
         RecordDecision c;
         c.decision_id = r.Id("decision_id");
         c.cell_id = r.Id("cell_id");
         c.meeting_id = r.OptionalId("meeting_id");
         c.situation_id = r.OptionalId("situation_id");
         c.text = r.Text("text", kLongText);
         c.owner_partner = r.Id("owner_partner");
         c.due_ns = r.Time("due");
         return c;
       }},
      {"complete-decision", [](FieldReader& r) -> CommandBody {
         return CompleteDecision{r.Id("decision_id"), r.Id("outcome")};
       }},
      {"share-information", [](FieldReader& r) -> CommandBody {
         ShareInformation c;
         c.info_id = r.Id("info_id");
         c.cell_id = r.Id("cell_id");
         c.topic = r.Id("topic");
         c.neighbourhood = r.Text("neighbourhood", kNeighbourhood);
         c.summary = r.Text("summary", kLongText);
         c.sensitivity = r.OneOf("sensitivity", kSensitivities);
         c.situation_id = r.OptionalId("situation_id");
         return c;
       }},
      {"record-analysis", [](FieldReader& r) -> CommandBody {
         RecordAnalysis c;
         c.analysis_id = r.Id("analysis_id");
         c.info_ids = r.IdList("info_ids", 1, 100);
         c.conclusion = r.Text("conclusion", kLongText);
         c.recommended_action = r.Text("recommended_action", kOptionalLongText);
         return c;
       }},
      {"plan-control", [](FieldReader& r) -> CommandBody {
         PlanControl c;
         c.control_id = r.Id("control_id");
         c.cell_id = r.Id("cell_id");
         c.planned_for_ns = r.Time("planned_for");
         c.place = r.Text("place", kTitle);
         c.services = r.IdList("services", 1, 50);
         c.objectives = r.Text("objectives", kLongText);
         return c;
       }},
      {"record-control-outcome", [](FieldReader& r) -> CommandBody {
         RecordControlOutcome c;
         c.control_id = r.Id("control_id");
         c.persons_controlled = static_cast<std::uint32_t>(Count(r, "persons_controlled"));
         c.offences_found = static_cast<std::uint32_t>(Count(r, "offences_found"));
         c.seizures = static_cast<std::uint32_t>(Count(r, "seizures"));
         c.administrative_closures = static_cast<std::uint32_t>(Count(r, "administrative_closures"));
         c.fines = static_cast<std::uint32_t>(Count(r, "fines"));
         return c;
       }},
      {"cancel-control", [](FieldReader& r) -> CommandBody {
         return CancelControl{r.Id("control_id"), r.Text("reason", kReason)};
       }},
      {"open-situation", [](FieldReader& r) -> CommandBody {
         OpenSituation c;
         c.situation_id = r.Id("situation_id");
         c.cell_id = r.Id("cell_id");
         c.pseudonym = r.Text("pseudonym", kShortText);
         c.birth_year = static_cast<int>(r.Integer("birth_year", 1900, 2200));
         c.referral_source = r.Id("referral_source");
         c.reason = r.Id("reason");
         c.need_to_know = r.IdList("need_to_know", 1, 50);
         return c;
       }},
      {"add-situation-note", [](FieldReader& r) -> CommandBody {
         return AddSituationNote{r.Id("situation_id"), r.Id("note_id"), r.Id("category"),
                                 r.Text("text", kLongText)};
       }},
      {"record-situation-decision", [](FieldReader& r) -> CommandBody {
         RecordSituationDecision c;
         c.situation_id = r.Id("situation_id");
         c.decision_id = r.Id("decision_id");
         c.measure = r.Id("measure");
         c.owner_partner = r.Id("owner_partner");
         c.due_ns = r.Time("due");
         return c;
       }},
      {"grant-situation-access", [](FieldReader& r) -> CommandBody {
         return GrantSituationAccess{r.Id("situation_id"), r.Id("partner_id")};
       }},
      {"revoke-situation-access", [](FieldReader& r) -> CommandBody {
         return RevokeSituationAccess{r.Id("situation_id"), r.Id("partner_id")};
       }},
      {"record-subject-informed", [](FieldReader& r) -> CommandBody {
         return RecordSubjectInformed{r.Id("situation_id"), r.Id("means")};
       }},
      {"close-situation", [](FieldReader& r) -> CommandBody {
         return CloseSituation{r.Id("situation_id"), r.Id("outcome")};
       }},
      {"adopt-priority", [](FieldReader& r) -> CommandBody {
         AdoptPriority c;
         c.priority_id = r.Id("priority_id");
         c.number = static_cast<std::uint32_t>(r.Integer("number", 1, 999));
         c.title = r.Text("title", kTitle);
         return c;
       }},
      {"record-commitment", [](FieldReader& r) -> CommandBody {
         RecordCommitment c;
         c.commitment_id = r.Id("commitment_id");
         c.priority_id = r.Id("priority_id");
         c.partner_id = r.Id("partner_id");
         c.text = r.Text("text", kLongText);
         c.indicator_id = r.OptionalId("indicator_id");
         c.target = r.OptionalNumber("target", -kMaxMagnitude, kMaxMagnitude);
         c.due_ns = r.Time("due");
         return c;
       }},
      {"amend-plan", [](FieldReader& r) -> CommandBody {
         return AmendPlan{r.Id("amendment_id"), r.Id("meeting_id"), r.Text("summary", kLongText)};
       }},
      {"evaluate-commitment", [](FieldReader& r) -> CommandBody {
         EvaluateCommitment c;
         c.commitment_id = r.Id("commitment_id");
         c.year = static_cast<int>(r.Integer("year", 1990, 2200));
         c.status = r.OneOf("status", kEvaluationStatuses);
         c.comment = r.Text("comment", kOptionalLongText);
         return c;
       }},
      {"define-indicator", [](FieldReader& r) -> CommandBody {
         DefineIndicator c;
         c.indicator_id = r.Id("indicator_id");
         c.name = r.Text("name", kTitle);
         c.kind = r.OneOf("kind", kIndicatorKinds);
         c.unit = r.Text("unit", kUnit);
         c.source_partner = r.Id("source_partner");
         c.category = r.Text("category", kTitle);
         c.per_thousand = r.Bool("per_thousand");
         c.target = r.OptionalNumber("target", -kMaxMagnitude, kMaxMagnitude);
         return c;
       }},
      {"record-indicator-value", [](FieldReader& r) -> CommandBody {
         RecordIndicatorValue c;
         c.indicator_id = r.Id("indicator_id");
         c.period_start_ns = r.Time("period_start");
         c.period_end_ns = r.Time("period_end");
         c.value = r.Number("value", -kMaxMagnitude, kMaxMagnitude);
         return c;
       }},
      {"publish-charter", [](FieldReader& r) -> CommandBody {
         return PublishCharter{r.Text("charter_version", kVersion)};
       }},
      {"define-reference-entry", [](FieldReader& r) -> CommandBody {
         return DefineReferenceEntry{r.OneOf("list", kReferenceLists), r.Id("code"),
                                     r.Text("label", kTitle)};
       }},
      {"rename-reference-entry", [](FieldReader& r) -> CommandBody {
         return RenameReferenceEntry{r.OneOf("list", kReferenceLists), r.Id("code"),
                                     r.Text("label", kTitle)};
       }},
      {"retire-reference-entry", [](FieldReader& r) -> CommandBody {
         return RetireReferenceEntry{r.OneOf("list", kReferenceLists), r.Id("code")};
       }},
  };
  return *decoders;
}

// Cross-field checks that need no state.
Status CheckShape(const CommandBody& body) {
  if (const auto* c = std::get_if<RecordIndicatorValue>(&body)) {
    if (c->period_end_ns <= c->period_start_ns) {
      return InvalidArgument("field 'period_end' must be after period_start");
    }
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& KnownCommandNames() {
  static const auto* names = [] {
    auto* out = new std::vector<std::string>;
    for (const auto& [name, decoder] : Decoders()) out->push_back(name);
    return out;
  }();
  return *names;
}

Result<Command> DecodeCommand(std::string_view name, const boost::json::value& body,
                              std::int64_t now_ns) {
  const auto& decoders = Decoders();
  auto it = std::find_if(decoders.begin(), decoders.end(),
                         [&](const auto& entry) { return entry.first == name; });
  if (it == decoders.end()) {
    return Fail(NotFound("no command named '" + std::string(name.substr(0, 64)) + "'"));
  }
  if (!body.is_object()) return Fail(InvalidArgument("the body must be a JSON object"));
  FieldReader reader(body.get_object());
  Command command;
  command.name = it->first;
  command.command_id = reader.OptionalUuid("command_id").value_or("");
  const std::optional<std::int64_t> occurred_at = reader.OptionalTime("occurred_at");
  command.occurred_at_ns = occurred_at.value_or(now_ns);
  command.body = it->second(reader);
  if (Status s = reader.Finish(); !s.ok()) return Fail(std::move(s));
  if (occurred_at && *occurred_at > now_ns + kFutureSkewNs) {
    return Fail(InvalidArgument("field 'occurred_at' lies in the future: it says when it happened"));
  }
  if (Status s = CheckShape(command.body); !s.ok()) return Fail(std::move(s));
  return command;
}

}  // namespace vigie::projections
