#pragma once
// ResponseCache: serialised 200 answers of the current read views, so that
// a caller reading the same view again while the log has not grown gets the
// bytes already made instead of a rebuilt and re-serialised projection.
//
// An entry is keyed by the caller's person id and the raw request target
// (path and query, as sent), and is valid only while
//   - the store's durable size is still the one read BEFORE the answer was
//     computed (the views catch up with at least that size, so the answer
//     reflects it or something newer; any append invalidates it), and
//   - it is younger than `max_age` (views also depend on the clock: labels
//     and names valid "now").
// Keying by person rather than by role makes the reuse exactly as narrow as
// the access rules: whatever the rules look at (roles, partner, charter
// signatures), one person's answer is only ever given back to that person,
// and only while nothing was appended. Denials and errors are never stored.
//
// Bounded: at most `bytes_max` bytes of bodies in all (an answer larger than
// a quarter of it is not stored); the oldest entries are dropped first.
//
// Thread-safe (one mutex; lookups copy the body out under it).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vigie::server {

class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;

  ResponseCache(std::size_t bytes_max, std::chrono::milliseconds max_age);

  bool enabled() const { return bytes_max_ > 0; }

  // The body stored for (person, target) at log size `size`, if still valid.
  std::optional<std::string> Find(std::string_view person_id, std::string_view target,
                                  std::uint64_t size) const;
  void Store(std::string_view person_id, std::string_view target, std::uint64_t size,
             std::string body);

  std::size_t bytes() const;
  std::size_t entries() const;

 private:
  struct Entry {
    std::uint64_t size = 0;
    Clock::time_point stored;
    std::string body;
    std::list<std::string>::iterator age;  // in order_
  };
  static std::string KeyOf(std::string_view person_id, std::string_view target);
  void EraseLocked(std::unordered_map<std::string, Entry>::iterator it);

  const std::size_t bytes_max_;
  const std::chrono::milliseconds max_age_;
  mutable std::mutex mutex_;  // guards the members below
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_;  // keys, oldest first
  std::size_t bytes_ = 0;
};

}  // namespace vigie::server
