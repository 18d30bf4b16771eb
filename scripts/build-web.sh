#!/usr/bin/env bash
# Builds the web app (TypeScript, Vite; its API types generated from docs/openapi.yaml, so
# a contract change that breaks a screen fails here) and the component that serves it.
# `spin build` runs this; `make setup` has installed Node's packages already.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
app="$root/components/web/app"
if [ ! -d "$app/node_modules" ] || [ "$app/package-lock.json" -nt "$app/node_modules/.package-lock.json" ]; then
  (cd "$app" && npm ci --no-audit --no-fund)
fi
(cd "$app" && npm run --silent build)
cd "$root"
bash scripts/build-component.sh web
