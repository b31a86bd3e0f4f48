#pragma once
// Time parameters of the API (dashboard and access-log bounds).
//
//   time-parameter = date-time / full-date            (RFC 3339 §5.6)
//
// A date-time is read by projections::ParseRfc3339 (offset required). A
// full-date ("2013-01-01") means midnight in Paris, where the partnership's
// periods are cut (projections/period.h), so from=2013-01-01 starts exactly
// on the first month's bound; its year must be 1700..2200.
// Pure, thread-safe.
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigie::server {

std::optional<std::int64_t> ParseTimeParameter(std::string_view text);

}  // namespace vigie::server
