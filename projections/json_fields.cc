#include "projections/json_fields.h"

#include <cmath>
#include <cstdio>

#include <boost/json/value.hpp>

#include "projections/rfc3339.h"

namespace vigie::projections {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Decodes one UTF-8 sequence at text[*at]; false when ill-formed
// (overlong, surrogate, beyond U+10FFFF, truncated).
bool NextCodePoint(std::string_view text, std::size_t* at, char32_t* out) {
  const auto b0 = static_cast<unsigned char>(text[*at]);
  int extra;
  char32_t cp;
  char32_t min;
  if (b0 < 0x80) { extra = 0; cp = b0; min = 0; }
  else if ((b0 & 0xE0) == 0xC0) { extra = 1; cp = b0 & 0x1F; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { extra = 2; cp = b0 & 0x0F; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { extra = 3; cp = b0 & 0x07; min = 0x10000; }
  else return false;
  if (*at + static_cast<std::size_t>(extra) >= text.size()) return false;
  for (int i = 1; i <= extra; ++i) {
    const auto b = static_cast<unsigned char>(text[*at + static_cast<std::size_t>(i)]);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  *at += static_cast<std::size_t>(extra) + 1;
  *out = cp;
  return true;
}

std::string Quoted(std::string_view field) { return "field '" + std::string(field) + "'"; }

// 1e+12 rather than 1000000000000.000000.
std::string Shown(double bound) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", bound);
  return buf;
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(id[0])) return false;
  for (char c : id.substr(1)) {
    if (!lower_or_digit(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool IsValidUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !IsHex(text[i])) return false;
  }
  return true;
}

bool CheckText(std::string_view text, const TextLimit& limit, std::string* why) {
  std::size_t chars = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    char32_t cp;
    if (!NextCodePoint(text, &at, &cp)) {
      *why = "is not valid UTF-8";
      return false;
    }
    const bool control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
    const bool allowed_space = limit.multiline && (cp == '\n' || cp == '\r' || cp == '\t');
    if (control && !allowed_space) {
      *why = "contains a control character";
      return false;
    }
    ++chars;
  }
  if (chars < limit.min_chars) {
    *why = limit.min_chars == 1 ? "must not be empty"
                                : "must hold at least " + std::to_string(limit.min_chars) + " characters";
    return false;
  }
  if (chars > limit.max_chars) {
    *why = "is longer than " + std::to_string(limit.max_chars) + " characters";
    return false;
  }
  return true;
}

void FieldReader::Error(std::string_view field, std::string_view what) {
  if (failed()) return;
  first_error_ = InvalidArgument(Quoted(field) + " " + std::string(what));
}

const boost::json::value* FieldReader::Find(std::string_view field) {
  known_.emplace(field);
  auto it = object_.find(field);
  if (it == object_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

const boost::json::value* FieldReader::Require(std::string_view field) {
  const boost::json::value* v = Find(field);
  if (!v) Error(field, "is required");
  return v;
}

std::string FieldReader::Id(std::string_view field) {
  const boost::json::value* v = Require(field);
  if (!v) return {};
  if (!v->is_string()) {
    Error(field, "must be a string");
    return {};
  }
  std::string id(v->get_string());
  if (!IsValidId(id)) {
    Error(field, "must match ^[a-z0-9][a-z0-9._-]{0,63}$");
    return {};
  }
  return id;
}

std::optional<std::string> FieldReader::OptionalId(std::string_view field) {
  if (!Find(field)) return std::nullopt;
  return Id(field);
}

std::vector<std::string> FieldReader::IdList(std::string_view field, std::size_t min_items,
                                             std::size_t max_items) {
  std::vector<std::string> out;
  const boost::json::value* v = Require(field);
  if (!v) return out;
  if (!v->is_array()) {
    Error(field, "must be an array of identifiers");
    return out;
  }
  const boost::json::array& items = v->get_array();
  if (items.size() < min_items || items.size() > max_items) {
    Error(field, "must hold between " + std::to_string(min_items) + " and " +
                     std::to_string(max_items) + " items");
    return out;
  }
  std::set<std::string_view> seen;
  for (const boost::json::value& item : items) {
    if (!item.is_string() || !IsValidId(item.get_string())) {
      Error(field, "must hold identifiers matching ^[a-z0-9][a-z0-9._-]{0,63}$");
      return {};
    }
    std::string_view id = item.get_string();
    if (!seen.insert(id).second) {
      Error(field, "lists '" + std::string(id) + "' twice");
      return {};
    }
    out.emplace_back(id);
  }
  return out;
}

std::string FieldReader::Text(std::string_view field, const TextLimit& limit) {
  const boost::json::value* v = Require(field);
  if (!v) return {};
  if (!v->is_string()) {
    Error(field, "must be a string");
    return {};
  }
  std::string why;
  if (!CheckText(v->get_string(), limit, &why)) {
    Error(field, why);
    return {};
  }
  return std::string(v->get_string());
}

std::vector<std::string> FieldReader::TextList(std::string_view field, std::size_t min_items,
                                               std::size_t max_items, const TextLimit& limit) {
  std::vector<std::string> out;
  const boost::json::value* v = Require(field);
  if (!v) return out;
  if (!v->is_array() || v->get_array().size() < min_items || v->get_array().size() > max_items) {
    Error(field, "must be an array of " + std::to_string(min_items) + " to " +
                     std::to_string(max_items) + " strings");
    return out;
  }
  std::set<std::string_view> seen;
  for (const boost::json::value& item : v->get_array()) {
    std::string why;
    if (!item.is_string()) {
      Error(field, "must hold strings only");
      return {};
    }
    if (!CheckText(item.get_string(), limit, &why)) {
      Error(field, "holds an item that " + why);
      return {};
    }
    if (!seen.insert(item.get_string()).second) {
      Error(field, "lists '" + std::string(item.get_string()) + "' twice");
      return {};
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

std::string FieldReader::OneOf(std::string_view field, std::span<const std::string_view> allowed) {
  const boost::json::value* v = Require(field);
  if (!v) return {};
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  if (v->is_string()) {
    for (std::string_view a : allowed) {
      if (v->get_string() == a) return std::string(a);
    }
  }
  Error(field, "must be one of: " + list);
  return {};
}

bool FieldReader::Bool(std::string_view field) {
  const boost::json::value* v = Require(field);
  if (!v) return false;
  if (!v->is_bool()) {
    Error(field, "must be true or false");
    return false;
  }
  return v->get_bool();
}

std::int64_t FieldReader::Integer(std::string_view field, std::int64_t min, std::int64_t max) {
  const boost::json::value* v = Require(field);
  if (!v) return 0;
  const std::string range = "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<std::uint64_t>(max)) {
      Error(field, range);
      return 0;
    }
    n = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_double()) {
    const double d = v->get_double();
    if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(min) ||
        d > static_cast<double>(max)) {
      Error(field, range);
      return 0;
    }
    n = static_cast<std::int64_t>(d);
  } else {
    Error(field, range);
    return 0;
  }
  if (n < min || n > max) {
    Error(field, range);
    return 0;
  }
  return n;
}

std::optional<double> FieldReader::OptionalNumber(std::string_view field, double min, double max) {
  const boost::json::value* v = Find(field);
  if (!v) return std::nullopt;
  double d;
  if (v->is_double()) d = v->get_double();
  else if (v->is_int64()) d = static_cast<double>(v->get_int64());
  else if (v->is_uint64()) d = static_cast<double>(v->get_uint64());
  else {
    Error(field, "must be a number");
    return std::nullopt;
  }
  if (!std::isfinite(d) || d < min || d > max) {
    Error(field, "must be a number from " + Shown(min) + " to " + Shown(max));
    return std::nullopt;
  }
  return d;
}

double FieldReader::Number(std::string_view field, double min, double max) {
  if (!Require(field)) return 0;
  return OptionalNumber(field, min, max).value_or(0);
}

std::optional<std::int64_t> FieldReader::OptionalTime(std::string_view field) {
  const boost::json::value* v = Find(field);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Error(field, "must be an RFC 3339 date-time string");
    return std::nullopt;
  }
  Result<std::int64_t> t = ParseRfc3339(v->get_string());
  if (!t) {
    Error(field, t.error().message());
    return std::nullopt;
  }
  return *t;
}

std::int64_t FieldReader::Time(std::string_view field) {
  if (!Require(field)) return 0;
  return OptionalTime(field).value_or(0);
}

std::optional<std::string> FieldReader::OptionalUuid(std::string_view field) {
  const boost::json::value* v = Find(field);
  if (!v) return std::nullopt;
  if (!v->is_string() || !IsValidUuid(v->get_string())) {
    Error(field, "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000");
    return std::nullopt;
  }
  std::string uuid(v->get_string());
  for (char& c : uuid) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return uuid;
}

Status FieldReader::Finish() {
  if (failed()) return first_error_;
  for (const auto& kv : object_) {
    if (!known_.contains(std::string_view(kv.key()))) {
      std::string_view key = kv.key();
      return InvalidArgument(Quoted(key.substr(0, 64)) + " is not known for this command");
    }
  }
  return Status::Ok();
}

}  // namespace vigie::projections
