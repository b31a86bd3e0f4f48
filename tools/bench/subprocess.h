#pragma once
// Running a helper program (initdb, pg_ctl, psql, pgbench) and capturing
// what it prints. Only the PostgreSQL peer of the bench needs this.
#include <string>
#include <vector>

#include "eventstore/status.h"

namespace vigie::bench {

struct ProcessResult {
  int exit_code = 0;   // 128 + signal number when killed by a signal
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (looked up in PATH when it has no slash) and waits for it.
// Fails only when the program cannot be started; a non-zero exit is a
// result, for the caller to judge.
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv);

// "a b 'c d'": argv as a shell would read it back, for error messages.
std::string ShellQuoted(const std::vector<std::string>& argv);

}  // namespace vigie::bench
