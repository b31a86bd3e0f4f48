#include "server/response_cache.h"

namespace vigie::server {

ResponseCache::ResponseCache(std::size_t bytes_max, std::chrono::milliseconds max_age)
    : bytes_max_(bytes_max), max_age_(max_age) {}

std::string ResponseCache::KeyOf(std::string_view person_id, std::string_view target) {
  // Person ids are entity ids (no NUL), so the key is unambiguous.
  std::string key;
  key.reserve(person_id.size() + 1 + target.size());
  key.append(person_id);
  key.push_back('\0');
  key.append(target);
  return key;
}

std::optional<std::string> ResponseCache::Find(std::string_view person_id, std::string_view target,
                                               std::uint64_t size) const {
  if (!enabled()) return std::nullopt;
  const std::string key = KeyOf(person_id, target);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.size != size ||
      Clock::now() - it->second.stored > max_age_) {
    return std::nullopt;
  }
  return it->second.body;
}

void ResponseCache::EraseLocked(std::unordered_map<std::string, Entry>::iterator it) {
  bytes_ -= it->second.body.size();
  order_.erase(it->second.age);
  entries_.erase(it);
}

void ResponseCache::Store(std::string_view person_id, std::string_view target, std::uint64_t size,
                          std::string body) {
  if (!enabled() || body.size() > bytes_max_ / 4) return;
  std::string key = KeyOf(person_id, target);
  std::lock_guard lock(mutex_);
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
  entries_.emplace(std::move(key), Entry{size, Clock::now(), std::move(body), std::prev(order_.end())});
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t ResponseCache::entries() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace vigie::server
