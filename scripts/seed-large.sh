#!/usr/bin/env bash
# `make seed-large`: a database of its own (default `fin_large`) with 10,000 freelancers,
# about 200,000 clients and 1,000,000 invoices, skewed as real ones are (a few users with
# very many: scripts/seed-large.sql says how), loaded in bulk SQL in well under minutes.
#   scripts/seed-large.sh [DATABASE] [USERS] [CLIENTS] [INVOICES]
# Serve it with `SPIN_VARIABLE_DB_URL=postgres://fin:fin@127.0.0.1:5432/fin_large?sslmode=disable make up`
# and sign in as seed-1@large.example (the largest) or seed-<USERS>@large.example (the
# smallest), password demo-password-2026. scripts/cost-curve.sh measures it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
db=${1:-fin_large}
users=${2:-10000}
clients=${3:-200000}
invoices=${4:-1000000}
case "$db" in fin_*) ;; *) echo "seed-large: the database's name starts with fin_ (it is dropped first)" >&2; exit 2 ;; esac
server=postgres://fin:fin@127.0.0.1:5432
psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
(cd "$root" && cargo run -q -p fin-migrate -- "$server/$db" >/dev/null)
start=$(date +%s)
psql -q -X "$server/$db" -v ON_ERROR_STOP=1 -f "$root/scripts/seed-large.sql" \
  -c "SELECT * FROM pg_temp.fin_seed($users, $clients, $invoices)" -c "VACUUM ANALYZE"
echo "[seed-large] $db: $users users, about $clients clients and $invoices invoices in $(( $(date +%s) - start )) s" >&2
