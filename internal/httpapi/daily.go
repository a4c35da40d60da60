package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/auth"
	"fugong/internal/daily"
)

// dailyRoutes serves the daily epidemic report (package daily). An
// enterprise files its own report under /daily/reports/{date} (with its
// session or, for systems that push, an API token); every tenant role
// reads an enterprise's reports within its scope under
// /daily/enterprises/{id}/reports.
func (s *Server) dailyRoutes(api fiber.Router) {
	api.Get("/daily/definition", need(anyone...), s.dailyDefinition)
	api.Get("/daily/reports/:date", need(auth.RoleEnterprise), s.getMyDailyReport)
	api.Put("/daily/reports/:date", need(auth.RoleEnterprise), s.putDailyReport)
	api.Get("/daily/reports/:date/prefill", need(auth.RoleEnterprise), s.prefillDailyReport)
	api.Post("/daily/push", need(auth.RoleEnterprise), s.pushDailyReports)
	api.Get("/daily/enterprises/:id/reports", need(tenantRoles...), s.listDailyReports)
	api.Get("/daily/enterprises/:id/reports/:date", need(tenantRoles...), s.getDailyReport)
	api.Get("/daily/enterprises/:id/reports/:date/versions", need(tenantRoles...), s.dailyReportVersions)
	api.Get("/daily/flags", need(tenantRoles...), s.listDailyFlags)
	api.Post("/daily/flags/:id/confirm", need(auth.RoleStreetOfficial, auth.RoleParkManager), s.confirmDailyFlag)
	api.Get("/daily/rules", need(managers...), s.getDailyRules)
	api.Post("/daily/rules/reload", need(managers...), s.reloadDailyRules)
	api.Post("/daily/rules/backtest", need(managers...), s.backtestDailyRules)
	api.Get("/daily/rules/versions", need(managers...), s.listDailyRuleVersions)
	api.Get("/daily/rules/versions/:version", need(managers...), s.getDailyRuleVersion)
}

func (s *Server) dailyDefinition(c *fiber.Ctx) error {
	d, err := s.deps.Daily.DefinitionFor(c.Query("date"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) getMyDailyReport(c *fiber.Ctx) error {
	r, err := s.deps.Daily.Mine(c.UserContext(), principal(c), c.Params("date"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// putDailyReport files the day's report (201) or corrects it (200).
func (s *Server) putDailyReport(c *fiber.Ctx) error {
	var in daily.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, created, err := s.deps.Daily.Put(c.UserContext(), principal(c), c.Params("date"), in)
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(r)
}

func (s *Server) prefillDailyReport(c *fiber.Ctx) error {
	r, err := s.deps.Daily.Prefill(c.UserContext(), principal(c), c.Params("date"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// pushBody is the body of POST /daily/push.
type pushBody struct {
	Reports []daily.PushItem `json:"reports"`
}

func (s *Server) pushDailyReports(c *fiber.Ctx) error {
	var in pushBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := s.deps.Daily.Push(c.UserContext(), principal(c), in.Reports)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"results": res})
}

func (s *Server) listDailyReports(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.deps.Daily.List(c.UserContext(), principal(c), id, c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) getDailyReport(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.deps.Daily.Get(c.UserContext(), principal(c), id, c.Params("date"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) dailyReportVersions(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	vs, err := s.deps.Daily.Versions(c.UserContext(), principal(c), id, c.Params("date"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": vs})
}

// listDailyFlags answers the rule warnings of days in the caller's scope
// (a street official: the street's).
func (s *Server) listDailyFlags(c *fiber.Ctx) error {
	items, err := s.deps.Daily.Flags(c.UserContext(), principal(c), c.Query("street"), c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// confirmDailyFlag records a warning as a ledger problem.
func (s *Server) confirmDailyFlag(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in daily.ConfirmInput // the body is optional
	data, err := readJSONBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := decodeJSONBytes(data, &in); err != nil {
			return err
		}
	}
	f, err := s.deps.Daily.ConfirmFlag(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

func (s *Server) getDailyRules(c *fiber.Ctx) error {
	o, err := s.deps.Daily.Rules()
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (s *Server) reloadDailyRules(c *fiber.Ctx) error {
	r, err := s.deps.Daily.ReloadRules(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) backtestDailyRules(c *fiber.Ctx) error {
	var req daily.RuleCandidate
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := s.deps.Daily.BacktestRules(c.UserContext(), principal(c), req)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) listDailyRuleVersions(c *fiber.Ctx) error {
	pg := pageOf(c)
	items, total, err := s.deps.Daily.RuleVersions(c.UserContext(), pg)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, pg))
}

func (s *Server) getDailyRuleVersion(c *fiber.Ctx) error {
	v, err := s.deps.Daily.RuleVersionFiles(c.UserContext(), c.Params("version"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}
