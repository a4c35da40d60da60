// Package store owns fugong's database: the GORM connection to SQLite or
// MySQL/MariaDB, the versioned migrations, and the repositories that later
// packages call. Every query that reads tenant data takes a Scope so that
// access control is enforced here, not only in handlers.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"fugong/internal/apperror"
	"fugong/internal/config"
	"fugong/internal/msg"
)

// DB is an open database with fugong's schema.
type DB struct {
	gorm   *gorm.DB
	driver string
	inTx   bool     // a *DB handed to a Tx callback
	pool   *gorm.DB // the pool's handle (a tx's: the pool it came from)
	// auditKey keys the audit chain's MAC (SetAuditKey).
	auditKey []byte
	// auditKeys are every generation of the audit keys, auditGen the
	// current one (SetAuditKeys, audit_keys.go).
	auditKeys map[int][]byte
	auditGen  int
	// auditWriter names the audit chain segment of this process's appends
	// when auditWriterSet (SetAuditWriter); else the database node does.
	auditWriter    string
	auditWriterSet bool
	galera         bool // a MariaDB Galera node (galera.go)
}

// Open connects to the database cfg names, applies the pool settings and
// checks the connection. It does not migrate; call Migrate. Errors name the
// driver and never include the DSN's password.
func Open(ctx context.Context, cfg config.Database) (*DB, error) {
	var dialector gorm.Dialector
	galera := false
	switch cfg.Driver {
	case "sqlite":
		dsn, err := sqliteDSN(cfg.DSN, cfg.BusyTimeout)
		if err != nil {
			return nil, err
		}
		dialector = sqlite.Open(dsn)
	case "mysql":
		dsn, err := mysqlDSN(cfg.DSN)
		if err != nil {
			return nil, err
		}
		if dsn, galera, err = withCausalReads(ctx, dsn, probeGalera); err != nil { // galera.go
			return nil, err
		}
		dialector = mysql.Open(dsn)
	default:
		return nil, fmt.Errorf("store: unknown driver %q", cfg.Driver)
	}
	g, err := gorm.Open(dialector, &gorm.Config{
		SkipDefaultTransaction: true, // writes that need one open it explicitly
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		TranslateError:         true,
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", cfg.Driver, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	sqlDB.SetMaxOpenConns(cfg.MaxOpenConns)
	sqlDB.SetMaxIdleConns(cfg.MaxIdleConns)
	sqlDB.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	db := &DB{gorm: g, driver: cfg.Driver, pool: g, galera: galera}
	if err := db.Ping(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// sqliteDSN turns a file path into a glebarez/sqlite DSN with WAL, a busy
// timeout, foreign keys and IMMEDIATE transactions (so two writers queue on
// the lock instead of failing when a read transaction upgrades).
func sqliteDSN(path string, busy time.Duration) (string, error) {
	if strings.HasPrefix(path, "file:") || strings.Contains(path, "?") {
		return path, nil // the operator wrote a full DSN
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("store: create database directory: %w", err)
		}
	}
	if busy <= 0 {
		busy = 5 * time.Second
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_txlock", "immediate")
	return path + "?" + q.Encode(), nil
}

// mysqlDSN makes sure the options fugong depends on are set: utf8mb4 for
// Chinese text, parseTime for time.Time columns, UTC everywhere.
func mysqlDSN(dsn string) (string, error) {
	c, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("store: database.dsn is not a MySQL DSN: %w", err)
	}
	c.ParseTime = true
	c.Loc = time.UTC
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	c.Params["charset"] = "utf8mb4"
	c.Collation = "utf8mb4_unicode_ci"
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = 30 * time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 30 * time.Second
	}
	return c.FormatDSN(), nil
}

// Driver returns "sqlite" or "mysql".
func (db *DB) Driver() string { return db.driver }

// Gorm returns the underlying *gorm.DB. Only report and demo still call it,
// until their queries move into the store (TestOnlyTheStoreRunsSQL holds
// every other package to that); it is then removed.
func (db *DB) Gorm() *gorm.DB { return db.gorm }

// Ping checks that the database answers within ctx; the error is
// apperror.Unavailable.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return apperror.Wrap(err, apperror.Unavailable, "database unavailable")
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return apperror.Wrap(err, apperror.Unavailable, "database unavailable")
	}
	return nil
}

// Close closes the connection pool.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Tx runs fn in one transaction; fn's error rolls it back. Inside fn, tx
// is the transaction. Under a ctx carrying a transaction (InTx), or called
// on a tx, it is a savepoint of that transaction. Errors of the transaction
// itself, COMMIT included, are classified (retry.go): a conflict with a
// concurrent transaction is apperror.Conflict and IsRetryable, a lost or
// unready node apperror.Unavailable.
func (db *DB) Tx(ctx context.Context, fn func(tx *DB) error) error {
	return txErr(db.orm(ctx).Transaction(func(g *gorm.DB) error {
		tx := *db
		tx.gorm, tx.inTx = g, true
		if err := fn(&tx); err != nil {
			return err
		}
		if db.galera { // galera.go: aborted between statements is not success
			if in, err := stillInTransaction(g); err != nil {
				return err
			} else if !in {
				return errAbortedBeforeCommit
			}
		}
		return nil
	}))
}

// requestTx is the context key of the transaction InTx shares.
type requestTx struct{}

// InTx runs fn in one transaction that every query of db under fn's ctx
// joins (a Tx becomes a savepoint of it), so that a whole request — an
// idempotency claim and the work it guards — commits or rolls back as one,
// and concurrent requests touching the same rows wait on its locks. fn's
// error rolls it back.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return db.Tx(ctx, func(tx *DB) error { return fn(context.WithValue(ctx, requestTx{}, tx)) })
}

// joinsTx reports whether a query of db under ctx runs inside a transaction
// someone else commits: db is a tx, or ctx carries one (InTx).
func (db *DB) joinsTx(ctx context.Context) bool {
	if db.inTx {
		return true
	}
	tx, ok := ctx.Value(requestTx{}).(*DB)
	return ok && tx.pool == db.pool
}

// orm is the handle a query under ctx runs on: the transaction ctx carries
// for this database (InTx), else db's own (the pool, or a tx).
func (db *DB) orm(ctx context.Context) *gorm.DB {
	if !db.inTx {
		if tx, ok := ctx.Value(requestTx{}).(*DB); ok && tx.pool == db.pool {
			return tx.gorm.WithContext(ctx)
		}
	}
	return db.gorm.WithContext(ctx)
}

// dbErr maps driver errors to application codes: a missing row is NotFound,
// a unique violation Conflict, a dead connection Unavailable.
func dbErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return apperror.WrapMsg(err, apperror.NotFound, msgNotFound, what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return apperror.WrapMsg(err, apperror.Conflict, msgAlreadyExists, what)
	case isUnavailable(err):
		return apperror.Wrap(err, apperror.Unavailable, "database unavailable")
	case IsRetryable(err): // retry.go: a deadlock or certification conflict
		return apperror.WrapMsg(err, apperror.Conflict, msgConflictRetry)
	default:
		return fmt.Errorf("store: %s: %w", what, err)
	}
}

func isUnavailable(err error) bool {
	if nodeUnavailable(err) { // galera.go
		return true
	}
	if errors.Is(err, mysqldriver.ErrInvalidConn) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	s := err.Error()
	for _, m := range []string{"connection refused", "bad connection", "broken pipe", "driver: bad connection", "i/o timeout", "connection reset"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

func conflict(m msg.Message) error { return apperror.Msg(apperror.Conflict, m) }

// DeleteAllRows empties table (tests that play several histories on one
// database; never called by the binary). Errors are the database's.
func (db *DB) DeleteAllRows(ctx context.Context, table string) error {
	return dbErr(db.orm(ctx).Exec("DELETE FROM "+table).Error, table)
}
