// `vigie import`: a new store from CloudEvents JSON lines on stdin, as
// `vigie export` writes them (tools/cloudevents.h).
//
// The new store is made of the exported records, byte for byte
// (EventStore::ImportRecords), so positions, leaf hashes and every tree
// root are the exporter's; it gets a signing key of its own. Import always
// creates the store: positions start at 0, and a store made by `vigie init`
// already holds its administrator's bootstrap at position 0. The origin is
// the one the lines' `source` names (--origin, when given, must agree).
//
// All or nothing: every line is checked (JSON shape, record, leaf hash,
// every attribute against its record, the next position) and appended to a
// store built beside DIR; the first bad line stops the import with its
// number, the half-built store is removed, and DIR is left untouched. Only
// a fully imported, closed store is renamed into DIR. Memory stays bounded:
// records are appended in chunks as they are checked.
//
// Subject keys are not part of an export: personal fields of the imported
// log stay sealed.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <boost/json.hpp>

#include "eventstore/storage_layout.h"
#include "tools/cli.h"
#include "tools/cloudevents.h"

namespace vigie::tools {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunkRecords = 4096;

// Reads lines of at most kMaxCloudEventLineBytes (plus the newline).
class LineReader {
 public:
  explicit LineReader(std::FILE* in) : in_(in) {}
  // False at the end of input. *too_long when the line exceeded the limit
  // (its content is then dropped).
  bool Next(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    int c;
    bool any = false;
    while ((c = std::getc(in_)) != EOF) {
      any = true;
      ++bytes_read_;
      if (c == '\n') break;
      if (line->size() < kMaxCloudEventLineBytes + 1) {
        line->push_back(static_cast<char>(c));
      } else {
        *too_long = true;
      }
    }
    if (!line->empty() && line->back() == '\r') line->pop_back();
    if (line->size() > kMaxCloudEventLineBytes) *too_long = true;
    return any;
  }
  std::uint64_t bytes_read() const { return bytes_read_; }
  bool failed() const { return std::ferror(in_) != 0; }

 private:
  std::FILE* in_;
  std::uint64_t bytes_read_ = 0;
};

struct ImportSummary {
  std::uint64_t records = 0;
  std::uint64_t tree_size = 0;
  std::string root_hash;
  std::string origin;
  std::string verifier_key;
};

// A bad line is a failure found in the input (exit 1), not a usage error.
Status LineError(std::uint64_t line, const Status& status) {
  return DataLoss("line " + std::to_string(line) + ": " + status.message() +
                         "; nothing was imported");
}

// Reads and imports everything into `staging`; the caller removes it on failure.
Status ImportInto(const fs::path& staging, const std::string& wanted_origin, std::FILE* in, ImportSummary* out) {
  std::uint64_t total_bytes = 0;
  struct stat st{};
  if (::fstat(::fileno(in), &st) == 0 && S_ISREG(st.st_mode)) total_bytes = static_cast<std::uint64_t>(st.st_size);
  Progress progress("import");

  LineReader reader(in);
  std::unique_ptr<eventstore::EventStore> store;
  std::vector<std::string> chunk;
  std::uint64_t chunk_first_line = 0;
  std::uint64_t line_number = 0;
  std::string line;
  bool too_long = false;

  auto flush = [&]() -> Status {
    if (chunk.empty()) return Status::Ok();
    const std::size_t n = chunk.size();
    auto size = store->ImportRecords(std::move(chunk));
    chunk.clear();
    if (!size) {
      return DataLoss("lines " + std::to_string(chunk_first_line) + " to " +
                             std::to_string(chunk_first_line + n - 1) + " were refused by the store: " +
                             size.error().message() + "; nothing was imported");
    }
    return Status::Ok();
  };

  while (reader.Next(&line, &too_long)) {
    ++line_number;
    if (too_long) {
      return LineError(line_number, InvalidArgument("longer than " + std::to_string(kMaxCloudEventLineBytes) + " bytes"));
    }
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines carry nothing
    auto record = ParseCloudEvent(line);
    if (!record) return LineError(line_number, record.error());
    if (!store) {
      if (!wanted_origin.empty() && wanted_origin != record->origin) {
        return LineError(line_number, InvalidArgument("the events are of log '" + record->origin.substr(0, 200) +
                                                      "', not of --origin " + wanted_origin));
      }
      out->origin = record->origin;
      auto init = eventstore::EventStore::Init(staging.string(), out->origin);
      if (!init) return init.error();
      out->verifier_key = init->verifier_key;
      auto opened = eventstore::EventStore::Open(staging.string());
      if (!opened) return opened.error();
      store = std::move(*opened);
    }
    if (record->origin != out->origin) {
      return LineError(line_number, InvalidArgument("source names log '" + record->origin.substr(0, 200) +
                                                    "', earlier lines '" + out->origin + "'"));
    }
    if (record->position != out->records) {
      return LineError(line_number, InvalidArgument("position " + std::to_string(record->position) + " where " +
                                                    std::to_string(out->records) +
                                                    " is expected (an import starts at 0 and skips nothing)"));
    }
    if (chunk.empty()) chunk_first_line = line_number;
    chunk.push_back(std::move(record->record));
    ++out->records;
    if (chunk.size() == kChunkRecords) VIGIE_RETURN_IF_ERROR(flush());
    if (total_bytes > 0) progress.Update(reader.bytes_read(), total_bytes);
  }
  if (reader.failed()) return Internal("reading stdin failed");
  if (!store) return FailedPrecondition("no event on stdin: nothing to import");
  VIGIE_RETURN_IF_ERROR(flush());
  out->tree_size = store->Size();
  auto root = store->RootAt(out->tree_size);
  if (!root) return root.error();
  out->root_hash = merkle::ToHex(*root);
  return store->Close();
}

}  // namespace

void AddImportCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "import",
      "Create a store from CloudEvents JSON lines on stdin (as `vigie export` writes them), byte for byte: same "
      "positions, leaf hashes and roots, a signing key of its own. All lines are checked; the first bad one is "
      "reported with its number and nothing is imported");
  struct Args {
    std::string dir;
    std::string origin;
  };
  auto args = std::make_shared<Args>();
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--origin", args->origin, "Expected origin of the exported log (default: the one the lines name)");
  cmd->callback([args, &ctx] {
    const fs::path target(args->dir);
    std::error_code ec;
    if (fs::exists(target, ec) && !(fs::is_directory(target, ec) && fs::is_empty(target, ec))) {
      ctx.exit_code = ReportError(InvalidArgument(
          args->dir + " is not empty: import creates a new store (positions start at 0)"));
      return;
    }
    fs::path staging = target;
    staging += ".importing";
    if (fs::exists(staging, ec)) {
      ctx.exit_code = ReportError(FailedPrecondition("an interrupted import left " + staging.string() + ": remove it first"));
      return;
    }
    ImportSummary summary;
    Status status = ImportInto(staging, args->origin, stdin, &summary);
    if (status.ok()) {
      if (fs::exists(target, ec)) fs::remove(target, ec);  // empty, checked above
      fs::rename(staging, target, ec);
      if (ec) status = Internal("moving the imported store into " + args->dir + ": " + ec.message());
    }
    if (!status.ok()) {
      fs::remove_all(staging, ec);
      ctx.exit_code = ReportError(status);
      return;
    }
    boost::json::object out{{"imported", summary.records},
                            {"tree_size", summary.tree_size},
                            {"root_hash", summary.root_hash},
                            {"origin", summary.origin},
                            {"verifier_key", summary.verifier_key}};
    std::printf("%s\n", boost::json::serialize(out).c_str());
  });
}

}  // namespace vigie::tools
