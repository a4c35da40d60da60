package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// LoginThrottle is the failure counter of one throttle key (an account, an
// account+address pair, an address, a credit code). Rows change only by
// compare-and-set, so every replica and every parallel request sees one
// sequence of counts.
type LoginThrottle struct {
	Key           string `gorm:"primaryKey"`
	Failures      int
	LastFailureMs int64 // Unix milliseconds
	NextAllowedMs int64 // Unix milliseconds; attempts before it are refused
}

// TableName maps LoginThrottle to login_throttle.
func (LoginThrottle) TableName() string { return "login_throttle" }

// ThrottleStep decides, from a key's current row (nil when the key has no
// row), whether an attempt at now may proceed and, if so, the row after
// counting it as a failure. It must be a pure function: TakeAttempt calls it
// again after losing a race.
type ThrottleStep func(cur *LoginThrottle, now time.Time) (next LoginThrottle, allowed bool, retryAt time.Time)

// TakeAttempt atomically counts one attempt under key as a failure, if step
// allows it at now. In one transaction it reads the key's row with a
// locking read (MySQL; SQLite has one writer), decides with step and writes
// the next row (or inserts the first, the primary key guarding it), so
// attempts on one database node queue on the row's lock instead of racing
// for it, and n parallel attempts advance the count by exactly the number
// allowed. Attempts on different Galera nodes still collide at
// certification; the loser's transaction is run again as a whole, a
// bounded number of times with jitter (every sign-in behind one address
// counts on one row from every node, so that row is hot). It returns false
// and the time to retry when refused, also — for a second — when the row
// stays contended past the retries.
func (db *DB) TakeAttempt(ctx context.Context, key string, now time.Time, step ThrottleStep) (bool, time.Time, error) {
	var allowed bool
	var retryAt time.Time
	_, err := RetryWith(ctx, throttleRetry, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, db.Tx(ctx, func(tx *DB) error {
			var err error
			allowed, retryAt, err = tx.takeAttemptTx(ctx, key, now, step)
			return err
		})
	})
	if err != nil {
		if IsRetryable(err) && ctx.Err() == nil {
			// Contention this heavy on one key outlasted the retries;
			// refuse for a moment rather than fail.
			return false, now.Add(time.Second), nil
		}
		return false, time.Time{}, dbErr(err, "login throttle")
	}
	return allowed, retryAt, nil
}

// throttleRetry bounds TakeAttempt's whole-transaction retries.
var throttleRetry = RetryPolicy{Attempts: 12, Base: 5 * time.Millisecond, Max: 200 * time.Millisecond}

func (db *DB) takeAttemptTx(ctx context.Context, key string, now time.Time, step ThrottleStep) (bool, time.Time, error) {
	for range 3 { // a first row inserted by a concurrent attempt: read it, locked, and decide again
		q := db.orm(ctx).Session(&gorm.Session{NewDB: true})
		if db.driver == "mysql" {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var cur LoginThrottle
		err := q.Where("`key` = ?", key).Take(&cur).Error
		var curp *LoginThrottle
		switch {
		case err == nil:
			curp = &cur
		case errors.Is(err, gorm.ErrRecordNotFound):
		default:
			return false, time.Time{}, err
		}
		next, allowed, retryAt := step(curp, now)
		if !allowed {
			return false, retryAt, nil
		}
		next.Key = key
		g := db.orm(ctx).Session(&gorm.Session{NewDB: true})
		if curp == nil {
			err := g.Create(&next).Error
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				continue
			}
			return err == nil, time.Time{}, err
		}
		err = g.Model(&LoginThrottle{}).Where("`key` = ?", key).
			Updates(map[string]any{"failures": next.Failures, "last_failure_ms": next.LastFailureMs, "next_allowed_ms": next.NextAllowedMs}).Error
		return err == nil, time.Time{}, err
	}
	return false, time.Time{}, errThrottleRace
}

// errThrottleRace means a key's row kept appearing and vanishing under
// concurrent attempts and purges: the transaction is retried (IsRetryable).
var errThrottleRace = errors.New("store: login throttle row raced")

// RefundAttempt takes back one counted failure of key (the attempt turned
// out to be a success), without touching the delay already set. A
// conflict with a concurrent change of the key's row (every sign-in behind
// one address counts on one row, from every node) is retried (Retry), so
// that refunds are not lost and the count does not creep up to a delay.
func (db *DB) RefundAttempt(ctx context.Context, key string) error {
	return db.throttleWrite(ctx, func(g *gorm.DB) error {
		return g.Model(&LoginThrottle{}).Where("`key` = ? AND failures > 0", key).
			Update("failures", gorm.Expr("failures - 1")).Error
	})
}

// ResetThrottle forgets key's failures (a correct password from that pair);
// conflicts are retried as RefundAttempt's are.
func (db *DB) ResetThrottle(ctx context.Context, key string) error {
	return db.throttleWrite(ctx, func(g *gorm.DB) error { return g.Where("`key` = ?", key).Delete(&LoginThrottle{}).Error })
}

// throttleWrite runs one statement on a throttle row, again while the
// database aborts it for a conflict (outside a caller's transaction).
func (db *DB) throttleWrite(ctx context.Context, stmt func(g *gorm.DB) error) error {
	if db.joinsTx(ctx) {
		return dbErr(stmt(db.orm(ctx)), "login throttle")
	}
	_, err := Retry(ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, stmt(db.orm(ctx)) })
	return dbErr(err, "login throttle")
}

// loginKnownAddress records an address an account signed in from.
type loginKnownAddress struct {
	ID            int64
	Account       string
	IP            string
	LastSuccessAt time.Time
}

func (loginKnownAddress) TableName() string { return "login_known_addresses" }

// KnownLoginAddress reports whether account signed in successfully from ip
// since `since`.
func (db *DB) KnownLoginAddress(ctx context.Context, account, ip string, since time.Time) (bool, error) {
	var n int64
	err := db.orm(ctx).Model(&loginKnownAddress{}).Where("account = ? AND ip = ? AND last_success_at >= ?", account, ip, since).Count(&n).Error
	return n > 0, dbErr(err, "known addresses")
}

// RememberLoginAddress records a successful sign-in of account from ip.
func (db *DB) RememberLoginAddress(ctx context.Context, account, ip string, at time.Time) error {
	g := db.orm(ctx)
	res := g.Model(&loginKnownAddress{}).Where("account = ? AND ip = ?", account, ip).Update("last_success_at", at)
	if res.Error != nil {
		return dbErr(res.Error, "known addresses")
	}
	if res.RowsAffected > 0 {
		return nil
	}
	err := g.Create(&loginKnownAddress{Account: account, IP: ip, LastSuccessAt: at}).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil // a parallel sign-in recorded it
	}
	return dbErr(err, "known addresses")
}

// PurgeThrottle deletes throttle keys whose last failure is before
// beforeMs (Unix milliseconds) and whose delay has run out: forgotten keys
// an attacker rotating names or addresses would otherwise pile up.
func (db *DB) PurgeThrottle(ctx context.Context, beforeMs int64) (int64, error) {
	res := db.orm(ctx).Where("last_failure_ms < ? AND next_allowed_ms < ?", beforeMs, beforeMs).Delete(&LoginThrottle{})
	return res.RowsAffected, dbErr(res.Error, "login throttle")
}
