#!/usr/bin/env bash
# Copies the screenshots the browser suite took (tests/tests/web.rs, into
# target/e2e/web/screens/) that docs/web.md and the README show into docs/web/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/web
for name in dashboard invoice invoice-edit clients invoice-phone settings-stripe settings-emails; do
  cp "target/e2e/web/screens/$name.png" "docs/web/$name.png"
done
ls -l docs/web
