package httpapi

import (
	"bytes"
	"context"

	"github.com/gofiber/fiber/v2"
)

const bodyKey = "json_body"

// idempotent makes the creating handler h safe to retry with an
// Idempotency-Key (see package idempotency): h runs inside the key's claim,
// so a retry with the same body gets the first answer (Idempotent-Replayed:
// true) even while the first is still running (it waits), and with another
// body 422. The claim's transaction is run again as a whole when the
// database aborts it for a conflict (a Galera certification conflict, a
// deadlock), so h is called directly, once per attempt, rather than through
// c.Next, which moves on along the route. Without the header, or without
// the service, it is h.
func (s *Server) idempotent(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key := c.Get("Idempotency-Key")
		if key == "" || s.deps.Idempotency == nil {
			return h(c)
		}
		key = string([]byte(key)) // fasthttp reuses the header buffer
		raw, err := readJSONBody(c)
		if err != nil {
			return err
		}
		c.Locals(bodyKey, raw) // the handler decodes the same bytes
		outer := c.UserContext()
		replay, err := s.deps.Idempotency.Do(outer, principal(c).UserID, key, raw, func(ctx context.Context) (int, []byte, error) {
			// An aborted attempt's answer is not the answer.
			c.Response().ResetBody()
			c.Status(fiber.StatusOK)
			c.SetUserContext(ctx)
			defer c.SetUserContext(outer)
			if err := h(c); err != nil {
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
}
