// `vigie export`: the log as CloudEvents 1.0 JSON lines on stdout
// (tools/cloudevents.h), from a position to the end; `data` is each
// payload as the auditors' GET /v1/events renders it. The store is opened
// read-only, so a running `vigie serve` is no obstacle; the export stops at
// the size that was durable when it started. Subject keys are never
// exported: personal fields leave only as the ciphertext the log holds.
#include <cstdio>

#include <boost/json.hpp>

#include "tools/cli.h"
#include "tools/cloudevents.h"

namespace vigie::tools {
namespace {

constexpr std::size_t kPageEvents = 256;

Status Export(const std::string& dir, std::uint64_t from, std::uint64_t* exported) {
  auto opened = eventstore::EventStore::OpenReadOnly(dir);
  if (!opened) return opened.error();
  eventstore::EventStore& store = **opened;
  const std::uint64_t size = store.Size();
  if (from > size) {
    return InvalidArgument("--from " + std::to_string(from) + " is beyond the log's size " + std::to_string(size));
  }
  Progress progress("export");
  for (std::uint64_t position = from; position < size;) {
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(kPageEvents, size - position));
    auto events = store.ReadForward(position, count);
    if (!events) return events.error();
    if (events->empty()) return DataLoss("the log ends early, at position " + std::to_string(position));
    for (const eventstore::StoredEvent& event : *events) {
      auto cloud_event = ToCloudEvent(event, store.origin());
      if (!cloud_event) return cloud_event.error();
      std::string line = boost::json::serialize(*cloud_event);
      line.push_back('\n');
      if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size()) {
        return Internal("writing to stdout failed");
      }
    }
    position += events->size();
    *exported += events->size();
    progress.Update(position - from, size - from);
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) return Internal("writing to stdout failed");
  return Status::Ok();
}

}  // namespace

void AddExportCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "export",
      "Write the log as CloudEvents 1.0 JSON lines on stdout (one event per line, with its stored record, so that "
      "`vigie import` reproduces the same tree); subject keys are never exported");
  struct Args {
    std::string dir;
    std::uint64_t from = 0;
  };
  auto args = std::make_shared<Args>();
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--from", args->from, "First position to export")->check(WholeNumber())->capture_default_str();
  cmd->callback([args, &ctx] {
    std::uint64_t exported = 0;
    if (Status s = Export(args->dir, args->from, &exported); !s.ok()) {
      ctx.exit_code = ReportError(s);
      return;
    }
    std::fprintf(stderr, "vigie: exported %llu events\n", static_cast<unsigned long long>(exported));
  });
}

}  // namespace vigie::tools
