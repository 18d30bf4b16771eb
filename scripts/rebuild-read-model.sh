#!/usr/bin/env bash
# Rebuilds the dashboard's read model from billing's outbox:
#   scripts/rebuild-read-model.sh [DATABASE_URL]
# 1. `SELECT analytics_rebuild()` empties the analytics tables and rewinds the projector's
#    checkpoint in one transaction (a catch-up running meanwhile writes nothing stale:
#    see migrations/V5__analytics.sql);
# 2. a `catch-up` nudge on the events channel makes the running projector replay every
#    event. With no projector running, the replay happens when it next starts.
set -euo pipefail
db=${1:-${DATABASE_URL:-postgres://fin:fin@127.0.0.1:5432/fin}}
url=${SPIN_VARIABLE_EVENTS_REDIS_URL:-redis://127.0.0.1:6379}
channel=${SPIN_VARIABLE_EVENTS_CHANNEL:-fin-events}
generation=$(psql "$db" -v ON_ERROR_STOP=1 -tAc 'SELECT analytics_rebuild()')
echo "[rebuild] read model emptied (generation $generation); replaying the outbox" >&2
if listeners=$(timeout 3 redis-cli -u "$url" --no-auth-warning PUBLISH "$channel" catch-up 2>/dev/null); then
  [ "$listeners" -gt 0 ] || echo "[rebuild] no projector is listening; it replays when it starts" >&2
else
  echo "[rebuild] the events Redis is unreachable; the projector replays when it is back" >&2
fi
