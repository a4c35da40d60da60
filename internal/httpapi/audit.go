package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
)

// verifyAudit checks the whole audit chain and its signed checkpoints
// (audit.Service.Verify) and answers the report: 200 with ok true or false.
func (s *Server) verifyAudit(c *fiber.Ctx) error {
	if s.deps.Audit == nil {
		return apperror.Msg(apperror.Unavailable, msgAuditUnavailable)
	}
	rep, err := s.deps.Audit.Verify(c.UserContext())
	if err != nil {
		return err
	}
	if err := s.deps.Auth.Record(c.UserContext(), principal(c), "audit_verify", "audit", map[bool]string{true: "ok", false: "broken"}[rep.OK]); err != nil {
		return err
	}
	return c.JSON(rep)
}
