package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"fugong/internal/auth"
)

// activationIssueRoutes: the history of activation sheets and explicit
// revocation (issuing itself is additive: registry.go).
func (s *Server) activationIssueRoutes(api fiber.Router) {
	roles := []auth.Role{auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin}
	api.Get("/streets/:street/activation-code-issues", need(roles...), s.activationIssues)
	api.Post("/streets/:street/activation-codes/revoke", need(roles...), s.revokeActivationCodes)
}

func (s *Server) activationIssues(c *fiber.Ctx) error {
	pg := pageOf(c)
	items, total, err := s.deps.Auth.ActivationIssues(c.UserContext(), principal(c), pathStreet(c, "street"), pg)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, pg))
}

type revokeRequest struct {
	IssueID int64 `json:"issue_id"` // 0: every unused code of the street
}

func (s *Server) revokeActivationCodes(c *fiber.Ctx) error {
	var in revokeRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	n, err := s.deps.Auth.RevokeActivationCodes(c.UserContext(), principal(c), pathStreet(c, "street"), in.IssueID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"revoked": n})
}
