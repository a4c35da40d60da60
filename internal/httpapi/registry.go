package httpapi

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/registry"
	"fugong/internal/store"
)

// maxRegistryUpload is the largest registry file accepted (200,000 rows of
// CSV is about 20 MB).
const maxRegistryUpload = 64 << 20

func (s *Server) importRegistry(c *fiber.Ctx) error {
	dryRun := c.QueryBool("dry_run", false)
	f, err := receiveFile(c, "file", maxRegistryUpload)
	if err != nil {
		return err
	}
	defer f.Remove()
	res, err := registry.Import(c.UserContext(), s.deps.Store, f.Path, s.deps.Areas, dryRun)
	if err != nil {
		return err
	}
	if !dryRun {
		s.audit(c, "registry_import", "registry", fmt.Sprintf("file=%s created=%d updated=%d unchanged=%d", f.Filename, res.Created, res.Updated, res.Unchanged))
	}
	return c.JSON(fiber.Map{"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged, "errors": []any{}, "dry_run": dryRun})
}

func (s *Server) listEnterprises(c *fiber.Ctx) error {
	p := principal(c)
	f := store.EnterpriseFilter{Sector: c.Query("sector"), Query: strings.TrimSpace(c.Query("q")), Page: pageOf(c)}
	if st := c.Query("street"); st != "" {
		street, ok := s.deps.Areas.Street(st)
		if !ok {
			return &apperror.Error{Code: apperror.Invalid, Message: "未知街道 / unknown street " + st, Details: []apperror.Detail{{Field: "street", Message: "unknown"}}}
		}
		f.Street = street.Code
	}
	items, total, err := s.deps.Store.ListEnterprises(c.UserContext(), p.Scope(), f)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, f.Page))
}

func (s *Server) getEnterprise(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	e, err := s.deps.Store.EnterpriseByID(c.UserContext(), principal(c).Scope(), id)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) listStreets(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"zones": s.deps.Areas.Zones})
}

// activationCodes answers a CSV (UTF-8 with BOM, so Excel on Chinese Windows
// opens it) of fresh one-time codes for the street's enterprises without an
// account.
func (s *Server) activationCodes(c *fiber.Ctx) error {
	st, ok := s.deps.Areas.Street(pathStreet(c, "street"))
	if !ok {
		return apperror.New(apperror.NotFound, "未知街道 / unknown street")
	}
	p := principal(c)
	codes, err := s.deps.Auth.IssueActivationCodes(c.UserContext(), p, st.Code)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	// Headers a street office reads (the sheet is printed and handed out),
	// and the expiry on every line; the X-Activation-Codes-Expire header
	// stays for clients that read it.
	w.Write([]string{"统一社会信用代码", "企业名称", "激活码", "有效期至"})
	for _, code := range codes {
		w.Write([]string{code.CreditCode, neutralizeCell(code.Name), code.Code, code.ExpiresAt.In(cst).Format("2006-01-02")})
	}
	if len(codes) > 0 {
		c.Set("X-Activation-Codes-Expire", codes[0].ExpiresAt.Format("2006-01-02"))
	}
	w.Flush()
	s.audit(c, "activation_codes_issued", "street:"+st.Code, fmt.Sprintf("count=%d", len(codes)))
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition(fmt.Sprintf("激活码-%s.csv", st.Name)))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func (s *Server) listAudit(c *fiber.Ctx) error {
	f := store.AuditFilter{Actor: c.Query("actor"), Action: c.Query("action"), Page: pageOf(c)}
	if fid := c.Query("filing_id"); fid != "" {
		f.Object = "filing:" + fid
	} else if obj := c.Query("object"); obj != "" {
		f.Object = obj
	}
	items, total, err := s.deps.Store.ListAudit(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, f.Page))
}
