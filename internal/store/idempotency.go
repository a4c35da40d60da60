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

// ClaimIdempotencyKey records that userID's request with key (and body hash)
// has started. It returns (nil, nil) when this caller won the claim and must
// do the work, or the existing record when another request claimed it first.
// The unique index on (user_id, key) makes exactly one caller win.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, userID int64, key, hash string, now time.Time) (*IdempotencyKey, error) {
	rec := &IdempotencyKey{UserID: userID, Key: key, RequestHash: hash, CreatedAt: now}
	err := db.gorm.WithContext(ctx).Create(rec).Error
	if err == nil {
		return nil, nil
	}
	if apperror.CodeOf(dbErr(err, "idempotency key")) != apperror.Conflict {
		return nil, dbErr(err, "idempotency key")
	}
	var existing IdempotencyKey
	if err := db.gorm.WithContext(ctx).Where("user_id = ? AND `key` = ?", userID, key).First(&existing).Error; err != nil {
		return nil, dbErr(err, "idempotency key")
	}
	if existing.Status == 0 && existing.RequestHash == hash && now.Sub(existing.CreatedAt) > IdempotencyClaimStale {
		// The replica that claimed it died before answering (a replica
		// killed mid-request): take the claim over instead of answering "in
		// progress" for ever. Of several retries exactly one moves created_at.
		res := db.gorm.WithContext(ctx).Model(&IdempotencyKey{}).
			Where("id = ? AND status = 0 AND created_at = ?", existing.ID, existing.CreatedAt).Update("created_at", now)
		if res.Error == nil && res.RowsAffected == 1 {
			return nil, nil
		}
	}
	return &existing, nil
}

// IdempotencyClaimStale is how long a claim may stay unanswered before a
// retry takes it over: longer than any request may run (the HTTP read and
// write timeouts are 60 s), so only the claim of a replica that died is taken.
const IdempotencyClaimStale = 75 * time.Second

// IdempotencyKeyByKey re-reads a claim (while waiting for its first request).
func (db *DB) IdempotencyKeyByKey(ctx context.Context, userID int64, key string) (*IdempotencyKey, error) {
	var existing IdempotencyKey
	if err := db.gorm.WithContext(ctx).Where("user_id = ? AND `key` = ?", userID, key).First(&existing).Error; err != nil {
		return nil, dbErr(err, "idempotency key")
	}
	return &existing, nil
}

// CompleteIdempotencyKey stores the answer of the request that won the claim.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, userID int64, key string, status int, response string) error {
	return dbErr(db.gorm.WithContext(ctx).Model(&IdempotencyKey{}).Where("user_id = ? AND `key` = ?", userID, key).
		Updates(map[string]any{"status": status, "response": response}).Error, "idempotency key")
}

// ReleaseIdempotencyKey forgets a claim whose request failed, so a retry can
// try again.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, userID int64, key string) error {
	return dbErr(db.gorm.WithContext(ctx).Where("user_id = ? AND `key` = ? AND status = 0", userID, key).Delete(&IdempotencyKey{}).Error, "idempotency key")
}
