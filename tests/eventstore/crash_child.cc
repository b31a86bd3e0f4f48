// eventstore_crash_child: the process eventstore_crash_test kills.
//
//   eventstore_crash_child DIR CYCLE THREADS FD
//
// Opens the store in DIR, writes 'R' to FD, then appends from THREADS
// threads until SIGKILL arrives, writing each acknowledged event to FD right
// after Append returns (crash_protocol.h). It is its own executable, started
// with posix_spawn, because RocksDB's threads make fork() without exec
// unsafe in the test process.
//
// Each thread owns the stream "own-<thread>" and appends to it with an exact
// expected version read back after the previous crash, so a lost or
// duplicated event in that stream shows up as a refused append. Other
// commands go to three shared streams, with one to three events each.
//
// Exit codes: 2 bad arguments, 3 the store refused something it must accept,
// 4 the safety limit ran out (the parent never killed us).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/event_store.h"
#include "tests/eventstore/crash_protocol.h"
#include "tests/eventstore/test_store.h"

namespace vigie::eventstore {
namespace {

// The parent kills us within a second; this only bounds an orphan.
constexpr auto kSafetyLimit = std::chrono::seconds(60);
constexpr std::size_t kPayloadBytes = 200;

[[noreturn]] void Die(int code, const std::string& why) {
  std::fprintf(stderr, "eventstore_crash_child: %s\n", why.c_str());
  std::_Exit(code);
}

void WriteAll(int fd, const void* data, std::size_t size) {
  // One write: the pipe makes it atomic (size <= PIPE_BUF).
  if (::write(fd, data, size) != static_cast<ssize_t>(size)) Die(3, "short write to the report pipe");
}

NewEvent MakeEvent(const std::string& stream, std::uint64_t number) {
  NewEvent e = testing::Event(stream, "CrashTested", number);
  e.payload.resize(kPayloadBytes, 'p');
  return e;
}

void Appender(EventStore& store, std::uint64_t cycle, std::uint64_t thread, int fd) {
  const std::string own = "own-" + std::to_string(thread);
  std::optional<StreamHead> head = store.Head(own);
  std::optional<std::uint64_t> own_version;
  if (head) own_version = head->version;
  std::uint64_t counter = 0;
  const auto deadline = std::chrono::steady_clock::now() + kSafetyLimit;
  for (std::uint64_t seq = 0; std::chrono::steady_clock::now() < deadline; ++seq) {
    AppendRequest request;
    request.actor = {"crash-child", "test", "appender"};
    auto next_id = [&] { return testing::CrashEventNumber(cycle, thread, ++counter); };
    const bool writes_own = seq % 4 == 0 || seq % 4 == 2;
    if (writes_own) {
      request.events.push_back(MakeEvent(own, next_id()));
      request.expectations.push_back(
          {own, own_version ? ExpectedVersion::Exact(*own_version) : ExpectedVersion::NoStream()});
    }
    if (seq % 4 == 1) request.events.push_back(MakeEvent("shared-" + std::to_string(seq % 3), next_id()));
    if (seq % 4 == 2) {
      request.events.push_back(MakeEvent("shared-0", next_id()));
      request.events.push_back(MakeEvent("shared-1", next_id()));
    }
    if (seq % 4 == 3) {
      const std::string shared = "shared-" + std::to_string((thread + seq) % 3);
      request.events.push_back(MakeEvent(shared, next_id()));
      request.events.push_back(MakeEvent(shared, next_id()));
    }
    request.command_id = testing::CrashCommandId(cycle, thread, seq, request.events.size());
    std::vector<testing::CrashAck> acks;
    for (const NewEvent& e : request.events) acks.push_back({0, e.event_id});

    auto result = store.Append(std::move(request));
    if (!result) Die(3, "append refused: " + result.error().ToString());
    if (result->replayed || result->events.size() != acks.size()) Die(3, "append answered the wrong events");
    for (std::size_t i = 0; i < acks.size(); ++i) acks[i].position = result->events[i].position;
    if (writes_own) own_version = result->events[0].version;
    WriteAll(fd, acks.data(), acks.size() * sizeof(testing::CrashAck));
  }
  Die(4, "never killed");
}

int Main(int argc, char** argv) {
  if (argc != 5) Die(2, "usage: eventstore_crash_child DIR CYCLE THREADS FD");
  const std::string dir = argv[1];
  const std::uint64_t cycle = std::strtoull(argv[2], nullptr, 10);
  const std::uint64_t threads = std::strtoull(argv[3], nullptr, 10);
  const int fd = std::atoi(argv[4]);
  if (threads == 0 || threads > 256) Die(2, "THREADS must be 1 to 256");

  StoreOptions options;
  // Small, so that crashes also land while a checkpoint is being stored.
  options.checkpoint_every_events = 256;
  auto store = EventStore::Open(dir, options);
  if (!store) Die(3, "open: " + store.error().ToString());
  WriteAll(fd, &testing::kChildReady, 1);

  std::vector<std::thread> appenders;
  for (std::uint64_t t = 0; t < threads; ++t) {
    appenders.emplace_back([&, t] { Appender(**store, cycle, t, fd); });
  }
  for (auto& a : appenders) a.join();
  return 0;
}

}  // namespace
}  // namespace vigie::eventstore

int main(int argc, char** argv) { return vigie::eventstore::Main(argc, argv); }
