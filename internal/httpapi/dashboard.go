package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/page"
	"fugong/internal/report"
)

// dashboards serves the dashboards and department reports
// (docs/openapi.yaml); the figures come from internal/report.
type dashboards struct {
	s   *Server
	rep *report.Service
}

// dashboardRoutes registers the dashboard and report routes.
func (s *Server) dashboardRoutes(api fiber.Router) {
	h := &dashboards{s: s, rep: s.deps.Reports}
	viewers := []auth.Role{auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin, auth.RoleInspector}
	readers := []auth.Role{auth.RoleDepartment, auth.RoleParkManager, auth.RoleAdmin}
	api.Get("/dashboard/sectors", need(viewers...), h.sectors)
	api.Get("/dashboard/streets", need(viewers...), h.streets)
	api.Get("/dashboard/trend", need(viewers...), h.trend)
	api.Get("/dashboard/enterprises", need(viewers...), h.enterprises)
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
		return "", apperror.WithText(apperror.Invalid, msgFormatMustJsonCsvXlsx.With(),
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

// enterprises is the drill-down behind every dashboard number: a page of
// JSON, or every matching row as CSV / XLSX.
func (h *dashboards) enterprises(c *fiber.Ctx) error {
	f, err := format(c)
	if err != nil {
		return err
	}
	p := report.DrillParams{AsOf: utils.CopyString(c.Query("as_of")), Sector: utils.CopyString(c.Query("sector")),
		Street: utils.CopyString(c.Query("street")), State: utils.CopyString(c.Query("state")), Q: utils.CopyString(c.Query("q")),
		Page: pageOf(c)}
	if f != "json" {
		p.Page = page.Page{} // an export holds every row
	}
	d, err := h.rep.Enterprises(c.UserContext(), principal(c).Scope(), p)
	if err != nil {
		return err
	}
	if f != "json" {
		return sendTable(c, h.rep.DrillTable(d), f, "企业明细-"+d.AsOf)
	}
	return c.JSON(d)
}

func (h *dashboards) listReports(c *fiber.Ctx) error {
	views, err := h.rep.Views(principal(c).Scope())
	if err != nil {
		return err
	}
	// The list shape of docs/api.md §1; a handful of views, so one page holds them.
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
	id := c.Params("id")
	if f != "json" {
		return h.sendView(c, id, f)
	}
	rep, err := h.rep.BuildView(c.UserContext(), principal(c).Scope(), id, report.ViewParams{Date: c.Query("date")})
	if err != nil {
		return err
	}
	return c.JSON(reportBody(rep))
}
