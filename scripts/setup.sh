#!/usr/bin/env bash
# One command from a fresh clone to a built app with a migrated local database:
#   1. the wasm32-wasip1 target and the Spin CLI (from ../shared on the team's machines,
#      from rustup / Spin's installer elsewhere);
#   2. Postgres and Redis on 127.0.0.1 with the dev role `fin` (found, started, or
#      installed on Debian/Ubuntu), or one message saying what to do instead;
#   3. `spin build`, then the migrations on the development database.
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$root/.." && pwd)/shared
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# --- toolchain ---------------------------------------------------------------------
if ! [ -d "$(rustc --print sysroot 2>/dev/null)/lib/rustlib/wasm32-wasip1" ]; then
  if [ -x "$shared/toolchain/install-wasm-toolchain.sh" ] || [ -f "$shared/toolchain/install-wasm-toolchain.sh" ]; then
    say "installing the wasm32-wasip1 toolchain from $shared/toolchain"
    bash "$shared/toolchain/install-wasm-toolchain.sh"
  else
    say "adding the wasm32-wasip1 target with rustup"
    rustup target add wasm32-wasip1
  fi
fi

if ! spin --version 2>/dev/null | grep -Eq '^spin (3|4)\.'; then
  if [ -f "$shared/spin/install-spin.sh" ]; then
    say "installing Spin from $shared/spin"
    bash "$shared/spin/install-spin.sh"
  else
    say "Spin 3.x or 4.x is needed: https://spinframework.dev/install"; exit 1
  fi
fi

# --- services ----------------------------------------------------------------------
# Postgres and Redis: found running and left alone, started, or installed from the
# distribution's packages (Debian/Ubuntu, as root); the dev role and database created.
# Anything else stops here with what to do instead (crates/setup says how it decides).
cd "$root"
cargo run -q -p fin-setup

# --- test tools --------------------------------------------------------------------
# Programs the tests run, from the distribution's packages: the distribution test pushes
# the app to Debian's docker-registry, the CORS test drives a real headless Chromium, the
# document tests read PDFs with poppler and qpdf and validate e-invoices with xmllint,
# the fuzz test runs Schemathesis.
test_tool() { # <command> <package> <why>
  command -v "$1" >/dev/null && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing $2 ($3)"
    apt-get install -y -qq "$2" >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
  else
    say "$1 is missing; $3 needs it (Debian/Ubuntu: apt-get install $2)"
  fi
}
test_tool docker-registry docker-registry "the distribution test pushes to it"
test_tool chromium chromium "the CORS test runs a page in it"
test_tool pdftotext poppler-utils "the document tests read PDFs as a reader would"
test_tool qpdf qpdf "the document tests check PDFs are well formed"
test_tool xmllint libxml2-utils "the e-invoice tests validate XML against the UBL 2.1 schemas"
# The official UBL 2.1 schemas those tests validate against (pinned, from PyPI).
bash "$root/scripts/ubl-schemas.sh"
# Schemathesis, the outside fuzzer of tests/tests/fuzz.rs and `make fuzz-api`, from PyPI.
bash "$root/scripts/fuzz-api.sh" --install

# The web app's toolchain (TypeScript, Vite, the OpenAPI type generator) and its browser
# tests' (playwright-core, axe-core, Lighthouse), from the npm registry, as the lock file
# pins them. No tool downloads a browser: the tests drive Debian's Chromium.
test_tool node nodejs "the web app is built with it"
test_tool npm npm "the web app's packages come from the npm registry"
say "installing the web app's packages"
(cd "$root/components/web/app" && npm ci --no-audit --no-fund --loglevel=error)
# The official EN 16931 and Peppol rules every e-invoice test runs (SaxonJS, compiled
# once into target/einvoice-rules).
bash "$root/scripts/einvoice-rules.sh"

# --- build and migrate -------------------------------------------------------------
say "building components ($(spin --version))"
spin build
bash "$root/scripts/sizes.sh"
cargo run -q -p fin-migrate -- "postgres://fin:fin@127.0.0.1:5432/fin"
say "ready: 'make up' serves the app, 'make demo' seeds a demo account, 'make test' runs every test"
