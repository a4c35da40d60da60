// Package testenv tells tests where the real services provisioned by
// scripts/services.sh are, and enforces the project's rule: under CI=true a
// test that needs a service fails when it cannot reach it; elsewhere it skips.
package testenv

import (
	"os"
	"testing"
)

// MySQLDSN is the variable naming a MariaDB/MySQL server for tests, as a DSN
// without a database name, e.g. root@tcp(127.0.0.1:33061)/.
const MySQLDSN = "FUGONG_TEST_MYSQL_DSN"

// MinIO variables naming a MinIO server for tests.
const (
	MinIOEndpoint  = "FUGONG_TEST_MINIO_ENDPOINT"
	MinIOAccessKey = "FUGONG_TEST_MINIO_ACCESS_KEY"
	MinIOSecretKey = "FUGONG_TEST_MINIO_SECRET_KEY"
)

// Require returns the value of the environment variable name, or stops the
// test: Fatal under CI=true, Skip elsewhere.
func Require(tb testing.TB, name, service string) string {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		Unreachable(tb, service, name+" is not set (run `make test`, which starts it)")
	}
	return v
}

// Unreachable stops the test because service cannot be used: Fatal under
// CI=true, Skip elsewhere.
func Unreachable(tb testing.TB, service, why string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is required under CI=true: %s", service, why)
	}
	tb.Skipf("%s not available: %s", service, why)
}

// Volume marks a single-goroutine bulk-data test (the 41,000-enterprise demo
// seed, a 100,000-row roster, the dedup recall measurement). Under -race it
// skips: the race detector also instruments the pure-Go SQLite engine, which
// makes such tests 20x slower while adding no concurrency coverage. make test
// runs every test named TestVolume* again without -race, so each still runs
// on every `make test`, under CI=true too.
func Volume(tb testing.TB) {
	tb.Helper()
	if Race {
		tb.Skip("volume test: make test runs it without -race (go test -run '^TestVolume' ./...)")
	}
}
