#include "tools/store_backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "eventstore/private_files.h"
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
// The erasure reason of a key destroyed without a record saying why
// (projections/state.h, Erasure).
constexpr std::string_view kKeyDestroyedReason = "key_destroyed";

Status Errno(std::string_view what, const fs::path& path) {
  return Internal(std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

// A directory argument as given, without trailing separators: suffixes are
// appended to it (DIR.partial, DIR.restoring), and "dir/" + ".partial"
// would name a file inside it.
fs::path DirArgument(const std::string& arg) {
  std::string path = arg;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return fs::path(path);
}

fs::path WithSuffix(const fs::path& dir, std::string_view suffix) {
  fs::path out = dir;
  out += suffix;
  return out;
}

fs::path ParentOf(const fs::path& path) { return path.parent_path().empty() ? fs::path(".") : path.parent_path(); }

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

// Writes `bytes` to a new file (mode 0600, whatever the umask) and syncs it.
Status WriteNewFile(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("create", path);
  std::size_t done = 0;
  Status status = ::fchmod(fd, 0600) == 0 ? Status::Ok() : Errno("chmod", path);
  while (status.ok() && done < bytes.size()) {
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

struct KeysCopied {
  std::size_t copied = 0;
  std::size_t missing = 0;  // absent from the source directory
};

// Copies the subject keys `ids` from `from` to the new directory `to`,
// counting those absent from `from` (what that means is the caller's to
// say). A key file that is not a whole key is refused.
Result<KeysCopied> CopyKeys(const fs::path& from, const fs::path& to, const std::set<std::string>& ids) {
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::MakePrivateDir(to.string()));
  KeysCopied result;
  for (const std::string& id : ids) {
    auto bytes = ReadSmallFile(from / (id + ".key"), kKeyFileBytes);
    if (!bytes) {
      if (bytes.error().code() != StatusCode::kNotFound) return Fail(bytes.error());
      ++result.missing;
      continue;
    }
    if (bytes->size() != kKeyFileBytes || !bytes->starts_with(kKeyMagic)) {
      std::fill(bytes->begin(), bytes->end(), '\0');
      return Fail(DataLoss("subject key file " + (from / (id + ".key")).string() + " is damaged"));
    }
    Status written = WriteNewFile(to / (id + ".key"), *bytes);
    std::fill(bytes->begin(), bytes->end(), '\0');
    VIGIE_RETURN_IF_ERROR_AS_FAIL(written);
    ++result.copied;
  }
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::SyncDir(to.string()));
  return result;
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
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::MakePrivateDir(shadow.string()));
  fs::create_directory_symlink(source / layout::kStoreSubdir, shadow / layout::kStoreSubdir, ec);
  if (!ec) fs::create_symlink(source / layout::kSigningKeyFile, shadow / layout::kSigningKeyFile, ec);
  if (ec) return Fail(Internal("cannot prepare reading " + data_dir + ": " + ec.message()));
  auto checkpoint = ReadSmallFile(source / layout::kLatestCheckpointFile, 64 * 1024);
  if (checkpoint) {
    VIGIE_RETURN_IF_ERROR_AS_FAIL(WriteNewFile(shadow / layout::kLatestCheckpointFile, *checkpoint));
  } else if (checkpoint.error().code() != StatusCode::kNotFound) {
    return Fail(checkpoint.error());
  }
  return eventstore::EventStore::OpenReadOnly(shadow.string());
}

// Copies the log of `source` (in use or not) into the new directory
// `staging`, retrying when a running server's compaction removed a table
// file the read-only view still named.
Status CopyLog(const fs::path& source, const fs::path& staging, const fs::path& shadow) {
  Status copied = Status::Ok();
  for (int attempt = 0; attempt < kBackupAttempts; ++attempt) {
    // A read-only open sees the file set of its moment; only a fresh open
    // sees the new set, so every attempt reopens.
    auto store = OpenLiveReadOnly(source.string(), shadow);
    if (!store) {
      copied = store.error();
      if (store.error().code() == StatusCode::kDataLoss && attempt + 1 < kBackupAttempts) continue;
      return copied;
    }
    copied = (*store)->Backup(staging.string());  // removes `staging` when it fails
    if (copied.ok()) break;
  }
  return copied;
}

// The log of a restored copy once its subjects are erased where due.
struct ErasedCopy {
  std::size_t recorded = 0;      // subjects of withheld keys
  std::size_t by_retention = 0;
  std::uint64_t tree_size = 0;
  std::string root_hash;
};

// In the restored copy `dir`: the erasure of the subjects whose keys were
// withheld (`withheld`: key id -> reason), then retention at the restore's
// clock. A subject whose key is gone is thus erased in the log too.
Result<ErasedCopy> EraseInRestoredCopy(const fs::path& dir, const std::map<std::string, std::string>& withheld,
                                       const eventstore::Clock& clock) {
  eventstore::StoreOptions store_options;
  store_options.clock = clock;
  auto store = eventstore::EventStore::Open(dir.string(), store_options);
  if (!store) return Fail(store.error());
  ErasedCopy out;
  {
    projections::LedgerOptions ledger_options;
    ledger_options.key_dir = (dir / kKeysSubdir).string();
    ledger_options.clock = clock;
    auto ledger = projections::Ledger::Open(store->get(), ledger_options);
    if (!ledger) return Fail(ledger.error());
    auto recorded = (*ledger)->RecordKnownErasures(withheld);
    if (!recorded) return Fail(recorded.error());
    out.recorded = *recorded;
    auto erased = (*ledger)->ApplyRetention();
    if (!erased) return Fail(erased.error());
    out.by_retention = *erased;
  }
  out.tree_size = (*store)->Size();
  auto root = (*store)->RootAt(out.tree_size);
  if (!root) return Fail(root.error());
  out.root_hash = merkle::ToHex(*root);
  VIGIE_RETURN_IF_ERROR_AS_FAIL((*store)->Close());
  return out;
}

}  // namespace

Result<BackupResult> BackupStore(const std::string& data_dir, const std::string& backup_dir,
                                 const eventstore::ProgressFn& progress) {
  const fs::path source = DirArgument(data_dir);
  const fs::path target = DirArgument(backup_dir);
  const fs::path staging = WithSuffix(target, ".partial");
  std::error_code ec;
  if (fs::exists(target, ec)) return Fail(AlreadyExists("the backup target " + target.string() + " already exists"));
  if (fs::exists(staging, ec)) {
    return Fail(FailedPrecondition("an interrupted backup left " + staging.string() + ": remove it first"));
  }
  const fs::path shadow = WithSuffix(target, ".source");
  const eventstore::RemoveUnlessKept remove_shadow(shadow.string());  // symbolic links and a copied file only
  eventstore::RemoveUnlessKept remove_staging(staging.string());

  // The log first, then the keys its copy needs. A key absent from the key
  // store was destroyed after its SubjectErased became durable, which the
  // copy, read before, does not hold: a fresh copy of the log does, so the
  // backup is taken again. A backup thus holds every key its log needs, and
  // a restore can tell a missing key from a damaged backup.
  BackupResult result;
  for (int attempt = 0;; ++attempt) {
    VIGIE_RETURN_IF_ERROR_AS_FAIL(CopyLog(source, staging, shadow));
    auto copy = eventstore::EventStore::OpenReadOnly(staging.string());
    if (!copy) return Fail(copy.error());
    auto keys = CollectSubjectKeys(**copy, /*tolerate_damage=*/false, progress);
    if (!keys) return Fail(keys.error());
    copy->reset();
    auto copied = CopyKeys(source / kKeysSubdir, staging / kKeysSubdir, keys->Live());
    if (!copied) return Fail(copied.error());
    if (copied->missing == 0) {
      result.keys = copied->copied;
      break;
    }
    if (attempt + 1 == kBackupAttempts) {
      return Fail(FailedPrecondition(std::to_string(copied->missing) + " subject key(s) the log needs are missing from " +
                                     (source / kKeysSubdir).string()));
    }
    fs::remove_all(staging, ec);
    if (ec) return Fail(Internal("removing " + staging.string() + ": " + ec.message()));
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
  VIGIE_RETURN_IF_ERROR_AS_FAIL(WriteNewFile(staging / kManifestFile, boost::json::serialize(manifest) + "\n"));
  // Sealing opened the copy for writing: RocksDB made its new files 0644.
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::RestrictToOwner(staging.string()));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::SyncDir(staging.string()));
  fs::rename(staging, target, ec);
  if (ec) return Fail(Internal("renaming the backup into place: " + ec.message()));
  remove_staging.Keep();
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::SyncDir(ParentOf(target).string()));
  return result;
}

Result<RestoreResult> RestoreStore(const RestoreOptions& options, const eventstore::ProgressFn& progress) {
  const fs::path backup = DirArgument(options.backup_dir);
  const fs::path data = DirArgument(options.data_dir);
  std::error_code ec;

  // 1. The backup, verified before anything is touched.
  if (!HoldsStore(backup)) return Fail(NotFound("no backup in " + backup.string()));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(RequireVerified(backup.string(), "the backup", progress));
  SubjectKeys backup_keys;
  std::string origin, verifier_key;
  {
    auto store = eventstore::EventStore::OpenReadOnly(backup.string());
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

  // 2. What DIR holds now, and which keys it says were destroyed (key id ->
  // the reason DIR's log recorded, or key_destroyed when it recorded none).
  const bool dir_exists = fs::exists(data, ec);
  const bool dir_empty = dir_exists && fs::is_directory(data, ec) && fs::is_empty(data, ec);
  if (dir_exists && !dir_empty && !options.replace) {
    return Fail(InvalidArgument(data.string() + " is not empty: add --replace to replace what it holds by the backup"));
  }
  std::map<std::string, std::string> destroyed;
  if (dir_exists && !dir_empty && HoldsStore(data)) {
    auto current = eventstore::EventStore::Open(data.string());
    if (!current && current.error().message().find("lock") != std::string::npos) {
      return Fail(FailedPrecondition(data.string() + " is in use (is `vigie serve` running?): stop it first"));
    }
    std::unique_ptr<eventstore::EventStore> readable;
    if (current) {
      readable = std::move(*current);
    } else if (auto damaged = eventstore::EventStore::OpenReadOnly(data.string()); damaged) {
      readable = std::move(*damaged);
    }
    if (readable) {
      if (readable->VerifierKey() != verifier_key) {
        return Fail(FailedPrecondition(data.string() + " holds another log (origin " + readable->origin() +
                                       ") than the backup"));
      }
      auto keys = CollectSubjectKeys(*readable, /*tolerate_damage=*/true);
      if (!keys) return Fail(keys.error());
      for (const auto& [key, reason] : keys->erased) {
        destroyed.emplace(key, reason.empty() ? std::string(kKeyDestroyedReason) : reason);
      }
      const std::set<std::string> present = KeysPresent(data / kKeysSubdir);
      for (const std::string& key : keys->named) {
        if (!present.contains(key)) destroyed.emplace(key, kKeyDestroyedReason);
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
        if (!present.contains(key)) destroyed.emplace(key, kKeyDestroyedReason);
      }
    }
  }
  // Every key the backup's log needs is in the backup (BackupStore takes the
  // backup again when one is erased meanwhile), unless DIR says it was
  // destroyed since: any other missing key means a damaged backup.
  const std::set<std::string> in_backup = KeysPresent(backup / kKeysSubdir);
  std::set<std::string> restored_keys;
  std::map<std::string, std::string> withheld;
  std::size_t missing = 0;
  for (const std::string& key : backup_keys.Live()) {
    if (auto reason = destroyed.find(key); reason != destroyed.end()) {
      withheld.insert(*reason);
    } else if (in_backup.contains(key)) {
      restored_keys.insert(key);
    } else {
      ++missing;
    }
  }
  if (missing > 0) {
    return Fail(FailedPrecondition("the backup lacks " + std::to_string(missing) +
                                   " subject key(s) its log needs: it is damaged"));
  }

  // 3. Assemble beside DIR, verify, record the erasures, swap in.
  const fs::path staging = WithSuffix(data, ".restoring");
  if (fs::exists(staging, ec)) {
    return Fail(FailedPrecondition("an interrupted restore left " + staging.string() + ": remove it first"));
  }
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::MakePrivateDir(staging.string()));
  eventstore::RemoveUnlessKept remove_staging(staging.string());
  VIGIE_RETURN_IF_ERROR_AS_FAIL(
      eventstore::CopyPrivateDir((backup / layout::kStoreSubdir).string(), (staging / layout::kStoreSubdir).string()));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::CopyPrivateFile((backup / layout::kSigningKeyFile).string(),
                                                            (staging / layout::kSigningKeyFile).string()));
  // The backup's latest checkpoint, kept outside RocksDB: the restored store
  // checks at every open that its log still covers it. (Backups made before
  // it was carried have none; the store then opens without that check.)
  if (fs::exists(backup / layout::kLatestCheckpointFile, ec)) {
    VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::CopyPrivateFile((backup / layout::kLatestCheckpointFile).string(),
                                                              (staging / layout::kLatestCheckpointFile).string()));
  }
  auto copied = CopyKeys(backup / kKeysSubdir, staging / kKeysSubdir, restored_keys);
  if (!copied) return Fail(copied.error());
  if (copied->missing > 0) return Fail(FailedPrecondition("the backup's keys changed during the restore"));
  RestoreResult result;
  result.keys = copied->copied;
  result.keys_withheld = withheld.size();
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::SyncDir(staging.string()));
  VIGIE_RETURN_IF_ERROR_AS_FAIL(RequireVerified(staging.string(), "the restored copy", progress));

  // A withheld key's subject is erased in the restored log too, then
  // retention runs at today's date: subjects erased since the backup whose
  // erasure records were lost with DIR are erased again. Done in the copy,
  // so that a failure leaves DIR as it was.
  auto erased = EraseInRestoredCopy(staging, withheld, options.clock);
  if (!erased) return Fail(erased.error());
  result.erasures_recorded = erased->recorded;
  result.erased_by_retention = erased->by_retention;
  result.tree_size = erased->tree_size;
  result.root_hash = erased->root_hash;
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::RestrictToOwner(staging.string()));

  fs::path replaced;
  if (dir_exists && dir_empty) {
    fs::remove(data, ec);
  } else if (dir_exists) {
    replaced = WithSuffix(data, ".replaced-" + CompactUtc(options.clock()));
    fs::rename(data, replaced, ec);
    if (ec) return Fail(Internal("moving " + data.string() + " aside: " + ec.message()));
  }
  fs::rename(staging, data, ec);
  if (ec) {
    std::error_code ignored;
    if (!replaced.empty()) fs::rename(replaced, data, ignored);  // DIR as it was
    return Fail(Internal("moving the restored store into " + data.string() + ": " + ec.message()));
  }
  remove_staging.Keep();
  VIGIE_RETURN_IF_ERROR_AS_FAIL(eventstore::SyncDir(ParentOf(data).string()));
  if (!replaced.empty()) {
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
  return result;
}

}  // namespace vigie::tools
