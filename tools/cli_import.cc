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
// Trust. An export is only as good as whoever handed it over: every line
// checks against itself, but a forged history (records rewritten with their
// hashes recomputed) or a cut-short one (whole lines dropped at the end)
// checks too. With --checkpoint FILE --verifier-key KEY, FILE is the
// source's signed checkpoint (GET /v1/audit/checkpoint) and KEY the source's
// verifier key known from elsewhere: the note must be signed by KEY before
// anything is read, and the rebuilt tree must hold at least the
// checkpoint's size and have exactly its root at that size, or nothing is
// imported. Without them, the summary says the history was not checked.
//
// Subject keys are not part of an export: personal fields of the imported
// log stay sealed.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include <boost/json.hpp>

#include "eventstore/signed_note.h"
#include "eventstore/storage_layout.h"
#include "tools/cli.h"
#include "tools/cloudevents.h"

namespace vigie::tools {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunkRecords = 4096;
// A checkpoint is about 200 bytes; cosignatures (witnesses) add ~100 each.
constexpr std::size_t kCheckpointFileBytesMax = 64 * 1024;

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

// The checkpoint in `path`, once its note verifies under `verifier_key`. A
// file that cannot be a checkpoint is a usage error; a note not signed by
// the key is a failure found (kUnauthenticated).
Result<note::Checkpoint> ReadTrustedCheckpoint(const std::string& path, const std::string& verifier_key) {
  std::ifstream file(path, std::ios::binary);
  std::string text(kCheckpointFileBytesMax + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!file && !file.eof()) return Fail(InvalidArgument("--checkpoint " + path + " cannot be read"));
  text.resize(static_cast<std::size_t>(file.gcount()));
  if (text.size() > kCheckpointFileBytesMax) {
    return Fail(InvalidArgument("--checkpoint " + path + " is larger than a signed checkpoint can be"));
  }
  auto body = note::VerifyNote(verifier_key, text);
  if (!body) {
    return Fail(Status(body.error().code(), "--checkpoint " + path + " does not verify under --verifier-key: " +
                                                body.error().message() + "; nothing was imported"));
  }
  auto checkpoint = note::ParseCheckpoint(*body);
  if (!checkpoint) return Fail(InvalidArgument("--checkpoint " + path + ": " + checkpoint.error().message()));
  return checkpoint;
}

// The rebuilt tree against the source's signed checkpoint.
Status CheckAgainstCheckpoint(const eventstore::EventStore& store, const note::Checkpoint& checkpoint) {
  const std::string size = std::to_string(checkpoint.size);
  if (store.Size() < checkpoint.size) {
    return DataLoss("the export holds " + std::to_string(store.Size()) + " events, fewer than the " + size +
                    " its source's signed checkpoint covers: it was cut short; nothing was imported");
  }
  auto root = store.RootAt(checkpoint.size);
  if (!root) return root.error();
  if (*root != checkpoint.root) {
    return DataLoss("the first " + size + " events of the export do not have the root hash of its source's signed "
                    "checkpoint: they differ from the signed history; nothing was imported");
  }
  return Status::Ok();
}

// Reads and imports everything into `staging`, then checks it against
// `trusted` when given; the caller removes `staging` on failure.
Status ImportInto(const fs::path& staging, const std::string& wanted_origin,
                  const std::optional<note::Checkpoint>& trusted, std::FILE* in, ImportSummary* out) {
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
                                                      "', not of the expected log '" + wanted_origin +
                                                      "' (--origin, or --checkpoint's)"));
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
  if (trusted) VIGIE_RETURN_IF_ERROR(CheckAgainstCheckpoint(*store, *trusted));
  out->tree_size = store->Size();
  auto root = store->RootAt(out->tree_size);
  if (!root) return root.error();
  out->root_hash = merkle::ToHex(*root);
  return store->Close();
}

// DIR as a path without "." steps or trailing separators, so that the
// staging directory beside it is a sibling: "is/" names "is", whose staging
// is "is.importing", not "is/.importing" inside it.
Result<fs::path> TargetDir(const std::string& dir) {
  if (dir.empty()) return Fail(InvalidArgument("--data must name a directory"));
  std::error_code ec;
  fs::path target = fs::absolute(dir, ec);
  if (ec) return Fail(InvalidArgument("--data " + dir + ": " + ec.message()));
  target = target.lexically_normal();
  if (!target.has_filename() && target.has_relative_path()) target = target.parent_path();
  return target;
}

}  // namespace

void AddImportCommand(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "import",
      "Create a store from CloudEvents JSON lines on stdin (as `vigie export` writes them), byte for byte: same "
      "positions, leaf hashes and roots, a signing key of its own. All lines are checked; the first bad one is "
      "reported with its number and nothing is imported. With --checkpoint and --verifier-key, the history must "
      "also be the one the source signed");
  struct Args {
    std::string dir;
    std::string origin;
    std::optional<std::string> checkpoint_file;
    std::optional<std::string> verifier_key;
  };
  auto args = std::make_shared<Args>();
  AddDataOption(cmd, &args->dir);
  cmd->add_option("--origin", args->origin, "Expected origin of the exported log (default: the one the lines name)");
  auto* checkpoint = cmd->add_option("--checkpoint", args->checkpoint_file,
                                     "The source's signed checkpoint (GET /v1/audit/checkpoint): the imported tree "
                                     "must hold its size and have its root there")
                         ->check(CLI::ExistingFile);
  auto* key = AddVerifierKeyOption(cmd, &args->verifier_key,
                                   "The source's verifier key (as its `vigie init` printed it): --checkpoint must be "
                                   "signed by it");
  checkpoint->needs(key);
  key->needs(checkpoint);
  cmd->callback([args, &ctx] {
    auto target_dir = TargetDir(args->dir);
    if (!target_dir) {
      ctx.exit_code = ReportError(target_dir.error());
      return;
    }
    const fs::path target = *target_dir;
    std::error_code ec;
    if (fs::exists(target, ec) && !(fs::is_directory(target, ec) && fs::is_empty(target, ec))) {
      ctx.exit_code = ReportError(InvalidArgument(
          args->dir + " is not empty: import creates a new store (positions start at 0)"));
      return;
    }
    std::optional<note::Checkpoint> trusted;
    std::string origin = args->origin;
    if (args->checkpoint_file) {
      auto read = ReadTrustedCheckpoint(*args->checkpoint_file, *args->verifier_key);
      if (!read) {
        ctx.exit_code = ReportError(read.error());
        return;
      }
      if (!origin.empty() && origin != read->origin) {
        ctx.exit_code = ReportError(InvalidArgument("--checkpoint is of log '" + read->origin + "', not of --origin " +
                                                    origin));
        return;
      }
      origin = read->origin;  // the lines must be of the signed log
      trusted = std::move(*read);
    }
    fs::path staging = target;
    staging += ".importing";
    if (fs::exists(staging, ec)) {
      ctx.exit_code = ReportError(FailedPrecondition("an interrupted import left " + staging.string() + ": remove it first"));
      return;
    }
    ImportSummary summary;
    Status status = ImportInto(staging, origin, trusted, stdin, &summary);
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
                            {"verifier_key", summary.verifier_key},
                            {"checked_against_signed_checkpoint", trusted.has_value()}};
    if (trusted) {
      out["signed_checkpoint_tree_size"] = trusted->size;
    } else {
      std::fprintf(stderr,
                   "vigie: warning: the history was not checked against a signed checkpoint of its source (give "
                   "--checkpoint and --verifier-key): a forged or cut-short export imports just the same\n");
    }
    std::printf("%s\n", boost::json::serialize(out).c_str());
  });
}

}  // namespace vigie::tools
