#pragma once
// QueryParams: the strict reading of a request's query string.
//
// Grammar (after splitting the target at the first '?'):
//   query = "" / pair *("&" pair)      pair = name "=" value
// Names and values are percent-decoded ('+' is a space). Refused with a 400
// problem naming the parameter: a parameter the route does not know, one
// given twice, an empty name or value, a bad escape, NUL, invalid UTF-8,
// and any typed getter's value out of its grammar or range.
//
// A QueryParams is a value; its getters are const and thread-compatible.
#include <cstdint>
#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "projections/ledger.h"
#include "server/http_message.h"

namespace vigie::server {

// A parsed value, or the problem answer explaining why it was refused.
template <typename T>
using Parsed = std::expected<T, Response>;

inline constexpr std::size_t kPageLimitDefault = 100;
inline constexpr std::size_t kPageLimitMax = 1000;
inline constexpr std::size_t kTextParamBytesMax = 500;

class QueryParams {
 public:
  static Parsed<QueryParams> Parse(std::string_view query,
                                   std::initializer_list<std::string_view> allowed);

  std::optional<std::string_view> Get(std::string_view name) const;

  // A decimal integer without sign or leading zeros, within [min, max].
  Parsed<std::optional<std::uint64_t>> Uint(std::string_view name, std::uint64_t min,
                                            std::uint64_t max) const;
  // `limit`: kPageLimitDefault when absent, 1..kPageLimitMax.
  Parsed<std::size_t> Limit() const;
  // An entity id (uri_text.h).
  Parsed<std::optional<std::string>> Id(std::string_view name) const;
  // `as_of`: a tree size or an RFC 3339 time (projections::ParseAsOf).
  Parsed<projections::AsOf> AsOf() const;
  // A time parameter (time_parameter.h), in ns since the Unix epoch.
  Parsed<std::optional<std::int64_t>> Time(std::string_view name) const;
  // `from` and `to`, each optional (Time); when both are given, `to` must
  // come after `from` (refused naming "to").
  struct TimeRange {
    std::optional<std::int64_t> from_ns;
    std::optional<std::int64_t> to_ns;
  };
  Parsed<TimeRange> OptionalTimeRange() const;
  // Free text of at most `bytes_max` bytes, no control characters.
  Parsed<std::optional<std::string>> Text(std::string_view name, std::size_t bytes_max) const;
  // One of `choices`, or `fallback` when absent.
  Parsed<std::string> OneOf(std::string_view name, std::initializer_list<std::string_view> choices,
                            std::string_view fallback) const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

}  // namespace vigie::server
