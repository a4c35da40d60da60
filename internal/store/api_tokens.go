package store

import (
	"context"
	"time"
)

// APITokensOf returns the user's API tokens, newest first (revoked and
// expired ones included, so the owner sees their history).
func (db *DB) APITokensOf(ctx context.Context, userID int64) ([]APIToken, error) {
	var out []APIToken
	err := db.gorm.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&out).Error
	return out, dbErr(err, "api tokens")
}

// RevokeUserAPIToken revokes the user's token id; a token of another user,
// or none, is apperror.NotFound. Revoking a revoked token changes nothing.
func (db *DB) RevokeUserAPIToken(ctx context.Context, userID, id int64, at time.Time) error {
	var t APIToken
	if err := db.gorm.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Take(&t).Error; err != nil {
		return dbErr(err, "api token")
	}
	return dbErr(db.gorm.WithContext(ctx).Model(&APIToken{}).Where("id = ? AND revoked_at IS NULL", id).
		Update("revoked_at", at).Error, "api token")
}

// RevokeUserAPITokens revokes every live token of the user (password
// change, account disabled) and returns how many.
func (db *DB) RevokeUserAPITokens(ctx context.Context, userID int64, at time.Time) (int64, error) {
	res := db.gorm.WithContext(ctx).Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", at)
	return res.RowsAffected, dbErr(res.Error, "api tokens")
}
