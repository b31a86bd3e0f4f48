#include "server/query_params.h"

#include <algorithm>

#include "server/problem.h"
#include "server/time_parameter.h"
#include "server/uri_text.h"

namespace vigie::server {
namespace {

std::string Quoted(std::string_view name) { return "'" + Abbreviate(name) + "'"; }

}  // namespace

Parsed<QueryParams> QueryParams::Parse(std::string_view query,
                                       std::initializer_list<std::string_view> allowed) {
  QueryParams params;
  if (query.empty()) return params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    start = end + 1;

    std::size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    if (!name || name->empty()) {
      return std::unexpected(Problem(400, "the query has an empty or malformed parameter name"));
    }
    if (std::find(allowed.begin(), allowed.end(), *name) == allowed.end()) {
      return std::unexpected(InvalidParameter(*name, "unknown parameter " + Quoted(*name)));
    }
    if (params.Get(*name)) {
      return std::unexpected(InvalidParameter(*name, "parameter " + Quoted(*name) + " is given twice"));
    }
    if (eq == std::string_view::npos || eq + 1 == pair.size()) {
      return std::unexpected(InvalidParameter(*name, "parameter " + Quoted(*name) + " has no value"));
    }
    auto value = PercentDecode(pair.substr(eq + 1), true);
    if (!value) {
      return std::unexpected(InvalidParameter(
          *name, "parameter " + Quoted(*name) + " is not valid percent-encoded UTF-8 without NUL"));
    }
    params.pairs_.emplace_back(std::move(*name), std::move(*value));
    if (end == query.size()) break;
  }
  return params;
}

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  for (const auto& [key, value] : pairs_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Parsed<std::optional<std::uint64_t>> QueryParams::Uint(std::string_view name, std::uint64_t min,
                                                       std::uint64_t max) const {
  auto text = Get(name);
  if (!text) return std::nullopt;
  auto refuse = [&] {
    return std::unexpected(InvalidParameter(
        name, "parameter " + Quoted(name) + " must be an integer from " + std::to_string(min) +
                  " to " + std::to_string(max)));
  };
  auto value = ParseDecimal(*text);
  if (!value || *value < min || *value > max) return refuse();
  return *value;
}

Parsed<std::size_t> QueryParams::Limit() const {
  auto limit = Uint("limit", 1, kPageLimitMax);
  if (!limit) return std::unexpected(std::move(limit.error()));
  return limit->value_or(kPageLimitDefault);
}

Parsed<std::optional<std::string>> QueryParams::Id(std::string_view name) const {
  auto text = Get(name);
  if (!text) return std::nullopt;
  if (!IsEntityId(*text)) {
    return std::unexpected(InvalidParameter(
        name, "parameter " + Quoted(name) + " must be an id matching ^[a-z0-9][a-z0-9._-]{0,63}$"));
  }
  return std::string(*text);
}

Parsed<projections::AsOf> QueryParams::AsOf() const {
  auto text = Get("as_of");
  if (!text) return projections::AsOf{};
  auto as_of = projections::ParseAsOf(*text);
  if (!as_of) {
    return std::unexpected(InvalidParameter(
        "as_of", "parameter 'as_of' must be a tree size or an RFC 3339 time: " +
                     as_of.error().message()));
  }
  return *as_of;
}

Parsed<std::optional<std::int64_t>> QueryParams::Time(std::string_view name) const {
  auto text = Get(name);
  if (!text) return std::nullopt;
  auto ns = ParseTimeParameter(*text);
  if (!ns) {
    return std::unexpected(InvalidParameter(
        name, "parameter " + Quoted(name) +
                  " must be an RFC 3339 date-time with its offset, or a date (Paris midnight)"));
  }
  return *ns;
}

Parsed<QueryParams::TimeRange> QueryParams::OptionalTimeRange() const {
  auto from = Time("from");
  if (!from) return std::unexpected(std::move(from.error()));
  auto to = Time("to");
  if (!to) return std::unexpected(std::move(to.error()));
  if (*from && *to && **to <= **from) {
    return std::unexpected(InvalidParameter("to", "parameter 'to' must come after 'from'"));
  }
  return TimeRange{*from, *to};
}

Parsed<std::optional<std::string>> QueryParams::Text(std::string_view name,
                                                     std::size_t bytes_max) const {
  auto text = Get(name);
  if (!text) return std::nullopt;
  if (text->size() > bytes_max) {
    return std::unexpected(InvalidParameter(
        name, "parameter " + Quoted(name) + " is longer than " + std::to_string(bytes_max) + " bytes"));
  }
  bool has_control = std::any_of(text->begin(), text->end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
  if (has_control) {
    return std::unexpected(
        InvalidParameter(name, "parameter " + Quoted(name) + " holds control characters"));
  }
  return std::string(*text);
}

Parsed<std::string> QueryParams::OneOf(std::string_view name,
                                       std::initializer_list<std::string_view> choices,
                                       std::string_view fallback) const {
  auto text = Get(name);
  if (!text) return std::string(fallback);
  if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return std::string(*text);
  std::string list;
  for (std::string_view choice : choices) list += (list.empty() ? "" : ", ") + std::string(choice);
  return std::unexpected(
      InvalidParameter(name, "parameter " + Quoted(name) + " must be one of: " + list));
}

}  // namespace vigie::server
