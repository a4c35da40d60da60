package store

import (
	"context"
	"time"

	"fugong/internal/apperror"
)

// IdempotencyKey remembers the answer to a creating request sent with an
// Idempotency-Key header, so a retry gets the same answer instead of a
// second object.
type IdempotencyKey struct {
	ID          int64
	UserID      int64
	Key         string
	RequestHash string
	Status      int // 0 while the first request is still running
	Response    string
	CreatedAt   time.Time
}

// TableName maps IdempotencyKey to idempotency_keys.
func (IdempotencyKey) TableName() string { return "idempotency_keys" }

// ClaimIdempotencyKey records that userID's request with key (and body
// hash) has started, and reports whether this caller won the claim (false:
// another request holds or held it). Inside the request's transaction
// (DB.InTx) the claim is not visible until it commits, and a concurrent
// claim of the same key waits on it: on MySQL on the unique index's row
// lock, on SQLite on the write lock.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, userID int64, key, hash string, now time.Time) (bool, error) {
	rec := &IdempotencyKey{UserID: userID, Key: key, RequestHash: hash, CreatedAt: now}
	err := dbErr(db.orm(ctx).Create(rec).Error, "idempotency key")
	if apperror.CodeOf(err) == apperror.Conflict {
		return false, nil
	}
	return err == nil, err
}

// IdempotencyKeyByKey returns userID's claim of key, or apperror.NotFound.
func (db *DB) IdempotencyKeyByKey(ctx context.Context, userID int64, key string) (*IdempotencyKey, error) {
	var existing IdempotencyKey
	if err := db.orm(ctx).Where("user_id = ? AND `key` = ?", userID, key).First(&existing).Error; err != nil {
		return nil, dbErr(err, "idempotency key")
	}
	return &existing, nil
}

// CompleteIdempotencyKey stores the answer of the request that won the claim.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, userID int64, key string, status int, response string) error {
	return dbErr(db.orm(ctx).Model(&IdempotencyKey{}).Where("user_id = ? AND `key` = ?", userID, key).
		Updates(map[string]any{"status": status, "response": response}).Error, "idempotency key")
}
