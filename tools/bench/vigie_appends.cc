#include "tools/bench/vigie_appends.h"

#include <optional>
#include <vector>

#include "tools/bench/bench_event.h"

namespace vigie::bench {

using eventstore::AppendRequest;
using eventstore::ExpectedVersion;

Result<std::unique_ptr<VigieAppends>> VigieAppends::Create(const std::string& dir, bool sync) {
  auto init = eventstore::EventStore::Init(dir, "bench.vigie.example/log");
  if (!init) return Fail(init.error());
  eventstore::StoreOptions options;  // the server's defaults
  options.sync = sync;
  auto store = eventstore::EventStore::Open(dir, options);
  if (!store) return Fail(store.error());
  return std::unique_ptr<VigieAppends>(new VigieAppends(std::move(*store)));
}

Result<AppendRun> VigieAppends::Run(int appenders, std::chrono::duration<double> duration) {
  const int run = ++runs_;
  // Each appender owns a stream and knows its version, as a client that
  // just read its aggregate does; no append is ever refused.
  std::vector<std::optional<std::uint64_t>> versions(static_cast<std::size_t>(appenders));
  std::vector<std::uint64_t> counters(static_cast<std::size_t>(appenders), 0);
  const eventstore::StoreStats before = store_->Stats();
  auto result = RunForDuration(appenders, duration, [&](int w) -> Result<std::uint64_t> {
    const auto slot = static_cast<std::size_t>(w);
    const std::uint64_t worker = (static_cast<std::uint64_t>(run) << 16) | static_cast<std::uint64_t>(w);
    const std::uint64_t n = counters[slot]++;
    const std::string stream = "bench-" + std::to_string(run) + "-" + std::to_string(w);
    AppendRequest request;
    request.command_id = BenchCommandId(worker, n);
    request.actor = BenchActor();
    request.events.push_back(BenchEvent(stream, worker, n));
    request.expectations.push_back(
        {stream, versions[slot] ? ExpectedVersion::Exact(*versions[slot]) : ExpectedVersion::NoStream()});
    auto appended = store_->Append(std::move(request));
    if (!appended) return Fail(appended.error());
    versions[slot] = appended->events[0].version;
    return 1;
  });
  if (!result) return Fail(result.error());
  const eventstore::StoreStats after = store_->Stats();
  return AppendRun{*result, after.commands - before.commands, after.batches - before.batches};
}

Result<std::size_t> VigieAppends::RecordBytes() const {
  auto first = store_->Read(0);
  if (!first) return Fail(first.error());
  return first->record.size();
}

}  // namespace vigie::bench
