#!/usr/bin/env bash
# One component's build, as spin.toml's `[component.*.build]` runs it:
#   scripts/build-component.sh <package> [--chained|--redis] [--traced] [cargo options…]
# FIN_WASI picks the HTTP handler the component exports:
#   0.2 (the default) — `wasi:http/incoming-handler@0.2.0`, instantiated per request:
#       what SpinKube's shim (v0.24, Spin 3.6.3) and Fermyon Cloud run, and what
#       `make publish` pushes;
#   0.3 — `wasi:http/handler@0.3.0-rc-2026-03-15`, which Spin 4 (the Spin `make setup`
#       installs) reuses an instance for, request after request (`FIN_WASI=0.3 make build`).
# `--chained` marks a component that calls others of this app over `*.spin.internal`:
# Spin 4.0.2 neither chains nor resolves self-requests for a WASI 0.3 component's
# outbound calls (it sets the interceptor only on per-request instances; fixed upstream by
# spinframework/spin 78d7e696, in no release yet), so those stay 0.2 unless
# FIN_WASI_CHAINED=0.3 says the host has the fix.
# `--redis` marks a component on the Redis trigger: it has no HTTP handler to pick.
# `--traced` marks one that makes spans of its own (crates/spin-edge/src/trace.rs): with
# FIN_OTEL=1 they are compiled in, through Spin's WASI OTel; such a build starts only
# under `spin up --experimental-wasi-otel` (scripts/otel.sh, which scripts/up.sh and the
# tests use), never on SpinKube's shim. The others never import it, so they are built the
# same either way.
# Both are the same code: only crates/spin-edge's entry point differs (its `wasi-p3`
# feature, src/p3.rs). Switching rebuilds each component's own crate, not its
# dependencies.
set -euo pipefail
package=$1
shift
wasi=${FIN_WASI:-0.2}
traced=0
while true; do
  case "${1:-}" in
    --chained) shift; [ "${FIN_WASI_CHAINED:-0.2}" = 0.3 ] || wasi=0.2 ;;
    --redis) shift; wasi=0.2 ;;
    --traced) shift; traced=1 ;;
    *) break ;;
  esac
done
case "$wasi" in
  0.2) handler=() ;;
  0.3) handler=(--features fin-spin-edge/wasi-p3) ;;
  *) echo "FIN_WASI is '${FIN_WASI}': it must be 0.2 or 0.3" >&2; exit 2 ;;
esac
case "${FIN_OTEL:-0}" in
  0) otel=() ;;
  1) otel=() ; [ "$traced" = 1 ] && otel=(--features fin-spin-edge/otel) ;;
  *) echo "FIN_OTEL is '${FIN_OTEL}': it must be 0 or 1" >&2; exit 2 ;;
esac
exec cargo rustc -p "$package" "$@" "${handler[@]}" "${otel[@]}" --target wasm32-wasip1 --release --crate-type cdylib
