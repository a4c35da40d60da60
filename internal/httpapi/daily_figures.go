package httpapi

import (
	"fmt"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/auth"
	"fugong/internal/page"
	"fugong/internal/reminder"
	"fugong/internal/report"
)

// dailyFigureRoutes registers the daily reporting rate and timeliness
// dashboards, the missing list and its reminder, and the street's daily
// summary (docs/openapi.yaml); the figures come from internal/report, the
// reminders from internal/reminder.
func (s *Server) dailyFigureRoutes(api fiber.Router) {
	h := &dashboards{s: s, rep: s.deps.Reports}
	viewers := []auth.Role{auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin, auth.RoleInspector}
	api.Get("/dashboard/daily", need(viewers...), h.daily)
	api.Get("/dashboard/daily/trend", need(viewers...), h.dailyTrend)
	api.Get("/daily/reports", need(viewers...), h.dailyReporters)
	api.Get("/daily/summary", need(viewers...), h.dailySummary)
	api.Get("/report-forms", need(auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin, auth.RoleInspector, auth.RoleDepartment), h.reportForms)
	if s.deps.Reminders != nil {
		api.Post("/daily/reminders", need(auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin), s.dailyRemind)
	}
}

func dailyParams(c *fiber.Ctx) report.DailyParams {
	return report.DailyParams{Date: c.Query("date"), From: c.Query("from"), To: c.Query("to"), Street: c.Query("street"), Sector: c.Query("sector")}
}

func (h *dashboards) daily(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	d, err := h.rep.Daily(c.UserContext(), principal(c).Scope(), dailyParams(c))
	if err != nil {
		return err
	}
	if f != "json" {
		return sendTable(c, report.DailyTable(d), f, "每日报送-"+d.Date)
	}
	return c.JSON(d)
}

func (h *dashboards) dailyTrend(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	t, err := h.rep.DailyTrendOf(c.UserContext(), principal(c).Scope(), dailyParams(c))
	if err != nil {
		return err
	}
	if f != "json" {
		return sendTable(c, report.DailyTrendTable(t), f, "每日报送趋势-"+t.From+"-"+t.To)
	}
	return c.JSON(t)
}

func (h *dashboards) dailyReporters(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	p := pageOf(c)
	if f != "json" {
		p = page.Page{} // an export holds every row
	}
	m, err := h.rep.Reporters(c.UserContext(), principal(c).Scope(), dailyParams(c), c.Query("state"), p)
	if err != nil {
		return err
	}
	if f != "json" {
		return sendTable(c, h.rep.ReportersTable(m), f, "每日报送企业-"+m.Date)
	}
	return c.JSON(m)
}

func (h *dashboards) dailySummary(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	rep, err := h.rep.StreetSummary(c.UserContext(), principal(c).Scope(), dailyParams(c))
	if err != nil {
		return err
	}
	if f != "json" {
		return sendTable(c, rep.Table, f, rep.Title)
	}
	return c.JSON(reportBody(rep))
}

func (h *dashboards) reportForms(c *fiber.Ctx) error {
	cfg := h.rep.Config()
	return c.JSON(fiber.Map{"summary": cfg.ReportForms(), "forms": cfg.FormCatalogue()})
}

func (s *Server) dailyRemind(c *fiber.Ctx) error {
	var req reminder.Request
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	res, err := s.deps.Reminders.Remind(c.UserContext(), principal(c), req)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// reportBody is the JSON of a built report or view.
func reportBody(rep *report.Report) fiber.Map {
	m := fiber.Map{
		"id": rep.ID, "title": rep.Title, "department": rep.Department, "department_name": rep.DepartmentName,
		"group_by": rep.GroupBy, "source": rep.Source, "replaces": rep.Replaces, "generated_at": rep.GeneratedAt.Format(time.RFC3339),
		"columns": rep.Table.Columns, "rows": rep.Table.Objects(),
	}
	if rep.Replaces == nil {
		m["replaces"] = []string{}
	}
	if rep.Date != "" {
		m["date"] = rep.Date
	}
	return m
}

// sendView answers view id as a CSV or XLSX download written to a temp file
// first (report.WriteView streams a daily view's rows from the database into
// it), then streamed from that file: neither the rows nor the file are ever
// whole in memory, and a failure before the end is still a clean error.
func (h *dashboards) sendView(c *fiber.Ctx, id, format string) error {
	tmp, err := os.CreateTemp("", "fugong-view-*."+format)
	if err != nil {
		return fmt.Errorf("view download: %w", err)
	}
	os.Remove(tmp.Name()) // gone when closed; the open file keeps the bytes
	p := principal(c)
	info, err := h.rep.WriteView(c.UserContext(), p.Scope(), id, report.ViewParams{Date: c.Query("date")}, format, tmp)
	if err != nil {
		tmp.Close()
		return err
	}
	size, err := tmp.Seek(0, 1)
	if err == nil {
		_, err = tmp.Seek(0, 0)
	}
	if err != nil {
		tmp.Close()
		return fmt.Errorf("view download: %w", err)
	}
	if err := h.s.deps.Auth.Record(c.UserContext(), p, "report_exported", "report:"+info.ID, "format="+format+" date="+info.Date); err != nil {
		tmp.Close()
		return err
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	name := info.Title
	if info.Date != "" {
		name += "-" + info.Date
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition(name+"."+format))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStream(tmp, int(size)) // fasthttp closes tmp when sent
}
