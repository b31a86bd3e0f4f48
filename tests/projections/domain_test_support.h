#pragma once
// Deterministic randomness, temporary directories and raw-file scans for
// the key store and ledger tests.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "projections/key_store.h"

namespace vigie::projections::domain_testing {

// A counter-based byte stream: the same seed gives the same bytes.
RandomSource CountingRandom(std::uint64_t seed);

// A fresh directory under $TMPDIR (or /tmp), removed on destruction.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Every regular file under `dir` whose bytes contain `needle`.
std::vector<std::string> FilesContaining(const std::string& dir, std::string_view needle);

}  // namespace vigie::projections::domain_testing
