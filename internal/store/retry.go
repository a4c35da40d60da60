package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"

	"fugong/internal/apperror"
)

// MySQL/MariaDB error numbers the retry and availability logic looks at.
const (
	erLockWaitTimeout = 1205 // ER_LOCK_WAIT_TIMEOUT
	erLockDeadlock    = 1213 // ER_LOCK_DEADLOCK; also Galera's certification conflict / brute-force abort
	tidbTxnRetryable  = 8022 // TiDB: "KV error safe to retry" (docs/deploy.md)
	tidbWriteConflict = 9007 // TiDB: optimistic write conflict at commit
)

// IsRetryable reports whether err is a transaction the database aborted to
// resolve a conflict with a concurrent one: an InnoDB deadlock or a Galera
// certification conflict (1213), a lock wait timeout (1205), TiDB's write
// conflict (9007, 8022), or SQLite's busy lock. Such a transaction changed nothing and may be run again as a whole.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, errAuditRace) || errors.Is(err, errThrottleRace) { // a head or throttle row moved under us (audit.go, throttle.go)
		return true
	}
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case erLockDeadlock, erLockWaitTimeout, tidbTxnRetryable, tidbWriteConflict:
			return true
		}
		return false
	}
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}

// RetryPolicy bounds how often a whole transaction is run again after a
// conflict, and how long to wait between attempts (full jitter, doubling up
// to Max).
type RetryPolicy struct {
	Attempts int
	Base     time.Duration
	Max      time.Duration
}

// DefaultRetry is the policy of Retry: 5 attempts with 10 ms .. 400 ms of
// jittered backoff, enough for a certification conflict between two
// replicas to resolve (the loser reads the winner's row on its next attempt).
var DefaultRetry = RetryPolicy{Attempts: 5, Base: 10 * time.Millisecond, Max: 400 * time.Millisecond}

// Retry runs fn, a whole service operation (its reads and its transaction),
// again while it fails with a retryable database conflict (IsRetryable),
// at most DefaultRetry.Attempts times. Use it only for operations that have
// no effect outside the database before they return (nothing sent, nothing
// answered) and that re-read what they decide on, so that running them again
// is safe. The last conflict is returned as apperror.Conflict (409); any
// other error is returned as fn gave it; ctx ending stops the waiting.
func Retry[T any](ctx context.Context, fn func(ctx context.Context) (T, error)) (T, error) {
	return RetryWith(ctx, DefaultRetry, fn)
}

// TxRetry is Tx run again as a whole while it fails with a retryable
// conflict (Retry's policy): for audited changes, whose rows (and, for
// writers sharing a node, the audit segment's head row) can collide with
// concurrent transactions on other nodes of a multi-writer cluster. fn must
// be safe to repeat: it re-reads what it decides on and
// resets what an aborted attempt assigned (ids of rows it creates). Inside
// a transaction someone else commits (a tx, or InTx), it is plain Tx: the
// owner of that transaction retries it.
func (db *DB) TxRetry(ctx context.Context, fn func(tx *DB) error) error {
	if db.joinsTx(ctx) {
		return db.Tx(ctx, fn)
	}
	_, err := Retry(ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, db.Tx(ctx, fn) })
	return err
}

// RetryWith is Retry with an explicit policy (tests, batch jobs).
func RetryWith[T any](ctx context.Context, p RetryPolicy, fn func(ctx context.Context) (T, error)) (T, error) {
	if p.Attempts < 1 {
		p.Attempts = 1
	}
	wait := p.Base
	for attempt := 1; ; attempt++ {
		v, err := fn(ctx)
		if err == nil || !IsRetryable(err) {
			return v, err
		}
		if attempt >= p.Attempts {
			return v, conflictAfterRetries(err)
		}
		// Full jitter: replicas that collided once should not collide again
		// on the same schedule.
		d := time.Duration(rand.Int64N(int64(wait) + 1))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, conflictAfterRetries(err)
		case <-t.C:
		}
		if wait *= 2; wait > p.Max {
			wait = p.Max
		}
	}
}

func conflictAfterRetries(err error) error {
	if ae := apperror.As(err); ae != nil && ae.Code == apperror.Conflict {
		return err
	}
	return apperror.WrapMsg(err, apperror.Conflict, msgConflictRetry)
}

// txErr classifies the error of a whole transaction, including its COMMIT,
// whose driver errors gorm returns raw: a conflict becomes
// apperror.Conflict (still recognisable by IsRetryable through the chain), a
// node that cannot serve (Galera not ready, a connection lost at commit)
// apperror.Unavailable; application errors and others pass unchanged.
func txErr(err error) error {
	if err == nil {
		return nil
	}
	if ae := apperror.As(err); ae != nil {
		return err
	}
	switch {
	case IsRetryable(err):
		return apperror.WrapMsg(err, apperror.Conflict, msgConflictRetry)
	case isUnavailable(err):
		return apperror.Wrap(err, apperror.Unavailable, "database unavailable")
	}
	return err
}
