#!/usr/bin/env bash
# Prints each component's release .wasm size (what Spin loads and what a deploy ships).
set -euo pipefail
cd "$(dirname "$0")/.."
for wasm in target/wasm32-wasip1/release/*.wasm; do
  printf '[sizes] %-26s %6d KiB\n' "$(basename "$wasm")" $(( $(stat -c %s "$wasm") / 1024 ))
done
