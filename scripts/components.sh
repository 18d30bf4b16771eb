#!/usr/bin/env bash
# The component ids spin.toml serves on one trigger type (`http` or `redis`), one a line:
# what `spin up --component-id` needs to run the HTTP API and the projector apart.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$root/spin.toml" "${1:?usage: components.sh http|redis}" <<'PY'
import sys, tomllib
manifest = tomllib.load(open(sys.argv[1], "rb"))
for trigger in manifest.get("trigger", {}).get(sys.argv[2], []):
    print(trigger["component"])
PY
