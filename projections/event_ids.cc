#include "projections/event_ids.h"

#include <array>

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace vigie::projections {
namespace {

eventstore::EventId Stamp(eventstore::EventId id, std::uint8_t version) {
  id[6] = static_cast<std::uint8_t>((id[6] & 0x0F) | (version << 4));
  id[8] = static_cast<std::uint8_t>((id[8] & 0x3F) | 0x80);  // RFC 9562 variant
  return id;
}

}  // namespace

std::string FormatUuid(const eventstore::EventId& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[id[i] >> 4]);
    out.push_back(kHex[id[i] & 15]);
  }
  return out;
}

std::string RandomUuid(const RandomSource& random) {
  eventstore::EventId id{};
  random(id);
  return FormatUuid(Stamp(id, 4));
}

eventstore::EventId DeriveEventId(std::string_view command_id, std::size_t index) {
  std::string input("vigie-event");
  input.push_back('\0');
  input += command_id;
  input.push_back('\0');
  input += std::to_string(index);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  eventstore::EventId id{};
  std::copy_n(digest.begin(), id.size(), id.begin());
  return Stamp(id, 8);
}

std::string NewBearerToken(const RandomSource& random) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<std::uint8_t, 33> bytes{};  // 32 random bytes, one zero pad for the last group
  random(std::span<std::uint8_t>(bytes.data(), 32));
  std::string token;
  for (std::size_t i = 0; i < 33; i += 3) {
    const std::uint32_t group = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    token.push_back(kAlphabet[(group >> 18) & 63]);
    token.push_back(kAlphabet[(group >> 12) & 63]);
    token.push_back(kAlphabet[(group >> 6) & 63]);
    token.push_back(kAlphabet[group & 63]);
  }
  token.resize(43);  // 256 bits = 42 full sextets + 4 bits
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

std::string TokenHash(std::string_view token) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace vigie::projections
