#!/usr/bin/env bash
# The cost curve: the hot reads at 1k, 10k, 100k and 1M invoices (users a hundredth and
# clients a fifth of that, skewed as scripts/seed-large.sql makes them), for the largest
# and the smallest user of each, beside the floor of the same Spin in the same step.
#   scripts/cost-curve.sh [SECONDS per route] [SCALES…]
# Each scale is seeded into `fin_curve` (dropped first) and served by its own `spin up`
# of the HTTP components on a free port (the dev key-value stores, Redis 1–3). Stop
# `make up` first: it shares the two cores. Prints a Markdown table per scale.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-5}
shift || true
scales=("${@:-1000 10000 100000 1000000}")
read -r -a scales <<<"${scales[*]}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
work=$(mktemp -d)
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$1"; }

(cd tests/floor && spin build >/dev/null 2>&1)
floor_port=$(free_port)
spin up --from tests/floor/spin.toml --listen "127.0.0.1:$floor_port" >"$work/floor.log" 2>&1 &
pids+=($!)

rate() { wrk -t2 -c16 -d"${seconds}s" "$@" | awk '/Requests\/sec/ {print $2}'; }

export SPIN_VARIABLE_JWT_SECRET=cost-curve-secret-cost-curve-secret-0123
export SPIN_VARIABLE_PAYMENTS_WEBHOOK_SECRET=whsec_cost_curve
export SPIN_VARIABLE_DB_URL="postgres://fin:fin@127.0.0.1:5432/fin_curve?sslmode=disable"
http=()
for id in $(bash scripts/components.sh http); do http+=(--component-id "$id"); done
mapfile -t variables < <(bash scripts/variables.sh)

for n in "${scales[@]}"; do
  users=$(( n / 100 > 10 ? n / 100 : 10 ))
  bash scripts/seed-large.sh fin_curve "$users" $(( n / 5 )) "$n"
  port=$(free_port)
  spin up --from spin.toml --listen "127.0.0.1:$port" --runtime-config-file runtime-config.toml \
    "${http[@]}" "${variables[@]}" >"$work/app-$n.log" 2>&1 &
  app=$!
  pids+=($app)
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
  floor_before=$(rate "http://127.0.0.1:$floor_port/")
  rows=()
  for rank in 1 "$users"; do
    token=$(curl -sf "$base/auth/login" -H 'content-type: application/json' \
      -d "{\"email\":\"seed-$rank@large.example\",\"password\":\"demo-password-2026\"}" | json access_token)
    auth=(-H "authorization: Bearer $token")
    count=$(psql -qAt "postgres://fin:fin@127.0.0.1:5432/fin_curve" -c \
      "SELECT count(*) FROM invoices i JOIN users u ON u.id = i.owner_id WHERE u.email = 'seed-$rank@large.example'")
    first=$(curl -sf "$base/invoices?limit=1" "${auth[@]}")
    invoice=$(json items.0.id <<<"$first")
    for route in "/invoices" "/invoices?status=void" "/invoices?status=overdue" \
      "/invoices?issued_from=2025-01-01&issued_to=2025-03-31" "/invoices/$invoice" \
      "/clients" "/clients?q=acme" "/dashboard"; do
      shown=${route/$invoice/\{id\}}
      rows+=("seed-$rank ($count invoices)|$shown|$(rate "${auth[@]}" "$base$route")")
    done
  done
  floor_after=$(rate "http://127.0.0.1:$floor_port/")
  kill "$app" 2>/dev/null; wait "$app" 2>/dev/null || true
  python3 - "$n" "$floor_before" "$floor_after" "${rows[@]}" <<'PY'
import sys
n, before, after, *rows = sys.argv[1:]
floor = (float(before) + float(after)) / 2
print(f"\n{int(n):,} invoices — floor {float(before):,.0f} req/s before, {float(after):,.0f} after; share = req/s ÷ {floor:,.0f}\n")
print("| user | request | req/s | share |")
print("|---|---|---|---|")
for row in rows:
    who, route, rps = row.split("|")
    rps = float(rps or 0)
    print(f"| {who} | `GET {route}` | {rps:,.0f} | {rps / floor:.2f} |")
PY
done
