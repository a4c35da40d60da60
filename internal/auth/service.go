package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/config"
	"fugong/internal/msg"
	"fugong/internal/store"
)

// Principal is the authenticated caller of one request.
type Principal struct {
	UserID       int64      `json:"id"`
	Username     string     `json:"username"`
	Role         store.Role `json:"role"`
	EnterpriseID *int64     `json:"enterprise_id"`
	Street       string     `json:"street"`
	Department   string     `json:"department,omitempty"`
	SessionID    string     `json:"-"` // empty for API tokens
	CSRFToken    string     `json:"-"`
	ViaToken     bool       `json:"-"`
	// Peer is the connection's peer address (a proxy, or the client), for
	// the audit log beside IP; the HTTP layer sets it.
	Peer string `json:"-"`
	// IP is the address the request came from, for the audit log; the HTTP
	// layer sets it.
	IP string `json:"-"`
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
	db    *store.DB
	cfg   config.Auth
	now   func() time.Time
	areas *areas.Areas
}

// NewService returns a Service over db. now is the clock (time.Now in
// production, a fixed clock in tests).
func NewService(db *store.DB, cfg config.Auth, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, cfg: cfg, now: now, areas: areas.Default()}
}

// WithAreas makes s resolve streets with a instead of the built-in
// configs/areas.yaml; call it while wiring, before s serves. It returns s.
func (s *Service) WithAreas(a *areas.Areas) *Service {
	if a != nil {
		s.areas = a
	}
	return s
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

var errBadLogin = &apperror.Error{Code: apperror.Unauthorized, Text: msgWrongUsernamePassword.With()}

// Login checks username and password and opens a new session (a fresh token
// every time, so a token planted before login is useless). Unknown users and
// wrong passwords get the same error after the same work. An attempt refused
// by the throttle (throttle.go: per account+address, per account from
// unknown addresses, per address) is a *RateLimitError, an
// apperror.RateLimited with RetryAfter of at most MaxDelay.
// Every attempt is audited (a success in the transaction that opens the
// session). The principal returned describes the signed-in account.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (*Session, *Principal, error) {
	now := s.now().UTC()
	account := accountKey(username)
	keys, err := s.loginKeys(ctx, account, ip, now)
	if err != nil {
		return nil, nil, err
	}
	if err := s.takeAttempts(ctx, keys, now); err != nil {
		if aerr := s.db.AppendAudit(ctx, anonymousEntry(ctx, username, "", ip, "login_rate_limited", "user:"+username)); aerr != nil {
			return nil, nil, aerr
		}
		return nil, nil, err
	}
	u, err := s.db.UserByUsername(ctx, username)
	ok := false
	if err == nil {
		ok = VerifyPassword(u.PasswordHash, password) && !u.Disabled
	} else if apperror.CodeOf(err) == apperror.NotFound {
		VerifyAgainstDummy(password)
	} else {
		s.giveBack(ctx, keys, false) // the database failed, not the caller
		return nil, nil, err
	}
	if !ok {
		// The attempt stays counted.
		if err := s.db.AppendAudit(ctx, anonymousEntry(ctx, username, "", ip, "login_failed", "user:"+username)); err != nil {
			return nil, nil, err
		}
		return nil, nil, errBadLogin
	}
	s.giveBack(ctx, keys, true)
	if err := s.db.RememberLoginAddress(ctx, account, ip, now); err != nil {
		return nil, nil, err
	}
	token := randomToken(20) // 160 bits
	sess := &store.Session{
		ID: hashToken(token), UserID: u.ID, CSRFToken: randomToken(20), IP: ip, UserAgent: store.Clip(userAgent, 255),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.SessionMaxAge),
	}
	err = s.db.TxRetry(ctx, func(tx *store.DB) error {
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, anonymousEntry(ctx, u.Username, u.Role, ip, "login", "user:"+u.Username))
	})
	if err != nil {
		return nil, nil, err
	}
	return &Session{Token: token, CSRFToken: sess.CSRFToken, ExpiresAt: sess.ExpiresAt}, principalOf(u), nil
}

// RateLimitError is apperror.RateLimited with the wait before a retry.
type RateLimitError struct{ RetryAfter time.Duration }

// Error implements error (in English, for logs).
func (e *RateLimitError) Error() string { return msgTooManyFailures.In(msg.EN, e.Seconds()) }

// Seconds is RetryAfter rounded up, at least 1.
func (e *RateLimitError) Seconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// Unwrap makes errors.As find an apperror.RateLimited.
func (e *RateLimitError) Unwrap() error {
	return apperror.Msg(apperror.RateLimited, msgTooManyFailures, e.Seconds())
}

var errNoSession = &apperror.Error{Code: apperror.Unauthorized, Text: msgPleaseSign.With()}

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

// Logout ends the session server-side (an API token caller has none to
// end) and audits it.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	return s.db.Tx(ctx, func(tx *store.DB) error {
		if p.SessionID != "" {
			if err := tx.DeleteSession(ctx, p.SessionID); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, p.Entry("logout", "user:"+p.Username, ""))
	})
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
		return &apperror.Error{Code: apperror.Invalid, Text: msgCurrentPasswordWrong.With(),
			Details: []apperror.Detail{{Field: "old_password", Message: "wrong"}}}
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.UpdatePassword(ctx, u.ID, hash, s.now().UTC()); err != nil {
			return err
		}
		if _, err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if _, err := tx.RevokeUserAPITokens(ctx, u.ID, s.now().UTC()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("password_changed", "user:"+p.Username, ""))
	})
}

// SetDisabled enables or disables the account username on behalf of by;
// disabling ends its sessions and revokes its API tokens for good (enabling
// again does not revive them). The change is audited in its transaction.
// An unknown username is apperror.NotFound.
func (s *Service) SetDisabled(ctx context.Context, by *Principal, username string, disabled bool) error {
	u, err := s.db.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	action := "account_enabled"
	if disabled {
		action = "account_disabled"
	}
	return s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.SetUserDisabled(ctx, u.ID, disabled); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
			if _, err := tx.RevokeUserAPITokens(ctx, u.ID, s.now().UTC()); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, by.Entry(action, "user:"+u.Username, ""))
	})
}

// CreateUser creates the account u on behalf of by (an operator at the
// command line), audited in the same transaction. A taken username is
// apperror.Conflict.
func (s *Service) CreateUser(ctx context.Context, by *Principal, u *store.User) error {
	return s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, by.Entry("account_created", "user:"+u.Username, "role="+string(u.Role)+" street="+u.Street))
	})
}

// CreateAPIToken issues a bearer token named name for p, valid for the
// configured auth.api_token_ttl; the plain token is returned once and only
// its hash is kept. An empty or over-long name is apperror.Invalid.
func (s *Service) CreateAPIToken(ctx context.Context, p *Principal, name string) (string, error) {
	tok, _, err := s.IssueAPIToken(ctx, p, name, 0)
	return tok, err
}

// IssueAPIToken is CreateAPIToken valid for ttl, capped at the configured
// auth.api_token_ttl (ttl <= 0 means the cap), also returning the row. The
// token and its audit entry commit together.
func (s *Service) IssueAPIToken(ctx context.Context, p *Principal, name string, ttl time.Duration) (string, *store.APIToken, error) {
	if strings.TrimSpace(name) == "" || len(name) > 128 {
		return "", nil, &apperror.Error{Code: apperror.Invalid, Text: msgTokenNameRequired.With(),
			Details: []apperror.Detail{{Field: "name", Message: "required"}}}
	}
	if ttl <= 0 || ttl > s.cfg.APITokenTTL {
		ttl = s.cfg.APITokenTTL
	}
	token := "fgt_" + randomToken(24)
	now := s.now().UTC()
	exp := now.Add(ttl)
	t := &store.APIToken{UserID: p.UserID, Name: name, TokenHash: hashToken(token), CreatedAt: now, ExpiresAt: &exp}
	err := s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("api_token_created", "user:"+p.Username, name))
	})
	if err != nil {
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

// RevokeUserTokens revokes, on behalf of by (an operator at the command
// line), token id of the account userID (named username), or every token
// of it when id is 0, with its audit entry; it returns how many it
// revoked. A token of another account is apperror.NotFound.
func (s *Service) RevokeUserTokens(ctx context.Context, by *Principal, userID int64, username string, id int64) (int64, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *store.DB) error {
		now := s.now().UTC()
		if id == 0 {
			var err error
			if n, err = tx.RevokeUserAPITokens(ctx, userID, now); err != nil {
				return err
			}
		} else {
			if err := tx.RevokeUserAPIToken(ctx, userID, id, now); err != nil {
				return err
			}
			n = 1
		}
		return tx.AppendAudit(ctx, by.Entry("api_token_revoked", "user:"+username, fmt.Sprintf("id=%d revoked=%d", id, n)))
	})
	return n, err
}

// RevokeAPIToken revokes p's token id, with its audit entry; another
// user's token is apperror.NotFound.
func (s *Service) RevokeAPIToken(ctx context.Context, p *Principal, id int64) error {
	return s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.RevokeUserAPIToken(ctx, p.UserID, id, s.now().UTC()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("api_token_revoked", "user:"+p.Username, strconv.FormatInt(id, 10)))
	})
}

// AuditFilter selects audit entries (store.AuditFilter).
type AuditFilter = store.AuditFilter

// AuditEntry is an audit entry as the API shows it (schema AuditEntry),
// apart from the store's row and its hash chain.
type AuditEntry struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role"`
	Action  string    `json:"action"`
	Object  string    `json:"object"`
	IP      string    `json:"ip"`
	Peer    string    `json:"peer"`   // the connection's peer (a proxy, or the client)
	Writer  string    `json:"writer"` // the chain segment (database node) it was appended to; "" before segments
	Seq     *int64    `json:"seq"`    // the sequence within its writer's segment; nil before the keyed chain
	Details string    `json:"details"`
}

// AuditLog lists the audit entries matching f, newest first, and the total.
func (s *Service) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, int64, error) {
	rows, total, err := s.db.ListAudit(ctx, f)
	out := make([]AuditEntry, len(rows))
	for i, e := range rows {
		out[i] = AuditEntry{At: e.At, Actor: e.Actor, Role: e.Role, Action: e.Action, Object: e.Object, IP: e.IP, Peer: e.Peer, Writer: e.Writer, Seq: e.Seq, Details: e.Details}
	}
	return out, total, err
}

// Record audits an action of p that changes nothing (an export, a
// download): there is no transaction to join, so it is one of its own. A
// failure to write is returned, and the caller refuses the action.
func (s *Service) Record(ctx context.Context, p *Principal, action, object, details string) error {
	return s.db.AppendAudit(ctx, p.Entry(action, object, details))
}
