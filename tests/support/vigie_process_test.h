#pragma once
// A GoogleTest fixture for tests that drive the real `vigie` program
// (VIGIE_BINARY, defined by the test's CMake target): a temporary directory
// with the store in dir_/data, one-shot sub-commands, and one `vigie serve`
// child (pid_) on an ephemeral port, killed at the end if still running.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/child_process.h"

namespace vigie::child_process {

class VigieProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "vigie-process-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    data_ = dir_ + "/data";
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }

  // `vigie ARGS...`, its stdout in *out; a non-zero exit is a test failure.
  int RunVigie(const std::vector<std::string>& args, std::string* out = nullptr) {
    std::vector<std::string> argv = {VIGIE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t pid = Spawn(argv, dir_ + "/run.out", dir_ + "/run.err");
    if (pid <= 0) return -1;
    int code = WaitExit(pid, std::chrono::seconds(300));
    if (out) *out = ReadFile(dir_ + "/run.out");
    if (code != 0) ADD_FAILURE() << "vigie exited " << code << ": " << ReadFile(dir_ + "/run.err");
    return code;
  }

  // Starts `vigie serve` on data_ and an ephemeral port; the port from its
  // log line, 0 if it did not start (pid_ is then -1 if it exited).
  std::uint16_t Serve(const std::string& workers) {
    pid_ = Spawn({VIGIE_BINARY, "serve", "--data", data_, "--listen", "127.0.0.1:0", "--workers", workers},
                 dir_ + "/serve.out", dir_ + "/serve.err");
    if (pid_ <= 0) return 0;
    const std::uint16_t port = WaitForPort(pid_, {dir_ + "/serve.err"}, std::chrono::seconds(60));
    if (port == 0 && waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
    return port;
  }

  std::string dir_;
  std::string data_;
  pid_t pid_ = -1;
};

}  // namespace vigie::child_process
