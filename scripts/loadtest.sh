#!/usr/bin/env bash
# loadtest.sh — 50 concurrent dashboard readers against a demo server on
# loopback (issue 8): wrk (Debian's package, installed when missing) drives
# GET /api/v1/dashboard/sectors as the park manager for DURATION seconds in two
# scenarios: everyone on the same day (the 9 am rush), days spread over
# February, and a new day for every request (no two requests share a day, so
# the 5-second figures cache never answers: the uncached path under load).
# Prints wrk's latency distribution; the server is ours, started here and
# stopped by its pid.
#
#   DURATION=15 CONNECTIONS=50 scripts/loadtest.sh
#
# On SQLite in a temp dir by default; to run on MariaDB, point it at an EMPTY
# database: FUGONG_DATABASE_DRIVER=mysql FUGONG_DATABASE_DSN='u:p@tcp(h:3306)/db' scripts/loadtest.sh
set -euo pipefail
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}" # see the Makefile
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-50}

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
bin=$(mktemp -d)/fugong
go build -o "$bin" ./cmd/fugong
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export FUGONG_DATABASE_DSN="${FUGONG_DATABASE_DSN:-$tmp/fugong.db}" FUGONG_BLOB_LOCAL_ROOT="$tmp/uploads" FUGONG_DATA_DIR="$tmp/data" \
  FUGONG_HTTP_ADDR="127.0.0.1:$port" FUGONG_RULES_DIR="$PWD/rules" FUGONG_LOG_LEVEL=warn
"$bin" seed demo >/dev/null
"$bin" serve >"$tmp/serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
cookie=$(curl -fsS -c - -H 'Content-Type: application/json' -d '{"username":"park","password":"fugong-demo-2020"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | awk '$6 == "fugong_session" {print $7}')

echo "== same day: $CONNECTIONS readers, ${DURATION}s, /api/v1/dashboard/sectors?as_of=2020-02-28"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: fugong_session=$cookie" \
  "http://127.0.0.1:$port/api/v1/dashboard/sectors?as_of=2020-02-28"

cat >"$tmp/days.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", string.format("/api/v1/dashboard/sectors?as_of=2020-02-%02d", (n % 28) + 1))
end
LUA
echo "== days spread over February: $CONNECTIONS readers, ${DURATION}s"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: fugong_session=$cookie" -s "$tmp/days.lua" "http://127.0.0.1:$port"

cat >"$tmp/newday.lua" <<'LUA'
-- Each of wrk's threads takes every other day, so no day is asked twice.
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
local n = 0
local start = os.time({year = 2020, month = 1, day = 1, hour = 12})
request = function()
  n = n + 1
  local k = (n * 2 + id) % 29000
  return wrk.format("GET", "/api/v1/dashboard/sectors?as_of=" .. os.date("!%Y-%m-%d", start + k * 86400))
end
LUA
echo "== a new day for every request (uncached): $CONNECTIONS readers, ${DURATION}s"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: fugong_session=$cookie" -s "$tmp/newday.lua" "http://127.0.0.1:$port"
