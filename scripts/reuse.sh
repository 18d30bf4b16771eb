#!/usr/bin/env bash
# The instance-reuse settings the app is served with, as `spin up` flags, one per line
# (scripts/up.sh). They act on WASI 0.3 components only (FIN_WASI=0.3;
# a 0.2 component is instantiated per request whatever they say). Why these values:
# docs/performance.md, "Reuse settings". Each can be overridden for a measurement.
#   concurrency 1 — the spin-sdk 5.2 imports are synchronous: an instance waiting on
#     Postgres or Redis serves none of the other requests it holds, so more than one at a
#     time only queues them (p99 ×2.5 at 16) for a few per cent of throughput;
#   count 128 — Spin's default: an instance is dropped after 128 requests, which bounds
#     what any slow leak could grow to (memory is flat over a soak: docs/performance.md);
#   idle 1s — Spin's default: instances do not outlive a burst by long;
#   request timeout 30s — a request that hangs frees its instance (a PDF renders in
#     under a second; the export, streamed, is a 0.2 component).
set -euo pipefail
printf '%s\n' \
  --max-instance-concurrent-reuse-count "${FIN_REUSE_CONCURRENCY:-1}" \
  --max-instance-reuse-count "${FIN_REUSE_COUNT:-128}" \
  --idle-instance-timeout "${FIN_REUSE_IDLE:-1s}" \
  --request-timeout "${FIN_REQUEST_TIMEOUT:-30s}"
