# Day-to-day commands; each is a line or two, the scripts say why.
.PHONY: setup build test lint fmt up migrate

# Toolchain, Spin, local services, build, migrations: everything a fresh clone needs.
setup:
	bash scripts/setup.sh

build:
	spin build
	bash scripts/sizes.sh

# Native unit tests, then the end-to-end suites under `spin up` (they build first).
test:
	cargo test --workspace

lint:
	cargo fmt --all --check
	cargo +stable clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all

migrate:
	cargo run -q -p fin-migrate -- $${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fin}

# Serves the app on http://127.0.0.1:3000 against the local database. The development
# JWT secret is generated once into .dev/ (git-ignored); production sets its own.
up:
	@mkdir -p .dev && [ -s .dev/jwt-secret ] || head -c 48 /dev/urandom | base64 | tr -d '\n' > .dev/jwt-secret
	SPIN_VARIABLE_DB_URL=$${SPIN_VARIABLE_DB_URL:-postgres://postgres@127.0.0.1:5432/fin?sslmode=disable} \
	SPIN_VARIABLE_JWT_SECRET=$$(cat .dev/jwt-secret) \
	spin up --listen 127.0.0.1:3000 --runtime-config-file runtime-config.toml
