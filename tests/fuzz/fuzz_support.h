#pragma once
// What the fuzz targets share: a check that stops the process (libFuzzer
// then saves the input as a crash), a scratch directory removed at exit,
// and the fixed signing key every signed-note seed is made with.
//
// A fuzz target runs single-threaded in one process for millions of inputs:
// everything here is built once, on first use, and never freed before exit.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "eventstore/signed_note.h"

// An invariant the code under test broke. abort() rather than an exception:
// libFuzzer reports it as a crash and writes the reproducer.
#define FUZZ_CHECK(condition, what)                                                      \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s: %s\n", __FILE__, __LINE__, \
                   #condition, std::string(what).c_str());                               \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace vigie::fuzz {

// A fresh directory under $TMPDIR (or /tmp), removed when the process exits
// normally (libFuzzer's -runs / -max_total_time end with exit()).
inline const std::string& ScratchDir() {
  // Never destroyed: the atexit handler below runs after static destructors
  // of objects constructed later than it was registered.
  static const std::string* const dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/vigie-fuzz-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(ScratchDir(), ignored);
    });
    return new std::string(templ);
  }();
  return *dir;
}

// The key the signed-note seeds were made with (make_seeds.cc): a fixed
// seed, so that the corpus keeps verifying from one run to the next.
inline constexpr std::string_view kFuzzKeyName = "vigie.fuzz/log";
inline constexpr unsigned char kFuzzKeySeed[32] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20};

// Loads the fixed key through SigningKey::Load's key-file format.
inline const note::SigningKey& FuzzKey() {
  static const note::SigningKey key = [] {
    const std::string path = ScratchDir() + "/fuzz.key";
    const std::string seed(reinterpret_cast<const char*>(kFuzzKeySeed), sizeof kFuzzKeySeed);
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << "vigie-ed25519-v1\n" << kFuzzKeyName << "\n" << note::Base64Encode(seed) << "\n";
    }
    ::chmod(path.c_str(), 0600);
    Result<note::SigningKey> loaded = note::SigningKey::Load(path);
    FUZZ_CHECK(loaded.has_value(), loaded ? "" : loaded.error().ToString());
    std::filesystem::remove(path);
    return *std::move(loaded);
  }();
  return key;
}

}  // namespace vigie::fuzz
