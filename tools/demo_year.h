#pragma once
// LoadDemoYear: a new store holding a realistic year of the ZSP of
// Montreynaud (2013), built on the seeds (the préfecture's "moyens mis en
// oeuvre" and the CLS of Poitiers' action plan), for `vigie demo`.
//
// Every step goes through Ledger::Execute with a SPEC §9 body, sent with
// the token of the person who would do it, so every domain rule is checked
// as it would be over HTTP. The store's and the ledger's clock is driven by
// the script: each command is recorded at its own recorded_at (January 2013
// to March 2014), a few of them weeks after they happened, so that the
// year as known on an earlier date differs from the year as known today.
// Retention runs once a day, before that day's first command, as a server
// would run it: closed situations are archived the day after closure.
//
// Deterministic: the script, the clock and the ledger's randomness (token
// and key bytes, event ids, nonces, from a fixed-seed generator) are the
// same on every run, so two loads give the same records and root hash.
// Never use a demo store for real data: its tokens and keys come from a
// public seed.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eventstore/status.h"

namespace vigie::tools {

struct DemoOptions {
  std::string dir;  // must not hold a store
  std::string origin = "demo.vigie.example/zsp-montreynaud";
  // The demo is loaded in one go: false syncs once, when the store closes,
  // instead of after every command.
  bool sync_each_command = false;
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct DemoPerson {
  std::string person_id;
  std::vector<std::string> roles;
  std::string token;
};

struct DemoResult {
  std::vector<DemoPerson> people;  // the administrator first, then by enrollment; revoked people left out
  std::uint64_t commands = 0;
  std::uint64_t tree_size = 0;
  std::string root_hash;  // hex
  std::string verifier_key;
};

Result<DemoResult> LoadDemoYear(const DemoOptions& options);

}  // namespace vigie::tools
