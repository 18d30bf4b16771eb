#!/usr/bin/env bash
# HTTP load against a running app (`make up`), loopback only, bounded in time.
#   scripts/load.sh [BASE_URL] [SECONDS]
# Registers a throwaway user, then drives with wrk (Debian's package, installed if missing):
#   1. GET /nope           — routing + problem+json, no I/O: the floor of a request;
#   2. GET /auth/profile   — token verify (composed tokens component, Redis blocklist
#                            lookup) + one Postgres query: the shape of every authenticated read;
#   3. GET /invoices       — a page of 20 invoices with their payments;
#   4. POST /invoices      — the heaviest write: verify, breaker check in Redis, the clients
#                            component over Spin service chaining, the numbered insert.
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
