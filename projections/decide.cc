#include "projections/decide.h"

#include <set>

#include <flatbuffers/flatbuffers.h>

#include "projections/decide_context.h"
#include "projections/json_fields.h"
#include "projections/reference_defaults.h"
#include "projections/streams.h"
#include "projections/views.h"

namespace vigie::projections {

using decide_internal::Context;
namespace fbs = vigie::schema;

namespace {

Result<const Person*> EnrolledPerson(const State& state, std::string_view person_id) {
  auto it = state.people.find(std::string(person_id));
  if (it == state.people.end() || it->second.revoked) {
    return Fail(Unauthenticated("the caller is not an enrolled person"));
  }
  return &it->second;
}

bool Sealed(const std::unique_ptr<fbs::SealedT>& field) {
  return !field || (!field->nonce.empty() && !field->key_id.empty());
}

}  // namespace

bool SeesSituation(const Person& person, const Situation& situation) {
  if (person.revoked) return false;
  if (person.Has("referent") || person.Has("deputy_referent")) return true;
  return (person.Has("member") || person.Has("chair")) && !person.partner_id.empty() &&
         situation.NeedToKnow(person.partner_id);
}

Result<Decided> Decide(const State& state, const Caller& caller, const Command& command,
                       const RetentionPolicy& policy) {
  Result<const Person*> person = EnrolledPerson(state, caller.person_id);
  if (!person) return Fail(person.error());
  Context context(state, **person, command.occurred_at_ns, policy.max_subject_age);
  Status status = std::visit([&](const auto& body) { return decide_internal::On(context, body); },
                             command.body);
  if (!status.ok()) return Fail(std::move(status));
  Decided decided = context.Finish();
  if (decided.events.empty()) return Fail(Internal(command.name + " decided no event"));
  return decided;
}

Result<Decided> DecideBootstrap(const State& state, std::string_view admin_token_sha256,
                                std::string_view admin_display_name) {
  if (!state.people.empty()) return Fail(FailedPrecondition("the store already has enrolled people"));
  if (admin_token_sha256.size() != 32) return Fail(Internal("bootstrap needs a 32-byte token hash"));
  Decided decided;
  decided.role = "system";
  std::set<std::string> started;
  for (const ReferenceSeed& seed : DefaultReferenceEntries()) {
    if (state.reference.Find(seed.list, seed.code)) continue;
    const std::string list(seed.list);
    const bool list_known = state.reference.lists.contains(list) || started.contains(list);
    fbs::ReferenceEntryDefinedT e;
    e.list = list;
    e.code = std::string(seed.code);
    e.label = std::string(seed.label);
    e.valid_from = seed.valid_from_ns;
    e.valid_until = seed.valid_until_ns;
    PlannedEvent planned;
    planned.stream = streams::Reference(list);
    planned.creates_stream = !list_known;
    planned.event.body.Set(std::move(e));
    decided.events.push_back(std::move(planned));
    started.insert(list);
  }
  fbs::PersonEnrolledT admin;
  admin.person_id = "admin";
  admin.display_name = std::string(admin_display_name);
  admin.roles = {"admin"};
  admin.token_sha256.assign(admin_token_sha256.begin(), admin_token_sha256.end());
  PlannedEvent planned;
  planned.stream = streams::Person("admin");
  planned.creates_stream = true;
  planned.event.body.Set(std::move(admin));
  decided.events.push_back(std::move(planned));
  return decided;
}

Result<Decided> DecideConsultation(const State& state, const Caller& caller,
                                   std::string_view situation_id,
                                   const std::optional<std::string>& purpose) {
  Result<const Person*> found = EnrolledPerson(state, caller.person_id);
  if (!found) return Fail(found.error());
  const Person& person = **found;
  if (purpose) {
    std::string why;
    if (!CheckText(*purpose, TextLimit{1, 500, false}, &why)) {
      return Fail(InvalidArgument("parameter 'purpose' " + why));
    }
  }
  if (Status allowed = CheckSituationRead(state, caller, situation_id, purpose); !allowed.ok()) {
    return Fail(std::move(allowed));
  }
  const Situation& situation = state.situations.at(std::string(situation_id));
  Decided decided;
  for (std::string_view role : {"referent", "deputy_referent", "member", "chair"}) {
    if (person.Has(role)) {
      decided.role = std::string(role);
      break;
    }
  }
  fbs::SituationConsultedT e;
  e.situation_id = situation.id;
  e.person_id = person.id;
  e.partner_id = person.partner_id;
  e.purpose = purpose.value_or("");
  PlannedEvent planned;
  planned.stream = streams::Situation(situation.id);
  planned.event.body.Set(std::move(e));
  decided.events.push_back(std::move(planned));
  return decided;
}

Result<std::string> SerializeEvent(const PlannedEvent& event) {
  const fbs::EventBodyUnion& body = event.event.body;
  bool sealed = true;
  if (const auto* opened = body.AsSituationOpened()) {
    sealed = Sealed(opened->pseudonym) && Sealed(opened->birth_year) && !opened->key_id.empty();
  } else if (const auto* note = body.AsSituationNoteAdded()) {
    sealed = Sealed(note->text);
  }
  if (!sealed) return Fail(Internal("a personal field reached serialisation unsealed"));
  flatbuffers::FlatBufferBuilder builder(256);
  builder.Finish(fbs::DomainEvent::Pack(builder, &event.event), fbs::DomainEventIdentifier());
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

}  // namespace vigie::projections
