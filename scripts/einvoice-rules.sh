#!/usr/bin/env bash
# The official e-invoice rules every test runs its e-invoices through, compiled once into
# target/einvoice-rules/: EN 16931 for UBL (the CEN's) and Peppol BIS Billing 3.0
# (OpenPeppol's), Schematron files from ../shared/einvoice-rules (FIN_EINVOICE_RULES for
# another copy; its README says where each came from). Compiled with SaxonJS (npm `xslt3`,
# pinned by crates/einvoice-check/schematron/package-lock.json) and the `sch2xslt.xsl`
# beside the rules: .sch → XSLT → SEF (SaxonJS's compiled form, ~40 s for both, then
# ~0.1 s a document). The inputs are pinned by sha256, so a changed rule set fails here,
# not in a test. Idempotent: a stamp of the inputs skips what is already compiled.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rules=${FIN_EINVOICE_RULES:-$root/../shared/einvoice-rules}
tool="$root/crates/einvoice-check/schematron"
dest="$root/target/einvoice-rules"
say() { printf '[einvoice-rules] %s\n' "$*" >&2; }

# name, file, sha256: the sets compiled. XRechnung and the CII set stay out: no document
# here claims XRechnung or is written as CII (docs/documents.md).
sets=(
  "en16931-ubl EN16931-UBL-validation-preprocessed.sch 268d4f7a2688676695e6c69cba6fba69a6802604fee12cb544a6b30ff09555a3"
  "peppol-bis-3 PEPPOL-EN16931-UBL.sch 2840f5158f7bbdbf3b3f5d2ea391b9ac9e649e1fdbba8502bd8c15ec52924f23"
)
compiler_sha256=79f5e5bc5e93c2213a585576a84ea38a9bfd3903d431c32bd44ebee3bf3edcf8

[ -d "$rules" ] || { say "no rule sets at $rules (set FIN_EINVOICE_RULES)"; exit 1; }
echo "$compiler_sha256  $rules/sch2xslt.xsl" | sha256sum -c --quiet -
if [ ! -d "$tool/node_modules/xslt3" ]; then
  say "installing SaxonJS (npm xslt3)"
  (cd "$tool" && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$dest"
xslt3="$tool/node_modules/.bin/xslt3"
for set in "${sets[@]}"; do
  read -r name file sha <<<"$set"
  echo "$sha  $rules/$file" | sha256sum -c --quiet -
  stamp="$sha $compiler_sha256 $(cat "$tool/package-lock.json" | sha256sum | cut -c1-64)"
  if [ -f "$dest/$name.sef.json" ] && [ "$(cat "$dest/$name.stamp" 2>/dev/null)" = "$stamp" ]; then
    continue
  fi
  say "compiling $file"
  "$xslt3" -xsl:"$rules/sch2xslt.xsl" -s:"$rules/$file" -o:"$dest/$name.xslt"
  "$xslt3" -xsl:"$dest/$name.xslt" -export:"$dest/$name.sef.json" -nogo
  echo "$stamp" > "$dest/$name.stamp"
done
say "ready in $dest"
