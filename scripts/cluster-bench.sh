#!/usr/bin/env bash
# Cluster throughput as ratios measured in one run (docs/benchmarks.md):
#   write path (create + plan upload + roster upload + submit per enterprise, through HAProxy, 3 replicas)
#     on 3-node Galera with every replica writing to its own node, with all writing to one node,
#     and on one plain MariaDB node;
#   read path (dashboards + review queue) over 1, 2 and 3 replicas on Galera.
# Uses internal/chaos's TestThroughput (build tag cluster).
#
#   CHAOS_CLIENTS=12 BENCH_SECONDS=20 scripts/cluster-bench.sh
set -euo pipefail
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"
cd "$(dirname "$0")/.."
export FUGONG_CLUSTER_DIR=${FUGONG_CLUSTER_DIR:-/tmp/fugong-cluster}
scripts/cluster.sh start >/dev/null
[ -n "${KEEP:-}" ] || trap 'scripts/cluster.sh use-db galera >/dev/null 2>&1 || true; scripts/cluster.sh stop' EXIT
source "$(scripts/cluster.sh env)"
out=$(mktemp -d)
go test -tags cluster -c -o "$out/chaos.test" ./internal/chaos/
measure() { # name, then replica DSN (empty: each on its own node)
  local name=$1
  FUGONG_CLUSTER_REPLICA_DSN=${2:-} "$out/chaos.test" -test.run '^TestThroughput$' -test.count=1 -test.v \
    | tee "$out/$name.log" | grep '^BENCH' | sed "s/^BENCH /$name /"
}
scripts/cluster.sh use-db galera >/dev/null
measure galera3w
export BENCH_READS=0 # the read path is measured on Galera with each replica on its own node
scripts/cluster.sh use-db galera1 >/dev/null
measure galera1w "fugong:fugong-cluster@tcp(127.0.0.1:$(( ${FUGONG_CLUSTER_PORT:-34300} + 1 )))/fugong"
scripts/cluster.sh use-db single >/dev/null
measure single "fugong:fugong-cluster@tcp(127.0.0.1:$(( ${FUGONG_CLUSTER_PORT:-34300} + 5 )))/fugong"
