#include "tests/projections/domain_test_support.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <openssl/sha.h>

namespace vigie::projections::domain_testing {

RandomSource CountingRandom(std::uint64_t seed) {
  auto counter = std::make_shared<std::uint64_t>(0);
  return [seed, counter](std::span<std::uint8_t> out) {
    std::size_t filled = 0;
    while (filled < out.size()) {
      unsigned char block[SHA256_DIGEST_LENGTH];
      const std::uint64_t input[2] = {seed, (*counter)++};
      SHA256(reinterpret_cast<const unsigned char*>(input), sizeof input, block);
      for (std::size_t i = 0; i < sizeof block && filled < out.size(); ++i) out[filled++] = block[i];
    }
  };
}

TempDir::TempDir(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/" + std::string(prefix) + "-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> FilesContaining(const std::string& dir, std::string_view needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    const std::string bytes = read.str();
    if (bytes.find(needle) != std::string::npos) found.push_back(entry.path().string());
  }
  return found;
}

}  // namespace vigie::projections::domain_testing
