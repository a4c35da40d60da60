package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong/internal/config"
)

// TestTemplateCopyEqualsMigrate: a database copied from the template has
// exactly the schema (tables, columns, indexes, constraints) and the
// migration records that Migrate writes, on both databases.
func TestTemplateCopyEqualsMigrate(t *testing.T) {
	t.Parallel()
	for _, d := range Drivers {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			copied := Config(t, d)
			migrated := Config(t, d)
			mustOpenCopy(t, copied)
			mustMigrate(t, migrated)
			a, b := dumpSchema(t, copied), dumpSchema(t, migrated)
			if len(a) == 0 {
				t.Fatal("empty schema dump")
			}
			if !slices.Equal(a, b) {
				t.Errorf("template copy differs from a migrated database:\ncopy:\n%s\nmigrated:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
		})
	}
}

// dumpSchema lists every table's definition and the applied migration
// versions and names, in a form that does not depend on the database's name.
func dumpSchema(t *testing.T, cfg config.Database) []string {
	t.Helper()
	ctx := context.Background()
	driverName, dsn := "mysql", cfg.DSN
	if cfg.Driver == "sqlite" {
		driverName = "sqlite"
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	if cfg.Driver == "sqlite" {
		rows, err := db.QueryContext(ctx, "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
	} else {
		names, err := queryStrings(ctx, db, "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			var ignored, create string
			if err := db.QueryRowContext(ctx, "SHOW CREATE TABLE `"+n+"`").Scan(&ignored, &create); err != nil {
				t.Fatal(err)
			}
			out = append(out, create)
		}
	}
	rows, err := db.QueryContext(ctx, "SELECT version, name FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("migration %d %s", v, name))
	}
	return out
}

// BenchmarkFreshDatabase compares a template copy with migrating from empty,
// per driver, alternating the two on every iteration so both see the same
// load on the shared machine and server:
//
//	go test ./internal/store/storetest -run '^$' -bench FreshDatabase -benchtime 20x
func BenchmarkFreshDatabase(b *testing.B) {
	for _, d := range Drivers {
		b.Run(d, func(b *testing.B) {
			MustOpen(b, d) // the one-off template build is not what is measured
			var copyTime, migrateTime time.Duration
			for b.Loop() {
				t0 := time.Now()
				MustOpen(b, d)
				t1 := time.Now()
				MustMigrate(b, d)
				copyTime += t1.Sub(t0)
				migrateTime += time.Since(t1)
			}
			b.ReportMetric(float64(copyTime.Milliseconds())/float64(b.N), "copy-ms/op")
			b.ReportMetric(float64(migrateTime.Milliseconds())/float64(b.N), "migrate-ms/op")
			b.ReportMetric(float64(copyTime)/float64(migrateTime), "copy/migrate")
		})
	}
}
