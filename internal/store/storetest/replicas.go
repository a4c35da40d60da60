package storetest

import (
	"context"
	"sync"
	"testing"

	"fugong/internal/config"

	"fugong/internal/store"
	"fugong/internal/testenv"
)

// MustOpenReplicas opens n connection pools on one fresh database of
// driver, as n replicas would, migrates it once and closes them at cleanup.
// Tests of what replicas must agree on (leases, published rules, racing
// decisions) run their instances over these.
func MustOpenReplicas(tb testing.TB, driver string, n int) []*store.DB {
	tb.Helper()
	cfg := Config(tb, driver)
	ctx := context.Background()
	out := make([]*store.DB, n)
	for i := range out {
		db, err := store.Open(ctx, cfg)
		if err != nil {
			if driver == "mysql" {
				testenv.Unreachable(tb, "MariaDB", err.Error())
			}
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		out[i] = db
	}
	if _, err := out[0].Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return out
}

// configs remembers the configuration of each database MustOpen opened, so
// Reopen can open another pool on it (test helper state, not production).
var configs sync.Map // *store.DB → config.Database

// Reopen opens a second connection pool on the database of db (which
// MustOpen opened), as a second replica would; closed at cleanup.
func Reopen(tb testing.TB, db *store.DB) *store.DB {
	tb.Helper()
	v, ok := configs.Load(db)
	if !ok {
		tb.Fatal("storetest.Reopen: the database was not opened by storetest.MustOpen")
	}
	other, err := store.Open(context.Background(), v.(config.Database))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { other.Close() })
	other.SetAuditKey(AuditKey)
	return other
}

// OpenUnmigrated opens a fresh, empty database of driver without migrating
// it (tests of Migrate and of readiness), closed at cleanup; its config is
// returned so more pools can be opened on the same database.
func OpenUnmigrated(tb testing.TB, driver string) (*store.DB, func() *store.DB) {
	tb.Helper()
	cfg := Config(tb, driver)
	open := func() *store.DB {
		db, err := store.Open(context.Background(), cfg)
		if err != nil {
			if driver == "mysql" {
				testenv.Unreachable(tb, "MariaDB", err.Error())
			}
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		db.SetAuditKey(AuditKey)
		return db
	}
	return open(), open
}
