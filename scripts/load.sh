#!/usr/bin/env bash
# HTTP load against a running app (`make up`), beside the floor, loopback only.
#   scripts/load.sh [BASE_URL] [SECONDS]
#   LOAD_ONLY='webhook|POST /invoices' scripts/load.sh …   (only the routes whose names
#   match the extended regex, still between the two floors: for interleaved A/B runs)
#
# The floor is tests/floor: an empty spin-sdk component that this script serves with the
# same `spin` binary on a free port, measured before and after the app's routes. Each
# route's req/s is printed with its share of the floor, the figure that survives a
# noisy machine. wrk (Debian's package, installed if missing): 2 threads, 16 connections.
#
# Routes: the catch-all 404 (routing and a problem, no I/O); /auth/profile with no token
# (a 401 before any host call), with a token that is not a JWT, and with a valid token
# (the token verified, the Redis blocklist, one Postgres query);
# /clients (5 clients); /invoices/{id}; a page of /invoices; POST /invoices (the client
# read from the clients context's directory view, the numbered insert with its outbox
# row, the event published); /dashboard; an invoice's PDF (the documents component: three
# service-chained reads, then layout and rendering), the same PDF again with its ETag
# (304, nothing rendered), a sent invoice's e-invoice (one read, written and checked),
# its share page (no login: the sharing context finds the link, billing answers the invoice); a webhook redelivery (signature + one lookup; needs
# the secret `make up` wrote to .dev/webhook-secret or SPIN_VARIABLE_PAYMENTS_WEBHOOK_SECRET);
# a login (the Argon2id check, then a session, a refresh token and a log event written).
# Not a refresh: each one spends its cookie, and wrk's connections would replay it.
set -euo pipefail
base=${1:-http://127.0.0.1:3000}
seconds=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$base" in http://127.*|http://localhost*) ;; *) echo "load: loopback only" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
work=$(mktemp -d)
floor_pid=
cleanup() { [ -n "$floor_pid" ] && kill "$floor_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT


# --- the floor, on the same Spin ------------------------------------------------------
(cd "$root/tests/floor" && spin build >/dev/null 2>&1)
floor_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
spin up --from "$root/tests/floor/spin.toml" --listen "127.0.0.1:$floor_port" >"$work/floor.log" 2>&1 &
floor_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$floor_port/" >/dev/null && break; sleep 0.1; done

# --- a user with data ---------------------------------------------------------------
# shellcheck source=scripts/seed-user.sh
source "$root/scripts/seed-user.sh"
seed_user load confirm
body="{\"client_id\":\"$client\",\"lines\":[{\"description\":\"Work\",\"quantity\":1.5,\"unit_price\":8000,\"tax_rate\":19}]}"
invoice=
for _ in $(seq 20); do invoice=$(post /invoices "$body" "${auth[@]}" | json id); done
curl -sf -X PUT "$base/business-profile" "${auth[@]}" -H 'content-type: application/json' \
  -d '{"legal_name":"Load Ltd","tax_id":"DE811907980","email":"load@example.com","address":{"line1":"Torstr. 1","postal_code":"10119","city":"Berlin","country":"DE"}}' >/dev/null
buyer=$(post /clients '{"name":"Load Buyer GmbH","default_currency":"EUR","email":"ap@buyer.example","tax_id":"DE136695976","address":{"line1":"Ring 1","postal_code":"80331","city":"München","country":"DE"}}' "${auth[@]}" | json id)
sent=$(post /invoices "${body/$client/$buyer}" "${auth[@]}" | json id)
curl -sf -X POST "$base/invoices/$sent/send" "${auth[@]}" >/dev/null
share=$(post "/invoices/$sent/share" '{}' "${auth[@]}" | json url)
share=${share#*://*/}
pdf_etag=$(curl -sf -D - -o /dev/null "$base/invoices/$invoice/pdf" "${auth[@]}" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
secret=${SPIN_VARIABLE_PAYMENTS_WEBHOOK_SECRET:-whsec_$(cat "$root/.dev/webhook-secret" 2>/dev/null)}
event="{\"id\":\"evt_load_$(date +%s%N)\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":$(date +%s),\"data\":{\"object\":{\"id\":\"cus_load\"}}}"
signature=$(python3 -c 'import hmac,hashlib,sys,time; t=str(int(time.time())); print("t="+t+",v1="+hmac.new(sys.argv[1].encode(),(t+"."+sys.argv[2]).encode(),hashlib.sha256).hexdigest())' "$secret" "$event")
post /payments/webhook "$event" -H "stripe-signature: $signature" >/dev/null \
  || { echo "load: the webhook refused the signature (is the secret the app's?)" >&2; exit 1; }

lua() { # method body header… → a wrk script
  local file="$work/$RANDOM.lua"
  { echo "wrk.method = \"$1\""; [ -n "$2" ] && echo "wrk.body = '$2'"
    shift 2; for h in "$@"; do echo "wrk.headers[\"${h%%:*}\"] = \"${h#*: }\""; done; } >"$file"
  echo "$file"
}

# run NAME URL [wrk options…] → "NAME|req/s|p50|p99"
run() {
  local name=$1 url=$2; shift 2
  [[ $name == floor* || -z ${LOAD_ONLY:-} ]] || grep -Eq -- "$LOAD_ONLY" <<<"$name" || return 0
  local out; out=$(wrk -t2 -c16 -d"${seconds}s" --latency "$@" "$url")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Socket errors|Non-2xx/ {printf "%s ", $0}' <<<"$out")
  echo "$name|$rps|$p50|$p99|$errors"
}

floor_before=$(run "floor (empty component)" "http://127.0.0.1:$floor_port/")
rows=()
rows+=("$(run "GET /nope (catch-all 404)" "$base/nope")")
rows+=("$(run "GET /auth/profile, no token (401)" "$base/auth/profile")")
rows+=("$(run "GET /auth/profile, token x.y.z (401)" "$base/auth/profile" -H "authorization: Bearer x.y.z")")
rows+=("$(run "GET /auth/profile" "$base/auth/profile" "${auth[@]}")")
rows+=("$(run "GET /clients (5 clients)" "$base/clients" "${auth[@]}")")
rows+=("$(run "GET /invoices/{id}" "$base/invoices/$invoice" "${auth[@]}")")
rows+=("$(run "GET /invoices (20 per page)" "$base/invoices" "${auth[@]}")")
rows+=("$(run "GET /dashboard" "$base/dashboard" "${auth[@]}")")
rows+=("$(run "GET /invoices/{id}/pdf (draft, 1 line)" "$base/invoices/$invoice/pdf" "${auth[@]}")")
rows+=("$(run "GET /invoices/{id}/pdf, If-None-Match (304)" "$base/invoices/$invoice/pdf" "${auth[@]}" -H "if-none-match: $pdf_etag")")
rows+=("$(run "GET /invoices/{id}/xml (sent, 1 line)" "$base/invoices/$sent/xml" "${auth[@]}")")
rows+=("$(run "GET /share/{token} (the page, no login)" "$base/$share")")
rows+=("$(run "POST /payments/webhook (redelivery)" "$base/payments/webhook" \
  -s "$(lua POST "$event" "content-type: application/json" "stripe-signature: $signature")")")
rows+=("$(run "POST /invoices (one user)" "$base/invoices" \
  -s "$(lua POST "$body" "content-type: application/json" "authorization: Bearer $token")")")
rows+=("$(run "POST /auth/login (Argon2id, a session started)" "$base/auth/login" \
  -s "$(lua POST "{\"email\":\"$email\",\"password\":\"load-test-password\"}" "content-type: application/json")")")
floor_after=$(run "floor (empty component)" "http://127.0.0.1:$floor_port/")

python3 - "$floor_before" "$floor_after" "${rows[@]}" <<'PY'
import sys
before, after, *rows = sys.argv[1:]
rate = lambda row: float(row.split("|")[1] or 0)
floor = (rate(before) + rate(after)) / 2
print(f"floor: {rate(before):,.0f} req/s before, {rate(after):,.0f} after; share = req/s ÷ {floor:,.0f}")
print(f"| request | req/s | p50 | p99 | share of the floor |")
print(f"|---|---|---|---|---|")
for row in filter(None, rows):
    name, rps, p50, p99, errors = row.split("|")
    note = f" ({errors.strip()})" if errors.strip() and "Non-2xx" not in errors else ""
    print(f"| {name} | {float(rps or 0):,.0f} | {p50} | {p99} | {float(rps or 0) / floor:.2f}{note} |")
PY
