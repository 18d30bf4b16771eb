#!/usr/bin/env bash
# Runs the analytics projector (the `projector` component, on Spin's Redis trigger) as a
# process of its own and keeps it running — or, with FIN_TRIGGER=mailer, the mailer
# (docs/delivery.md), or with FIN_TRIGGER=recurring-sweeper the recurring sweeper
# (docs/documents.md), which follow the same channel the same way:
#   [FIN_TRIGGER=mailer|recurring-sweeper] scripts/projector.sh [extra `spin up` arguments, e.g. --runtime-config-file FILE]
#
# Why a supervisor: Spin 4.0.2 ends `spin up` when a Redis trigger's connection drops,
# and refuses to start while the events Redis is down. So this script waits for the
# events Redis, starts the projector, and starts it again whenever it ends. Redis pub/sub
# only reaches subscribers, so whatever was published while the projector was away is
# caught up from billing's outbox: once it has subscribed, this script publishes a
# `catch-up` nudge, and again every PROJECTOR_NUDGE_SECONDS (default 30), which also
# bounds how stale the dashboard can get if a message is ever lost.
#
# Runs the pushed app instead of spin.toml when FIN_APP_REF names a registry reference,
# or another manifest when FIN_MANIFEST names one (the composed profile).
# Reads the app's variables from the environment like `spin up` does
# (SPIN_VARIABLE_EVENTS_REDIS_URL, SPIN_VARIABLE_EVENTS_CHANNEL, SPIN_VARIABLE_DB_URL…).
# Needs `redis-cli` (Redis' own client) on PATH. Stops cleanly on SIGINT/SIGTERM.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
url=${SPIN_VARIABLE_EVENTS_REDIS_URL:-redis://127.0.0.1:6379}
channel=${SPIN_VARIABLE_EVENTS_CHANNEL:-fin-events}
every=${PROJECTOR_NUDGE_SECONDS:-30}
trigger=${FIN_TRIGGER:-projector}
say() { printf '[%s] %s %s\n' "$trigger" "$(date -u +%H:%M:%S)" "$*" >&2; }

command -v redis-cli >/dev/null || { say "redis-cli is needed (it comes with Redis)"; exit 1; }
redis() { timeout 3 redis-cli -u "$url" --no-auth-warning "$@" 2>/dev/null; }
subscribers() { redis PUBSUB NUMSUB "$channel" | sed -n 2p; }

child=
stop() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
  say "stopped"; exit 0
}
trap stop INT TERM

mapfile -t otel < <(bash "$root/scripts/otel.sh")
while true; do
  until [ "$(redis PING)" = PONG ]; do
    say "waiting for the events Redis at ${url##*@}"
    sleep 1
  done
  before=$(subscribers); before=${before:-0}
  if [ -n "${FIN_APP_REF:-}" ]; then
    spin up --from "$FIN_APP_REF" --insecure --component-id "$trigger" "${otel[@]}" "$@" &
  else
    spin up --from "${FIN_MANIFEST:-$root/spin.toml}" --component-id "$trigger" "${otel[@]}" "$@" &
  fi
  child=$!
  # Subscribed once the channel gains a subscriber (or, with other projectors, soon after).
  for _ in $(seq 1 100); do
    kill -0 "$child" 2>/dev/null || break
    now=$(subscribers)
    [ "${now:-0}" -gt "$before" ] && break
    sleep 0.2
  done
  while kill -0 "$child" 2>/dev/null; do
    redis PUBLISH "$channel" catch-up >/dev/null || true
    for _ in $(seq 1 "$every"); do
      kill -0 "$child" 2>/dev/null || break
      sleep 1
    done
  done
  wait "$child"; status=$?
  child=
  say "the $trigger ended (status $status); starting it again"
  sleep 1
done
