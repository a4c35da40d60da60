package httpapi

import (
	"github.com/gofiber/fiber/v2"
)

const bodyKey = "json_body"

// idempotent makes a creating route safe to retry with an Idempotency-Key
// (see package idempotency): the first request claims the key and its
// successful answer is kept; a retry with the same body gets that answer
// (Idempotent-Replayed: true), with another body 422, and while the first
// is still running 409 at once. A failed request releases its claim.
// Without the header, or without the service, it does nothing.
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
	ctx := c.UserContext()
	replay, claim, err := s.deps.Idempotency.Begin(ctx, principal(c).UserID, key, raw)
	if err != nil {
		return err
	}
	if replay != nil {
		c.Set("Idempotent-Replayed", "true")
		c.Status(replay.Status).Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(replay.Body)
	}
	err = c.Next()
	status := c.Response().StatusCode()
	if err != nil || status < 200 || status > 299 {
		if rerr := claim.Release(ctx); rerr != nil {
			s.log.Error("idempotency release", "request_id", requestID(c), "err", rerr)
		}
		return err
	}
	if cerr := claim.Complete(ctx, status, c.Response().Body()); cerr != nil {
		s.log.Error("idempotency record", "request_id", requestID(c), "err", cerr)
	}
	return nil
}
