package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"fugong/internal/filing"
	"fugong/internal/ruleset"
)

// ruleRoutes registers the rule engine's API (park manager and admin).
func (s *Server) ruleRoutes(api fiber.Router) {
	api.Get("/rules", need(managers...), s.getRules)
	api.Post("/rules/evaluate", need(managers...), s.evaluateRules)
	api.Post("/rules/reload", need(managers...), s.reloadRules)
	api.Post("/rules/backtest", need(managers...), s.backtestRules)
	api.Get("/rules/versions", need(managers...), s.listRuleVersions)
	api.Get("/rules/versions/:version", need(managers...), s.getRuleVersion)
}

// getRules answers the running set and, if the newest edit is broken, why
// it was not loaded.
func (s *Server) getRules(c *fiber.Ctx) error {
	o, err := s.deps.Rules.Overview(lang(c))
	if err != nil {
		return err
	}
	return c.JSON(o)
}

// evaluateRules answers the flags the running set raises on a filing body,
// saving nothing.
func (s *Server) evaluateRules(c *fiber.Ctx) error {
	var d filing.Draft
	if err := decodeJSON(c, &d); err != nil {
		return err
	}
	e, err := s.deps.Rules.Evaluate(c.UserContext(), d)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

// reloadRules reloads the rules directory: 200 with the new version, or 422
// naming every problem while the running set stays.
func (s *Server) reloadRules(c *fiber.Ctx) error {
	r, err := s.deps.Rules.Reload(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) listRuleVersions(c *fiber.Ctx) error {
	pg := pageOf(c)
	items, total, err := s.deps.Rules.Versions(c.UserContext(), pg)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, pg))
}

// getRuleVersion answers a version's files.
func (s *Server) getRuleVersion(c *fiber.Ctx) error {
	rec, err := s.deps.Rules.Version(c.UserContext(), utils.CopyString(c.Params("version")))
	if err != nil {
		return err
	}
	return c.JSON(rec)
}

// backtestRules runs a candidate set against the running one over every
// filing's latest revision.
func (s *Server) backtestRules(c *fiber.Ctx) error {
	var req ruleset.Candidate
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := s.deps.Rules.Backtest(c.UserContext(), principal(c), req)
	if err != nil {
		return err
	}
	return c.JSON(r)
}
