package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/auth"
	"fugong/internal/filing"
)

func (s *Server) filingRoutes(api fiber.Router) {
	api.Post("/filings", need(auth.RoleEnterprise), s.idempotent(s.createFiling))
	api.Get("/filings", need(tenantRoles...), s.listFilings)
	api.Get("/filings/:id", need(tenantRoles...), s.getFiling)
	api.Patch("/filings/:id", need(auth.RoleEnterprise), s.updateFiling)
	api.Post("/filings/:id/attachments", need(auth.RoleEnterprise), cancelOnDisconnect, s.uploadAttachment)
	api.Post("/filings/:id/submit", need(auth.RoleEnterprise), s.submitFiling)
	api.Get("/attachments/:id/content", need(tenantRoles...), s.downloadAttachment)
	s.reviewRoutes(api)
	s.noticeRoutes(api)
	s.loopRoutes(api)
}

// createFiling starts a draft; an Idempotency-Key makes it safe to retry
// (see idempotent).
func (s *Server) createFiling(c *fiber.Ctx) error {
	var in filing.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.deps.Filings.Create(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) listFilings(c *fiber.Ctx) error {
	q := filing.Query{Status: filing.Status(c.Query("status")), Sector: c.Query("sector"), Street: c.Query("street"), Page: pageOf(c)}
	items, total, err := s.deps.Filings.List(c.UserContext(), principal(c), q)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, q.Page))
}

func (s *Server) getFiling(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.deps.Filings.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) updateFiling(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in filing.Input
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.deps.Filings.Update(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// uploadAttachment spools the upload only once the service has checked
// that the caller may upload to this filing (it calls receive).
func (s *Server) uploadAttachment(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var f *received
	defer func() {
		if f != nil {
			f.Remove()
		}
	}()
	receive := func(max int64) (filing.File, string, error) {
		var err error
		if f, err = receiveFile(c, "file", max, nil); err != nil {
			return nil, "", err
		}
		return f.File, f.Filename, nil
	}
	res, err := s.deps.Filings.Upload(c.UserContext(), principal(c), id, c.Query("kind"), receive)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

func (s *Server) submitFiling(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	res, err := s.deps.Filings.Submit(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// downloadAttachment streams an attachment as a download that a browser will
// never render inline.
func (s *Server) downloadAttachment(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, _, err := s.deps.Filings.Open(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, d.ContentType)
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition(d.Filename))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "sandbox")
	if d.Size >= 0 {
		c.Set(fiber.HeaderContentLength, strconv.FormatInt(d.Size, 10))
	}
	return c.SendStream(d.Body, int(d.Size))
}
