#!/usr/bin/env bash
# http_bench.sh: the HTTP figures of issue 4, with wrk (Debian package wrk).
#
#   tools/bench/http_bench.sh [VIGIE_BINARY] [DURATION_S]
#
# Starts `vigie serve` on a fresh store in a temporary directory (a
# territory, three partners, a cell, a member with a token, 200 information
# items so that the cell view is not empty), then measures over 64
# connections, each run against a baseline measured on the same server in
# the same run (GET /healthz: routing, HTTP and logging, no store):
#
#   1. POST /v1/commands/share-information, a distinct info_id and
#      command_id per request (wrk Lua): commands/s, p50, p99;
#   2. GET /healthz (baseline), GET /v1/cells/{id}, GET /v1/dashboard at full
#      speed: req/s, p50, p99;
#   3. the same reads paced near 20k req/s. wrk2 is not packaged in Debian;
#      wrk's Lua delay() holds each of the 64 connections 3 ms after every
#      answer, i.e. at most 64 / 3 ms = 21.3k req/s. wrk measures latency
#      from the send of each request, so this understates a real
#      fixed-rate p99 (coordinated omission) whenever answers queue.
#
# The server logs one line per request to stderr (kept in the temp dir).
# Prints a summary table; raw wrk outputs stay in $OUT (printed at the end).
set -euo pipefail

VIGIE=${1:-$(dirname "$0")/../../build/tools/vigie}
DURATION=${2:-10}
CONNECTIONS=64
THREADS=2
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ -x "$VIGIE" ] || { echo "no vigie binary at $VIGIE" >&2; exit 2; }

OUT=$(mktemp -d /tmp/vigie-http-bench-XXXXXX)
# shellcheck source=tools/bench/serve_lib.sh
. "$(dirname "$0")/serve_lib.sh"
trap serve_stop EXIT
serve_start "$VIGIE" vigie.bench/http
for i in $(seq 1 200); do
  post "$MEMBER" share-information "{\"info_id\":\"seed-$i\",\"cell_id\":\"cp\",\"topic\":\"vols\",\"neighbourhood\":\"Montreynaud\",\"summary\":\"Information $i\",\"sensitivity\":\"public\"}" >/dev/null
done

# share-information with distinct ids: thread number and a counter.
cat >"$OUT/share.lua" <<EOF
local counter = 0
local thread_no = 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("thread_no", threads) end
function init(args) thread_no = tonumber(wrk.thread:get("thread_no")) or 0 end
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $MEMBER"
wrk.headers["Content-Type"] = "application/json"
function request()
  counter = counter + 1
  local id = string.format("w%d-%d", thread_no, counter)
  local uuid = string.format("%08x-0000-4000-8000-%012x", thread_no, counter)
  local body = '{"command_id":"' .. uuid .. '","info_id":"' .. id ..
    '","cell_id":"cp","topic":"vols","neighbourhood":"Montreynaud","summary":"Charge","sensitivity":"public"}'
  return wrk.format(nil, "/v1/commands/share-information", nil, body)
end
local statuses = {}
function response(status) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  io.write("non-2xx/3xx: ", summary.errors.status, "\n")
end
EOF
cat >"$OUT/read.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $MEMBER"
EOF
cat >"$OUT/paced.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $MEMBER"
function delay() return 3 end
EOF

summary() {  # summary NAME FILE
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$2")
  p50=$(awk '$1 == "50%" {print $2}' "$2")
  p99=$(awk '$1 == "99%" {print $2}' "$2")
  errors=$(grep -E 'Non-2xx|Socket errors' "$2" | tr '\n' ' ' || true)
  printf '%-44s %10s req/s  p50 %8s  p99 %8s  %s\n' "$1" "$rps" "$p50" "$p99" "$errors"
}

run() {  # run NAME FILE ARGS...
  local name=$1 file=$2
  shift 2
  wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency "$@" >"$OUT/$file" 2>&1
  summary "$name" "$OUT/$file"
}

DASHBOARD="/v1/dashboard?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&granularity=quarter"
echo "vigie serve on $BASE, $CONNECTIONS connections, $THREADS wrk threads, ${DURATION}s each, $(nproc) cores"
# Reads first, while the cell holds its 200 seeded items; the command run
# then adds thousands, and the cell view is measured again after it.
run "GET /healthz (baseline)" healthz.txt "$BASE/healthz"
run "GET /v1/cells/cp (200 items)" cell.txt -s "$OUT/read.lua" "$BASE/v1/cells/cp"
run "GET /v1/dashboard (quarters, 10 years)" dashboard.txt -s "$OUT/read.lua" "$BASE$DASHBOARD"
run "GET /healthz paced (<=21.3k/s)" healthz_paced.txt -s "$OUT/paced.lua" "$BASE/healthz"
run "GET /v1/cells/cp paced (<=21.3k/s)" cell_paced.txt -s "$OUT/paced.lua" "$BASE/v1/cells/cp"
run "GET /v1/dashboard paced (<=21.3k/s)" dashboard_paced.txt -s "$OUT/paced.lua" "$BASE$DASHBOARD"
run "POST share-information" share.txt -s "$OUT/share.lua" "$BASE"
ITEMS=$(curl -s -H "Authorization: Bearer $MEMBER" "$BASE/v1/cells/cp" | jq '.information | length')
# Each answer is then megabytes: allow it 30 s (wrk gives up at 2 s by default).
run "GET /v1/cells/cp ($ITEMS items)" cell_after.txt --timeout 30s -s "$OUT/read.lua" "$BASE/v1/cells/cp"
echo "tree size after the run: $(curl -s "$BASE/metrics" | awk '/^vigie_log_size / {print $2}')"
echo "raw wrk outputs and the server log: $OUT"
