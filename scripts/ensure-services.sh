#!/usr/bin/env bash
# Makes sure what the test suite needs is here: PostgreSQL and Redis on
# loopback (started when they are down), tmux for the terminal-channel tests
# and Chromium for the dashboard's browser tests (installed when missing).
# Exits non-zero, saying which, when something cannot be had: a required
# service is never silently skipped.
set -uo pipefail

wait_for() { # name, command
  for _ in $(seq 1 30); do
    if eval "$2" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "ensure-services: $1 is not reachable" >&2
  return 1
}

# PostgreSQL: store conformance, races and end-to-end suites.
if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  echo "ensure-services: starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi
wait_for PostgreSQL "pg_isready -h 127.0.0.1 -p 5432" || exit 1
if ! psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
  echo "ensure-services: cannot connect to postgres://postgres@127.0.0.1:5432/test" >&2
  exit 1
fi
echo "ensure-services: PostgreSQL ok"

# Redis: shared rate limits, breakers and cumulative risk.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "ensure-services: starting Redis"
  if command -v redis-server >/dev/null 2>&1; then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  fi
fi
wait_for Redis "redis-cli -h 127.0.0.1 -p 6379 ping" || exit 1
echo "ensure-services: Redis ok"

# tmux: the terminal approval channel is tested in a real pseudo-terminal.
if ! command -v tmux >/dev/null 2>&1; then
  echo "ensure-services: installing tmux"
  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || true
fi
if ! command -v tmux >/dev/null 2>&1; then
  echo "ensure-services: tmux is missing and could not be installed" >&2
  exit 1
fi
echo "ensure-services: tmux ok"

# kubectl: the subprocess executor is tested with Debian's real kubectl against a fake API server.
if [ ! -x /usr/bin/kubectl ]; then
  echo "ensure-services: installing kubectl"
  (apt-get update -qq && apt-get install -y -qq kubernetes-client) >/dev/null 2>&1 || true
fi
if [ ! -x /usr/bin/kubectl ]; then
  echo "ensure-services: kubectl is missing and could not be installed (apt-get install kubernetes-client)" >&2
  exit 1
fi
echo "ensure-services: kubectl ok"

# Chromium: the dashboard is tested in a real headless browser (playwright-core drives Debian's chromium).
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-services: installing chromium"
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || true
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-services: /usr/bin/chromium is missing and could not be installed (apt-get install chromium)" >&2
  exit 1
fi
echo "ensure-services: chromium ok ($(/usr/bin/chromium --version 2>/dev/null | tail -n 1))"
