# fin-migrate as a container image, for the migration Job (deploy/spinkube/03-migrate-job.yaml):
#   docker build -f deploy/migrate.Dockerfile -t registry.example.com/fin-migrate:0.1.0 .
# The migrations are compiled into the binary (refinery embeds migrations/), so the image
# carries exactly the schema of the version it is tagged with.
FROM rust:1.86-slim-bookworm AS build
# OpenSSL for TLS to a Postgres that requires it (sslmode=require).
RUN apt-get update && apt-get install -y --no-install-recommends pkg-config libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release -p fin-migrate

FROM debian:bookworm-slim
# ca-certificates brings OpenSSL's libssl3 and the trust store TLS verifies against.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/fin-migrate /usr/local/bin/fin-migrate
USER 65534:65534
ENTRYPOINT ["fin-migrate"]
