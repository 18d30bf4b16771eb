#!/usr/bin/env bash
# HTTP load against a running app (`make up`), loopback only, bounded in time.
#   scripts/load.sh [BASE_URL] [SECONDS]
# Registers a throwaway user, then drives with wrk (Debian's package, installed if missing):
#   1. GET /nope           — routing + problem+json, no I/O: the floor of a request;
#   2. GET /auth/profile   — token verify (composed tokens component, Redis blocklist
#                            lookup) + one Postgres query: the shape of every authenticated read;
#   3. GET /invoices       — a page of 20 invoices with their payments;
#   4. POST /invoices      — the heaviest write: verify, breaker check in Redis, the clients
#                            component over Spin service chaining, the numbered insert
#                            with its outbox row, and the event published on Redis;
#   5. GET /dashboard      — verify + one statement over the read model;
#   6. POST /payments/webhook, a redelivery — signature check + one lookup (the cheap path
#                            a provider's retries take; needs the secret `make up` wrote
#                            to .dev/webhook-secret, or SPIN_VARIABLE_PAYMENTS_WEBHOOK_SECRET).
set -euo pipefail
base=${1:-http://127.0.0.1:3000}
seconds=${2:-10}
case "$base" in http://127.*|http://localhost*) ;; *) echo "load: loopback only" >&2; exit 2 ;; esac
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }

email="load-$(date +%s%N)@example.com"
curl -sf "$base/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"load-test-password\",\"name\":\"Load\"}" >/dev/null
token=$(curl -sf "$base/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"load-test-password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

echo "== GET /nope (problem+json 404) =="
wrk -t2 -c16 -d"${seconds}s" --latency "$base/nope" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
echo "== GET /auth/profile (verify + blocklist + Postgres) =="
wrk -t2 -c16 -d"${seconds}s" --latency -H "authorization: Bearer $token" "$base/auth/profile" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'

client=$(curl -sf "$base/clients" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"Load Ltd","default_currency":"EUR"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
body="{\"client_id\":\"$client\",\"lines\":[{\"description\":\"Work\",\"quantity\":1.5,\"unit_price\":8000,\"tax_rate\":19}]}"
for _ in $(seq 20); do
  curl -sf "$base/invoices" -H "authorization: Bearer $token" -H 'content-type: application/json' -d "$body" >/dev/null
done
script=$(mktemp --suffix=.lua)
trap 'rm -f "$script"' EXIT
cat >"$script" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer $token"
LUA

echo "== GET /invoices (20 per page) =="
wrk -t2 -c16 -d"${seconds}s" --latency -H "authorization: Bearer $token" "$base/invoices" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
echo "== POST /invoices (verify + breaker + clients over service chaining + numbered insert) =="
wrk -t2 -c16 -d"${seconds}s" --latency -s "$script" "$base/invoices" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'

echo "== GET /dashboard (verify + the read model) =="
wrk -t2 -c16 -d"${seconds}s" --latency -H "authorization: Bearer $token" "$base/dashboard" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'

root=$(cd "$(dirname "$0")/.." && pwd)
secret=${SPIN_VARIABLE_PAYMENTS_WEBHOOK_SECRET:-whsec_$(cat "$root/.dev/webhook-secret" 2>/dev/null)}
event="{\"id\":\"evt_load_$(date +%s%N)\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":$(date +%s),\"data\":{\"object\":{\"id\":\"cus_load\"}}}"
signature=$(python3 -c 'import hmac,hashlib,sys,time; t=str(int(time.time())); print("t="+t+",v1="+hmac.new(sys.argv[1].encode(),(t+"."+sys.argv[2]).encode(),hashlib.sha256).hexdigest())' "$secret" "$event")
curl -sf "$base/payments/webhook" -H "stripe-signature: $signature" -H 'content-type: application/json' -d "$event" >/dev/null \
  || { echo "load: the webhook refused the signature (is the secret the app's?)" >&2; exit 1; }
cat >"$script" <<LUA
wrk.method = "POST"
wrk.body = '$event'
wrk.headers["content-type"] = "application/json"
wrk.headers["stripe-signature"] = "$signature"
LUA
echo "== POST /payments/webhook (a redelivery: signature + one lookup) =="
wrk -t2 -c16 -d"${seconds}s" --latency -s "$script" "$base/payments/webhook" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
