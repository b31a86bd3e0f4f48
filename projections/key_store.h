#pragma once
// KeyStore: one AES-256 key per subject, kept apart from the log, so that
// destroying a key erases the subject's personal fields while every hash
// of the log stays valid (SPEC §4).
//
// Layout: a directory (mode 0700) holding one file per key, mode 0600:
//   <key_id>.key  = "VGK1" (4 bytes) || key (32 bytes)
//   key_id        = 32 lower-case hex digits (128 random bits)
// A key file is written with O_EXCL, fsync'd, and the directory fsync'd
// before CreateKey returns, so a key is durable before any ciphertext made
// with it can reach the log.
//
// Sealing: AES-256-GCM, a random 96-bit nonce per field, the 16-byte tag
// appended to the ciphertext, associated data "<key_id>\0<field>": a
// ciphertext only opens under its own subject and field name.
//
// Erase(key_id) destroys a key physically: the file is overwritten with
// zeros and fsync'd, unlinked, and the directory fsync'd; the cached copy
// is wiped from memory. Nothing else ever holds the key bytes: they are
// never logged, never written to the event store.
//
// Thread safety: every method may be called concurrently.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "eventstore/status.h"

namespace vigie::projections {

// Fills the span with random bytes. Injected so tests are deterministic.
using RandomSource = std::function<void(std::span<std::uint8_t>)>;
RandomSource SystemRandom();  // OpenSSL's RAND_bytes

struct SealedBytes {
  std::string nonce;       // 12 bytes
  std::string ciphertext;  // ciphertext || 16-byte tag
};

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;

class KeyStore {
 public:
  // Opens (creating it if needed, mode 0700) the key directory `dir`.
  static Result<std::unique_ptr<KeyStore>> Open(const std::string& dir,
                                                RandomSource random = SystemRandom());
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // A new random key, durable on return. Returns its id.
  Result<std::string> CreateKey();
  // kNotFound when the key was erased (or never existed).
  Result<SealedBytes> Seal(std::string_view key_id, std::string_view field,
                           std::string_view plaintext);
  // kNotFound when the key was erased; kDataLoss when the ciphertext, the
  // nonce, the field or the subject do not match (tampering).
  Result<std::string> Unseal(std::string_view key_id, std::string_view field,
                             std::string_view nonce, std::string_view ciphertext) const;
  // Destroys the key (see above). Erasing an absent key is not an error:
  // retention may run again after a crash between the log and the erasure.
  Status Erase(std::string_view key_id);
  bool Exists(std::string_view key_id) const;

  const std::string& dir() const { return dir_; }

 private:
  using Key = std::array<std::uint8_t, kKeyBytes>;
  KeyStore(std::string dir, RandomSource random) : dir_(std::move(dir)), random_(std::move(random)) {}
  std::string PathOf(std::string_view key_id) const;
  // The key, from the cache or its file. Caller holds mu_.
  Result<Key> LoadLocked(std::string_view key_id) const;

  const std::string dir_;

  mutable std::mutex mu_;  // guards the members below
  RandomSource random_;
  mutable std::map<std::string, Key, std::less<>> cache_;
};

}  // namespace vigie::projections
