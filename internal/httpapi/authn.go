package httpapi

import (
	"context"
	"crypto/subtle"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/store"
)

const (
	sessionCookie = "fugong_session"
	principalKey  = "principal"
)

// authenticate identifies the caller from a Bearer token or the session
// cookie, if any; routes decide with need() whether one is required.
func (s *Server) authenticate(c *fiber.Ctx) error {
	if s.deps.Auth == nil {
		return c.Next()
	}
	ctx := c.UserContext()
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		p, err := s.deps.Auth.AuthenticateToken(ctx, strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")))
		if err != nil {
			return err // a bad token is 401, not anonymous
		}
		c.Locals(principalKey, p)
		return c.Next()
	}
	if tok := c.Cookies(sessionCookie); tok != "" {
		p, err := s.deps.Auth.Authenticate(ctx, tok)
		if err == nil {
			c.Locals(principalKey, p)
		} else if apperror.CodeOf(err) != apperror.Unauthorized {
			return err
		}
	}
	return c.Next()
}

func principal(c *fiber.Ctx) *auth.Principal {
	p, _ := c.Locals(principalKey).(*auth.Principal)
	return p
}

var errCSRF = apperror.New(apperror.Forbidden, "缺少或错误的 CSRF 令牌 / missing or wrong X-CSRF-Token")

// need requires a signed-in caller with one of roles (none = any role), and
// for cookie sessions a matching X-CSRF-Token on every mutating request.
func need(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principal(c)
		if p == nil {
			return errNotSignedIn
		}
		if !p.ViaToken && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead && c.Method() != fiber.MethodOptions {
			got := c.Get("X-CSRF-Token")
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(p.CSRFToken)) != 1 {
				return errCSRF
			}
		}
		if len(roles) > 0 {
			for _, r := range roles {
				if p.Role == r {
					return c.Next()
				}
			}
			return apperror.New(apperror.Forbidden, "无权执行此操作 / your role may not do this")
		}
		return c.Next()
	}
}

var errNotSignedIn = apperror.New(apperror.Unauthorized, "请先登录 / please sign in")

func (s *Server) setSessionCookie(c *fiber.Ctx, value string, expires time.Time) {
	secure := s.cfg.HTTP.SecureCookies || c.Protocol() == "https"
	name := sessionCookie
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: "/", HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: expires,
	})
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	sess, u, err := s.deps.Auth.Login(ctx, req.Username, req.Password, clientIP(c), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		var rl *auth.RateLimitError
		if errors.As(err, &rl) {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(rl.Seconds()))
			s.auditAs(ctx, c, req.Username, "", "login_rate_limited", "user:"+req.Username, "")
		} else if apperror.CodeOf(err) == apperror.Unauthorized {
			s.auditAs(ctx, c, req.Username, "", "login_failed", "user:"+req.Username, "")
		}
		return err
	}
	s.setSessionCookie(c, sess.Token, sess.ExpiresAt)
	s.auditAs(ctx, c, u.Username, u.Role, "login", "user:"+u.Username, "")
	return c.JSON(fiber.Map{"user": userBody(u), "csrf_token": sess.CSRFToken})
}

func userBody(u *store.User) fiber.Map {
	return fiber.Map{"id": u.ID, "username": u.Username, "role": u.Role, "enterprise_id": u.EnterpriseID, "street": u.Street, "department": u.Department}
}

func principalBody(p *auth.Principal) fiber.Map {
	return fiber.Map{"id": p.UserID, "username": p.Username, "role": p.Role, "enterprise_id": p.EnterpriseID, "street": p.Street, "department": p.Department}
}

func (s *Server) logout(c *fiber.Ctx) error {
	p := principal(c)
	if err := s.deps.Auth.Logout(c.UserContext(), p); err != nil {
		return err
	}
	s.setSessionCookie(c, "", time.Unix(0, 0))
	s.audit(c, "logout", "user:"+p.Username, "")
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	p := principal(c)
	return c.JSON(fiber.Map{"user": principalBody(p), "csrf_token": p.CSRFToken})
}

type activateRequest struct {
	CreditCode     string `json:"credit_code"`
	ActivationCode string `json:"activation_code"`
	Username       string `json:"username"`
	Password       string `json:"password"`
}

func (s *Server) activate(c *fiber.Ctx) error {
	var req activateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.deps.Auth.Activate(c.UserContext(), req.CreditCode, req.ActivationCode, req.Username, req.Password, clientIP(c))
	if err != nil {
		var rl *auth.RateLimitError
		if errors.As(err, &rl) {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(rl.Seconds()))
		}
		s.auditAs(c.UserContext(), c, req.Username, store.RoleEnterprise, "activation_failed", "enterprise:"+req.CreditCode, "")
		return err
	}
	s.auditAs(c.UserContext(), c, u.Username, u.Role, "account_activated", "enterprise:"+req.CreditCode, "")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": userBody(u)})
}

type passwordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	var req passwordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p := principal(c)
	if err := s.deps.Auth.ChangePassword(c.UserContext(), p, req.OldPassword, req.NewPassword); err != nil {
		return err
	}
	s.setSessionCookie(c, "", time.Unix(0, 0))
	s.audit(c, "password_changed", "user:"+p.Username, "")
	return c.SendStatus(fiber.StatusNoContent)
}

type tokenRequest struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days"` // optional; capped at auth.api_token_ttl
}

// createToken issues an API token for the caller (department integrations).
func (s *Server) createToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Name) == "" || len(req.Name) > 128 {
		return &apperror.Error{Code: apperror.Invalid, Message: "请填写令牌名称 / token name is required",
			Details: []apperror.Detail{{Field: "name", Message: "required"}}}
	}
	if req.ExpiresInDays < 0 {
		return &apperror.Error{Code: apperror.Invalid, Message: "有效天数不能为负 / expires_in_days must not be negative",
			Details: []apperror.Detail{{Field: "expires_in_days", Message: "negative"}}}
	}
	p := principal(c)
	tok, row, err := s.deps.Auth.IssueAPIToken(c.UserContext(), p.UserID, req.Name, time.Duration(req.ExpiresInDays)*24*time.Hour)
	if err != nil {
		return err
	}
	s.audit(c, "api_token_created", "user:"+p.Username, req.Name)
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": tok, "name": req.Name, "id": row.ID, "expires_at": row.ExpiresAt})
}

// audit records an action by the current principal.
func (s *Server) audit(c *fiber.Ctx, action, object, details string) {
	p := principal(c)
	actor, role := "", ""
	if p != nil {
		actor, role = p.Username, p.Role
	}
	s.auditAs(c.UserContext(), c, actor, role, action, object, details)
}

// auditAs records an action; a failure to write is logged, never shown.
func (s *Server) auditAs(ctx context.Context, c *fiber.Ctx, actor, role, action, object, details string) {
	if s.deps.Store == nil {
		return
	}
	e := &store.AuditEntry{Actor: truncateRunes(actor, 64), Role: role, Action: action, Object: truncateRunes(object, 128), IP: clientIP(c), Peer: peerIP(c), Details: details}
	if err := s.deps.Store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit write failed", "request_id", requestID(c), "action", action, "err", err)
	}
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
