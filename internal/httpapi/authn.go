package httpapi

import (
	"crypto/subtle"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/auth"
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
	ctx := auth.WithPeer(c.UserContext(), strings.Clone(peerIP(c)))
	c.SetUserContext(ctx)
	if h := c.Get(fiber.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
		p, err := s.deps.Auth.AuthenticateToken(ctx, strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")))
		if err != nil {
			return err // a bad token is 401, not anonymous
		}
		p.IP, p.Peer = strings.Clone(clientIP(c)), strings.Clone(peerIP(c)) // outlive the request in audit rows
		c.Locals(principalKey, p)
		return c.Next()
	}
	if tok := c.Cookies(sessionCookie); tok != "" {
		p, err := s.deps.Auth.Authenticate(ctx, tok)
		if err == nil {
			p.IP, p.Peer = strings.Clone(clientIP(c)), strings.Clone(peerIP(c))
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

var errCSRF = apperror.Msg(apperror.Forbidden, msgMissingWrongXCsrfToken)

// need requires a signed-in caller with one of roles (none = any role), and
// for cookie sessions a matching X-CSRF-Token on every mutating request.
func need(roles ...auth.Role) fiber.Handler {
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
			return apperror.Msg(apperror.Forbidden, msgYourRoleMayNotDo)
		}
		return c.Next()
	}
}

var errNotSignedIn = apperror.Msg(apperror.Unauthorized, msgPleaseSign)

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
	sess, p, err := s.deps.Auth.Login(c.UserContext(), req.Username, req.Password, clientIP(c), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		setRetryAfter(c, err)
		return err
	}
	s.setSessionCookie(c, sess.Token, sess.ExpiresAt)
	return c.JSON(fiber.Map{"user": principalBody(p), "csrf_token": sess.CSRFToken})
}

// setRetryAfter tells a rate-limited caller when to retry.
func setRetryAfter(c *fiber.Ctx, err error) {
	var rl *auth.RateLimitError
	if errors.As(err, &rl) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(rl.Seconds()))
	}
}

func principalBody(p *auth.Principal) fiber.Map {
	return fiber.Map{"id": p.UserID, "username": p.Username, "role": p.Role, "enterprise_id": p.EnterpriseID, "street": p.Street, "department": p.Department}
}

func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.deps.Auth.Logout(c.UserContext(), principal(c)); err != nil {
		return err
	}
	s.setSessionCookie(c, "", time.Unix(0, 0))
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
	p, err := s.deps.Auth.Activate(c.UserContext(), req.CreditCode, req.ActivationCode, req.Username, req.Password, clientIP(c))
	if err != nil {
		setRetryAfter(c, err)
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": principalBody(p)})
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
	if err := s.deps.Auth.ChangePassword(c.UserContext(), principal(c), req.OldPassword, req.NewPassword); err != nil {
		return err
	}
	s.setSessionCookie(c, "", time.Unix(0, 0))
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
	if req.ExpiresInDays < 0 {
		return &apperror.Error{Code: apperror.Invalid, Text: msgTokenDaysNegative.With(),
			Details: []apperror.Detail{{Field: "expires_in_days", Text: msgTokenDaysNegative.With()}}}
	}
	tok, row, err := s.deps.Auth.IssueAPIToken(c.UserContext(), principal(c), req.Name, time.Duration(req.ExpiresInDays)*24*time.Hour)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": tok, "name": req.Name, "id": row.ID, "expires_at": row.ExpiresAt})
}
