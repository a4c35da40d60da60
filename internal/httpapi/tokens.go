package httpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
)

// sessionOnly refuses callers signed in with an API token: a token must not
// mint more tokens, list or revoke them, or change the password it would
// then survive (issue 18 #5). Only a person at a session may.
func sessionOnly(c *fiber.Ctx) error {
	if p := principal(c); p != nil && p.ViaToken {
		return apperror.Msg(apperror.Forbidden, msgSessionOnly)
	}
	return c.Next()
}

// tokenBody is an API token as its owner sees it (never the secret).
type tokenBody struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Active     bool       `json:"active"`
}

// listTokens lists the caller's API tokens.
func (s *Server) listTokens(c *fiber.Ctx) error {
	p := principal(c)
	rows, err := s.deps.Auth.APITokens(c.UserContext(), p.UserID)
	if err != nil {
		return err
	}
	items := make([]tokenBody, len(rows))
	for i, t := range rows {
		items[i] = tokenBody{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt,
			Active: s.deps.Auth.TokenActive(&t)}
	}
	return c.JSON(fiber.Map{"items": items})
}

// revokeToken revokes one of the caller's API tokens (another's is 404).
func (s *Server) revokeToken(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return apperror.Msg(apperror.NotFound, msgTokenNotFound)
	}
	if err := s.deps.Auth.RevokeAPIToken(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
