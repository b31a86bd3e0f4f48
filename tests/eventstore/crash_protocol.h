#pragma once
// What eventstore_crash_child tells eventstore_crash_test through its pipe,
// and how the commands it appends are named.
//
// Pipe grammar (host byte order; parent and child are the same machine):
//   pipe  = 'R' , ack*          'R' once the store is open
//   ack   = u64 position, u8 event_id[16]
//
// The child writes a command's acks with one write() right after Append
// returns. POSIX makes a pipe write of at most PIPE_BUF bytes atomic, so the
// appender threads never interleave acks and a SIGKILL never leaves half of
// one in the pipe: every complete ack names an acknowledged event.
#include <limits.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::eventstore::testing {

inline constexpr char kChildReady = 'R';

struct CrashAck {
  std::uint64_t position = 0;
  std::array<std::uint8_t, 16> event_id{};
};
static_assert(sizeof(CrashAck) == 24, "the pipe carries packed 24-byte acks");

// Commands carry one to three events, so one command's acks fit one atomic
// pipe write.
inline constexpr std::size_t kMaxEventsPerCrashCommand = 3;
static_assert(kMaxEventsPerCrashCommand * sizeof(CrashAck) <= PIPE_BUF);

// "k<cycle>.<thread>.<seq>/<events>": the event count travels in the id, so
// the checker knows how many records an all-or-nothing command must have.
inline std::string CrashCommandId(std::uint64_t cycle, std::uint64_t thread, std::uint64_t seq,
                                  std::size_t events) {
  return "k" + std::to_string(cycle) + "." + std::to_string(thread) + "." + std::to_string(seq) + "/" +
         std::to_string(events);
}

inline std::optional<std::size_t> EventsOfCrashCommand(std::string_view command_id) {
  auto slash = command_id.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::size_t n = 0;
  auto tail = command_id.substr(slash + 1);
  auto [end, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), n);
  if (ec != std::errc() || end != tail.data() + tail.size()) return std::nullopt;
  return n;
}

// Event ids never repeat within a store: the cycle, the thread and the
// thread's counter are packed into testing::Id's number.
inline std::uint64_t CrashEventNumber(std::uint64_t cycle, std::uint64_t thread, std::uint64_t counter) {
  return (cycle << 40) | (thread << 32) | counter;
}

}  // namespace vigie::eventstore::testing
