#!/usr/bin/env bash
# Pushes the built app to an OCI registry as <registry>/fin-freelancer:<workspace version>
# and prints the reference:
#   scripts/publish.sh [REGISTRY]     (default 127.0.0.1:5000; plain HTTP on loopback)
# Run it with `make publish`; `make publish-run` pushes and then serves what it pushed
# (`spin up --from <reference>`, scripts/up.sh with FIN_APP_REF).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
registry=${1:-${REGISTRY:-127.0.0.1:5000}}
version=$(sed -n '/^\[workspace.package\]/,/^\[/{s/^version = "\(.*\)"/\1/p}' "$root/Cargo.toml")
reference="$registry/fin-freelancer:$version"
# The WASI 0.2 build, whatever was built last: SpinKube's shim and Fermyon Cloud do not
# run the 0.3 one yet (scripts/build-component.sh).
(cd "$root" && FIN_WASI=0.2 spin build >&2)
# Components are composed with their dependencies before the push (Spin's default), so
# any host that runs Spin apps from a registry can run it.
spin registry push --from "$root/spin.toml" --insecure "$reference" >&2
echo "$reference"
