#pragma once
// Small builders shared by the event store tests.
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "eventstore/event_store.h"

namespace vigie::eventstore::testing {

// A fresh directory under $TMPDIR (or /tmp), removed by the test.
inline std::string MakeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return templ;
}

// A deterministic event id from a number.
inline EventId Id(std::uint64_t n) {
  EventId id{};
  for (int i = 0; i < 8; ++i) id[15 - i] = static_cast<std::uint8_t>(n >> (8 * i));
  id[0] = 0x42;
  return id;
}

inline NewEvent Event(const std::string& stream, const std::string& type, std::uint64_t n) {
  NewEvent e;
  e.stream = stream;
  e.type = type;
  e.event_id = Id(n);
  e.occurred_at_ns = static_cast<std::int64_t>(n) * 1000;
  e.payload = "payload-" + std::to_string(n);
  return e;
}

inline AppendRequest OneEvent(const std::string& stream, const std::string& type, std::uint64_t n) {
  AppendRequest r;
  r.actor = {"referent-1", "prefecture", "referent"};
  r.events.push_back(Event(stream, type, n));
  return r;
}

}  // namespace vigie::eventstore::testing
