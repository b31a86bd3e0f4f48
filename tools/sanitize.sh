#!/usr/bin/env bash
# Runs the test suite under sanitizers, each in its own build directory.
#
#   tools/sanitize.sh [asan] [tsan]        (default: both)
#
#   asan  build-asan, GCC, -DVIGIE_SANITIZE=address,undefined: every ctest
#         test but the benchmarks ($VIGIE_ASAN_EXCLUDE, a ctest -E regex;
#         $VIGIE_ASAN_TARGETS limits what is built, tests of the others
#         are then skipped); the kill loop runs 10 cycles there
#         ($VIGIE_KILL_LOOP_CYCLES), the plain build's ctest runs 50
#   tsan  build-tsan, GCC, -DVIGIE_SANITIZE=thread: the tests where threads
#         meet: the event store's group commit and concurrent appenders, its
#         crash test (appenders killed mid-flight), the HTTP server and its
#         worker pool, the response cache's and StateAt's single flights,
#         the ledger's and StateAt's concurrent tests, the router's wait for a
#         command answered late, the log read ahead of a fold (ScanAhead)
#         and the fact index's replay on two threads
#         ($VIGIE_TSAN_TESTS, a ctest -R regex)
#
# Any sanitizer report fails the test that produced it (UBSan and TSan are
# told to halt), so the script exits non-zero. Prints each phase's time.
# Installs what it needs, as tools/dev.sh does; builds are incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

ASAN_EXCLUDE=${VIGIE_ASAN_EXCLUDE:-[Bb]ench|_NOT_BUILT}
# Every test executable (and what they run: vigie, the crash child), not
# the benchmarks: their tests are excluded anyway.
ASAN_TARGETS=${VIGIE_ASAN_TARGETS:-eventstore_test eventstore_crash_test eventstore_corruption_test projections_test server_test server_process_test tools_test fault_kill_loop_test}
TSAN_TESTS=${VIGIE_TSAN_TESTS:-EventStoreTest\.|Concurren|HttpServer|WorkerPool|EventStream|Ledger.*Thread|LedgerTest\.Async|EndToEndTest\.|CrashTest\.|ResponseCacheTest\.|StateAtTest\.AsOfFolds|RouterEndpointTest\.Destroying|ScanAheadTest\.|StateAtLongFoldTest\.|FactIndexSyntheticTest\.}
TSAN_TARGETS=${VIGIE_TSAN_TARGETS:-eventstore_test eventstore_crash_test server_test projections_test}
JOBS=$(nproc)
PACKAGES=(
  g++ cmake ninja-build pkg-config
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler
  libboost1.81-dev libboost-json1.81-dev
  libspdlog-dev libgtest-dev libssl-dev libcli11-dev
)

phases=()
for arg in "$@"; do
  case "$arg" in
    asan|tsan) phases+=("$arg") ;;
    *) echo "usage: tools/sanitize.sh [asan] [tsan]" >&2; exit 2 ;;
  esac
done
[ ${#phases[@]} -gt 0 ] || phases=(asan tsan)

install_missing() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# -O1 -g1: about half the build time of -O2 -g, line numbers still in the
# sanitizer stacks ($VIGIE_SAN_FLAGS to change).
SAN_FLAGS=${VIGIE_SAN_FLAGS:--O1 -g1}
configure() {  # DIR SANITIZERS
  CC=gcc CXX=g++ cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$SAN_FLAGS" -DVIGIE_SANITIZE="$2" >/dev/null
}

timings=()
timed() {  # LABEL COMMAND...
  local label=$1 start status=0
  shift
  start=$(date +%s)
  "$@" || status=$?
  timings+=("$(printf '%-16s %5d s  exit %d' "$label" "$(( $(date +%s) - start ))" "$status")")
  return $status
}

run_asan() {
  configure build-asan "address,undefined"
  # shellcheck disable=SC2086  # a list of targets
  timed "asan build" cmake --build build-asan -j"$JOBS" --target $ASAN_TARGETS
  # detect_leaks: LeakSanitizer comes with ASan; halt_on_error: UBSan
  # otherwise prints and goes on, and the test would pass.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
  VIGIE_KILL_LOOP_CYCLES=${VIGIE_KILL_LOOP_CYCLES:-10} \
    timed "asan ctest" ctest --test-dir build-asan --output-on-failure -j"$JOBS" --timeout 900 \
      -E "$ASAN_EXCLUDE"
}

run_tsan() {
  configure build-tsan "thread"
  # shellcheck disable=SC2086  # a list of targets
  timed "tsan build" cmake --build build-tsan -j"$JOBS" --target $TSAN_TARGETS
  TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:history_size=7:suppressions=$PWD/tools/tsan.supp} \
    timed "tsan ctest" ctest --test-dir build-tsan --output-on-failure -j"$JOBS" --timeout 900 \
      -R "$TSAN_TESTS" -E "_NOT_BUILT"
}

install_missing
status=0
for phase in "${phases[@]}"; do
  "run_$phase" || status=1
done
echo "sanitize: times"
printf '  %s\n' "${timings[@]}"
exit $status
