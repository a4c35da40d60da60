package httpapi

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/auth"
	"fugong/internal/export"
	"fugong/internal/parktime"
	"fugong/internal/registry"
)

// maxRegistryUpload is the largest registry file accepted (200,000 rows of
// CSV is about 20 MB).
const maxRegistryUpload = 64 << 20

func (s *Server) importRegistry(c *fiber.Ctx) error {
	dryRun := c.QueryBool("dry_run", false)
	f, err := receiveFile(c, "file", maxRegistryUpload, nil)
	if err != nil {
		return err
	}
	defer f.Remove()
	res, layout, err := s.deps.Registry.ImportUpload(c.UserContext(), principal(c), f.File, f.Filename, dryRun)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged, "errors": []any{}, "dry_run": dryRun,
		"columns": layout})
}

func (s *Server) listEnterprises(c *fiber.Ctx) error {
	q := registry.Query{Sector: c.Query("sector"), Street: c.Query("street"), Text: strings.TrimSpace(c.Query("q")), Page: pageOf(c)}
	items, total, err := s.deps.Registry.Enterprises(c.UserContext(), principal(c), q)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, q.Page))
}

func (s *Server) getEnterprise(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	e, err := s.deps.Registry.Enterprise(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) listStreets(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"zones": s.deps.Registry.Zones()})
}

// activationCodes answers a CSV (UTF-8 with BOM, so Excel on Chinese Windows
// opens it) of fresh one-time codes for the street's enterprises without an
// account.
func (s *Server) activationCodes(c *fiber.Ctx) error {
	sheet, err := s.deps.Auth.IssueActivationCodes(c.UserContext(), principal(c), pathStreet(c, "street"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := export.NewCSV(&buf)
	// Headers a street office reads (the sheet is printed and handed out),
	// and the expiry on every line; the X-Activation-Codes-Expire header
	// stays for clients that read it.
	w.Write([]string{"统一社会信用代码", "企业名称", "激活码", "有效期至"})
	for _, code := range sheet.Codes {
		w.Write([]string{code.CreditCode, code.Name, code.Code, code.ExpiresAt.In(parktime.Location).Format("2006-01-02")})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(sheet.Codes) > 0 {
		c.Set("X-Activation-Codes-Expire", sheet.Codes[0].ExpiresAt.Format("2006-01-02"))
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition(fmt.Sprintf("激活码-%s.csv", sheet.Street.Name)))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func (s *Server) listAudit(c *fiber.Ctx) error {
	f := auth.AuditFilter{Actor: c.Query("actor"), Action: c.Query("action"), Page: pageOf(c)}
	if fid := c.Query("filing_id"); fid != "" {
		f.Object = "filing:" + fid
	} else if obj := c.Query("object"); obj != "" {
		f.Object = obj
	}
	items, total, err := s.deps.Auth.AuditLog(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, f.Page))
}
