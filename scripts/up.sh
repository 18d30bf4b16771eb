#!/usr/bin/env bash
# `make up`: the whole app locally, until Ctrl-C stops all of it.
#   - the migrations not applied yet (fin-migrate, as `make migrate`);
#   - the HTTP components (every `[[trigger.http]]` of spin.toml) on http://127.0.0.1:3000,
#     their Spin output here and the components' own in .spin/logs/;
#   - the projector (Redis trigger) as its own supervised process (scripts/projector.sh),
#     its output in .spin/projector.log;
#   - the mailer the same way (FIN_TRIGGER=mailer), its output in .spin/mailer.log, and the
#     local stand-in of the e-mail provider's API it sends through (crates/mail-standin):
#     what it received is on http://127.0.0.1:3025/ and under .dev/outbox/;
#   - the recurring sweeper the same way (FIN_TRIGGER=recurring-sweeper), its output in
#     .spin/recurring.log: it makes the recurring invoices as their periods fall due;
#   - the local stand-in of Stripe Checkout (crates/stripe-standin) on
#     http://127.0.0.1:3026/: "Pay now" makes its sessions there, and its pay button sends
#     the signed webhook back to the app.
# Development secrets (JWT key, Stripe webhook secret, the key that seals freelancers'
# Stripe keys) are generated once into .dev/
# (git-ignored); a variable already in the environment wins. With FIN_APP_REF set to a
# registry reference (scripts/publish.sh), both run the pushed app instead of spin.toml.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p .dev .spin
# The schema first: a pull may have brought migrations (applied once each; quick when
# there is none). A DATABASE_URL of the caller's wins, as for `make migrate`.
cargo run -q -p fin-migrate -- "${DATABASE_URL:-postgres://fin:fin@127.0.0.1:5432/fin}"
secret() { [ -s ".dev/$1" ] || head -c 48 /dev/urandom | base64 | tr -d '\n/+' > ".dev/$1"; cat ".dev/$1"; }
export SPIN_VARIABLE_DB_URL=${SPIN_VARIABLE_DB_URL:-postgres://fin:fin@127.0.0.1:5432/fin?sslmode=disable}
export SPIN_VARIABLE_JWT_SECRET=${SPIN_VARIABLE_JWT_SECRET:-$(secret jwt-secret)}
export SPIN_VARIABLE_PAYMENTS_WEBHOOK_SECRET=${SPIN_VARIABLE_PAYMENTS_WEBHOOK_SECRET:-whsec_$(secret webhook-secret)}
# 32 random bytes, base64: seals the Stripe keys freelancers connect (docs/delivery.md).
[ -s .dev/payments-key ] || head -c 32 /dev/urandom | base64 | tr -d '\n' > .dev/payments-key
export SPIN_VARIABLE_PAYMENTS_ENCRYPTION_KEY=${SPIN_VARIABLE_PAYMENTS_ENCRYPTION_KEY:-$(cat .dev/payments-key)}
# The same for the authenticator keys of two-factor sign-in (docs/accounts.md).
[ -s .dev/identity-key ] || head -c 32 /dev/urandom | base64 | tr -d '\n' > .dev/identity-key
export SPIN_VARIABLE_IDENTITY_ENCRYPTION_KEY=${SPIN_VARIABLE_IDENTITY_ENCRYPTION_KEY:-$(cat .dev/identity-key)}
# Checkout Sessions go to the local stand-in unless a real Stripe is named.
stripe_standin=
if [ -z "${SPIN_VARIABLE_STRIPE_API_BASE_URL:-}" ]; then
  export SPIN_VARIABLE_STRIPE_API_BASE_URL=http://127.0.0.1:3026
  stripe_standin=1
fi
# The stand-in takes any `re_` key; a real provider's key replaces both (docs/delivery.md).
export SPIN_VARIABLE_MAIL_API_KEY=${SPIN_VARIABLE_MAIL_API_KEY:-re_local_standin}

http=()
for id in $(bash scripts/components.sh http); do http+=(--component-id "$id"); done
# Every variable as --variable: Spin's static provider serves them for free, where the
# environment provider costs every request (scripts/variables.sh says why; stock Spin).
# FIN_VARIABLES=environment leaves them to SPIN_VARIABLE_* and the manifest's defaults,
# as SpinKube gives them, to measure that way (docs/performance.md).
variables=()
[ "${FIN_VARIABLES:-static}" = environment ] || mapfile -t variables < <(bash scripts/variables.sh)
# How long a WASI 0.3 instance is reused, and by how many requests at once.
mapfile -t reuse < <(bash scripts/reuse.sh)
mapfile -t otel < <(bash scripts/otel.sh)
source=(--from "${FIN_APP_REF:-spin.toml}")
[ -n "${FIN_APP_REF:-}" ] && source+=(--insecure)

pids=()
stop() { trap - INT TERM; kill -TERM "${pids[@]}" 2>/dev/null; wait; exit 0; }
trap stop INT TERM
bash scripts/projector.sh --runtime-config-file runtime-config.toml "${variables[@]}" >.spin/projector.log 2>&1 &
pids+=($!)
FIN_TRIGGER=mailer bash scripts/projector.sh --runtime-config-file runtime-config.toml "${variables[@]}" >.spin/mailer.log 2>&1 &
pids+=($!)
FIN_TRIGGER=recurring-sweeper bash scripts/projector.sh --runtime-config-file runtime-config.toml "${variables[@]}" >.spin/recurring.log 2>&1 &
pids+=($!)
if [ "${SPIN_VARIABLE_MAIL_API_BASE_URL:-http://127.0.0.1:3025}" = "http://127.0.0.1:3025" ]; then
  cargo run -q -p fin-mail-standin -- --port 3025 --outbox .dev/outbox >.spin/mail-standin.log 2>&1 &
  pids+=($!)
fi
if [ -n "$stripe_standin" ]; then
  cargo run -q -p fin-stripe-standin -- --port 3026 --webhook http://127.0.0.1:3000/payments/webhook \
    --webhook-secret "$SPIN_VARIABLE_PAYMENTS_WEBHOOK_SECRET" >.spin/stripe-standin.log 2>&1 &
  pids+=($!)
fi
spin up "${source[@]}" --listen 127.0.0.1:3000 --runtime-config-file runtime-config.toml "${http[@]}" "${reuse[@]}" "${otel[@]}" "${variables[@]}" &
pids+=($!)
echo "[up] the projector logs to .spin/projector.log, the mailer to .spin/mailer.log, the recurring sweeper to .spin/recurring.log; e-mails sent are on http://127.0.0.1:3025/, Stripe Checkout sessions on http://127.0.0.1:3026/; the Stripe webhook secret is in .dev/webhook-secret (whsec_…)" >&2
wait -n
stop
