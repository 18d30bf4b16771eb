#!/usr/bin/env bash
# Makes sure Postgres (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting the
# machine's own servers when they are installed but down. On a laptop, start them your
# way (e.g. `docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres`).
set -euo pipefail
say() { printf '\033[1m[services]\033[0m %s\n' "$*" >&2; }

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
  for _ in $(seq 1 50); do up "$1" && return 0; sleep 0.2; done
  say "$2 did not come up on 127.0.0.1:$1"; return 1
}

if ! up 5432; then
  if command -v pg_ctlcluster >/dev/null; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  wait_for 5432 PostgreSQL
fi

if ! up 6379; then
  if command -v redis-server >/dev/null; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  fi
  wait_for 6379 Redis
fi
