// Package chaos holds the cluster chaos test (chaos_test.go, build tag
// cluster): a bounded mixed load through HAProxy against the cluster
// scripts/cluster.sh starts, while one replica, one Galera node and one
// MinIO node are killed with SIGKILL and restarted in turn, and then the
// checks that nothing acknowledged was lost. Run it with `make
// cluster-test` (scripts/cluster-test.sh); docs/benchmarks.md has its
// figures.
package chaos
