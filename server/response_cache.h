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
// Single flight: while one caller computes the answer for (person, target)
// at a size, others asking for the same key at the same size wait for it
// (at most `wait_max`) instead of computing it again. Without this, every
// reader of a large view recomputes it at once each time it expires.
//
// Bounded: at most `bytes_max` bytes of bodies in all (an answer larger than
// a quarter of it is not stored); the oldest entries are dropped first.
//
// Thread-safe (one mutex; lookups copy the body out under it).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace vigie::server {

class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;
  struct Flight;

  // What Begin found: a body to answer with, or the duty to compute the
  // answer and hand it to Finish (a Ticket that is dropped unfinished
  // releases its waiters empty-handed, who then compute their own).
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept
        : body(std::move(other.body)),
          cache_(std::exchange(other.cache_, nullptr)),
          key_(std::move(other.key_)),
          size_(other.size_),
          flight_(std::move(other.flight_)) {}
    Ticket& operator=(Ticket&&) noexcept = delete;
    ~Ticket();

    std::optional<std::string> body;  // set: answer with it, nothing to compute

   private:
    friend class ResponseCache;
    ResponseCache* cache_ = nullptr;
    std::string key_;
    std::uint64_t size_ = 0;
    std::shared_ptr<Flight> flight_;  // set when this caller leads the computation
  };

  ResponseCache(std::size_t bytes_max, std::chrono::milliseconds max_age,
                std::chrono::milliseconds wait_max = std::chrono::seconds(5));

  bool enabled() const { return bytes_max_ > 0; }

  // The body stored for (person, target) at log size `size`, if still valid;
  // else, if another caller is computing it at that size, its answer once
  // made; else a Ticket to compute it.
  Ticket Begin(std::string_view person_id, std::string_view target, std::uint64_t size);
  // Stores `body` (when set: a cacheable answer) and wakes the waiters.
  void Finish(Ticket& ticket, std::optional<std::string> body);

  // The body stored for (person, target) at log size `size`, if still valid.
  std::optional<std::string> Find(std::string_view person_id, std::string_view target,
                                  std::uint64_t size) const;
  void Store(std::string_view person_id, std::string_view target, std::uint64_t size,
             std::string body);

  std::size_t bytes() const;
  std::size_t entries() const;
  std::size_t waiting() const;  // callers waiting for another's answer

 private:
  struct Entry {
    std::uint64_t size = 0;
    Clock::time_point stored;
    std::string body;
    std::list<std::string>::iterator age;  // in order_
  };
  static std::string KeyOf(std::string_view person_id, std::string_view target);
  const Entry* FindLocked(const std::string& key, std::uint64_t size) const;
  void StoreLocked(std::string key, std::uint64_t size, std::string body);
  void EraseLocked(std::unordered_map<std::string, Entry>::iterator it);

  const std::size_t bytes_max_;
  const std::chrono::milliseconds max_age_;
  const std::chrono::milliseconds wait_max_;
  mutable std::mutex mutex_;  // guards the members below
  std::condition_variable landed_;  // a flight finished
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_;  // keys, oldest first
  std::size_t bytes_ = 0;
  std::size_t waiting_ = 0;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;  // answers being computed
};

}  // namespace vigie::server
