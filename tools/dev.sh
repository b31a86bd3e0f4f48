#!/usr/bin/env bash
# The two commands of the README, for a fresh Debian 12 machine:
#   tools/dev.sh run    install what is missing, build, start the server on
#                       ./vigie-data with the demo year loaded
#   tools/dev.sh test   install what is missing, build, run every test (ctest)
# Also: tools/dev.sh build | bench [--smoke] [--full] [--json FILE]
#   bench: every figure of issue 6 in one run (vigie-bench, which also runs
#   vigie-bench-projections and tools/bench/http_bench.sh), one table with
#   ratios and targets met/MISSED; installs postgresql-15, wrk, jq, curl.
# Idempotent and non-interactive: packages already there are not reinstalled,
# the build is incremental, an existing data directory is reused.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake ninja-build pkg-config
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler
  libboost1.81-dev libboost-json1.81-dev
  libspdlog-dev libgtest-dev libssl-dev libcli11-dev libjemalloc-dev
)
BUILD_DIR=${VIGIE_BUILD_DIR:-build}
DATA_DIR=${VIGIE_DATA:-./vigie-data}
LISTEN=${VIGIE_LISTEN:-127.0.0.1:8080}

install_missing() {
  local missing=() p
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}

cmd=${1:-}
shift || true
case "$cmd" in
  build)
    install_missing
    build
    ;;
  test)
    # wrk, jq, curl: bench_smoke's HTTP part (skipped, saying so, without).
    install_missing wrk jq curl
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" --timeout 900 "$@"
    ;;
  run)
    install_missing
    build
    vigie="$BUILD_DIR/tools/vigie"
    if [ ! -d "$DATA_DIR/store" ]; then
      # `vigie demo` creates the store and loads the year; the tokens it
      # prints (shown once) are kept beside the data, readable by you only.
      (umask 077 && "$vigie" demo --data "$DATA_DIR" > "$DATA_DIR.demo-tokens.tsv.tmp")
      mv "$DATA_DIR.demo-tokens.tsv.tmp" "$DATA_DIR.demo-tokens.tsv"
    fi
    echo "Tokens of the demo's people (administrator, référent, partners, auditor): $DATA_DIR.demo-tokens.tsv"
    echo "Yearly report: $vigie report --data $DATA_DIR --year 2013 --format html > rapport-2013.html"
    exec "$vigie" serve --data "$DATA_DIR" --listen "$LISTEN" "$@"
    ;;
  bench)
    install_missing postgresql-15 wrk jq curl
    build
    exec "$BUILD_DIR/tools/bench/vigie-bench" "$@"
    ;;
  *)
    echo "usage: tools/dev.sh run|test|build|bench" >&2
    exit 2
    ;;
esac
