#pragma once
// The text rules of request targets: percent-decoding, UTF-8 validity and
// the entity id grammar of SPEC §2. Pure functions, thread-safe.
//
//   entity id = [a-z0-9] [a-z0-9._-]{0,63}        (so never "/", "..", NUL)
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::server {

inline constexpr std::size_t kEntityIdBytesMax = 64;

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in a
// query). nullopt for a truncated or non-hex escape, a decoded NUL or a
// result that is not valid UTF-8.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, <= U+10FFFF.
bool IsValidUtf8(std::string_view text);

bool IsEntityId(std::string_view text);

// A decimal integer: digits only, no sign, no leading zero, fits in 64 bits.
std::optional<std::uint64_t> ParseDecimal(std::string_view text);

// `text` cut to at most `bytes_max` bytes on a UTF-8 boundary, for quoting
// client input in an error detail without echoing megabytes back.
std::string Abbreviate(std::string_view text, std::size_t bytes_max = 64);

}  // namespace vigie::server
