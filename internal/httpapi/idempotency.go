package httpapi

import (
	"bytes"
	"context"

	"github.com/gofiber/fiber/v2"
)

const bodyKey = "json_body"

// idempotent makes a creating route safe to retry with an Idempotency-Key
// (see package idempotency): the handler runs inside the key's claim, so a
// retry with the same body gets the first answer (Idempotent-Replayed:
// true) even while the first is still running (it waits), and with another
// body 422. Without the header, or without the service, it does nothing.
func (s *Server) idempotent(c *fiber.Ctx) error {
	key := c.Get("Idempotency-Key")
	if key == "" || s.deps.Idempotency == nil {
		return c.Next()
	}
	key = string([]byte(key)) // fasthttp reuses the header buffer
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	c.Locals(bodyKey, raw) // the handler decodes the same bytes
	outer := c.UserContext()
	replay, err := s.deps.Idempotency.Do(outer, principal(c).UserID, key, raw, func(ctx context.Context) (int, []byte, error) {
		c.SetUserContext(ctx)
		defer c.SetUserContext(outer)
		if err := c.Next(); err != nil {
			return 0, nil, err
		}
		return c.Response().StatusCode(), bytes.Clone(c.Response().Body()), nil
	})
	if err != nil || replay == nil {
		return err
	}
	c.Response().ResetBody()
	c.Set("Idempotent-Replayed", "true")
	c.Status(replay.Status).Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(replay.Body)
}
