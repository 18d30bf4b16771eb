#!/usr/bin/env bash
# HTTP load against a running app (`make up`), loopback only, bounded in time.
#   scripts/load.sh [BASE_URL] [SECONDS]
# Registers a throwaway user, then drives with wrk (Debian's package, installed if missing):
#   1. GET /nope           — routing + problem+json, no I/O: the floor of a request;
#   2. GET /auth/profile   — token verify (composed tokens component, Redis blocklist
#                            lookup) + one Postgres query: the shape of every authenticated read.
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
