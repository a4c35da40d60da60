package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"syscall"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"fugong/internal/apperror"
)

// Galera (MariaDB's synchronous multi-writer cluster) behaves differently
// from one server in three ways fugong has to handle; docs/deploy.md tells
// operators the same:
//   - a node that is joining or has lost its quorum accepts connections but
//     answers every query with 1047 (WSREP has not yet prepared node for
//     application use): readiness must run a real query and read wsrep_ready;
//   - replication is synchronous to certification but applied
//     asynchronously, so a read on node B right after a commit on node A can
//     miss it unless the session asks for causal reads (wsrep_sync_wait);
//   - conflicting writers on two nodes are resolved at commit by
//     certification: the loser gets 1213 and must run its transaction again
//     (retry.go).

// MySQL/MariaDB error numbers that mean "this node cannot serve now".
var unavailableNumbers = map[uint16]bool{
	1040: true, // ER_CON_COUNT_ERROR: too many connections
	1047: true, // ER_UNKNOWN_COM_ERROR: Galera node not ready (joining, donor, non-primary)
	1053: true, // ER_SERVER_SHUTDOWN
	1927: true, // ER_CONNECTION_KILLED (MariaDB)
	2002: true, // CR_CONNECTION_ERROR
	2003: true, // CR_CONN_HOST_ERROR
	2006: true, // CR_SERVER_GONE_ERROR
	2013: true, // CR_SERVER_LOST
}

// nodeUnavailable reports whether err means the database node cannot serve
// now (down, shutting down, not part of the primary component, or the
// connection died, also at COMMIT) rather than that the request was wrong.
func nodeUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) && unavailableNumbers[me.Number] {
		return true
	}
	if errors.Is(err, mysqldriver.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	s := err.Error()
	for _, m := range []string{"WSREP has not yet prepared node", "invalid connection", "connection refused",
		"bad connection", "broken pipe", "i/o timeout", "connection reset", "server shutdown"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// causalReadsParam is the session variable that makes a Galera node wait,
// before a read (SELECT, SHOW, BEGIN), until it has applied every write the
// cluster committed before the read began: read-your-writes across nodes for
// sessions, tokens and anything a caller just wrote through another replica.
const causalReadsParam = "wsrep_sync_wait"

// withCausalReads returns dsn with wsrep_sync_wait=1 set on every
// connection when probe reports that the server is a Galera node; an
// operator's own wsrep_sync_wait in the DSN wins. The driver sends DSN
// parameters it does not know as SET statements at connect time, so the
// setting holds on every pooled connection.
//
// It also reports whether the server is a Galera node.
func withCausalReads(ctx context.Context, dsn string, probe func(context.Context, string) (bool, error)) (string, bool, error) {
	c, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		return "", false, fmt.Errorf("store: database.dsn is not a MySQL DSN: %w", err)
	}
	galera, err := probe(ctx, dsn)
	if err != nil || !galera {
		return dsn, false, nil // Open's ping reports a dead server
	}
	if _, set := c.Params[causalReadsParam]; set {
		return dsn, true, nil
	}
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	c.Params[causalReadsParam] = "1"
	return c.FormatDSN(), true, nil
}

// errAbortedBeforeCommit is what a transaction gets when Galera rolled it
// back under it (a conflicting write set from another node was applied
// while it was between statements) and the statements it sent since then
// ran outside it: it must not report success. It is a deadlock, so
// IsRetryable and the caller runs the whole operation again.
var errAbortedBeforeCommit = &mysqldriver.MySQLError{Number: erLockDeadlock,
	Message: "WSREP: the transaction was aborted by a conflicting write set before its commit"}

// stillInTransaction reports whether the session behind g still has the
// transaction open (MariaDB's @@in_transaction). Galera can abort a
// transaction while the client is between statements; the next statements
// then run in autocommit, so Tx checks this before COMMIT.
func stillInTransaction(g interface {
	Raw(sql string, values ...any) *gorm.DB
}) (bool, error) {
	var in int
	if err := g.Raw("SELECT @@in_transaction").Scan(&in).Error; err != nil {
		return false, err
	}
	return in == 1, nil
}

// probeGalera reports whether the server behind dsn runs with wsrep on.
// MySQL has no such variable (an error, so false).
func probeGalera(ctx context.Context, dsn string) (bool, error) {
	conn, err := sql.Open("mysql", dsn)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	return wsrepOn(ctx, conn)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func wsrepOn(ctx context.Context, q queryRower) (bool, error) {
	var on sql.NullString
	if err := q.QueryRowContext(ctx, "SELECT @@GLOBAL.wsrep_on").Scan(&on); err != nil {
		var me *mysqldriver.MySQLError
		if errors.As(err, &me) && me.Number == 1193 { // unknown system variable: not MariaDB
			return false, nil
		}
		return false, err
	}
	return on.String == "1" || strings.EqualFold(on.String, "ON"), nil
}

// Ready reports whether this database can serve requests now: a real query
// on a fugong table answers (a Galera node that is joining accepts pings
// but fails queries), and on Galera the node is wsrep_ready=ON and Synced
// (not joining, donor or desynced). Not ready is apperror.Unavailable with
// the reason; /readyz calls it so a load balancer admits a node only once it
// can answer.
func (db *DB) Ready(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return apperror.Wrap(err, apperror.Unavailable, "database unavailable")
	}
	if db.driver == "mysql" {
		on, err := wsrepOn(ctx, sqlDB)
		if err != nil {
			return apperror.Wrap(err, apperror.Unavailable, "database unavailable")
		}
		if on {
			st, err := wsrepStatus(ctx, sqlDB)
			if err != nil {
				return apperror.Wrap(err, apperror.Unavailable, "database unavailable")
			}
			if !strings.EqualFold(st["wsrep_ready"], "ON") || st["wsrep_local_state_comment"] != "Synced" {
				return apperror.New(apperror.Unavailable, "galera node not ready (wsrep_ready=%s, state=%s)",
					st["wsrep_ready"], st["wsrep_local_state_comment"])
			}
		}
	}
	var v sql.NullInt64
	if err := sqlDB.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
		return apperror.Wrap(err, apperror.Unavailable, "database unavailable")
	}
	if !v.Valid {
		return apperror.New(apperror.Unavailable, "database not migrated")
	}
	return nil
}

// wsrepStatus reads the Galera status variables readiness depends on.
func wsrepStatus(ctx context.Context, sqlDB *sql.DB) (map[string]string, error) {
	rows, err := sqlDB.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment')")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[strings.ToLower(k)] = v
	}
	return out, rows.Err()
}

// IsGalera reports whether the database is a Galera node with wsrep on.
// Errors are apperror.Unavailable.
func (db *DB) IsGalera(ctx context.Context) (bool, error) {
	if db.driver != "mysql" {
		return false, nil
	}
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return false, apperror.Wrap(err, apperror.Unavailable, "database unavailable")
	}
	on, err := wsrepOn(ctx, sqlDB)
	if err != nil {
		return false, apperror.Wrap(err, apperror.Unavailable, "database unavailable")
	}
	return on, nil
}
