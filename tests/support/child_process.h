#pragma once
// Child processes for the process-level tests (the kill loop, SIGTERM of
// `vigie serve`, backup under load): start a program with its output in
// files, wait for it with a bound, read what it wrote, find the port a
// `vigie serve --listen 127.0.0.1:0` child announced.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <regex>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace vigie::child_process {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Starts argv (argv[0] a path) with stdout and stderr sent to files; the
// pid, or -1.
inline pid_t Spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits for `pid` at most `within`: its exit code (128 + signal when killed),
// or -1 after killing it.
inline int WaitExit(pid_t pid, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

// The port `vigie serve --listen 127.0.0.1:0` (pid) announced in its log
// (`listening on http://127.0.0.1:PORT`, in one of log_files); 0 when it
// exited (it is left to be reaped by the caller) or said nothing within
// `within`.
inline std::uint16_t WaitForPort(pid_t pid, const std::vector<std::string>& log_files,
                                 std::chrono::milliseconds within) {
  static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log;
    for (const std::string& file : log_files) log += ReadFile(file);
    std::smatch match;
    if (std::regex_search(log, match, kListening)) return static_cast<std::uint16_t>(std::stoi(match[1]));
    siginfo_t exited{};
    if (waitid(P_PID, static_cast<id_t>(pid), &exited, WEXITED | WNOHANG | WNOWAIT) == 0 && exited.si_pid == pid) {
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return 0;
}

}  // namespace vigie::child_process
