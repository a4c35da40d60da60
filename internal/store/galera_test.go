package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestCommitOnLostConnectionIsUnavailable: the connection of a transaction
// dies before COMMIT (here killed by the server, as when a Galera node
// leaves): the answer is apperror.Unavailable (503), not an unmapped driver
// error (500).
func TestCommitOnLostConnectionIsUnavailable(t *testing.T) {
	db := storetest.MustOpen(t, "mysql")
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *store.DB) error {
		var id int64
		if err := tx.Gorm().Raw("SELECT CONNECTION_ID()").Scan(&id).Error; err != nil {
			return err
		}
		if err := tx.Gorm().Exec("UPDATE schema_migrations SET name = name WHERE version = 1").Error; err != nil {
			return err
		}
		// Another pooled connection kills this one.
		return db.Gorm().Exec(fmt.Sprintf("KILL %d", id)).Error
	})
	if apperror.CodeOf(err) != apperror.Unavailable {
		t.Fatalf("commit on a killed connection: %v (code %s), want unavailable", err, apperror.CodeOf(err))
	}
}

// TestReadyRunsARealQuery: readiness is a query on a fugong table, so a
// server that answers pings but cannot serve the schema is not ready.
func TestReadyRunsARealQuery(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			bare, _ := storetest.OpenUnmigrated(t, driver)
			if err := bare.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			if err := bare.Ready(ctx); apperror.CodeOf(err) != apperror.Unavailable {
				t.Fatalf("unmigrated database ready: %v", err)
			}
			if _, err := bare.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := bare.Ready(ctx); err != nil {
				t.Fatalf("migrated database not ready: %v", err)
			}
			galera, err := bare.IsGalera(ctx)
			if err != nil || galera {
				t.Fatalf("test server reported as galera=%v (%v)", galera, err)
			}
		})
	}
}

// TestReplicasMigrateTogether: three replicas start together on an empty
// database; all succeed and every step is applied once. The lock is a row
// (not GET_LOCK, which holds only on one Galera node).
func TestReplicasMigrateTogether(t *testing.T) {
	ctx := context.Background()
	first, open := storetest.OpenUnmigrated(t, "mysql")
	dbs := []*store.DB{first, open(), open()}
	var wg sync.WaitGroup
	errs := make([]error, len(dbs))
	applied := make([][]int, len(dbs))
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = db.Migrate(ctx)
		}()
	}
	wg.Wait()
	// Each step once: no version twice, and together up to the latest
	// (versions may have gaps while branches wait to be renumbered).
	seen := map[int]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		for _, v := range applied[i] {
			if seen[v] {
				t.Fatalf("replicas applied %v: step %d twice", applied, v)
			}
			seen[v] = true
		}
	}
	if len(seen) != store.MigrationSteps() || !seen[1] || !seen[store.LatestSchemaVersion()] {
		t.Fatalf("replicas applied %v, want every step from 1 to %d once", applied, store.LatestSchemaVersion())
	}
	var locks int64
	if err := first.Gorm().Raw("SELECT COUNT(*) FROM schema_migration_lock").Scan(&locks).Error; err != nil || locks != 0 {
		t.Fatalf("lock rows left: %d (%v)", locks, err)
	}
}

// TestEveryTableHasAPrimaryKey: Galera replicates row changes by primary
// key (a table without one cannot be certified or applied safely), and
// TiDB needs one to place rows; every table of the migrated schema has one.
func TestEveryTableHasAPrimaryKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		g := db.Gorm()
		var missing []string
		switch db.Driver() {
		case "mysql":
			err := g.Raw(`SELECT t.table_name FROM information_schema.tables t
				WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE'
				AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints c
					WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY')`).
				Scan(&missing).Error
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			g.Raw("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()").Scan(&n)
			if n < 20 {
				t.Fatalf("only %d tables seen", n)
			}
		case "sqlite":
			var tables []string
			if err := g.Raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").Scan(&tables).Error; err != nil {
				t.Fatal(err)
			}
			if len(tables) < 20 {
				t.Fatalf("only %d tables seen", len(tables))
			}
			for _, tb := range tables {
				var n int64
				if err := g.Raw("SELECT COUNT(*) FROM pragma_table_info(?) WHERE pk > 0", tb).Scan(&n).Error; err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					missing = append(missing, tb)
				}
			}
		}
		if len(missing) > 0 {
			t.Fatalf("tables without a primary key: %v", missing)
		}
	})
}
