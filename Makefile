# Day-to-day commands; each is a line or two, the scripts say why.
.PHONY: setup build test lint fmt up demo publish publish-run migrate rebuild-read-model fuzz-api seed-large cost-curve

# Toolchain, Spin, local services, build, migrations: everything a fresh clone needs.
setup:
	bash scripts/setup.sh

build:
	spin build
	bash scripts/sizes.sh

# Native unit tests, then the end-to-end suites under `spin up` (they build first).
# Every test binary runs even when one fails, and every failure is reported; the exit
# status is still non-zero then.
# Every test on the WASI 0.2 build, then the suites that cross every component (auth on
# each, a PDF, events through the mailer) on the WASI 0.3 one, then the traces on the
# build with the app's own spans (FIN_OTEL=1). First the AWS stack, offline: synthesis,
# assertions, cdk-nag, cfn-lint, checkov (deploy/aws/check.sh).
test:
	bash deploy/aws/check.sh
	cargo test --workspace --no-fail-fast
	FIN_WASI=0.3 cargo test -p fin-e2e --no-fail-fast --test hostile --test documents --test delivery --test reuse --test traps
	FIN_OTEL=1 cargo test -p fin-e2e --features otel --no-fail-fast --test traces

lint:
	cargo fmt --all --check
	cargo +stable clippy --workspace --all-targets -- -D warnings
	cargo +stable clippy -p fin-spin-edge --features wasi-p3 --all-targets -- -D warnings
	cargo +stable clippy -p fin-spin-edge --features otel --all-targets -- -D warnings
	cargo +stable clippy -p fin-e2e --features otel --all-targets -- -D warnings

fmt:
	cargo fmt --all

migrate:
	cargo run -q -p fin-migrate -- $${DATABASE_URL:-postgres://fin:fin@127.0.0.1:5432/fin}

# Serves the API on http://127.0.0.1:3000 and runs the projector beside it; Ctrl-C stops
# both (scripts/up.sh says where each logs).
up:
	bash scripts/up.sh

# Pushes the built app to an OCI registry (REGISTRY, default 127.0.0.1:5000) as
# fin-freelancer:<workspace version>; publish-run then serves what it pushed, like `up`.
publish: build
	bash scripts/publish.sh $${REGISTRY:-127.0.0.1:5000}

publish-run: build
	FIN_APP_REF=$$(bash scripts/publish.sh $${REGISTRY:-127.0.0.1:5000}) bash scripts/up.sh

# Seeds a demo account through the API of the running app (`make up`); safe to repeat.
demo:
	cargo run -q -p fin-e2e --bin fin-demo -- $${BASE_URL:-http://127.0.0.1:3000}

# 10,000 users, ~200,000 clients, 1,000,000 invoices, skewed, into the database fin_large
# in bulk SQL (scripts/seed-large.sh says how to serve and sign in).
seed-large:
	bash scripts/seed-large.sh

# The hot reads at 1k/10k/100k/1M invoices for the largest and smallest user, beside the
# floor (docs/performance.md); stop `make up` first.
cost-curve:
	bash scripts/cost-curve.sh

# Empties the dashboard's read model and replays billing's whole outbox into it.
rebuild-read-model:
	bash scripts/rebuild-read-model.sh

# Schemathesis against the running app (`make up`; BASE_URL for another): every operation
# of the served spec, fuzzed. tests/tests/fuzz.rs runs the same in `make test`.
fuzz-api:
	bash scripts/fuzz-api.sh
