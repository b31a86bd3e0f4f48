#pragma once
// The write model as the ledger drives it, for fuzz_command and
// fuzz_apply: DecodeCommand, Decide, sealing with a real KeyStore,
// SerializeEvent and the fold back into a State, with the invariants every
// step must keep (see fuzz_command.cc). BaseState() is setup_script.h's
// partnership, built once per process.
//
// Not thread-safe: a fuzz target is one thread.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "eventstore/merkle_tree.h"
#include "projections/command_decoder.h"
#include "projections/decide.h"
#include "projections/key_store.h"
#include "projections/personal_fields.h"
#include "projections/state.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/setup_script.h"

namespace vigie::fuzz {

using namespace vigie::projections;
namespace json = boost::json;

inline std::string TokenHash(std::string_view person) {
  const std::string token = "token-" + std::string(person);
  const vigie::merkle::Hash hash = vigie::merkle::Sha256(
      {reinterpret_cast<const std::uint8_t*>(token.data()), token.size()});
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

// Deterministic "randomness" for key ids and nonces: a counter, so that
// ids never repeat in one process and a crash replays the same way.
inline RandomSource CounterRandom() {
  auto counter = std::make_shared<std::uint64_t>(0);
  return [counter](std::span<std::uint8_t> out) {
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (i % 8 == 0) ++*counter;
      out[i] = static_cast<std::uint8_t>(*counter >> (8 * (i % 8)));
    }
  };
}

inline KeyStore& Keys() {
  static KeyStore* const keys = [] {
    auto opened = KeyStore::Open(ScratchDir() + "/keys", CounterRandom());
    FUZZ_CHECK(opened.has_value(), opened ? "" : opened.error().ToString());
    return opened->release();
  }();
  return *keys;
}

inline Caller CallerOf(const State& state, std::string_view person_id) {
  Caller caller;
  caller.person_id = std::string(person_id);
  auto it = state.people.find(caller.person_id);
  if (it == state.people.end()) return caller;
  caller.partner_id = it->second.partner_id;
  caller.display_name = it->second.display_name;
  caller.roles = it->second.roles;
  caller.charter_signed = it->second.LatestCharter();
  return caller;
}

// When set, sees every payload folded (fuzz_apply writes its seeds so).
using PayloadObserver = std::function<void(std::string_view type, const std::string& payload)>;
inline PayloadObserver& ObservePayloads() {
  static PayloadObserver observer;
  return observer;
}

inline void Fold(State& state, const Decided& decided, std::int64_t occurred_at_ns, const Caller& caller) {
  for (const PlannedEvent& planned : decided.events) {
    Result<std::string> payload = SerializeEvent(planned);
    FUZZ_CHECK(payload.has_value(), payload ? "" : payload.error().ToString());
    if (ObservePayloads()) ObservePayloads()(planned.type(), *payload);
    EventMeta meta;
    meta.position = state.size;
    meta.occurred_at_ns = occurred_at_ns;
    meta.recorded_at_ns = kNowNs;
    meta.person_id = caller.person_id;
    meta.partner_id = caller.partner_id;
    const std::uint64_t before = state.size;
    const Status folded = ApplyPayload(state, meta, *payload);
    FUZZ_CHECK(folded.ok(), std::string(planned.type()) + " decided but not folded: " + folded.ToString());
    FUZZ_CHECK(state.size == before + 1, "the fold must advance the state by one position");
  }
}

// What the ledger does with one command. Returns the refusal, if any; the
// keys created for it are added to *created_keys.
inline Status Execute(State& state, std::string_view person, std::string_view name, std::string_view body_text,
               std::vector<std::string>* created_keys) {
  boost::system::error_code error;
  json::value body = json::parse(body_text, error);
  if (error) return vigie::InvalidArgument("not JSON");

  Result<Command> command = DecodeCommand(name, body, kNowNs);
  if (!command) {
    const StatusCode code = command.error().code();
    FUZZ_CHECK(code == StatusCode::kInvalidArgument || code == StatusCode::kNotFound,
               "DecodeCommand: " + command.error().ToString());
    return command.error();
  }
  FUZZ_CHECK(command->occurred_at_ns <= kNowNs + kFutureSkewNs, "occurred_at in the future");
  if (auto* enroll = std::get_if<EnrollPerson>(&command->body)) enroll->token_sha256 = TokenHash(enroll->person_id);

  const Caller caller = CallerOf(state, person);
  Result<Decided> decided = Decide(state, caller, *command);
  if (!decided) {
    const StatusCode code = decided.error().code();
    FUZZ_CHECK(code == StatusCode::kUnauthenticated || code == StatusCode::kPermissionDenied ||
                   code == StatusCode::kNotFound || code == StatusCode::kAlreadyExists ||
                   code == StatusCode::kFailedPrecondition || code == StatusCode::kInvalidArgument,
               std::string(name) + ": Decide: " + decided.error().ToString());
    return decided.error();
  }
  FUZZ_CHECK(!decided->events.empty(), "an accepted command decides at least one event");
  const Status sealed = SealPersonalFields(decided->events, Keys(), created_keys);
  FUZZ_CHECK(sealed.ok(), "SealPersonalFields: " + sealed.ToString());
  Fold(state, *decided, command->occurred_at_ns, caller);

  if (const auto* open = std::get_if<OpenSituation>(&command->body)) {
    const Situation& situation = state.situations.at(open->situation_id);
    Result<std::string> pseudonym = Reveal(Keys(), situation.pseudonym, kPseudonymField);
    FUZZ_CHECK(pseudonym && *pseudonym == open->pseudonym, "the pseudonym does not reveal");
    FUZZ_CHECK(RevealBirthYear(Keys(), situation) == open->birth_year, "the birth year does not reveal");
  }
  return Status::Ok();
}

// FUZZ_VERBOSE=1 prints each command's answer (to see what a seed does).
inline bool Verbose() {
  static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
  return verbose;
}

inline const State& BaseState() {
  static const State state = [] {
    State s;
    std::vector<std::string> keys;
    Result<Decided> bootstrap = DecideBootstrap(s, TokenHash("admin"), "Administrateur");
    FUZZ_CHECK(bootstrap.has_value(), bootstrap ? "" : bootstrap.error().ToString());
    Fold(s, *bootstrap, kNowNs, Caller{});
    for (const SetupStep& step : kSetupScript) {
      const Status status = Execute(s, step.person, step.command, step.body, &keys);
      FUZZ_CHECK(status.ok(), "setup step " + std::string(step.command) + ": " + status.ToString());
    }
    return s;
  }();
  return state;
}

}  // namespace vigie::fuzz
