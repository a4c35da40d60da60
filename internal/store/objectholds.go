package store

import (
	"context"
	"time"
)

// Holds on object keys keep the orphan sweeper and uploads from racing on a
// content-addressed object that one upload reuses while the sweeper finds it
// unreferenced (table object_holds, migration_cluster.go). Both sides write
// their hold first, then look for the other's:
//
//	upload:  hold(key, upload) → sweep hold on key? wait, then put anyway → row → release
//	sweeper: hold(key, sweep)  → upload hold or row on key? skip : delete → release
//
// Of two such writers at least one sees the other's committed row (with
// causal reads on Galera, galera.go), so the sweeper never deletes an object
// an upload is about to reference, and an upload never skips the put of an
// object a sweep is deleting. Holds expire, so a replica that dies holding
// one blocks nobody for longer than its TTL.

// Kinds of object hold.
const (
	HoldUpload = "upload"
	HoldSweep  = "sweep"
)

// ObjectHold is one holder's claim on an object key.
type ObjectHold struct {
	ObjectKey string `gorm:"primaryKey"`
	Holder    string `gorm:"primaryKey"`
	Kind      string
	ExpiresAt time.Time
}

// TableName maps ObjectHold to object_holds.
func (ObjectHold) TableName() string { return "object_holds" }

// HoldObject records holder's claim of kind on key until now+ttl (replacing
// its own earlier one). Errors: apperror.Unavailable when the database is
// down.
func (db *DB) HoldObject(ctx context.Context, key, holder, kind string, ttl time.Duration, now time.Time) error {
	g := db.gorm.WithContext(ctx)
	if err := g.Where("object_key = ? AND holder = ?", key, holder).Delete(&ObjectHold{}).Error; err != nil {
		return dbErr(err, "object hold")
	}
	return dbErr(g.Create(&ObjectHold{ObjectKey: key, Holder: holder, Kind: kind, ExpiresAt: now.UTC().Add(ttl)}).Error, "object hold")
}

// ObjectHeld reports whether anyone but except holds key with kind and an
// unexpired hold at now.
func (db *DB) ObjectHeld(ctx context.Context, key, kind, except string, now time.Time) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&ObjectHold{}).
		Where("object_key = ? AND kind = ? AND holder <> ? AND expires_at > ?", key, kind, except, now.UTC()).Count(&n).Error
	return n > 0, dbErr(err, "object hold")
}

// ReleaseObject removes holder's claim on key.
func (db *DB) ReleaseObject(ctx context.Context, key, holder string) error {
	return dbErr(db.gorm.WithContext(ctx).Where("object_key = ? AND holder = ?", key, holder).Delete(&ObjectHold{}).Error, "object hold")
}

// PurgeObjectHolds deletes holds expired before now (left by replicas that
// died) and returns how many.
func (db *DB) PurgeObjectHolds(ctx context.Context, now time.Time) (int64, error) {
	res := db.gorm.WithContext(ctx).Where("expires_at < ?", now.UTC()).Delete(&ObjectHold{})
	return res.RowsAffected, dbErr(res.Error, "object holds")
}
