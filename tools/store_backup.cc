#include "tools/store_backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <boost/json.hpp>

#include "eventstore/signed_note.h"
#include "eventstore/storage_layout.h"
#include "projections/key_store.h"
#include "projections/ledger.h"
#include "projections/rfc3339.h"
#include "tools/subject_keys.h"

// For functions returning Result<T>: fail with the Status of `expr`.
#define VIGIE_RETURN_IF_ERROR_AS_FAIL(expr)                     \
  do {                                                          \
    ::vigie::Status fail_status_ = (expr);                      \
    if (!fail_status_.ok()) return ::vigie::Fail(fail_status_); \
  } while (0)

namespace vigie::tools {
namespace {

namespace fs = std::filesystem;
namespace layout = eventstore::layout;

constexpr std::string_view kKeysSubdir = "keys";
constexpr std::string_view kManifestFile = "backup.json";
constexpr int kBackupAttempts = 5;
// projections/key_store.h: "VGK1" || 32-byte key.
constexpr std::string_view kKeyMagic = "VGK1";
constexpr std::size_t kKeyFileBytes = 36;

Status Errno(std::string_view what, const fs::path& path) {
  return Internal(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

Status FsyncPath(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync", path);
  return Status::Ok();
}

Status MakeDir(const fs::path& path) {
  if (::mkdir(path.c_str(), 0700) != 0) return Errno("mkdir", path);
  return Status::Ok();
}

Result<std::string> ReadSmallFile(const fs::path& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Fail(NotFound(path.string() + " does not exist"));
    return Fail(Errno("open", path));
  }
  std::string out(max_bytes + 1, '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

// Writes `bytes` to a new file (mode `mode`) and syncs it.
Status WriteNewFile(const fs::path& path, std::string_view bytes, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Errno("create", path);
  std::size_t done = 0;
  Status status = Status::Ok();
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = Errno("write", path);
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (status.ok() && ::fsync(fd) != 0) status = Errno("fsync", path);
  ::close(fd);
  return status;
}

Status CopyFileSynced(const fs::path& from, const fs::path& to, mode_t mode) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::none, ec);
  if (ec) return Internal("copying " + from.string() + ": " + ec.message());
  if (::chmod(to.c_str(), mode) != 0) return Errno("chmod", to);
  return FsyncPath(to, false);
}

// Copies the subject keys `ids` from `from` to the new directory `to`.
// A key absent from `from` was erased after the log was read: it stays
// absent. A key file that is not a whole key is refused.
Result<std::size_t> CopyKeys(const fs::path& from, const fs::path& to, const std::set<std::string>& ids) {
  VIGIE_RETURN_IF_ERROR_AS_FAIL(MakeDir(to));
  std::size_t copied = 0;
  for (const std::string& id : ids) {
    auto bytes = ReadSmallFile(from / (id + ".key"), kKeyFileBytes);
    if (!bytes) {
      if (bytes.error().code() == StatusCode::kNotFound) continue;
      return Fail(bytes.error());
    }
    if (bytes->size() != kKeyFileBytes || !bytes->starts_with(kKeyMagic)) {
      std::fill(bytes->begin(), bytes->end(), '\0');
      return Fail(DataLoss("subject key file " + (from / (id + ".key")).string() + " is damaged"));
    }
    Status written = WriteNewFile(to / (id + ".key"), *bytes, 0600);
    std::fill(bytes->begin(), bytes->end(), '\0');
    VIGIE_RETURN_IF_ERROR_AS_FAIL(written);
    ++copied;
  }
  VIGIE_RETURN_IF_ERROR_AS_FAIL(FsyncPath(to, true));
  return copied;
}

// The key ids present in a key directory (valid file names only).
std::set<std::string> KeysPresent(const fs::path& dir) {
  std::set<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 36 && name.ends_with(".key")) ids.insert(name.substr(0, 32));
  }
  return ids;
}

// The latest stored checkpoint must verify and cover the whole log.
Result<std::string> CheckLatestCheckpoint(const eventstore::EventStore& store, std::string_view verifier_key) {
  const auto checkpoints = store.Checkpoints();
  if (checkpoints.empty()) return Fail(FailedPrecondition("the backup holds no signed checkpoint"));
  const std::string& signed_note = checkpoints.back().second;
  auto body = note::VerifyNote(verifier_key, signed_note);
  if (!body) return Fail(FailedPrecondition("the backup's latest checkpoint does not verify: " + body.error().message()));
  auto checkpoint = note::ParseCheckpoint(*body);
  if (!checkpoint) return Fail(FailedPrecondition("the backup's latest checkpoint is malformed"));
  if (checkpoint->origin != store.origin()) {
    return Fail(FailedPrecondition("the backup's latest checkpoint names another log"));
  }
  if (checkpoint->size != store.Size()) {
    return Fail(FailedPrecondition("the backup's latest signed checkpoint covers " + std::to_string(checkpoint->size) +
                                   " of its " + std::to_string(store.Size()) + " records"));
  }
  auto root = store.RootAt(checkpoint->size);
  if (!root) return Fail(root.error());
  if (*root != checkpoint->root) {
    return Fail(FailedPrecondition("the backup's tree does not match its latest signed checkpoint"));
  }
  return signed_note;
}

Status RequireVerified(const std::string& dir, std::string_view what, const eventstore::ProgressFn& progress) {
  auto report = eventstore::VerifyStore(dir, progress);
  if (!report) return FailedPrecondition(std::string(what) + " cannot be verified: " + report.error().message());
  if (!report->ok()) {
    return FailedPrecondition(std::string(what) + " does not verify at position " +
                              std::to_string(report->first_bad_position.value_or(0)) + ": " + report->problem);
  }
  return Status::Ok();
}

// Signs and stores a checkpoint of the copy's full size (the source may not
// have stored one since its last appends). Always stored, even when the copy
// already holds one of its size: storing it also writes the copy's own
// DIR/latest-checkpoint (eventstore/event_store.h, "Lost tail"), which a
// RocksDB checkpoint does not carry. Ed25519 signatures are deterministic,
// so re-storing a checkpoint of the same size writes the same note.
Status Seal(const std::string& dir) {
  auto store = eventstore::EventStore::Open(dir);
  if (!store) return store.error();
  if ((*store)->Size() > 0) {
    auto stored = (*store)->StoreCheckpoint();
    if (!stored) return stored.error();
  }
  return (*store)->Close();
}

std::string CompactUtc(std::int64_t t_ns) {
  std::string text = projections::FormatRfc3339(t_ns - t_ns % 1'000'000'000);  // 2013-01-02T08:00:00Z
  std::erase_if(text, [](char c) { return c == '-' || c == ':'; });
  return text;  // 20130102T080000Z
}

bool HoldsStore(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / layout::kStoreSubdir / "CURRENT", ec) || fs::exists(dir / layout::kSigningKeyFile, ec);
}

// A read-only open of a store that another process may be writing to.
//
// EventStore::OpenReadOnly reads the log, then DIR/latest-checkpoint: a
// checkpoint the writer stores in between names a size the view does not
// hold, and the open fails as if RocksDB had lost the log's tail
// (kDataLoss). So the store is opened through `shadow`, a directory of
// symbolic links to DIR's RocksDB directory and signing key holding a copy
// of DIR/latest-checkpoint taken BEFORE the open: every checkpoint it names
// was durable before RocksDB was opened, so the view covers it, and a
// mismatch still means a damaged store.
Result<std::unique_ptr<eventstore::EventStore>> OpenLiveReadOnly(const std::string& data_dir,
                                                                 const fs::path& shadow) {
  std::error_code ec;
  fs::remove_all(shadow, ec);
  const fs::path source = fs::absolute(data_dir, ec);
  if (ec) return Fail(Internal("cannot resolve " + data_dir + ": " + ec.message()));
  if (!fs::exists(source / layout::kStoreSubdir / "CURRENT", ec)) return eventstore::EventStore::OpenReadOnly(data_dir);
  VIGIE_RETURN_IF_ERROR_AS_FAIL(MakeDir(shadow));
  fs::create_directory_symlink(source / layout::kStoreSubdir, shadow / layout::kStoreSubdir, ec);
  if (!ec) fs::create_symlink(source / layout::kSigningKeyFile, shadow / layout::kSigningKeyFile, ec);
  if (ec) return Fail(Internal("cannot prepare reading " + data_dir + ": " + ec.message()));
  auto checkpoint = ReadSmallFile(source / layout::kLatestCheckpointFile, 64 * 1024);
  if (checkpoint) {
    VIGIE_RETURN_IF_ERROR_AS_FAIL(WriteNewFile(shadow / layout::kLatestCheckpointFile, *checkpoint, 0600));
  } else if (checkpoint.error().code() != StatusCode::kNotFound) {
    return Fail(checkpoint.error());
  }
  return eventstore::EventStore::OpenReadOnly(shadow.string());
}

}  // namespace

Result<BackupResult> BackupStore(const std::string& data_dir, const std::string& backup_dir,
                                 const eventstore::ProgressFn& progress) {
  const fs::path target(backup_dir);
  fs::path staging = target;
  staging += ".partial";
  std::error_code ec;
  if (fs::exists(target, ec)) return Fail(AlreadyExists("the backup target " + backup_dir + " already exists"));
  if (fs::exists(staging, ec)) {
    return Fail(FailedPrecondition("an interrupted backup left " + staging.string() + ": remove it first"));
  }
  fs::path shadow = target;
  shadow += ".source";
  struct RemoveShadow {
    fs::path path;
    ~RemoveShadow() {
      std::error_code ignored;
      fs::remove_all(path, ignored);  // symbolic links and a copied file only
    }
  } remove_shadow{shadow};
  Status copied = Status::Ok();
  for (int attempt = 0; attempt < kBackupAttempts; ++attempt) {
    // A read-only open sees the file set of its moment; when a running
    // server's compaction removes a table file, only a fresh open sees the
    // new set, so every attempt reopens.
    auto source = OpenLiveReadOnly(data_dir, shadow);
    if (!source) {
      copied = source.error();
      if (source.error().code() == StatusCode::kDataLoss && attempt + 1 < kBackupAttempts) continue;
      return Fail(source.error());
    }
    copied = (*source)->Backup(staging.string());
    if (copied.ok()) break;
    fs::remove_all(staging, ec);
  }
  if (!copied.ok()) return Fail(std::move(copied));

  BackupResult result;
  {
    auto copy = eventstore::EventStore::OpenReadOnly(staging.string());
    if (!copy) return Fail(copy.error());
    auto keys = CollectSubjectKeys(**copy, /*tolerate_damage=*/false, progress);
    if (!keys) return Fail(keys.error());
    auto count = CopyKeys(fs::path(data_dir) / kKeysSubdir, staging / kKeysSubdir, keys->Live());
    if (!count) return Fail(count.error());
    result.keys = *count;
  }
  VIGIE_RETURN_IF_ERROR_AS_FAIL(Seal(staging.string()));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(RequireVerified(staging.string(), "the backup copy", progress));

  auto copy = eventstore::EventStore::OpenReadOnly(staging.string());
  if (!copy) return Fail(copy.error());
  auto checkpoint = CheckLatestCheckpoint(**copy, (*copy)->VerifierKey());
  if (!checkpoint) return Fail(checkpoint.error());
  auto root = (*copy)->RootAt((*copy)->Size());
  if (!root) return Fail(root.error());
  result.tree_size = (*copy)->Size();
  result.root_hash = merkle::ToHex(*root);
  result.checkpoint = *checkpoint;
  const boost::json::object manifest{{"format", "vigie-backup-1"},
                                     {"origin", (*copy)->origin()},
                                     {"tree_size", result.tree_size},
                                     {"root_hash", result.root_hash},
                                     {"checkpoint", result.checkpoint},
                                     {"verifier_key", (*copy)->VerifierKey()},
                                     {"subject_keys", result.keys},
                                     {"created_at", projections::FormatRfc3339(eventstore::SystemClockNs())}};
  copy->reset();
  VIGIE_RETURN_IF_ERROR_AS_FAIL(
      WriteNewFile(staging / kManifestFile, boost::json::serialize(manifest) + "\n", 0600));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(FsyncPath(staging, true));
  fs::rename(staging, target, ec);
  if (ec) return Fail(Internal("renaming the backup into place: " + ec.message()));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(FsyncPath(target.parent_path().empty() ? fs::path(".") : target.parent_path(), true));
  return result;
}

Result<RestoreResult> RestoreStore(const RestoreOptions& options, const eventstore::ProgressFn& progress) {
  const fs::path backup(options.backup_dir);
  const fs::path data(options.data_dir);
  std::error_code ec;

  // 1. The backup, verified before anything is touched.
  if (!HoldsStore(backup)) return Fail(NotFound("no backup in " + options.backup_dir));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(RequireVerified(options.backup_dir, "the backup", progress));
  SubjectKeys backup_keys;
  std::string origin, verifier_key;
  {
    auto store = eventstore::EventStore::OpenReadOnly(options.backup_dir);
    if (!store) return Fail(store.error());
    origin = (*store)->origin();
    verifier_key = (*store)->VerifierKey();
    if (options.verifier_key && *options.verifier_key != verifier_key) {
      return Fail(FailedPrecondition("the backup is signed by another key than the one given"));
    }
    auto checkpoint = CheckLatestCheckpoint(**store, options.verifier_key.value_or(verifier_key));
    if (!checkpoint) return Fail(checkpoint.error());
    auto keys = CollectSubjectKeys(**store, /*tolerate_damage=*/false);
    if (!keys) return Fail(keys.error());
    backup_keys = std::move(*keys);
  }

  // 2. What DIR holds now, and which keys it says were destroyed.
  const bool dir_exists = fs::exists(data, ec);
  const bool dir_empty = dir_exists && fs::is_directory(data, ec) && fs::is_empty(data, ec);
  if (dir_exists && !dir_empty && !options.replace) {
    return Fail(InvalidArgument(options.data_dir + " is not empty: add --replace to replace what it holds by the backup"));
  }
  std::set<std::string> destroyed;
  if (dir_exists && !dir_empty && HoldsStore(data)) {
    auto current = eventstore::EventStore::Open(options.data_dir);
    if (!current && current.error().message().find("lock") != std::string::npos) {
      return Fail(FailedPrecondition(options.data_dir + " is in use (is `vigie serve` running?): stop it first"));
    }
    std::unique_ptr<eventstore::EventStore> readable;
    if (current) {
      readable = std::move(*current);
    } else if (auto damaged = eventstore::EventStore::OpenReadOnly(options.data_dir); damaged) {
      readable = std::move(*damaged);
    }
    if (readable) {
      if (readable->VerifierKey() != verifier_key) {
        return Fail(FailedPrecondition(options.data_dir + " holds another log (origin " + readable->origin() +
                                       ") than the backup"));
      }
      auto keys = CollectSubjectKeys(*readable, /*tolerate_damage=*/true);
      if (!keys) return Fail(keys.error());
      destroyed = keys->erased;
      const std::set<std::string> present = KeysPresent(data / kKeysSubdir);
      for (const std::string& key : keys->named) {
        if (!present.contains(key)) destroyed.insert(key);
      }
      (void)readable->Close();
    } else if (fs::is_directory(data / kKeysSubdir, ec)) {
      // DIR's log cannot be read (that is often why one restores), but its
      // key store can: a key the backup needs that DIR no longer holds was
      // destroyed there (keys leave a key store only by erasure), so it
      // stays destroyed. Without the log nothing tells an erased key from
      // one created after DIR's last state: this errs on the side of erasure.
      const std::set<std::string> present = KeysPresent(data / kKeysSubdir);
      for (const std::string& key : backup_keys.Live()) {
        if (!present.contains(key)) destroyed.insert(key);
      }
    }
  }
  std::set<std::string> restored_keys;
  RestoreResult result;
  for (const std::string& key : backup_keys.Live()) {
    if (destroyed.contains(key)) {
      ++result.keys_withheld;
    } else {
      restored_keys.insert(key);
    }
  }

  // 3. Assemble beside DIR, verify, swap in.
  fs::path staging = data;
  staging += ".restoring";
  if (fs::exists(staging, ec)) {
    return Fail(FailedPrecondition("an interrupted restore left " + staging.string() + ": remove it first"));
  }
  VIGIE_RETURN_IF_ERROR_AS_FAIL(MakeDir(staging));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(MakeDir(staging / layout::kStoreSubdir));
  for (const auto& entry : fs::directory_iterator(backup / layout::kStoreSubdir, ec)) {
    if (!entry.is_regular_file()) continue;
    VIGIE_RETURN_IF_ERROR_AS_FAIL(
        CopyFileSynced(entry.path(), staging / layout::kStoreSubdir / entry.path().filename(), 0600));
  }
  if (ec) return Fail(Internal("reading " + (backup / layout::kStoreSubdir).string() + ": " + ec.message()));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(FsyncPath(staging / layout::kStoreSubdir, true));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(
      CopyFileSynced(backup / layout::kSigningKeyFile, staging / layout::kSigningKeyFile, 0600));
  // The backup's latest checkpoint, kept outside RocksDB: the restored store
  // checks at every open that its log still covers it. (Backups made before
  // it was carried have none; the store then opens without that check.)
  if (fs::exists(backup / layout::kLatestCheckpointFile, ec)) {
    VIGIE_RETURN_IF_ERROR_AS_FAIL(CopyFileSynced(backup / layout::kLatestCheckpointFile,
                                                 staging / layout::kLatestCheckpointFile, 0600));
  }
  auto copied = CopyKeys(backup / kKeysSubdir, staging / kKeysSubdir, restored_keys);
  if (!copied) return Fail(copied.error());
  result.keys = *copied;
  VIGIE_RETURN_IF_ERROR_AS_FAIL(FsyncPath(staging, true));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(RequireVerified(staging.string(), "the restored copy", progress));

  if (dir_exists && dir_empty) {
    fs::remove(data, ec);
  } else if (dir_exists) {
    fs::path replaced = data;
    replaced += ".replaced-" + CompactUtc(options.clock());
    fs::rename(data, replaced, ec);
    if (ec) return Fail(Internal("moving " + options.data_dir + " aside: " + ec.message()));
    result.replaced_dir = replaced.string();
    // The replaced store keeps its log for the auditors, not its keys: no
    // copy of a subject key may outlive the retention of the live store.
    if (fs::is_directory(replaced / kKeysSubdir, ec)) {
      auto old_keys = projections::KeyStore::Open((replaced / kKeysSubdir).string());
      if (!old_keys) return Fail(old_keys.error());
      for (const std::string& key : KeysPresent(replaced / kKeysSubdir)) {
        VIGIE_RETURN_IF_ERROR_AS_FAIL((*old_keys)->Erase(key));
      }
    }
  }
  fs::rename(staging, data, ec);
  if (ec) return Fail(Internal("moving the restored store into " + options.data_dir + ": " + ec.message()));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(FsyncPath(data.parent_path().empty() ? fs::path(".") : data.parent_path(), true));

  // 4. Retention at today's date: subjects erased since the backup whose
  // erasure records were lost with DIR are erased again.
  eventstore::StoreOptions store_options;
  store_options.clock = options.clock;
  auto store = eventstore::EventStore::Open(options.data_dir, store_options);
  if (!store) return Fail(store.error());
  {
    projections::LedgerOptions ledger_options;
    ledger_options.key_dir = (data / kKeysSubdir).string();
    ledger_options.clock = options.clock;
    auto ledger = projections::Ledger::Open(store->get(), ledger_options);
    if (!ledger) return Fail(ledger.error());
    auto erased = (*ledger)->ApplyRetention();
    if (!erased) return Fail(erased.error());
    result.erased_by_retention = *erased;
  }
  result.tree_size = (*store)->Size();
  auto root = (*store)->RootAt(result.tree_size);
  if (!root) return Fail(root.error());
  result.root_hash = merkle::ToHex(*root);
  VIGIE_RETURN_IF_ERROR_AS_FAIL((*store)->Close());
  return result;
}

}  // namespace vigie::tools
