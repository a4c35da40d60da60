#!/usr/bin/env bash
# Provision and run the real services fugong's tests use, on loopback:
#   MariaDB (Debian's mariadb-server) and MinIO (built once from the Go module
#   proxy at the version docs/design.md §7 pins, cached outside the repo).
#
#   scripts/services.sh start   install if missing, start both, write the env file
#   scripts/services.sh stop    stop what start started (by pid)
#   scripts/services.sh env     print the path of the env file to source
#
# Data lives in a temp dir; ports are chosen to avoid the usual 3306/9000.
set -euo pipefail
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}" # see the Makefile

STATE=${FUGONG_SERVICES_DIR:-${TMPDIR:-/tmp}/fugong-services}
MYSQL_PORT=${FUGONG_TEST_MYSQL_PORT:-33061}
MINIO_PORT=${FUGONG_TEST_MINIO_PORT:-39001}
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
CACHE=${FUGONG_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fugong}
MINIO_BIN=$CACHE/bin/minio
MINIO_USER=fugongtest
MINIO_PASS=fugongtest-secret-key
DB_USER=fugong
DB_PASS=fugong-test

log() { echo "services: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_mariadb() {
  if command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ]; then return; fi
  log "installing mariadb-server from Debian (first run on this machine)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq mariadb-server >/dev/null
}

install_minio() {
  if [ -x "$MINIO_BIN" ]; then return; fi
  log "building MinIO $MINIO_VERSION from the Go module proxy into $CACHE/bin (about 4 minutes, once)"
  mkdir -p "$CACHE/bin"
  (cd /tmp && GOBIN="$CACHE/bin" GOFLAGS=-mod=mod go install "$MINIO_MODULE@$MINIO_VERSION")
}

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 4))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  log "$name did not become ready in ${secs}s"; return 1
}

start_mariadb() {
  local dir=$STATE/mariadb
  if alive "$dir.pid"; then log "MariaDB already running (pid $(cat "$dir.pid"))"; return; fi
  local mariadbd; mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  rm -rf "$dir"; mkdir -p "$dir"
  local user_opt=(); [ "$(id -u)" = 0 ] && user_opt=(--user=root)
  mariadb-install-db --no-defaults --datadir="$dir/data" "${user_opt[@]}" \
    --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 \
    || { cat "$dir/install.log" >&2; return 1; }
  "$mariadbd" --no-defaults --datadir="$dir/data" "${user_opt[@]}" \
    --bind-address=127.0.0.1 --port="$MYSQL_PORT" --socket="$dir/mysqld.sock" \
    --pid-file="$dir/mysqld.pid" --skip-name-resolve --log-error="$dir/error.log" \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci >/dev/null 2>&1 &
  echo $! >"$dir.pid"
  wait_for MariaDB 60 mariadb-admin --no-defaults --socket="$dir/mysqld.sock" ping \
    || { tail -20 "$dir/error.log" >&2; return 1; }
  mariadb --no-defaults --socket="$dir/mysqld.sock" -e "
    CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
    GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1';
    FLUSH PRIVILEGES;"
  log "MariaDB on 127.0.0.1:$MYSQL_PORT (pid $(cat "$dir.pid"))"
}

start_minio() {
  local dir=$STATE/minio
  if alive "$dir.pid"; then log "MinIO already running (pid $(cat "$dir.pid"))"; return; fi
  rm -rf "$dir"; mkdir -p "$dir/data"
  MINIO_ROOT_USER=$MINIO_USER MINIO_ROOT_PASSWORD=$MINIO_PASS MINIO_BROWSER=off \
    "$MINIO_BIN" server "$dir/data" --quiet --address "127.0.0.1:$MINIO_PORT" \
    --console-address "127.0.0.1:$((MINIO_PORT + 1))" >"$dir/minio.log" 2>&1 &
  echo $! >"$dir.pid"
  wait_for MinIO 60 curl -fsS "http://127.0.0.1:$MINIO_PORT/minio/health/ready" \
    || { tail -20 "$dir/minio.log" >&2; return 1; }
  log "MinIO on 127.0.0.1:$MINIO_PORT (pid $(cat "$dir.pid"))"
}

write_env() {
  cat >"$STATE/env.sh" <<ENV
export FUGONG_TEST_MYSQL_DSN='$DB_USER:$DB_PASS@tcp(127.0.0.1:$MYSQL_PORT)/'
export FUGONG_TEST_MINIO_ENDPOINT='127.0.0.1:$MINIO_PORT'
export FUGONG_TEST_MINIO_ACCESS_KEY='$MINIO_USER'
export FUGONG_TEST_MINIO_SECRET_KEY='$MINIO_PASS'
export FUGONG_TEST_MINIO_BIN='$MINIO_BIN'
export FUGONG_TEST_MINIO_DATA='$STATE/minio/data'
export FUGONG_TEST_MINIO_PIDFILE='$STATE/minio.pid'
export FUGONG_TEST_MYSQL_PIDFILE='$STATE/mariadb.pid'
ENV
}

stop_one() {
  local pidfile=$1 name=$2
  if alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start)
    mkdir -p "$STATE"
    install_mariadb
    install_minio
    start_mariadb
    start_minio
    write_env
    echo "$STATE/env.sh"
    ;;
  stop)
    stop_one "$STATE/minio.pid" MinIO
    stop_one "$STATE/mariadb.pid" MariaDB
    ;;
  env) echo "$STATE/env.sh" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
