#!/usr/bin/env bash
# A bounded soak against a running app (`make up`; `FIN_WASI=0.3 make build` first for the
# reused instances): one user with clients and an invoice, then ROUNDS rounds of the
# authenticated reads and the invoice's PDF (wrk, 16 connections, SECONDS per route), and
# the resident memory of the `spin` trigger serving BASE_URL before the first round and
# after each — flat, or growing by the round.
#   scripts/soak.sh [BASE_URL] [ROUNDS] [SECONDS]
set -euo pipefail
base=${1:-http://127.0.0.1:3000}
rounds=${2:-5}
seconds=${3:-4}
case "$base" in http://127.*|http://localhost*) ;; *) echo "soak: loopback only" >&2; exit 2 ;; esac
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
port=${base##*:}
port=${port%%/*}
pid=$(ss -Hltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$pid" ] || { echo "soak: nothing listens on $base (make up first)" >&2; exit 2; }
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
# shellcheck source=scripts/seed-user.sh
source "$(dirname "$0")/seed-user.sh"
seed_user soak
invoice=$(post /invoices "{\"client_id\":\"$client\",\"lines\":[{\"description\":\"Work\",\"quantity\":\"2\",\"unit_price\":10000,\"tax_rate\":\"19\"}]}" "${auth[@]}" | json id)

routes=(/auth/profile /clients /invoices /dashboard "/invoices/$invoice" "/invoices/$invoice/pdf")
echo "| after round | requests | non-2xx | spin trigger RSS MiB |"
echo "|---|---|---|---|"
echo "| 0 | 0 | 0 | $(rss) |"
total=0
failed=0
for round in $(seq 1 "$rounds"); do
  for route in "${routes[@]}"; do
    out=$(wrk -t2 -c16 -d"${seconds}s" "${auth[@]}" "$base$route")
    total=$((total + $(awk '/requests in/ {print $1}' <<<"$out")))
    failed=$((failed + $(awk '/Non-2xx/ {print $NF} END {print 0}' <<<"$out" | head -1)))
  done
  echo "| $round | $total | $failed | $(rss) |"
done
