#!/usr/bin/env bash
# Renders the yearly evaluation report of a store in headless Chromium and
# saves a PNG, to see that the charts and tables show as a reader sees them.
#
#   tools/report_screenshot.sh [--data DIR] [--year YEAR] [--as-of AS_OF] [--out FILE.png]
#
# Without --data, a demo store (vigie demo) is loaded in a temporary
# directory. The vigie binary is $VIGIE, else build/tools/vigie. Chromium is
# Debian's `chromium` package, installed if missing.
# Before the screenshot, the report's key numbers are checked against the
# projections (exit 1, naming each difference, when they disagree): every
# year total of the "bilan statistique" against the dashboard replayed on its
# own (vigie replay --projection dashboard), the charts (one inline SVG per
# monthly series, no external asset), the signed checkpoint of the
# "Intégrité" section, and the absence of any personal field.
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
json_args=(report --data "$data" --year "$year" --format json --output "$work/report.json")
dashboard_args=(replay --data "$data" --projection dashboard --year "$year" --granularity year)
if [[ -n "$as_of" ]]; then
  json_args+=(--as-of "$as_of")
  dashboard_args+=(--as-of "$as_of")
fi
"$vigie" "${json_args[@]}"
"$vigie" "${dashboard_args[@]}" > "$work/dashboard.json"

# The figures of the HTML against the projections.
python3 - "$work/report.html" "$work/report.json" "$work/dashboard.json" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
evaluation = json.load(open(sys.argv[2], encoding="utf-8"))
dashboard = json.load(open(sys.argv[3], encoding="utf-8"))
NNBSP = "\u202f"

def number_fr(value, digits):
    # projections/french_format.cc: FormatNumberFr
    text = "%.*f" % (digits, abs(value))
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ("-" if value < 0 and (whole != "0" or fraction) else "") + NNBSP.join(groups)
    return out + ("," + fraction if fraction else "")

def shown(key, value):
    if value is None:
        return "–"
    if key in ("attendance_rate", "commitments_met_share"):
        return number_fr(value * 100.0, 0) + NNBSP + "%"
    return number_fr(value, 1)

errors = []
cells = dict(re.findall(r'data-key="([a-z_]+)">([^<]*)<', html))
if evaluation["as_of_position"] != dashboard["as_of_position"]:
    errors.append("the report (as of %s) and the dashboard (as of %s) are of different trees"
                  % (evaluation["as_of_position"], dashboard["as_of_position"]))
totals = dashboard["periods"][0]["derived"]
if evaluation["statistics"]["year"]["periods"][0]["derived"] != totals:
    errors.append("the report's JSON year totals differ from the dashboard's")
if not totals:
    errors.append("the dashboard has no year totals")
for key, value in sorted(totals.items()):
    if key not in cells:
        errors.append("the HTML does not show %s (%s)" % (key, shown(key, value)))
    elif cells[key] != shown(key, value):
        errors.append("%s: the HTML shows %r, the dashboard %r" % (key, cells[key], shown(key, value)))
for key in sorted(set(cells) - set(totals)):
    errors.append("the HTML shows %s, which the dashboard does not have" % key)
charts = len(re.findall(r"<svg[ >]", html))
if charts < 4:
    errors.append("%d charts (inline <svg>) where the monthly activity needs 4" % charts)
for asset in re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html):
    errors.append("external asset %s" % asset)
checkpoint = evaluation.get("checkpoint") or ""
first_lines = "\n".join(checkpoint.split("\n")[:3])
escaped = first_lines.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
if not checkpoint or (first_lines not in html and escaped not in html):
    errors.append("the signed checkpoint of the evaluation is not in the Intégrité section")
if "vigie verify" not in html:
    errors.append("the report does not say which command verifies the checkpoint")
if errors:
    print("report_screenshot.sh: the HTML report disagrees with the projections:", file=sys.stderr)
    for error in errors:
        print("  - " + error, file=sys.stderr)
    sys.exit(1)
print("report_screenshot.sh: %d year totals, %d charts and the checkpoint (tree size %s) match the projections"
      % (len(totals), charts, evaluation["as_of_position"]), file=sys.stderr)
PY

if ! command -v chromium > /dev/null; then
  apt-get install -y chromium > /dev/null
fi
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
  --screenshot="$(realpath -m "$out")" --window-size=1200,9000 "file://$work/report.html" 2> /dev/null
echo "$out"
