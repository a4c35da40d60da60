package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
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
// allows it at now. It reads the row and writes the next one with a
// conditional UPDATE (or an INSERT the primary key guards) that succeeds only
// if the row is unchanged; the loser of a race re-reads and decides again, so
// n parallel attempts advance the count by exactly the number allowed. It
// returns false and the time to retry when refused.
func (db *DB) TakeAttempt(ctx context.Context, key string, now time.Time, step ThrottleStep) (bool, time.Time, error) {
	g := db.orm(ctx)
	for i := range 50 { // each lost race means another attempt was counted; bounded by the attempts in flight
		if i > 0 {
			// Jitter: racers on other nodes should not retry in lockstep.
			if err := sleepJitter(ctx, i); err != nil {
				return false, time.Time{}, dbErr(err, "login throttle")
			}
		}
		var cur LoginThrottle
		err := g.Where("`key` = ?", key).Take(&cur).Error
		var curp *LoginThrottle
		switch {
		case err == nil:
			curp = &cur
		case errors.Is(err, gorm.ErrRecordNotFound):
		default:
			return false, time.Time{}, dbErr(err, "login throttle")
		}
		next, allowed, retryAt := step(curp, now)
		if !allowed {
			return false, retryAt, nil
		}
		next.Key = key
		if curp == nil {
			err := g.Create(&next).Error
			if err == nil {
				return true, time.Time{}, nil
			}
			if errors.Is(err, gorm.ErrDuplicatedKey) || db.lostRace(ctx, err) {
				continue
			}
			return false, time.Time{}, dbErr(err, "login throttle")
		}
		res := g.Model(&LoginThrottle{}).
			Where("`key` = ? AND failures = ? AND last_failure_ms = ? AND next_allowed_ms = ?", key, cur.Failures, cur.LastFailureMs, cur.NextAllowedMs).
			Updates(map[string]any{"failures": next.Failures, "last_failure_ms": next.LastFailureMs, "next_allowed_ms": next.NextAllowedMs})
		if res.Error != nil {
			if db.lostRace(ctx, res.Error) {
				continue
			}
			return false, time.Time{}, dbErr(res.Error, "login throttle")
		}
		if res.RowsAffected == 1 {
			return true, time.Time{}, nil
		}
	}
	// Contention this heavy on one key is an attack; refuse for a moment.
	return false, now.Add(time.Second), nil
}

// lostRace reports a statement of TakeAttempt that the database aborted for
// a conflict with a concurrent one — on Galera, an autocommit UPDATE of a
// row another node changed fails certification (1213) — outside any
// transaction of the caller's: nothing was written, so it is one more lost
// race. Inside a transaction the conflict aborted all of it, and is for the
// transaction's owner to retry.
func (db *DB) lostRace(ctx context.Context, err error) bool {
	return IsRetryable(err) && !db.joinsTx(ctx)
}

// sleepJitter waits a random 0..2^min(attempt,5) ms, or until ctx ends.
func sleepJitter(ctx context.Context, attempt int) error {
	t := time.NewTimer(time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 5))))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

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
