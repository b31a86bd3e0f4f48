#pragma once
// A synthetic partnership history of any length, for the fact index's
// equivalence test and the projection benchmark (tools/bench): years of
// information items, analyses, controls, situations, decisions, meetings,
// membership changes and plan evaluations, with late-recorded events
// (occurred_at up to a year before recorded_at).
//
// `chaos` draws every id from small pools, so that the history also holds
// what Vigie's rules would refuse but a fold must still handle the same
// way: duplicate ids (an entity recorded again resets it), references to
// unknown entities (the fold skips those events), a second outcome or
// closure. Deterministic: the same seed gives the same events.
#include <cstdint>
#include <functional>
#include <string>

#include "eventstore/event_store.h"
#include "projections/state.h"

namespace vigie::projections::testing {

struct SyntheticOptions {
  std::uint64_t seed = 1;
  std::uint64_t events = 10000;
  bool chaos = false;
  std::int64_t start_ns = 1'262'304'000'000'000'000;  // 2010-01-01T00:00:00Z
  std::int64_t span_ns = 10LL * 365 * 86'400'000'000'000;  // about ten years
};

// Calls `sink` once per event, in log order; positions from 0; the event
// type name is the body's (e.g. "InformationShared").
void GenerateHistory(const SyntheticOptions& options,
                     const std::function<void(const EventMeta& meta, const std::string& type,
                                              const std::string& payload)>& sink);

// A generated event as appended to a store: on `stream`, with its own
// occurred_at and an event id made of `tag` and its position.
eventstore::NewEvent ToNewEvent(const EventMeta& meta, const std::string& type, const std::string& payload,
                                std::string stream, std::uint8_t tag);

}  // namespace vigie::projections::testing
