#!/usr/bin/env bash
# A whole fugong cluster on loopback, with its own ports and data directories:
#   3 MariaDB Galera nodes (Debian's mariadb-server + galera-4), each the
#     database of one replica ("one writer per replica");
#   a 4-node distributed MinIO (erasure coded; the binary scripts/services.sh
#     builds), behind HAProxy;
#   N fugong replicas (default 3) behind HAProxy, admitted by GET /readyz.
#
#   scripts/cluster.sh start            install what is missing, start everything, print the endpoints
#   scripts/cluster.sh stop             stop what start started (by pid), keep the data directory
#   scripts/cluster.sh status           what runs, Galera state per node, readiness per replica
#   scripts/cluster.sh env              print the path of the env file (endpoints, DSNs, keys)
#   scripts/cluster.sh kill KIND I      kill -9 one part: KIND is replica | galera | minio, I from 1
#   scripts/cluster.sh restart KIND I   start that part again (a Galera node rejoins by state transfer)
#   scripts/cluster.sh use-db galera|galera1|single   restart the replicas on their own Galera
#                                       nodes (default), all on galera1, or all on a plain MariaDB
#   scripts/cluster.sh destroy          stop, then remove the data directory
#
# Environment: FUGONG_CLUSTER_DIR (default /tmp/fugong-cluster), FUGONG_CLUSTER_PORT
# (base port, default 34300), FUGONG_CLUSTER_REPLICAS (default 3),
# FUGONG_CLUSTER_CONFIG (a fugong config file for the replicas, e.g. webhooks).
# Ports: Galera SQL base+1..3, replication base+11..13, IST base+21..23, SST base+31..33;
# MinIO HAProxy base+40, nodes base+41..44; fugong HAProxy base+60, replicas base+61..;
# HAProxy stats base+99. The layout on real hosts is docs/deploy.md.
set -euo pipefail
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${FUGONG_CLUSTER_DIR:-/tmp/fugong-cluster}
BASE=${FUGONG_CLUSTER_PORT:-34300}
REPLICAS=${FUGONG_CLUSTER_REPLICAS:-3}
CACHE=${FUGONG_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fugong}
MINIO_BIN=${FUGONG_TEST_MINIO_BIN:-$CACHE/bin/minio}
MINIO_USER=fugongcluster
MINIO_PASS=fugongcluster-secret-key
DB_USER=fugong
DB_PASS=fugong-cluster
GALERA_LIB=/usr/lib/galera/libgalera_smm.so

log() { echo "cluster: $*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else log "need root: $*"; return 1; fi; }
wait_for() { # name seconds command...
  local name=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 4))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  log "$name did not become ready in ${secs}s"; return 1
}

galera_port() { echo $((BASE + $1)); }
minio_port() { echo $((BASE + 40 + $1)); }
replica_port() { echo $((BASE + 60 + $1)); }
galera_peers() { echo "127.0.0.1:$((BASE + 11)),127.0.0.1:$((BASE + 12)),127.0.0.1:$((BASE + 13))"; }

install_packages() {
  local missing=()
  [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  [ -f "$GALERA_LIB" ] || missing+=(galera-4)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  command -v rsync >/dev/null || missing+=(rsync)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ ! -x "$MINIO_BIN" ]; then
    # The same pinned build as scripts/services.sh (about 4 minutes, once).
    log "building MinIO into $CACHE/bin"
    mkdir -p "$CACHE/bin"
    local version; version=$(sed -n 's/^MINIO_VERSION=//p' "$ROOT/scripts/services.sh")
    (cd /tmp && GOBIN="$CACHE/bin" GOFLAGS=-mod=mod go install "github.com/minio/minio@$version")
  fi
}

# --- Galera ---------------------------------------------------------------

galera_cnf() { # i
  local i=$1 d=$DIR/galera$1
  # As root, run as Debian's mysql user: the rsync daemon of a state
  # transfer would otherwise drop to nobody and fail to write the data dir.
  local user_line=""; [ "$(id -u)" = 0 ] && user_line="user=mysql"
  cat >"$d/my.cnf" <<CNF
[mysqld]
$user_line
datadir=$d/data
socket=$d/mysqld.sock
pid-file=$d/mysqld.pid
log-error=$d/error.log
bind-address=127.0.0.1
port=$(galera_port "$i")
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb_buffer_pool_size=96M
innodb_log_file_size=48M
innodb_flush_log_at_trx_commit=2
max_connections=300
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=$GALERA_LIB
wsrep_cluster_name=fugong
wsrep_cluster_address=gcomm://$(galera_peers)
wsrep_node_name=galera$i
wsrep_node_address=127.0.0.1:$((BASE + 10 + i))
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$((BASE + 10 + i));ist.recv_addr=127.0.0.1:$((BASE + 20 + i));gcache.size=128M;pc.weight=1"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$((BASE + 30 + i))
wsrep_slave_threads=2
[sst]
sst-syslog=-1
CNF
}

galera_state() { # i → Synced / Joining / ... (empty when down)
  mariadb --no-defaults --socket="$DIR/galera$1/mysqld.sock" -N -B \
    -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | awk '{print $2}'
}
galera_synced() { [ "$(galera_state "$1")" = Synced ]; }

start_galera() { # i [bootstrap]
  local i=$1 d=$DIR/galera$1 extra=()
  if alive "$d.pid"; then log "galera$i already running"; return; fi
  mkdir -p "$d"
  galera_cnf "$i"
  if [ ! -d "$d/data/mysql" ]; then
    local user_opt=(); [ "$(id -u)" = 0 ] && user_opt=(--user=mysql)
    mariadb-install-db --no-defaults --datadir="$d/data" "${user_opt[@]}" \
      --auth-root-authentication-method=socket --skip-test-db >"$d/install.log" 2>&1 \
      || { cat "$d/install.log" >&2; return 1; }
  fi
  [ "$(id -u)" = 0 ] && chown -R mysql:mysql "$d"
  [ "${2:-}" = bootstrap ] && extra=(--wsrep-new-cluster)
  if [ "${2:-}" = bootstrap ] && [ -f "$d/data/grastate.dat" ]; then
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$d/data/grastate.dat"
  fi
  /usr/sbin/mariadbd --defaults-file="$d/my.cnf" "${extra[@]}" >/dev/null 2>&1 &
  echo $! >"$d.pid"
  wait_for "galera$i" 180 galera_synced "$i" || { tail -30 "$d/error.log" >&2; return 1; }
  log "galera$i Synced on 127.0.0.1:$(galera_port "$i") (pid $(cat "$d.pid"))"
}

create_db_user() {
  mariadb --no-defaults --socket="$DIR/galera1/mysqld.sock" -e "
    CREATE DATABASE IF NOT EXISTS fugong CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
    GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1';
    FLUSH PRIVILEGES;"
}

# --- MinIO ------------------------------------------------------------------

minio_endpoints() {
  local out=""
  for i in 1 2 3 4; do out="$out http://127.0.0.1:$(minio_port "$i")$DIR/minio$i/data"; done
  echo "$out"
}

start_minio() { # i
  local i=$1 d=$DIR/minio$1
  if alive "$d.pid"; then log "minio$i already running"; return; fi
  mkdir -p "$d/data"
  # MINIO_CI_CD: the four drives share this machine's root filesystem.
  # _MINIO_SERVER_LOCAL: in a container MinIO will not take a loopback
  # address as its own, so name it.
  # shellcheck disable=SC2046
  MINIO_ROOT_USER=$MINIO_USER MINIO_ROOT_PASSWORD=$MINIO_PASS MINIO_BROWSER=off MINIO_CI_CD=1 \
    _MINIO_SERVER_LOCAL=127.0.0.1:$(minio_port "$i") \
    "$MINIO_BIN" server --quiet --address "127.0.0.1:$(minio_port "$i")" \
    --console-address "127.0.0.1:$((BASE + 50 + i))" $(minio_endpoints) >"$d/minio.log" 2>&1 &
  echo $! >"$d.pid"
}

minio_cluster_ready() { curl -fsS "http://127.0.0.1:$(minio_port 1)/minio/health/cluster" || curl -fsS "http://127.0.0.1:$(minio_port 2)/minio/health/cluster"; }

# --- HAProxy ------------------------------------------------------------------

haproxy_cfg() {
  {
    cat <<CFG
global
  maxconn 2000
  pidfile $DIR/haproxy.pidfile
defaults
  mode http
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  retries 2
  option redispatch
listen stats
  bind 127.0.0.1:$((BASE + 99))
  stats enable
  stats uri /
frontend fugong
  bind 127.0.0.1:$((BASE + 60))
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
CFG
    for i in $(seq 1 "$REPLICAS"); do echo "  server replica$i 127.0.0.1:$(replica_port "$i") check"; done
    cat <<CFG
frontend minio
  bind 127.0.0.1:$((BASE + 40))
  default_backend minio
backend minio
  balance leastconn
  option httpchk GET /minio/health/live
  default-server inter 500ms fall 2 rise 2
CFG
    for i in 1 2 3 4; do echo "  server minio$i 127.0.0.1:$(minio_port "$i") check"; done
  } >"$DIR/haproxy.cfg"
}

start_haproxy() {
  if alive "$DIR/haproxy.pid"; then log "haproxy already running"; return; fi
  haproxy_cfg
  haproxy -q -db -f "$DIR/haproxy.cfg" >"$DIR/haproxy.log" 2>&1 &
  echo $! >"$DIR/haproxy.pid"
  wait_for haproxy 10 curl -fsS "http://127.0.0.1:$((BASE + 99))/"
}

# --- fugong ---------------------------------------------------------------

build_fugong() {
  log "building fugong"
  (cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -o "$DIR/bin/fugong" ./cmd/fugong)
}

replica_dsn() { # i → the DSN of the Galera node replica i writes to, unless use-db set one for all
  if [ -f "$DIR/replica.dsn" ]; then cat "$DIR/replica.dsn"; return; fi
  local node=$(( ($1 - 1) % 3 + 1 ))
  echo "$DB_USER:$DB_PASS@tcp(127.0.0.1:$(galera_port "$node"))/fugong"
}

# A plain MariaDB (no wsrep) on base+5: the single-node baseline of
# scripts/cluster-bench.sh.
start_single() {
  local d=$DIR/single
  if alive "$d.pid"; then log "single MariaDB already running"; return; fi
  mkdir -p "$d"
  local user_opt=(); [ "$(id -u)" = 0 ] && user_opt=(--user=mysql)
  if [ ! -d "$d/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$d/data" "${user_opt[@]}" \
      --auth-root-authentication-method=socket --skip-test-db >"$d/install.log" 2>&1 || { cat "$d/install.log" >&2; return 1; }
  fi
  [ "$(id -u)" = 0 ] && chown -R mysql:mysql "$d"
  /usr/sbin/mariadbd --no-defaults --datadir="$d/data" "${user_opt[@]}" --bind-address=127.0.0.1 --port=$((BASE + 5)) \
    --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --log-error="$d/error.log" --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --innodb-buffer-pool-size=96M \
    --innodb-log-file-size=48M --innodb-flush-log-at-trx-commit=2 --max-connections=300 --binlog-format=ROW \
    --log-bin="$d/binlog" --server-id=1 >/dev/null 2>&1 &
  echo $! >"$d.pid"
  wait_for "single MariaDB" 60 mariadb-admin --no-defaults --socket="$d/mysqld.sock" ping || { tail -20 "$d/error.log" >&2; return 1; }
  mariadb --no-defaults --socket="$d/mysqld.sock" -e "
    CREATE DATABASE IF NOT EXISTS fugong CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
    GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1';"
  log "single MariaDB on 127.0.0.1:$((BASE + 5))"
}

# use-db galera|galera1|single: restart every replica on its own Galera node
# (the default), all on galera1 (one writer), or all on the single MariaDB.
cmd_use_db() {
  case "$1" in
    galera) rm -f "$DIR/replica.dsn" ;;
    galera1) echo "$DB_USER:$DB_PASS@tcp(127.0.0.1:$(galera_port 1))/fugong" >"$DIR/replica.dsn" ;;
    single) start_single; echo "$DB_USER:$DB_PASS@tcp(127.0.0.1:$((BASE + 5)))/fugong" >"$DIR/replica.dsn" ;;
    *) echo "usage: $0 use-db galera|galera1|single" >&2; exit 2 ;;
  esac
  for i in $(seq 1 "$REPLICAS"); do stop_pid "$DIR/replica$i.pid" "replica$i"; done
  for i in $(seq 1 "$REPLICAS"); do start_replica "$i"; done
  for i in $(seq 1 "$REPLICAS"); do
    wait_for "replica$i" 120 replica_ready "$i" || { tail -20 "$DIR/replica$i/fugong.log" >&2; return 1; }
  done
  log "replicas now on: $(replica_dsn 1 | sed 's/:[^:@]*@/:…@/')"
}

start_replica() { # i
  local i=$1 d=$DIR/replica$1
  if alive "$d.pid"; then log "replica$i already running"; return; fi
  mkdir -p "$d"
  local cfg=()
  [ -f "$DIR/fugong.yaml" ] && cfg=(--config "$DIR/fugong.yaml")
  (cd "$d" && FUGONG_HTTP_ADDR=127.0.0.1:$(replica_port "$i") \
    FUGONG_DATABASE_DRIVER=mysql FUGONG_DATABASE_DSN="$(replica_dsn "$i")" \
    FUGONG_BLOB_BACKEND=minio FUGONG_MINIO_ENDPOINT=127.0.0.1:$((BASE + 40)) \
    FUGONG_MINIO_ACCESS_KEY=$MINIO_USER FUGONG_MINIO_SECRET_KEY=$MINIO_PASS FUGONG_MINIO_BUCKET=fugong \
    FUGONG_DATA_KEY="$(cat "$DIR/data.key")" FUGONG_RULES_DIR="$ROOT/rules" FUGONG_LOG_FORMAT=json \
    FUGONG_HTTP_TRUSTED_PROXIES=127.0.0.1 \
    exec "$DIR/bin/fugong" serve "${cfg[@]}" >>"$d/fugong.log" 2>&1) &
  echo $! >"$d.pid"
}

replica_ready() { curl -fsS "http://127.0.0.1:$(replica_port "$1")/readyz"; }

write_env() {
  cat >"$DIR/env.sh" <<ENV
export FUGONG_CLUSTER_URL='http://127.0.0.1:$((BASE + 60))'
export FUGONG_CLUSTER_REPLICAS='$REPLICAS'
export FUGONG_CLUSTER_GALERA_DSNS='$(for i in 1 2 3; do printf '%s ' "$DB_USER:$DB_PASS@tcp(127.0.0.1:$(galera_port "$i"))/fugong"; done)'
export FUGONG_CLUSTER_GALERA_SOCKETS='$(for i in 1 2 3; do printf '%s ' "$DIR/galera$i/mysqld.sock"; done)'
export FUGONG_CLUSTER_MINIO_ENDPOINT='127.0.0.1:$((BASE + 40))'
export FUGONG_CLUSTER_MINIO_ACCESS_KEY='$MINIO_USER'
export FUGONG_CLUSTER_MINIO_SECRET_KEY='$MINIO_PASS'
export FUGONG_CLUSTER_BIN='$DIR/bin/fugong'
export FUGONG_CLUSTER_DATA_KEY='$(cat "$DIR/data.key")'
ENV
}

endpoints() {
  echo "fugong (HAProxy):   http://127.0.0.1:$((BASE + 60))"
  for i in $(seq 1 "$REPLICAS"); do echo "  replica$i:         http://127.0.0.1:$(replica_port "$i")  → galera$(( (i - 1) % 3 + 1 ))"; done
  for i in 1 2 3; do echo "galera$i:            $DB_USER:$DB_PASS@tcp(127.0.0.1:$(galera_port "$i"))/fugong"; done
  echo "MinIO (HAProxy):    http://127.0.0.1:$((BASE + 40))  ($MINIO_USER / $MINIO_PASS)"
  for i in 1 2 3 4; do echo "  minio$i:           http://127.0.0.1:$(minio_port "$i")"; done
  echo "HAProxy stats:      http://127.0.0.1:$((BASE + 99))/"
  echo "env file:           $DIR/env.sh"
}

stop_pid() { # pidfile name [signal]
  local pidfile=$1 name=$2 sig=${3:-TERM}
  if alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    kill "-$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

cmd_start() {
  mkdir -p "$DIR/bin"
  install_packages
  [ -f "$DIR/data.key" ] || head -c32 /dev/urandom | base64 >"$DIR/data.key"
  # Kept in the data directory, so a replica restarted later gets it too.
  if [ -n "${FUGONG_CLUSTER_CONFIG:-}" ]; then cp "$FUGONG_CLUSTER_CONFIG" "$DIR/fugong.yaml"; fi
  build_fugong
  # The node that was last to stop (or a fresh one) bootstraps; the others join.
  start_galera 1 bootstrap
  create_db_user
  start_galera 2
  start_galera 3
  for i in 1 2 3 4; do start_minio "$i"; done
  wait_for "MinIO cluster" 120 minio_cluster_ready || { tail -20 "$DIR/minio1/minio.log" >&2; return 1; }
  log "MinIO cluster healthy"
  start_haproxy
  # Replicas start together on purpose: migrations must be safe so.
  rm -f "$DIR/replica.dsn"
  for i in $(seq 1 "$REPLICAS"); do start_replica "$i"; done
  for i in $(seq 1 "$REPLICAS"); do
    wait_for "replica$i" 120 replica_ready "$i" || { tail -20 "$DIR/replica$i/fugong.log" >&2; return 1; }
  done
  write_env
  endpoints
}

cmd_stop() {
  for i in $(seq 1 "$REPLICAS"); do stop_pid "$DIR/replica$i.pid" "replica$i"; done
  stop_pid "$DIR/haproxy.pid" haproxy
  for i in 1 2 3 4; do stop_pid "$DIR/minio$i.pid" "minio$i"; done
  stop_pid "$DIR/single.pid" "single MariaDB"
  # Galera: stop the joiners first so node 1 is the last (safe to bootstrap next start).
  for i in 3 2 1; do stop_pid "$DIR/galera$i.pid" "galera$i"; done
}

cmd_status() {
  for i in 1 2 3; do
    if alive "$DIR/galera$i.pid"; then echo "galera$i  up    $(galera_state "$i")"; else echo "galera$i  down"; fi
  done
  for i in 1 2 3 4; do
    if alive "$DIR/minio$i.pid"; then echo "minio$i   up"; else echo "minio$i   down"; fi
  done
  if alive "$DIR/haproxy.pid"; then echo "haproxy  up"; else echo "haproxy  down"; fi
  for i in $(seq 1 "$REPLICAS"); do
    if alive "$DIR/replica$i.pid"; then
      echo "replica$i up    readyz $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(replica_port "$i")/readyz")"
    else echo "replica$i down"; fi
  done
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  destroy) cmd_stop; rm -rf "$DIR" ;;
  status) cmd_status ;;
  env) echo "$DIR/env.sh" ;;
  endpoints) endpoints ;;
  use-db) cmd_use_db "${2:-}" ;;
  kill)
    case "${2:-}" in
      replica | galera | minio) stop_pid "$DIR/${2}${3:?index}.pid" "${2}$3" KILL ;;
      *) echo "usage: $0 kill replica|galera|minio I" >&2; exit 2 ;;
    esac ;;
  restart)
    case "${2:-}" in
      replica) start_replica "${3:?index}"; wait_for "replica$3" 120 replica_ready "$3" ;;
      galera) start_galera "${3:?index}" ;;
      minio) start_minio "${3:?index}"; wait_for "minio$3" 60 curl -fsS "http://127.0.0.1:$(minio_port "$3")/minio/health/live" ;;
      *) echo "usage: $0 restart replica|galera|minio I" >&2; exit 2 ;;
    esac ;;
  *) echo "usage: $0 start|stop|status|env|endpoints|kill KIND I|restart KIND I|destroy" >&2; exit 2 ;;
esac
