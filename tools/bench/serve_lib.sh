# serve_lib.sh: sourced by http_bench.sh and soak.sh. Starts `vigie serve`
# on a fresh store in $OUT/data, on an ephemeral port of 127.0.0.1, and
# sets up the partnership both scripts load: a territory, partners, two cells
# (the member's partner is in `cp`, not in `cs`) and a member with a token.
#
#   serve_start VIGIE ORIGIN  sets SERVER_PID, PORT, BASE, ADMIN, MEMBER;
#                             the server's stderr (one JSON line per
#                             request) goes to $OUT/serve.log;
#                             $VIGIE_SERVE_FLAGS adds flags to `vigie serve`
#                             (e.g. "--workers 16")
#   post TOKEN COMMAND BODY   the answer body; fails unless 2xx
# The caller sets OUT and an EXIT trap calling serve_stop.

serve_stop() { [ -n "${SERVER_PID:-}" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; true; }

post() {
  curl -sf -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    --data "$3" "$BASE/v1/commands/$2"
}

serve_start() {
  local vigie=$1 origin=$2
  ADMIN=$("$vigie" init --data "$OUT/data" --origin "$origin" | jq -r .admin_token)
  # shellcheck disable=SC2086  # $VIGIE_SERVE_FLAGS: extra flags, split on spaces
  "$vigie" serve --data "$OUT/data" --listen 127.0.0.1:0 --log-format json ${VIGIE_SERVE_FLAGS:-} 2>"$OUT/serve.log" >"$OUT/serve.out" &
  SERVER_PID=$!
  PORT=
  for _ in $(seq 1 300); do
    PORT=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$OUT/serve.log" | head -1 | sed 's/.*://') || true
    [ -n "$PORT" ] && break
    sleep 0.1
  done
  [ -n "$PORT" ] || { echo "vigie serve did not start:" >&2; cat "$OUT/serve.log" >&2; return 1; }
  BASE=http://127.0.0.1:$PORT
  post "$ADMIN" configure-territory '{"name":"ZSP","kind":"zsp","communes":["Saint-Étienne"],"neighbourhoods":["Montreynaud"],"population":12000,"population_year":2010}' >/dev/null
  post "$ADMIN" register-partner '{"partner_id":"ddsp","name":"DDSP","kind":"state_security"}' >/dev/null
  post "$ADMIN" register-partner '{"partner_id":"ville","name":"Ville","kind":"local_authority"}' >/dev/null
  post "$ADMIN" register-partner '{"partner_id":"bailleur","name":"Bailleur","kind":"social_landlord"}' >/dev/null
  post "$ADMIN" create-cell '{"cell_id":"cp","name":"Cellule partenariale","kind":"partnership","chairs":[],"members":["ddsp","ville","bailleur"],"confidential":true}' >/dev/null
  # A second cell without the member's partner: sharing there is refused (422).
  post "$ADMIN" create-cell '{"cell_id":"cs","name":"Cellule de sécurité","kind":"security_operational","chairs":[],"members":["ddsp"],"confidential":false}' >/dev/null
  MEMBER=$(post "$ADMIN" enroll-person '{"person_id":"m-ville","partner_id":"ville","display_name":"Membre","roles":["member"]}' | jq -r .token)
}
