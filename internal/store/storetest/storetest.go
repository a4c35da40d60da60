// Package storetest opens real, migrated databases for tests: a SQLite file
// in a temp dir, and a fresh database on the MariaDB server that
// scripts/services.sh provisions. Like wtf's MustOpenDB, one call gives a
// ready database and registers its cleanup.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"

	"fugong/internal/config"
	"fugong/internal/store"
	"fugong/internal/testenv"
)

// Drivers are the databases every store test runs on.
var Drivers = []string{"sqlite", "mysql"}

// Config returns the database configuration of a fresh, empty database on
// driver. On mysql it creates a uniquely named database, dropped at cleanup.
func Config(tb testing.TB, driver string) config.Database {
	tb.Helper()
	cfg := config.Default().Database
	cfg.Driver = driver
	switch driver {
	case "sqlite":
		cfg.DSN = filepath.Join(tb.TempDir(), "fugong.db")
	case "mysql":
		base := testenv.Require(tb, testenv.MySQLDSN, "MariaDB")
		mc, err := mysqldriver.ParseDSN(base)
		if err != nil {
			tb.Fatalf("%s: %v", testenv.MySQLDSN, err)
		}
		name := "fugong_t_" + randomHex(6)
		admin, err := sql.Open("mysql", base)
		if err != nil {
			tb.Fatal(err)
		}
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
			testenv.Unreachable(tb, "MariaDB", err.Error())
		}
		tb.Cleanup(func() {
			a, err := sql.Open("mysql", base)
			if err == nil {
				a.Exec("DROP DATABASE IF EXISTS " + name)
				a.Close()
			}
		})
		mc.DBName = name
		cfg.DSN = mc.FormatDSN()
		cfg.MaxOpenConns, cfg.MaxIdleConns = 10, 5
	default:
		tb.Fatalf("unknown driver %q", driver)
	}
	return cfg
}

// MustOpen opens and migrates a fresh database on driver, closed at cleanup.
func MustOpen(tb testing.TB, driver string) *store.DB {
	tb.Helper()
	cfg := Config(tb, driver)
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		if driver == "mysql" {
			testenv.Unreachable(tb, "MariaDB", err.Error())
		}
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	configs.Store(db, cfg)
	tb.Cleanup(func() { configs.Delete(db) })
	return db
}

// Each runs fn as a subtest on a fresh database of every driver; the subtest
// names are the driver names, so `-run /mysql` selects the MariaDB runs.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Drivers {
		t.Run(d, func(t *testing.T) { fn(t, MustOpen(t, d)) })
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
