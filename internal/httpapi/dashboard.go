package httpapi

import (
	"bytes"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/report"
	"fugong/internal/store"
)

// dashboards serves the dashboards and department reports of api.md
// ("Dashboards and reports"); the figures come from internal/report.
type dashboards struct {
	s   *Server
	rep *report.Service
}

// dashboardRoutes registers the dashboard and report routes. The report
// configuration is the embedded configs/reports.yaml (report.Default()).
func (s *Server) dashboardRoutes(api fiber.Router) {
	a := s.deps.Areas
	if a == nil {
		a = areas.Default()
	}
	h := &dashboards{s: s, rep: report.New(s.deps.Store, s.deps.Reports, a, nil)}
	viewers := []string{store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin, store.RoleInspector}
	readers := []string{store.RoleDepartment, store.RoleParkManager, store.RoleAdmin}
	api.Get("/dashboard/sectors", need(viewers...), h.sectors)
	api.Get("/dashboard/streets", need(viewers...), h.streets)
	api.Get("/dashboard/trend", need(viewers...), h.trend)
	api.Get("/reports", need(readers...), h.listReports)
	api.Get("/reports/:id", need(readers...), h.getReport)
}

func dashboardParams(c *fiber.Ctx) report.Params {
	return report.Params{
		AsOf: utils.CopyString(c.Query("as_of")), Street: utils.CopyString(c.Query("street")),
		Sector: utils.CopyString(c.Query("sector")), From: utils.CopyString(c.Query("from")), To: utils.CopyString(c.Query("to")),
	}
}

// format reads ?format=json|csv|xlsx (empty = json).
func format(c *fiber.Ctx) (string, error) {
	switch f := c.Query("format"); f {
	case "", "json":
		return "json", nil
	case "csv", "xlsx":
		return f, nil
	default:
		return "", apperror.WithDetails(apperror.Invalid, "不支持的格式 / format must be json, csv or xlsx",
			[]apperror.Detail{{Field: "format", Message: "must be json, csv or xlsx"}})
	}
}

// sendTable answers t as a CSV (UTF-8 with BOM) or XLSX download named name.
func sendTable(c *fiber.Ctx, t *report.Table, format, name string) error {
	var buf bytes.Buffer
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if err := t.WriteXLSX(&buf); err != nil {
			return err
		}
	} else if err := t.WriteCSV(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition(name+"."+format))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func (h *dashboards) sectors(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	d, err := h.rep.Sectors(c.UserContext(), principal(c).Scope(), dashboardParams(c))
	if err != nil {
		return err
	}
	if f != "json" {
		return sendTable(c, report.SectorTable(d), f, "分行业复工备案-"+d.AsOf)
	}
	return c.JSON(d)
}

func (h *dashboards) streets(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	d, err := h.rep.Streets(c.UserContext(), principal(c).Scope(), dashboardParams(c))
	if err != nil {
		return err
	}
	if f != "json" {
		return sendTable(c, report.StreetTable(d), f, "分街道复工备案-"+d.Sector+"-"+d.AsOf)
	}
	return c.JSON(d)
}

func (h *dashboards) trend(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	t, err := h.rep.Trend(c.UserContext(), principal(c).Scope(), dashboardParams(c))
	if err != nil {
		return err
	}
	if f != "json" {
		return sendTable(c, report.TrendTable(t), f, "审批趋势-"+t.Sector+"-"+t.From+"-"+t.To)
	}
	return c.JSON(t)
}

func (h *dashboards) listReports(c *fiber.Ctx) error {
	views, err := h.rep.Views(principal(c).Scope())
	if err != nil {
		return err
	}
	// The list shape of api.md; a handful of views, so one page holds them.
	p := pageOf(c)
	total := int64(len(views))
	start := min(p.Offset(), len(views))
	end := min(start+p.Size, len(views))
	return c.JSON(listBody(views[start:end], total, p))
}

func (h *dashboards) getReport(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	rep, err := h.rep.Build(c.UserContext(), principal(c).Scope(), utils.CopyString(c.Params("id")))
	if err != nil {
		return err
	}
	if f != "json" {
		h.s.audit(c, "report_exported", "report:"+rep.ID, "format="+f)
		return sendTable(c, rep.Table, f, rep.Title)
	}
	return c.JSON(fiber.Map{
		"id": rep.ID, "title": rep.Title, "department": rep.Department, "department_name": rep.DepartmentName,
		"group_by": rep.GroupBy, "generated_at": rep.GeneratedAt.Format(time.RFC3339),
		"columns": rep.Table.Columns, "rows": rep.Table.Objects(),
	})
}
