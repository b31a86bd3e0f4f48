#pragma once
// Time parameters of the API (dashboard and access-log bounds).
//
//   time-parameter = date-time / full-date            (RFC 3339 §5.6)
//
// A date-time needs its offset ("Z" or "+02:00"); fractions of a second
// keep up to 9 digits. A full-date ("2013-01-01") means midnight in Paris,
// where the partnership's periods are cut (projections/period.h), so
// from=2013-01-01 starts exactly at the first month's bound. Years are
// limited to 1700..2200, inside int64 nanoseconds since the Unix epoch.
// Pure, thread-safe.
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigie::server {

std::optional<std::int64_t> ParseTimeParameter(std::string_view text);

}  // namespace vigie::server
