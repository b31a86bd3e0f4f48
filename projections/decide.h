#pragma once
// Decide: command -> events | refusal, checked against the current State.
//
// Pure: no clock (the command carries occurred_at, the decoder stamped the
// default), no randomness, no I/O. A refused command yields a Status and
// no event. What a refusal means:
//   kUnauthenticated     the caller is not (or no longer) an enrolled person
//   kPermissionDenied    the caller's roles do not allow this command
//   kNotFound            the command's subject does not exist, or is a
//                        situation the caller may not see (the same
//                        answer, so that nobody learns it exists)
//   kAlreadyExists       an identifier is already used in its kind
//   kFailedPrecondition  a domain rule refused it; the message names it
// The rules are listed, command by command, in decide_*.cc.
//
// Personal fields (pseudonym, birth year, note text) leave Decide as
// *unsealed* Sealed tables: empty nonce, the plaintext in `ciphertext`,
// `key_id` naming the subject's key (empty for a new subject). The ledger
// must seal them with the key store (personal_fields.h) before anything is
// serialised; SerializeEvent refuses an unsealed field.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/status.h"
#include "projections/commands.h"
#include "projections/ledger.h"
#include "projections/state.h"
#include "schemas/events_generated.h"

namespace vigie::projections {

// One event to append, with the stream it belongs to.
struct PlannedEvent {
  std::string stream;
  // True when this event starts its stream (expected version: no stream);
  // otherwise the stream must still be at the version the state saw.
  bool creates_stream = false;
  schema::DomainEventT event;
  std::string_view type() const { return schema::EnumNameEventBody(event.body.type); }
};

struct Decided {
  std::string role;  // the role the command was allowed under (the actor's role)
  std::vector<PlannedEvent> events;
};

// `policy` gives the age past which no situation is kept (open-situation
// refuses an older subject).
Result<Decided> Decide(const State& state, const Caller& caller, const Command& command,
                       const RetentionPolicy& policy = {});

// The first command of a new store: the closed lists' defaults and the
// administrator, person "admin" with role admin and no partner. Refused
// when anyone is enrolled already.
Result<Decided> DecideBootstrap(const State& state, std::string_view admin_token_sha256,
                                std::string_view admin_display_name);

// A read of a situation file by `caller` (SPEC §3), checked by
// CheckSituationRead (views.h): the referents and people of need-to-know
// partners who signed the charter; an archived situation only with a
// stated purpose. Yields the SituationConsulted event to record before the
// file is shown.
Result<Decided> DecideConsultation(const State& state, const Caller& caller,
                                   std::string_view situation_id,
                                   const std::optional<std::string>& purpose);

// May `person` act on situation `situation` at all (existence included)?
// The referents see every situation; members and chairs those their
// organisation is need-to-know on. Administrators, auditors and evaluators
// never see one by virtue of that role (the same rule as access.h's
// CanSeeSituation, on the state's person rather than the token's caller).
bool SeesSituation(const Person& person, const Situation& situation);

// Retention (SPEC §4), from the clock: every closed situation is archived
// at closure, and its subject erased at closure + archive_years or at the
// 25th birthday (1 January of birth_year + max_subject_age, the earliest
// date the birthday can be when only the year is known), whichever comes
// first. A subject reaching that age while still followed is erased too:
// the situation is then closed with outcome "limite_age" first.
// `birth_year` unseals a situation's birth year (nullopt when it cannot,
// e.g. the key is gone). One Decided per situation, in id order, with
// role "system"; each is appended on its own and the subject's key is
// destroyed once its SubjectErased is durable.
std::vector<Decided> DecideRetention(
    const State& state, std::int64_t now_ns, const RetentionPolicy& policy,
    const std::function<std::optional<int>(const Situation&)>& birth_year);

// The erasure of subjects whose keys were destroyed outside this log's
// knowledge (`vigie restore` withholds the keys the store it replaces had
// destroyed): every situation not erased whose key_id is in `reason_by_key`
// (key id -> non-empty reason, e.g. the replaced store's archive_expired or
// age_limit, or key_destroyed when no record said why) is ended as retention
// ends one: closed if still open (outcome "limite_age" for age_limit,
// "autre" otherwise), archived if not yet, and its subject erased with that
// reason. Without it the log would show such a subject active while its
// personal fields are unreadable, and retention, which needs the birth
// year, could never erase it at the age limit.
std::vector<Decided> DecideKnownErasures(const State& state,
                                         const std::map<std::string, std::string>& reason_by_key);

// Serialises one planned event into DomainEvent FlatBuffer bytes.
// kInternal if a personal field is still unsealed.
Result<std::string> SerializeEvent(const PlannedEvent& event);

}  // namespace vigie::projections
