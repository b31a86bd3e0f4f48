#include "server/response_cache.h"

#include <utility>

namespace vigie::server {

// An answer being computed by one caller, waited for by others.
struct ResponseCache::Flight {
  std::uint64_t size = 0;
  std::size_t waiters = 0;
  bool done = false;
  std::optional<std::string> body;  // the answer, when cacheable and awaited
};

ResponseCache::Ticket::~Ticket() {
  if (cache_) cache_->Finish(*this, std::nullopt);
}

ResponseCache::ResponseCache(std::size_t bytes_max, std::chrono::milliseconds max_age,
                             std::chrono::milliseconds wait_max)
    : bytes_max_(bytes_max), max_age_(max_age), wait_max_(wait_max) {}

std::string ResponseCache::KeyOf(std::string_view person_id, std::string_view target) {
  // Person ids are entity ids (no NUL), so the key is unambiguous.
  std::string key;
  key.reserve(person_id.size() + 1 + target.size());
  key.append(person_id);
  key.push_back('\0');
  key.append(target);
  return key;
}

const ResponseCache::Entry* ResponseCache::FindLocked(const std::string& key,
                                                      std::uint64_t size) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.size != size ||
      Clock::now() - it->second.stored > max_age_) {
    return nullptr;
  }
  return &it->second;
}

std::optional<std::string> ResponseCache::Find(std::string_view person_id, std::string_view target,
                                               std::uint64_t size) const {
  if (!enabled()) return std::nullopt;
  const std::string key = KeyOf(person_id, target);
  std::lock_guard lock(mutex_);
  const Entry* entry = FindLocked(key, size);
  if (!entry) return std::nullopt;
  return entry->body;
}

ResponseCache::Ticket ResponseCache::Begin(std::string_view person_id, std::string_view target,
                                           std::uint64_t size) {
  Ticket ticket;
  if (!enabled()) return ticket;
  std::string key = KeyOf(person_id, target);
  std::unique_lock lock(mutex_);
  if (const Entry* entry = FindLocked(key, size)) {
    ticket.body = entry->body;
    return ticket;
  }
  auto it = flights_.find(key);
  if (it != flights_.end() && it->second->size == size) {
    std::shared_ptr<Flight> flight = it->second;
    ++flight->waiters;
    ++waiting_;
    const bool landed = landed_.wait_for(lock, wait_max_, [&] { return flight->done; });
    --waiting_;
    --flight->waiters;
    if (landed && flight->body) {
      ticket.body = *flight->body;
      return ticket;
    }
    // The leader is slow or its answer is not cacheable: compute our own,
    // without leading (the flight is still someone else's).
  } else if (it == flights_.end() || it->second->size < size) {
    ticket.flight_ = std::make_shared<Flight>();
    ticket.flight_->size = size;
    flights_[key] = ticket.flight_;
  }
  ticket.cache_ = this;
  ticket.key_ = std::move(key);
  ticket.size_ = size;
  return ticket;
}

void ResponseCache::Finish(Ticket& ticket, std::optional<std::string> body) {
  if (!ticket.cache_) return;
  ticket.cache_ = nullptr;
  std::lock_guard lock(mutex_);
  if (const std::shared_ptr<Flight>& flight = ticket.flight_) {
    if (body && flight->waiters > 0) flight->body = *body;
    flight->done = true;
    if (auto it = flights_.find(ticket.key_); it != flights_.end() && it->second == flight) {
      flights_.erase(it);
    }
    landed_.notify_all();
  }
  if (body && body->size() <= bytes_max_ / 4) {
    StoreLocked(std::move(ticket.key_), ticket.size_, std::move(*body));
  }
}

void ResponseCache::EraseLocked(std::unordered_map<std::string, Entry>::iterator it) {
  bytes_ -= it->second.body.size();
  order_.erase(it->second.age);
  entries_.erase(it);
}

void ResponseCache::Store(std::string_view person_id, std::string_view target, std::uint64_t size,
                          std::string body) {
  if (!enabled() || body.size() > bytes_max_ / 4) return;
  std::lock_guard lock(mutex_);
  StoreLocked(KeyOf(person_id, target), size, std::move(body));
}

void ResponseCache::StoreLocked(std::string key, std::uint64_t size, std::string body) {
  if (auto it = entries_.find(key); it != entries_.end()) {
    // A newer answer replaces an older one, never the reverse.
    if (it->second.size > size) return;
    EraseLocked(it);
  }
  while (!order_.empty() && bytes_ + body.size() > bytes_max_) {
    EraseLocked(entries_.find(order_.front()));
  }
  order_.push_back(key);
  bytes_ += body.size();
  entries_.emplace(std::move(key),
                   Entry{size, Clock::now(), std::move(body), std::prev(order_.end())});
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t ResponseCache::entries() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t ResponseCache::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace vigie::server
