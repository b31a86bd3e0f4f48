#pragma once
// Backup and restore of a data directory (`vigie backup`, `vigie restore`).
//
// A backup is a directory:
//   BACKUP/store/        a RocksDB checkpoint of the log (storage_layout.h)
//   BACKUP/signing.key   the log's checkpoint key (mode 0600)
//   BACKUP/keys/         the subject keys the backed-up log still needs
//   BACKUP/backup.json   what was backed up: origin, tree size, root hash,
//                        the signed checkpoint covering every record, the
//                        verifier key, the number of keys (informative:
//                        restore trusts only what it recomputes)
//
// Backing up a store in use. `vigie serve` holds RocksDB's write lock, and
// RocksDB admits one writing process; `vigie backup` therefore opens the
// store read-only (no lock) and takes a RocksDB checkpoint of that view:
// hard links to the immutable table files and copies of the manifest and of
// the write-ahead log up to the size the view read. Appends are atomic write
// batches and the store tolerates a torn WAL tail, so the copy holds a
// prefix of whole commands. A compaction of the serving process may delete
// a table file while it is linked: the checkpoint then fails and is retried.
// The linked files are then copied (EventStore::Backup): a backup shares no
// file with the store, so damage to one cannot reach the other.
// The copy is then sealed (a checkpoint of its full size is signed into it)
// and verified end to end (eventstore::VerifyStore) before it is renamed
// into place, so a backup either verifies or does not exist: every failure
// removes what it had made (BACKUP.partial), and a retry starts clean.
//
// Subject keys. The log is copied first, the keys second, and only the keys
// the copied log names and does not erase: a key is durable before any event
// naming it, so every key the copy needs exists when it is copied, unless it
// was erased meanwhile; then its SubjectErased is durable, and the backup is
// taken again from a fresh copy of the log that holds it. So a backup holds
// every key its log needs.
//
// Restore. The backup is verified (every record, every checkpoint, and its
// latest signed checkpoint must cover all of it) before anything is touched;
// it is assembled beside DIR (DIR.restoring), verified again, and swapped
// in; a failure before the swap leaves DIR as it was and nothing beside it.
// Erased subjects stay erased: a key is withheld from the restored key store
// when the current log in DIR erased it, or when the current log names it
// and DIR's key store no longer holds it (or, DIR's log being unreadable,
// when DIR's key store no longer holds it). Every withheld key's subject is
// then erased in the restored log as well (SubjectErased with the reason
// DIR's log recorded, or key_destroyed), so that no situation shows active
// while its key is gone; then retention runs at today's date, which erases
// again every subject whose time has come even if DIR was lost with its
// erasure records. A key the backup's log needs that is neither in the
// backup nor withheld means a damaged backup: the restore is refused. The
// store DIR held is kept beside it (DIR.replaced-<time>) for the auditors,
// without its keys: those are destroyed, so no copy of a subject key
// outlives its retention.
//
// Files. A backup, and the copy a restore assembles, are private to their
// owner whatever the umask: directories 0700, files 0600. Directory
// arguments may end with a separator ("bk/").
//
// A backup holds subject keys: keep backups no longer than the archive
// period (SPEC §4), since a restore can only withhold the keys it knows
// were destroyed.
#include <cstdint>
#include <optional>
#include <string>

#include "eventstore/event_store.h"
#include "eventstore/status.h"

namespace vigie::tools {

struct BackupResult {
  std::uint64_t tree_size = 0;
  std::string root_hash;  // hex
  std::string checkpoint;  // the signed note covering every record
  std::size_t keys = 0;
};

// Backs up `data_dir` (in use or not) into `backup_dir`, which must not exist.
Result<BackupResult> BackupStore(const std::string& data_dir, const std::string& backup_dir,
                                 const eventstore::ProgressFn& progress = {});

struct RestoreOptions {
  std::string backup_dir;
  std::string data_dir;
  // DIR already holds a store: replace it (kept as DIR.replaced-<time>).
  bool replace = false;
  // When given, the backup's checkpoints must be signed by this key.
  std::optional<std::string> verifier_key;
  // Clock of the retention run after the restore.
  eventstore::Clock clock = eventstore::SystemClockNs;
};

struct RestoreResult {
  std::uint64_t tree_size = 0;
  std::string root_hash;
  std::size_t keys = 0;           // subject keys restored
  std::size_t keys_withheld = 0;  // in the backup but known to be destroyed
  std::size_t erasures_recorded = 0;  // subjects of withheld keys erased in the log
  std::size_t erased_by_retention = 0;
  std::string replaced_dir;       // empty when DIR held no store
};

// kInvalidArgument when DIR holds a store and `replace` is false;
// kFailedPrecondition when the backup does not verify, lacks a key its log
// needs, or DIR is in use.
Result<RestoreResult> RestoreStore(const RestoreOptions& options,
                                   const eventstore::ProgressFn& progress = {});

}  // namespace vigie::tools
