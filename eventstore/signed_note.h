#pragma once
// Signed tree heads as C2SP signed notes (tlog-checkpoint), Ed25519.
//
// Checkpoint body (C2SP tlog-checkpoint):
//   <origin>\n<decimal tree size>\n<base64 root hash>\n
// Signed note: body, an empty line, then one signature line per signer:
//   — <key name> <base64(key hash[4] || ed25519 signature[64])>\n
// key hash = SHA-256(<key name> || "\n" || 0x01 || public key[32])[0:4].
// Verifier key, as Go's golang.org/x/mod/sumdb/note reads it:
//   <key name>+<key hash as 8 hex digits>+<base64(0x01 || public key)>
//
// The private key lives in a file of the data directory, mode 0600, holding
// the 32-byte Ed25519 seed in base64 with the key name (see SigningKey::Save).
// SigningKey is immutable after construction and safe to share across threads.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "eventstore/merkle_tree.h"
#include "eventstore/status.h"

namespace vigie::note {

std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);  // strict, padded

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  merkle::Hash root{};
};

std::string FormatCheckpoint(const Checkpoint& checkpoint);           // the body
Result<Checkpoint> ParseCheckpoint(std::string_view body);            // strict

class SigningKey {
 public:
  // A new random key named `name` (the log's origin).
  static Result<SigningKey> Generate(std::string name);
  // Reads a key file written by Save; refuses a file readable by others.
  static Result<SigningKey> Load(const std::string& path);
  // Writes the key file with mode 0600, failing if it exists.
  Status Save(const std::string& path) const;

  const std::string& name() const { return name_; }
  std::string VerifierKey() const;
  // A signed note of `body` (which must end with a newline).
  Result<std::string> Sign(std::string_view body) const;

 private:
  std::string name_;
  std::array<std::uint8_t, 32> seed_{};
  std::array<std::uint8_t, 32> public_key_{};
};

// Ok when `verifier_key` is well formed (the grammar above, its hash
// matching its name and key); kInvalidArgument saying what is wrong
// otherwise. For callers that take a key from a user before any note.
Status CheckVerifierKey(std::string_view verifier_key);

// Checks `note` against `verifier_key` and returns its body. Refuses a
// malformed key or note, a signature by another key, or a bad signature.
Result<std::string> VerifyNote(std::string_view verifier_key, std::string_view note);

}  // namespace vigie::note
