package httpapi

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/store"
)

// cst is China Standard Time, the zone dates on printed sheets are in.
var cst = time.FixedZone("CST", 8*3600)

var msgNoSuchStreet = msg.New("activation_unknown_street", "未知街道", "unknown street")

// activationIssueRoutes: the history of activation sheets and explicit
// revocation (issuing itself is additive: registry.go).
func (s *Server) activationIssueRoutes(api fiber.Router) {
	roles := []string{store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin}
	api.Get("/streets/:street/activation-code-issues", need(roles...), s.activationIssues)
	api.Post("/streets/:street/activation-codes/revoke", need(roles...), s.revokeActivationCodes)
}

func (s *Server) activationIssues(c *fiber.Ctx) error {
	st, ok := s.deps.Areas.Street(pathStreet(c, "street"))
	if !ok {
		return apperror.Msg(apperror.NotFound, msgNoSuchStreet)
	}
	pg := pageOf(c)
	items, total, err := s.deps.Auth.ActivationIssues(c.UserContext(), principal(c), st.Code, pg)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, pg))
}

type revokeRequest struct {
	IssueID int64 `json:"issue_id"` // 0: every unused code of the street
}

func (s *Server) revokeActivationCodes(c *fiber.Ctx) error {
	st, ok := s.deps.Areas.Street(pathStreet(c, "street"))
	if !ok {
		return apperror.Msg(apperror.NotFound, msgNoSuchStreet)
	}
	var in revokeRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	n, err := s.deps.Auth.RevokeActivationCodes(c.UserContext(), principal(c), st.Code, in.IssueID)
	if err != nil {
		return err
	}
	s.audit(c, "activation_codes_revoked", "street:"+st.Code, fmt.Sprintf("issue=%d revoked=%d", in.IssueID, n))
	return c.JSON(fiber.Map{"revoked": n})
}
