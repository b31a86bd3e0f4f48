#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz and runs each one for a while.
#
#   tools/fuzz.sh [--seconds N] [--ci] [--build-only] [--seeds] [TARGET...]
#
#   --seconds N   run each target N seconds (default 60; --ci: 30)
#   --ci          CI mode: 30 s per target unless --seconds says otherwise
#   --build-only  build, run nothing
#   --seeds       rewrite the binary seeds of tests/fuzz/corpus (make_seeds.cc)
#   TARGET...     a subset of: fuzz_record fuzz_signed_note fuzz_proof fuzz_command
#                 fuzz_apply fuzz_http
#
# Installs what it needs (clang-19 and its libFuzzer runtime, the project's
# libraries), builds in build-fuzz with clang-19 + ASan + UBSan, and runs
# each target on its seed corpus (tests/fuzz/corpus/TARGET) plus a working
# corpus kept in build-fuzz/corpus/TARGET. Prints the executions per target;
# exits 1 on any crash, hang, leak or sanitizer report, leaving the
# reproducer in build-fuzz/artifacts/TARGET/ and the log beside it.
# Replay one: build-fuzz/tests/fuzz/TARGET build-fuzz/artifacts/TARGET/crash-...
#
# Why clang-19, not Debian's default clang-14: libstdc++ 12 declares
# std::expected only when __cpp_concepts >= 202002L, which clang first
# reports in 19 (Debian 12 ships clang-19 in bookworm itself).
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_TARGETS=(fuzz_record fuzz_signed_note fuzz_proof fuzz_command fuzz_apply fuzz_http)
BUILD_DIR=${VIGIE_FUZZ_BUILD_DIR:-build-fuzz}
PACKAGES=(
  clang-19 libclang-rt-19-dev cmake ninja-build pkg-config
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler
  libboost1.81-dev libboost-json1.81-dev
  libspdlog-dev libgtest-dev libssl-dev libcli11-dev
)

seconds=""
ci=0
build_only=0
seeds=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --ci) ci=1; shift ;;
    --build-only) build_only=1; shift ;;
    --seeds) seeds=1; shift ;;
    fuzz_*) targets+=("$1"); shift ;;
    *) echo "usage: tools/fuzz.sh [--seconds N] [--ci] [--build-only] [--seeds] [TARGET...]" >&2; exit 2 ;;
  esac
done
[ -n "$seconds" ] || seconds=$([ $ci -eq 1 ] && echo 30 || echo 60)
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")

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

install_missing
start=$(date +%s)
# -O1 -g1: libFuzzer's usual level, and a build that fits CI's budget
# ($VIGIE_FUZZ_FLAGS to change).
CC=clang-19 CXX=clang++-19 cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${VIGIE_FUZZ_FLAGS:--O1 -g1}" \
  -DVIGIE_FUZZ=ON -DVIGIE_SANITIZE=address,undefined >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${targets[@]}" fuzz_make_seeds
echo "fuzz: built in $(( $(date +%s) - start )) s"

if [ $seeds -eq 1 ]; then
  "$BUILD_DIR/tests/fuzz/fuzz_make_seeds" tests/fuzz/corpus
fi
[ $build_only -eq 1 ] && exit 0

# Halt on the first report of any sanitizer; libFuzzer then saves the input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# The command and HTTP targets keep keys and a store in a scratch
# directory: on tmpfs their fsyncs cost nothing.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi

max_len_of() {
  case "$1" in
    fuzz_command|fuzz_http) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

failed=()
summary=()
for target in "${targets[@]}"; do
  work="$BUILD_DIR/corpus/$target"
  artifacts="$BUILD_DIR/artifacts/$target"
  log="$artifacts/last-run.log"
  mkdir -p "$work" "$artifacts"
  dict=()
  [ -f "tests/fuzz/dict/$target.dict" ] && dict=("-dict=tests/fuzz/dict/$target.dict")
  echo "fuzz: $target for $seconds s"
  status=0
  "$BUILD_DIR/tests/fuzz/$target" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
    -max_len="$(max_len_of "$target")" -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$artifacts/" "$work" "tests/fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  reports=$(grep -cE "ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|FUZZ_CHECK failed|ERROR: libFuzzer" "$log" || true)
  summary+=("$(printf '%-18s %12s execs %8s/s  exit %s  reports %s' "$target" "${execs:-?}" "${rate:-?}" "$status" "$reports")")
  if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ]; then
    failed+=("$target")
    echo "fuzz: $target FAILED (exit $status); log $log:" >&2
    grep -E -A30 "ERROR: |runtime error:|FUZZ_CHECK failed|deadly signal|Test unit written" "$log" | head -80 >&2 || tail -40 "$log" >&2
  fi
done

echo "fuzz: summary ($seconds s per target)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (reproducers in $BUILD_DIR/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no crash, no sanitizer report"
