#!/usr/bin/env bash
# The `spin up` arguments a build needs for the app's own spans, one a line: with
# FIN_OTEL=1 the components import Spin's WASI OTel (scripts/build-component.sh), which
# Spin links only under `--experimental-wasi-otel`. Nothing otherwise.
set -euo pipefail
case "${FIN_OTEL:-0}" in
  0) ;;
  1) echo --experimental-wasi-otel ;;
  *) echo "FIN_OTEL is '${FIN_OTEL}': it must be 0 or 1" >&2; exit 2 ;;
esac
