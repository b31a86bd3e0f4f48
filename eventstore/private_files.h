#pragma once
// Files only their owner may read, written durably: what a store, a backup
// and a restore hold (event records, the signing key, subject keys) must not
// become readable by others through a permissive umask, nor survive a crash
// half-written.
//
// Every directory made here is mode 0700 and every file 0600, set with
// chmod after creation: the umask can only narrow a mode, so it is set
// exactly. A copy is a new file (never a hard link): damaging the source
// afterwards cannot reach it.
//
// Stateless; every function may be called concurrently on distinct paths.
#include <string>

#include "eventstore/status.h"

namespace vigie::eventstore {

// Creates the directory `path` (its parent must exist; kAlreadyExists when
// it does too).
Status MakePrivateDir(const std::string& path);

// Copies the regular file `from` to the new file `to` and syncs it.
Status CopyPrivateFile(const std::string& from, const std::string& to);

// Creates `to` and copies into it every regular file directly under `from`
// (no subdirectories: a RocksDB directory has none), then syncs `to`.
Status CopyPrivateDir(const std::string& from, const std::string& to);

// Sets every directory under `path` (itself included) to 0700 and every
// regular file to 0600, without following symbolic links: files another
// library created with its own mode (RocksDB's 0644) become private too.
Status RestrictToOwner(const std::string& path);

// fsync of a directory, so that the entries made in it are durable.
Status SyncDir(const std::string& path);

// Removes `path` and everything under it when it goes out of scope, unless
// Keep() was called: no failure path leaves a half-made copy behind.
class RemoveUnlessKept {
 public:
  explicit RemoveUnlessKept(std::string path) : path_(std::move(path)) {}
  ~RemoveUnlessKept();
  RemoveUnlessKept(const RemoveUnlessKept&) = delete;
  RemoveUnlessKept& operator=(const RemoveUnlessKept&) = delete;
  void Keep() { path_.clear(); }

 private:
  std::string path_;
};

}  // namespace vigie::eventstore
