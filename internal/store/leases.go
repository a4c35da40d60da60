package store

import (
	"context"
	"time"
)

// Lease is a named, expiring claim on a job that one replica at a time
// should do (table leases, migration_cluster.go): the orphan sweeper, for
// one. A replica holds it by renewing before ExpiresAt; a replica that dies
// frees it when the lease runs out. Times are the replicas' clocks, so the
// TTL must exceed the clock skew between hosts (NTP keeps it under a second).
type Lease struct {
	Name      string `gorm:"primaryKey"`
	Holder    string
	ExpiresAt time.Time
}

// TableName maps Lease to leases.
func (Lease) TableName() string { return "leases" }

// TryLease takes or renews the lease name for holder until now+ttl; false
// when another holder's lease has not expired. Two replicas racing for a
// free lease on two Galera nodes collide on its row, so at most one gets
// true (the loser's conflict is reported as false, not an error). A dead
// database is apperror.Unavailable.
func (db *DB) TryLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (bool, error) {
	now = now.UTC()
	// Whole seconds: the column's precision cannot round the stored expiry
	// away from the one a renewal compares with below.
	until := now.Add(ttl).Truncate(time.Second)
	err := db.gorm.WithContext(ctx).Create(&Lease{Name: name, Holder: holder, ExpiresAt: until}).Error
	if err == nil {
		return true, nil
	}
	if !isDuplicateKey(err) && !IsRetryable(err) {
		return false, dbErr(err, "lease")
	}
	res := db.gorm.WithContext(ctx).Model(&Lease{}).
		Where("name = ? AND (holder = ? OR expires_at < ?)", name, holder, now).
		Updates(map[string]any{"holder": holder, "expires_at": until})
	if res.Error != nil {
		if IsRetryable(res.Error) {
			return false, nil
		}
		return false, dbErr(res.Error, "lease")
	}
	if res.RowsAffected == 1 {
		return true, nil
	}
	// MySQL counts changed rows only: a holder renewing to the expiry it
	// already has (the same clock reading) changes nothing and still holds.
	var n int64
	err = db.gorm.WithContext(ctx).Model(&Lease{}).Where("name = ? AND holder = ? AND expires_at >= ?", name, holder, until).Count(&n).Error
	if err != nil {
		return false, dbErr(err, "lease")
	}
	return n == 1, nil
}

// ReleaseLease gives the lease up if holder has it.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	return dbErr(db.gorm.WithContext(ctx).Where("name = ? AND holder = ?", name, holder).Delete(&Lease{}).Error, "lease")
}

// NewHolder returns a name for this process in lease and hold rows: host,
// pid and a random suffix.
func NewHolder() string { return lockHolder() }
