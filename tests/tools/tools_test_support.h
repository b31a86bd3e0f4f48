#pragma once
// Shared by the tools tests: temp directories, running the built `vigie`
// binary (its path comes from CMake as VIGIE_BINARY), files, and the demo
// store most tests read.
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace vigie::tools::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it
// when the object goes away.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `vigie <args...>` with `stdin_file` (or /dev/null) as its input.
RunResult RunVigie(const std::vector<std::string>& args, const std::string& stdin_file = "");

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);
std::vector<std::string> Lines(const std::string& text);
// The lines of `err` but the progress lines ("label: 40% (4/10)") that a
// run lasting over a second writes when stderr is no terminal.
std::vector<std::string> ErrorLines(const std::string& err);
// Flips one bit in the middle of the largest table file (.sst) of the
// RocksDB directory `store_dir`; false when it holds none.
bool DamageLargestTable(const std::string& store_dir);

// A demo store loaded once per test process, in-process (LoadDemoYear),
// never written to by tests: copy it (vigie backup) to change it.
const std::string& SharedDemoDir();
// Its root hash and size right after loading.
const std::string& SharedDemoRoot();

// The demo's fictional pseudonyms and a note text: what no output may show.
const std::vector<std::string>& PersonalStrings();

}  // namespace vigie::tools::testing
