#!/usr/bin/env bash
# `make fuzz-api`: Schemathesis, a spec-driven fuzzer nobody here wrote, against a running
# app (BASE_URL, default `make up`'s http://127.0.0.1:3000). It reads the spec the app
# serves (/openapi.json), signs up a throwaway freelancer for the bearer token, and sends
# every operation examples, boundary values, random and schema-violating input, then
# stateful sequences (create → read → change → delete). Exit status 0 = nothing found.
#   --install   only make sure the pinned Schemathesis is in target/schemathesis/
# Settings and the documented exceptions: tests/fuzz/schemathesis.toml and hooks.py;
# findings so far: docs/fuzzing.md. Extra arguments go to `schemathesis run`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=4.32.5
venv=target/schemathesis
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  echo "[fuzz-api] installing schemathesis $version into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$version"
fi
[ "${1:-}" = --install ] && exit 0

base=${BASE_URL:-http://127.0.0.1:3000}
email="fuzz-$(date +%s)-$RANDOM@example.com"
password="fuzz-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
post() { curl -sS --fail-with-body -H 'content-type: application/json' -d "$2" "$base$1"; }
post /auth/register "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Fuzz\"}" >/dev/null
token=$(post /auth/login "{\"email\":\"$email\",\"password\":\"$password\"}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

# Logging out (POST /auth/logout, and DELETE /auth/refresh, which revokes the bearer
# token sent along) would revoke the token every other operation uses: both are left to
# the e2e suites (identity.rs, hostile.rs). Run from the venv so Schemathesis' and Hypothesis'
# caches (.schemathesis/, .hypothesis/) land under target/, not in the checkout.
cd "$venv"
PYTHONPATH="$root/tests/fuzz" SCHEMATHESIS_HOOKS=hooks exec bin/schemathesis \
  --config-file "$root/tests/fuzz/schemathesis.toml" --no-color \
  run "$base/openapi.json" \
  -H "Authorization: Bearer $token" \
  --exclude-path /auth/logout \
  --exclude-operation-id endSession \
  --continue-on-failure \
  "$@"
