#!/usr/bin/env bash
# The whole test suite, from a fresh clone: system packages, a virtualenv, lint, and
# pytest on SQLite and PostgreSQL with Redis. The PostgreSQL and Redis servers are
# throwaway instances on loopback, started and stopped by the test session itself.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=/usr/lib/postgresql/15/bin
missing=()
[ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

make --no-print-directory .venv/.installed-test

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest (SQLite and PostgreSQL, SQL-backed and Redis brokers)"
exec .venv/bin/python -m pytest "$@"
