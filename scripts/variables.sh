#!/usr/bin/env bash
# Prints `--variable name=value`, one argument a line, for every variable of spin.toml:
# the value of SPIN_VARIABLE_<NAME> when set, else the manifest's default.
#   mapfile -t variables < <(bash scripts/variables.sh); spin up … "${variables[@]}"
#
# Why: Spin 4.0.2 resolves a variable through its environment provider with a
# `block_in_place` per lookup, and resolves *all* of an app's variables on a request's
# first outbound connection (the allow-list check), so variables given only as
# SPIN_VARIABLE_* cost every request that touches Postgres or Redis. Given with
# `--variable` they are served by the static provider, first and at no measurable cost
# (docs/performance-history.md; `../shared/spin` fixed both, docs/performance.md). The values end up on `spin`'s command line, visible to local
# users in `ps`: fine for a laptop or CI, not for a shared host.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$root/spin.toml" <<'PY'
import os, sys, tomllib
manifest = tomllib.load(open(sys.argv[1], "rb"))
missing = []
for name, spec in manifest.get("variables", {}).items():
    value = os.environ.get("SPIN_VARIABLE_" + name.upper(), spec.get("default"))
    if value is None:
        missing.append(name)
        continue
    print("--variable")
    print(f"{name}={value}")
if missing:
    sys.exit("variables: set " + ", ".join("SPIN_VARIABLE_" + n.upper() for n in missing))
PY
