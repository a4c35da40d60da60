// Package storetest opens real, migrated databases for tests: a SQLite file
// in a temp dir, and a fresh database on the MariaDB server that
// scripts/services.sh provisions. Like wtf's MustOpenDB, one call gives a
// ready database and registers its cleanup.
//
// Migrating costs far more than copying a migrated schema (on MariaDB every
// step is DDL, and Migrate holds a server-wide lock, so parallel test
// processes queue on it). So each test process migrates once per driver into
// a template and copies it for every test: the SQLite file's bytes, or the
// MariaDB tables' CREATE statements and rows. The template lives in memory,
// so nothing is left behind when the process ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		dsn, drop, err := createMySQLDatabase(ctx, base)
		if err != nil {
			testenv.Unreachable(tb, "MariaDB", err.Error())
		}
		tb.Cleanup(drop)
		cfg.DSN = dsn
		cfg.MaxOpenConns, cfg.MaxIdleConns = 10, 5
	default:
		tb.Fatalf("unknown driver %q", driver)
	}
	return cfg
}

// AuditKey is the audit chain key of every test database (in production it
// comes from the data keyring, outside the database).
var AuditKey = []byte("fugong test audit key, 32 bytes!")

// MustOpen returns a migrated database on driver, a copy of this process's
// template, closed at cleanup. Each call gets its own database, so tests
// that use it may run in parallel.
func MustOpen(tb testing.TB, driver string) *store.DB {
	tb.Helper()
	return mustOpenCopy(tb, Config(tb, driver))
}

// MigratedConfig returns the configuration of a fresh database on driver
// that already holds the template's schema, for code under test that opens
// the database itself (`fugong serve` in-process): its own Migrate then has
// nothing to apply, so it starts at once even on a busy server.
func MigratedConfig(tb testing.TB, driver string) config.Database {
	tb.Helper()
	cfg := Config(tb, driver)
	mustOpenCopy(tb, cfg)
	return cfg
}

// MustMigrate opens and migrates a fresh database on driver the slow way,
// without the template: for tests of Migrate itself. Closed at cleanup.
func MustMigrate(tb testing.TB, driver string) *store.DB {
	tb.Helper()
	return mustMigrate(tb, Config(tb, driver))
}

func mustOpenCopy(tb testing.TB, cfg config.Database) *store.DB {
	tb.Helper()
	ctx := context.Background()
	var err error
	switch cfg.Driver {
	case "sqlite":
		err = copySQLiteTemplate(ctx, cfg.DSN)
	case "mysql":
		err = copyMySQLTemplate(ctx, cfg.DSN)
	}
	if err != nil {
		if cfg.Driver == "mysql" {
			testenv.Unreachable(tb, "MariaDB", err.Error())
		}
		tb.Fatal(err)
	}
	db := mustOpenConfig(tb, cfg)
	// A copy that lost a step would fail confusingly later; say so here.
	if v, err := db.SchemaVersion(ctx); err != nil || v != store.LatestSchemaVersion() {
		tb.Fatalf("storetest: template copy at schema version %d (%v), want %d", v, err, store.LatestSchemaVersion())
	}
	return db
}

func mustMigrate(tb testing.TB, cfg config.Database) *store.DB {
	tb.Helper()
	db := mustOpenConfig(tb, cfg)
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

func mustOpenConfig(tb testing.TB, cfg config.Database) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		if cfg.Driver == "mysql" {
			testenv.Unreachable(tb, "MariaDB", err.Error())
		}
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetAuditKey(AuditKey)
	// Remembered so that Reopen can open a second pool on it (a replica).
	configs.Store(db, cfg)
	tb.Cleanup(func() { configs.Delete(db) })
	return db
}

// Each runs fn as a parallel subtest on a fresh database of every driver;
// the subtest names are the driver names, so `-run /mysql` selects the
// MariaDB runs. fn must not share mutable state between the two runs.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Drivers {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, MustOpen(t, d))
		})
	}
}

// --- SQLite: the migrated file's bytes --------------------------------------

var sqliteTemplate struct {
	once  sync.Once
	files map[string][]byte // suffix ("" or "-wal") → contents
	err   error
}

func copySQLiteTemplate(ctx context.Context, path string) error {
	t := &sqliteTemplate
	t.once.Do(func() { t.files, t.err = buildSQLiteTemplate(ctx) })
	if t.err != nil {
		return t.err
	}
	for suffix, b := range t.files {
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			return fmt.Errorf("storetest: copy the SQLite template: %w", err)
		}
	}
	return nil
}

func buildSQLiteTemplate(ctx context.Context) (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "fugong-storetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg := config.Default().Database
	cfg.Driver, cfg.DSN = "sqlite", filepath.Join(dir, "template.db")
	db, err := store.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("storetest: SQLite template: %w", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("storetest: SQLite template: %w", err)
	}
	// Closing the last connection checkpoints the WAL into the main file;
	// a leftover WAL is copied too, so the copy is whole either way.
	if err := db.Close(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(cfg.DSN + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			return nil, err
		}
		if len(b) > 0 || suffix == "" {
			files[suffix] = b
		}
	}
	return files, nil
}

// --- MariaDB: the migrated tables' definitions and rows ---------------------

type mysqlTable struct {
	name    string
	create  string // SHOW CREATE TABLE
	columns []string
	rows    [][]any // rows the migrations wrote (schema_migrations at least)
}

var mysqlTemplate struct {
	once   sync.Once
	tables []mysqlTable
	err    error
}

func copyMySQLTemplate(ctx context.Context, dsn string) error {
	t := &mysqlTemplate
	t.once.Do(func() { t.tables, t.err = buildMySQLTemplate(ctx) })
	if t.err != nil {
		return t.err
	}
	// Every CREATE in one round trip: on a loaded machine the round trips,
	// not the server's work, were most of the copy's time.
	mc, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return err
	}
	mc.MultiStatements = true
	db, err := sql.Open("mysql", mc.FormatDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Tables are created in name order; foreign keys may point forward.
	var ddl strings.Builder
	ddl.WriteString("SET FOREIGN_KEY_CHECKS = 0;\n")
	for _, tb := range t.tables {
		ddl.WriteString(tb.create)
		ddl.WriteString(";\n")
	}
	if _, err := conn.ExecContext(ctx, ddl.String()); err != nil {
		return fmt.Errorf("storetest: create the tables from the template: %w", err)
	}
	for _, tb := range t.tables {
		if len(tb.rows) == 0 {
			continue
		}
		marks := "(" + strings.TrimSuffix(strings.Repeat("?,", len(tb.columns)), ",") + ")"
		stmt := "INSERT INTO `" + tb.name + "` (`" + strings.Join(tb.columns, "`,`") + "`) VALUES " +
			strings.TrimSuffix(strings.Repeat(marks+",", len(tb.rows)), ",")
		var args []any
		for _, r := range tb.rows {
			args = append(args, r...)
		}
		if _, err := conn.ExecContext(ctx, stmt, args...); err != nil {
			return fmt.Errorf("storetest: copy %s's rows from the template: %w", tb.name, err)
		}
	}
	_, err = conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 1")
	return err
}

func buildMySQLTemplate(ctx context.Context) ([]mysqlTable, error) {
	base := os.Getenv(testenv.MySQLDSN)
	if base == "" {
		return nil, fmt.Errorf("%s is not set", testenv.MySQLDSN)
	}
	dsn, drop, err := createMySQLDatabase(ctx, base)
	if err != nil {
		return nil, err
	}
	defer drop()
	cfg := config.Default().Database
	cfg.Driver, cfg.DSN = "mysql", dsn
	sdb, err := store.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	_, err = sdb.Migrate(ctx)
	sdb.Close()
	if err != nil {
		return nil, fmt.Errorf("storetest: MariaDB template: %w", err)
	}

	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	names, err := queryStrings(ctx, db, "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")
	if err != nil {
		return nil, err
	}
	var tables []mysqlTable
	for _, name := range names {
		tb := mysqlTable{name: name}
		var ignored string
		if err := db.QueryRowContext(ctx, "SHOW CREATE TABLE `"+name+"`").Scan(&ignored, &tb.create); err != nil {
			return nil, fmt.Errorf("storetest: SHOW CREATE TABLE %s: %w", name, err)
		}
		if err := readRows(ctx, db, &tb); err != nil {
			return nil, err
		}
		tables = append(tables, tb)
	}
	return tables, nil
}

// readRows copies every row of tb as raw bytes (NULL stays nil), which
// MariaDB converts back to each column's type on insert.
func readRows(ctx context.Context, db *sql.DB, tb *mysqlTable) error {
	rows, err := db.QueryContext(ctx, "SELECT * FROM `"+tb.name+"`")
	if err != nil {
		return fmt.Errorf("storetest: read %s: %w", tb.name, err)
	}
	defer rows.Close()
	if tb.columns, err = rows.Columns(); err != nil {
		return err
	}
	for rows.Next() {
		raw := make([]sql.RawBytes, len(tb.columns))
		dest := make([]any, len(raw))
		for i := range raw {
			dest[i] = &raw[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		row := make([]any, len(raw))
		for i, b := range raw {
			if b != nil {
				row[i] = append([]byte{}, b...)
			}
		}
		tb.rows = append(tb.rows, row)
	}
	return rows.Err()
}

func queryStrings(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		dest := make([]any, len(vals))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, string(vals[0]))
	}
	return out, rows.Err()
}

// createMySQLDatabase creates a uniquely named, empty database on the server
// base names and returns its DSN and a function that drops it.
func createMySQLDatabase(ctx context.Context, base string) (dsn string, drop func(), err error) {
	mc, err := mysqldriver.ParseDSN(base)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", testenv.MySQLDSN, err)
	}
	name := "fugong_t_" + randomHex(6)
	admin, err := sql.Open("mysql", base)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return "", nil, err
	}
	drop = func() {
		a, err := sql.Open("mysql", base)
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name)
			a.Close()
		}
	}
	mc.DBName = name
	return mc.FormatDSN(), drop, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}

// Wipe empties the registry and everything the dashboards count (problems,
// filings, registry versions with their timeline, enterprises), so a test can play
// several histories on one database.
func Wipe(tb testing.TB, db *store.DB) {
	tb.Helper()
	for _, tbl := range []string{"problems", "filings", "enterprise_versions", "enterprises"} {
		if err := db.DeleteAllRows(context.Background(), tbl); err != nil {
			tb.Fatal(err)
		}
	}
}
