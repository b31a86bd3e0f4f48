#include "tools/bench/bench_event.h"

#include <cstdio>

#include "eventstore/record_codec.h"

namespace vigie::bench {
namespace {

std::string Payload() {
  std::string payload(kBenchPayloadBytes, ' ');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  return payload;
}

}  // namespace

eventstore::NewEvent BenchEvent(std::string stream, std::uint64_t worker, std::uint64_t number) {
  eventstore::NewEvent e;
  e.stream = std::move(stream);
  e.type = "InformationShared";
  for (int i = 0; i < 8; ++i) {
    e.event_id[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(worker >> (8 * (7 - i)));
    e.event_id[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(number >> (8 * (7 - i)));
  }
  e.occurred_at_ns = 1'356'998'400'000'000'000;  // 2013-01-01
  e.payload = Payload();
  return e;
}

eventstore::Actor BenchActor() { return {"referent-0042", "prefecture-42", "referent"}; }

std::string BenchCommandId(std::uint64_t worker, std::uint64_t number) {
  char id[40];
  std::snprintf(id, sizeof id, "%08llx-%04llx-4000-8000-%012llx", static_cast<unsigned long long>(worker & 0xffffffff),
                static_cast<unsigned long long>((worker >> 32) & 0xffff),
                static_cast<unsigned long long>(number & 0xffffffffffffULL));
  return id;
}

std::string BenchRecord() {
  const eventstore::Actor actor = BenchActor();
  const eventstore::NewEvent event = BenchEvent("bench-0-0", 0, 0);
  const std::string command_id = BenchCommandId(0, 0);
  return eventstore::EncodeRecord({0, 0, event.occurred_at_ns, command_id, &actor, &event});
}

std::string BenchEventJson() {
  const eventstore::Actor actor = BenchActor();
  return R"({"event_id": "42000000-0000-4000-8000-000000000000", "command_id": ")" + BenchCommandId(0, 0) +
         R"(", "occurred_at": "2013-01-01T00:00:00Z", "actor": {"person": ")" + actor.person +
         R"(", "partner": ")" + actor.partner + R"(", "role": ")" + actor.role + R"("}, "payload": ")" +
         Payload() + R"("})";
}

}  // namespace vigie::bench
