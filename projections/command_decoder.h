#pragma once
// DecodeCommand: SPEC §9 JSON body -> Command, refusing anything malformed.
//
// Every body is a JSON object with exactly its command's fields plus, on
// all of them, `command_id` (UUID) and `occurred_at` (RFC 3339, default
// `now_ns`). Errors are kInvalidArgument naming the field: missing,
// unknown, wrong type, identifier not matching SPEC's pattern, bad time,
// number out of range, value outside a fixed vocabulary, text too long or
// not UTF-8. occurred_at may not lie in the future (beyond a few minutes
// of clock skew): it is when something happened in the world.
//
// Codes of closed lists (kinds, topics, measures...) are only checked for
// shape here; whether they exist, and were valid on occurred_at, depends
// on the state (decide.h).
//
// Pure and thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "eventstore/status.h"
#include "projections/commands.h"

namespace vigie::projections {

// Clock skew tolerated on occurred_at.
inline constexpr std::int64_t kFutureSkewNs = 5LL * 60 * 1'000'000'000;

Result<Command> DecodeCommand(std::string_view name, const boost::json::value& body,
                              std::int64_t now_ns);

// Every command name DecodeCommand knows, in SPEC order.
const std::vector<std::string>& KnownCommandNames();

// Fixed vocabularies of SPEC §2 (not reference data: rules depend on them).
inline constexpr std::string_view kTerritoryKinds[] = {"zsp", "qrr", "cls", "clspd", "cispd"};
inline constexpr std::string_view kRoles[] = {"admin",  "referent", "deputy_referent", "member",
                                              "chair",  "auditor",  "evaluator"};
inline constexpr std::string_view kSensitivities[] = {"public", "restricted", "confidential"};
inline constexpr std::string_view kIndicatorKinds[] = {"activity", "result", "impact"};
inline constexpr std::string_view kEvaluationStatuses[] = {"met", "partially_met", "not_met",
                                                           "dropped"};

}  // namespace vigie::projections
