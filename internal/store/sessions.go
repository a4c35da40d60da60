package store

import (
	"context"
	"time"
)

// Session is a server-side login session. ID is the sha256 of the token the
// client holds; the token itself is never stored.
type Session struct {
	ID         string
	UserID     int64
	CSRFToken  string
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// TableName maps Session to sessions.
func (Session) TableName() string { return "sessions" }

// CreateSession inserts s.
func (db *DB) CreateSession(ctx context.Context, s *Session) error {
	return dbErr(db.orm(ctx).Create(s).Error, "session")
}

// SessionByID returns the session with id (a token hash), or apperror.NotFound.
func (db *DB) SessionByID(ctx context.Context, id string) (*Session, error) {
	var s Session
	if err := db.orm(ctx).Where("id = ?", id).First(&s).Error; err != nil {
		return nil, dbErr(err, "session")
	}
	return &s, nil
}

// TouchSession records activity on a session, at most once a minute per
// session to keep reads cheap.
func (db *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	err := db.orm(ctx).Model(&Session{}).
		Where("id = ? AND last_seen_at < ?", id, at.Add(-time.Minute)).
		Update("last_seen_at", at).Error
	return dbErr(err, "session")
}

// DeleteSession removes one session (logout).
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return dbErr(db.orm(ctx).Where("id = ?", id).Delete(&Session{}).Error, "session")
}

// DeleteUserSessions removes every session of a user (password change,
// disabling, admin revocation) and returns how many were removed.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	res := db.orm(ctx).Where("user_id = ?", userID).Delete(&Session{})
	return res.RowsAffected, dbErr(res.Error, "sessions")
}

// DeleteExpiredSessions removes sessions past their absolute expiry.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := db.orm(ctx).Where("expires_at < ?", now).Delete(&Session{})
	return res.RowsAffected, dbErr(res.Error, "sessions")
}

// APIToken is a long-lived bearer token for department integrations; only
// its sha256 is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	ExpiresAt  *time.Time // nil only for tokens issued before expiry existed (migration 6 gives them one)
}

// TableName maps APIToken to api_tokens.
func (APIToken) TableName() string { return "api_tokens" }

// CreateAPIToken inserts t.
func (db *DB) CreateAPIToken(ctx context.Context, t *APIToken) error {
	return dbErr(db.orm(ctx).Create(t).Error, "api token")
}

// APITokenByHash returns the unrevoked token with hash, or apperror.NotFound.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	var t APIToken
	err := db.orm(ctx).Where("token_hash = ? AND revoked_at IS NULL", hash).First(&t).Error
	if err != nil {
		return nil, dbErr(err, "api token")
	}
	return &t, nil
}

// TouchAPIToken records a use of the token.
func (db *DB) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	return dbErr(db.orm(ctx).Model(&APIToken{}).Where("id = ?", id).Update("last_used_at", at).Error, "api token")
}

// RevokeAPIToken marks the token revoked.
func (db *DB) RevokeAPIToken(ctx context.Context, id int64, at time.Time) error {
	return dbErr(db.orm(ctx).Model(&APIToken{}).Where("id = ?", id).Update("revoked_at", at).Error, "api token")
}

// ActivationCode is a one-time code with which an enterprise claims its
// account; only its hash is stored.
type ActivationCode struct {
	ID           int64
	EnterpriseID int64
	CodeHash     string
	IssuedBy     int64
	ExpiresAt    time.Time
	UsedAt       *time.Time
	CreatedAt    time.Time
	IssueID      *int64     // the sheet it was handed out on (migration 5)
	RevokedAt    *time.Time // revoked on an explicit request; never reused
}

// TableName maps ActivationCode to activation_codes.
func (ActivationCode) TableName() string { return "activation_codes" }

// ActivationCodeFor returns the unused code of enterprise whose hash is hash,
// or apperror.NotFound.
func (db *DB) ActivationCodeFor(ctx context.Context, enterpriseID int64, hash string) (*ActivationCode, error) {
	var c ActivationCode
	err := db.orm(ctx).Where("enterprise_id = ? AND code_hash = ? AND used_at IS NULL AND revoked_at IS NULL", enterpriseID, hash).First(&c).Error
	if err != nil {
		return nil, dbErr(err, "activation code")
	}
	return &c, nil
}

// UseActivationCode marks the code used if it still is unused; it returns
// false when another request used it first.
func (db *DB) UseActivationCode(ctx context.Context, id int64, at time.Time) (bool, error) {
	res := db.orm(ctx).Model(&ActivationCode{}).Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", id).Update("used_at", at)
	return res.RowsAffected == 1, dbErr(res.Error, "activation code")
}

// UpdatePassword sets a user's password hash and the time it changed.
func (db *DB) UpdatePassword(ctx context.Context, userID int64, hash string, at time.Time) error {
	return dbErr(db.orm(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "password_changed_at": at}).Error, "user")
}

// SetUserDisabled enables or disables an account.
func (db *DB) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	return dbErr(db.orm(ctx).Model(&User{}).Where("id = ?", userID).Update("disabled", disabled).Error, "user")
}
