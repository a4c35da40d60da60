#!/usr/bin/env bash
# The cluster chaos test (make cluster-test): starts the loopback cluster of
# scripts/cluster.sh with a webhook subscriber configured, runs
# internal/chaos's TestChaos against it (a bounded mixed load through HAProxy
# while one replica, one Galera node and one MinIO node are killed -9 and
# restarted in turn, then the checks), and stops the cluster again.
#
#   CHAOS_ENTERPRISES=60 CHAOS_CLIENTS=6 CHAOS_DOWN_SECONDS=8 scripts/cluster-test.sh
#   KEEP=1 scripts/cluster-test.sh      leave the cluster running afterwards
set -euo pipefail
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"
cd "$(dirname "$0")/.."
export FUGONG_CLUSTER_DIR=${FUGONG_CLUSTER_DIR:-/tmp/fugong-cluster}
BASE=${FUGONG_CLUSTER_PORT:-34300}
hook=127.0.0.1:$((BASE + 98))
mkdir -p "$FUGONG_CLUSTER_DIR"
cat >"$FUGONG_CLUSTER_DIR/chaos.yaml" <<CFG
webhooks:
  - {name: chaos, url: "http://$hook/hook", secret: "chaos-webhook-secret-0123"}
CFG
FUGONG_CLUSTER_CONFIG=$FUGONG_CLUSTER_DIR/chaos.yaml scripts/cluster.sh start
[ -n "${KEEP:-}" ] || trap 'scripts/cluster.sh stop' EXIT
source "$(scripts/cluster.sh env)"
export FUGONG_CLUSTER_SCRIPT=$PWD/scripts/cluster.sh CHAOS_WEBHOOK_ADDR=$hook
go test -tags cluster -count=1 -v -timeout 40m -run '^TestChaos$' ./internal/chaos/
