package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"syscall"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"

	"fugong/internal/apperror"
)

// TestDriverErrorsAreClassified: a node that cannot serve is Unavailable
// (503), a deadlock or certification conflict Conflict (409, retryable),
// both from single statements (dbErr) and from whole transactions and their
// COMMIT (txErr); nothing of these is left Internal (500).
func TestDriverErrorsAreClassified(t *testing.T) {
	wrapped := func(err error) error { return fmt.Errorf("gorm: %w", err) }
	cases := []struct {
		name      string
		err       error
		code      apperror.Code
		retryable bool
	}{
		{"galera node not ready 1047", &mysqldriver.MySQLError{Number: 1047, Message: "WSREP has not yet prepared node for application use"}, apperror.Unavailable, false},
		{"server shutdown 1053", &mysqldriver.MySQLError{Number: 1053, Message: "Server shutdown in progress"}, apperror.Unavailable, false},
		{"connection killed 1927", &mysqldriver.MySQLError{Number: 1927, Message: "Connection was killed"}, apperror.Unavailable, false},
		{"invalid connection at commit", wrapped(mysqldriver.ErrInvalidConn), apperror.Unavailable, false},
		{"bad connection", driver.ErrBadConn, apperror.Unavailable, false},
		{"connection refused", wrapped(syscall.ECONNREFUSED), apperror.Unavailable, false},
		{"connection refused, as text", errors.New("dial tcp 127.0.0.1:3306: connect: connection refused"), apperror.Unavailable, false},
		{"deadlock / certification conflict 1213", &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"}, apperror.Conflict, true},
		{"lock wait timeout 1205", wrapped(&mysqldriver.MySQLError{Number: 1205, Message: "Lock wait timeout exceeded"}), apperror.Conflict, true},
		{"tidb write conflict 9007", &mysqldriver.MySQLError{Number: 9007, Message: "Write conflict"}, apperror.Conflict, true},
		{"sqlite busy", errors.New("database is locked (5) (SQLITE_BUSY)"), apperror.Conflict, true},
		{"syntax error stays internal", &mysqldriver.MySQLError{Number: 1064, Message: "syntax"}, apperror.Internal, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for name, got := range map[string]error{"statement": dbErr(c.err, "thing"), "transaction": txErr(c.err)} {
				if code := apperror.CodeOf(got); code != c.code {
					t.Errorf("%s: code %q, want %q (%v)", name, code, c.code, got)
				}
				if IsRetryable(got) != c.retryable {
					t.Errorf("%s: retryable %v, want %v", name, !c.retryable, c.retryable)
				}
			}
		})
	}
}

// TestWithCausalReads: on a Galera node every connection asks for causal
// reads; on a plain server nothing is added; an operator's own setting wins.
func TestWithCausalReads(t *testing.T) {
	ctx := context.Background()
	const dsn = "u:p@tcp(127.0.0.1:3306)/fugong?parseTime=true"
	probe := func(on bool) func(context.Context, string) (bool, error) {
		return func(context.Context, string) (bool, error) { return on, nil }
	}
	for _, c := range []struct {
		name, dsn string
		galera    bool
		want      string
	}{
		{"galera", dsn, true, "1"},
		{"plain server", dsn, false, ""},
		{"operator's choice", dsn + "&wsrep_sync_wait=3", true, "3"},
	} {
		got, galera, err := withCausalReads(ctx, c.dsn, probe(c.galera))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := mysqldriver.ParseDSN(got)
		if err != nil {
			t.Fatal(err)
		}
		if galera != c.galera {
			t.Errorf("%s: galera %v, want %v", c.name, galera, c.galera)
		}
		if cfg.Params[causalReadsParam] != c.want {
			t.Errorf("%s: wsrep_sync_wait=%q, want %q", c.name, cfg.Params[causalReadsParam], c.want)
		}
	}
}
