package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/config"
	"fugong/internal/store"
)

// Principal is the authenticated caller of one request.
type Principal struct {
	UserID       int64  `json:"id"`
	Username     string `json:"username"`
	Role         string `json:"role"`
	EnterpriseID *int64 `json:"enterprise_id"`
	Street       string `json:"street"`
	Department   string `json:"department,omitempty"`
	SessionID    string `json:"-"` // empty for API tokens
	CSRFToken    string `json:"-"`
	ViaToken     bool   `json:"-"`
}

// Scope is what the principal may see, for the store layer.
func (p *Principal) Scope() store.Scope {
	s := store.Scope{Role: p.Role, UserID: p.UserID, Street: p.Street, Department: p.Department}
	if p.EnterpriseID != nil {
		s.EnterpriseID = *p.EnterpriseID
	}
	return s
}

// Service authenticates callers and manages sessions, tokens and activation.
type Service struct {
	db  *store.DB
	cfg config.Auth
	now func() time.Time
}

// NewService returns a Service over db. now is the clock (time.Now in
// production, a fixed clock in tests).
func NewService(db *store.DB, cfg config.Auth, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, cfg: cfg, now: now}
}

// Session is what a successful login hands the client.
type Session struct {
	Token     string // goes into the HttpOnly cookie; never stored
	CSRFToken string
	ExpiresAt time.Time
}

// randomToken returns n random bytes, base32 without padding (cookie-safe).
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the OS RNG never fails in practice
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

var errBadLogin = &apperror.Error{Code: apperror.Unauthorized, Message: "用户名或密码错误 / wrong username or password"}

// Login checks username and password and opens a new session (a fresh token
// every time, so a token planted before login is useless). Unknown users and
// wrong passwords get the same error after the same work. Too many failures
// for the account or the address within the window is apperror.RateLimited
// with RetryAfter set.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (*Session, *store.User, error) {
	now := s.now().UTC()
	userKey, ipKey := "user:"+strings.ToLower(username), "ip:"+ip
	for _, k := range []string{userKey, ipKey} {
		n, oldest, err := s.db.LoginFailures(ctx, k, now.Add(-s.cfg.LoginWindow))
		if err != nil {
			return nil, nil, err
		}
		if n >= int64(s.cfg.LoginMaxFailures) {
			wait := oldest.Add(s.cfg.LoginWindow).Sub(now)
			return nil, nil, &RateLimitError{RetryAfter: wait}
		}
	}
	u, err := s.db.UserByUsername(ctx, username)
	ok := false
	if err == nil {
		ok = VerifyPassword(u.PasswordHash, password) && !u.Disabled
	} else if apperror.CodeOf(err) == apperror.NotFound {
		VerifyAgainstDummy(password)
	} else {
		return nil, nil, err
	}
	if !ok {
		if err := s.db.RecordLoginFailure(ctx, now, userKey, ipKey); err != nil {
			return nil, nil, err
		}
		return nil, nil, errBadLogin
	}
	s.db.ClearLoginFailures(ctx, userKey)
	token := randomToken(20) // 160 bits
	sess := &store.Session{
		ID: hashToken(token), UserID: u.ID, CSRFToken: randomToken(20), IP: ip, UserAgent: truncate(userAgent, 255),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.SessionMaxAge),
	}
	if err := s.db.CreateSession(ctx, sess); err != nil {
		return nil, nil, err
	}
	return &Session{Token: token, CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt}, u, nil
}

// RateLimitError is apperror.RateLimited with the wait before a retry.
type RateLimitError struct{ RetryAfter time.Duration }

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("登录失败次数过多，请 %d 秒后再试 / too many failed logins, retry in %d s", e.Seconds(), e.Seconds())
}

// Seconds is RetryAfter rounded up, at least 1.
func (e *RateLimitError) Seconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// Unwrap makes errors.As find an apperror.RateLimited.
func (e *RateLimitError) Unwrap() error {
	return &apperror.Error{Code: apperror.RateLimited, Message: e.Error()}
}

var errNoSession = &apperror.Error{Code: apperror.Unauthorized, Message: "请先登录 / please sign in"}

// Authenticate returns the principal of a session token. Unknown, expired
// (absolute or idle) sessions and disabled users are apperror.Unauthorized.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 128 {
		return nil, errNoSession
	}
	now := s.now().UTC()
	sess, err := s.db.SessionByID(ctx, hashToken(token))
	if err != nil {
		if apperror.CodeOf(err) == apperror.NotFound {
			return nil, errNoSession
		}
		return nil, err
	}
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.cfg.SessionIdleTimeout {
		s.db.DeleteSession(ctx, sess.ID)
		return nil, errNoSession
	}
	u, err := s.db.UserByID(ctx, sess.UserID)
	if err != nil && apperror.CodeOf(err) != apperror.NotFound {
		return nil, err // the database, not the session, failed
	}
	if err != nil || u.Disabled {
		s.db.DeleteSession(ctx, sess.ID)
		return nil, errNoSession
	}
	if err := s.db.TouchSession(ctx, sess.ID, now); err != nil {
		return nil, err
	}
	p := principalOf(u)
	p.SessionID, p.CSRFToken = sess.ID, sess.CSRFToken
	return p, nil
}

// AuthenticateToken returns the principal of an API token
// ("fgt_" + random); unknown or revoked tokens are apperror.Unauthorized.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*Principal, error) {
	if !strings.HasPrefix(token, "fgt_") || len(token) > 128 {
		return nil, errNoSession
	}
	t, err := s.db.APITokenByHash(ctx, hashToken(token))
	if err != nil {
		if apperror.CodeOf(err) == apperror.NotFound {
			return nil, errNoSession
		}
		return nil, err
	}
	u, err := s.db.UserByID(ctx, t.UserID)
	if err != nil && apperror.CodeOf(err) != apperror.NotFound {
		return nil, err
	}
	if err != nil || u.Disabled {
		return nil, errNoSession
	}
	if !s.TokenActive(t) {
		return nil, errNoSession
	}
	s.db.TouchAPIToken(ctx, t.ID, s.now().UTC())
	p := principalOf(u)
	p.ViaToken = true
	return p, nil
}

func principalOf(u *store.User) *Principal {
	return &Principal{UserID: u.ID, Username: u.Username, Role: u.Role, EnterpriseID: u.EnterpriseID, Street: u.Street, Department: u.Department}
}

// Logout ends the session server-side.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p.SessionID == "" {
		return nil
	}
	return s.db.DeleteSession(ctx, p.SessionID)
}

// ChangePassword checks the old password, stores the new one and ends every
// session and revokes every API token of the user (the caller signs in
// again; integrations get new tokens): credentials die together.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, oldPassword, newPassword string) error {
	u, err := s.db.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	if !VerifyPassword(u.PasswordHash, oldPassword) {
		return &apperror.Error{Code: apperror.Invalid, Message: "原密码错误 / current password is wrong",
			Details: []apperror.Detail{{Field: "old_password", Message: "wrong"}}}
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	if err := s.db.UpdatePassword(ctx, u.ID, hash, s.now().UTC()); err != nil {
		return err
	}
	if _, err := s.db.RevokeUserAPITokens(ctx, u.ID, s.now().UTC()); err != nil {
		return err
	}
	_, err = s.db.DeleteUserSessions(ctx, u.ID)
	return err
}

// SetDisabled enables or disables an account; disabling ends its sessions
// and revokes its API tokens for good (enabling again does not revive them).
func (s *Service) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	if err := s.db.SetUserDisabled(ctx, userID, disabled); err != nil {
		return err
	}
	if disabled {
		if _, err := s.db.RevokeUserAPITokens(ctx, userID, s.now().UTC()); err != nil {
			return err
		}
		_, err := s.db.DeleteUserSessions(ctx, userID)
		return err
	}
	return nil
}

// CreateAPIToken issues a bearer token for userID valid for the configured
// auth.api_token_ttl; the plain token is returned once and only its hash is
// kept. Errors are the store's.
func (s *Service) CreateAPIToken(ctx context.Context, userID int64, name string) (string, error) {
	tok, _, err := s.IssueAPIToken(ctx, userID, name, 0)
	return tok, err
}

// IssueAPIToken is CreateAPIToken valid for ttl, capped at the configured
// auth.api_token_ttl (ttl <= 0 means the cap), also returning the row.
func (s *Service) IssueAPIToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, *store.APIToken, error) {
	if ttl <= 0 || ttl > s.cfg.APITokenTTL {
		ttl = s.cfg.APITokenTTL
	}
	token := "fgt_" + randomToken(24)
	now := s.now().UTC()
	exp := now.Add(ttl)
	t := &store.APIToken{UserID: userID, Name: name, TokenHash: hashToken(token), CreatedAt: now, ExpiresAt: &exp}
	if err := s.db.CreateAPIToken(ctx, t); err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// APITokens lists the user's tokens, newest first.
func (s *Service) APITokens(ctx context.Context, userID int64) ([]store.APIToken, error) {
	return s.db.APITokensOf(ctx, userID)
}

// TokenActive reports whether t is neither revoked nor expired now.
func (s *Service) TokenActive(t *store.APIToken) bool {
	return t.RevokedAt == nil && t.ExpiresAt != nil && s.now().Before(*t.ExpiresAt)
}

// RevokeAPIToken revokes the user's token id; another user's token is
// apperror.NotFound.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	return s.db.RevokeUserAPIToken(ctx, userID, id, s.now().UTC())
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
