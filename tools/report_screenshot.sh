#!/usr/bin/env bash
# Renders the yearly evaluation report of a store in headless Chromium and
# saves a PNG, to see that the charts and tables show as a reader sees them.
#
#   tools/report_screenshot.sh [--data DIR] [--year YEAR] [--as-of AS_OF] [--out FILE.png]
#
# Without --data, a demo store (vigie demo) is loaded in a temporary
# directory. The vigie binary is $VIGIE, else build/tools/vigie. Chromium is
# Debian's `chromium` package, installed if missing.
set -euo pipefail

vigie="${VIGIE:-build/tools/vigie}"
data=""
year=2013
as_of=""
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --year) year="$2"; shift 2 ;;
    --as-of) as_of="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "report_screenshot.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
out="${out:-report-${year}.png}"
if [[ ! -x "$vigie" ]]; then
  echo "report_screenshot.sh: no vigie binary at $vigie (build it, or set VIGIE)" >&2
  exit 2
fi

work="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$work" "$profile"' EXIT

if [[ -z "$data" ]]; then
  data="$work/demo"
  "$vigie" demo --data "$data" > /dev/null
fi
report_args=(report --data "$data" --year "$year" --format html --output "$work/report.html")
[[ -n "$as_of" ]] && report_args+=(--as-of "$as_of")
"$vigie" "${report_args[@]}"

if ! command -v chromium > /dev/null; then
  apt-get install -y chromium > /dev/null
fi
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --screenshot="$(realpath -m "$out")" --window-size=1200,3000 "file://$work/report.html" 2> /dev/null
echo "$out"
