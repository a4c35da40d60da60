package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/auth"
	"fugong/internal/inspection"
	"fugong/internal/msg"
)

// Letters (整改意见函) to any target, bulletins (通报) per period, and the
// rectification figures with the on-time rate (docs/rectification.md).
func (s *Server) letterRoutes(api fiber.Router) {
	issuers := []auth.Role{auth.RoleInspector, auth.RoleParkManager, auth.RoleAdmin}
	api.Post("/letters", need(auth.RoleInspector, auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin), s.issueLetter)
	api.Post("/bulletins", need(issuers...), s.issueBulletin)
	api.Get("/bulletins/:id", need(issuers...), s.getBulletin)
	api.Get("/dashboard/rectification", need(auth.RoleStreetOfficial, auth.RoleInspector, auth.RoleParkManager, auth.RoleAdmin), s.rectificationFigures)
}

func (s *Server) issueLetter(c *fiber.Ctx) error {
	var in inspection.LetterInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	l, err := s.deps.Inspections.IssueLetter(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	if l.Reissued {
		return c.JSON(l)
	}
	return c.Status(fiber.StatusCreated).JSON(l)
}

func (s *Server) issueBulletin(c *fiber.Ctx) error {
	var in inspection.BulletinInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	b, err := s.deps.Inspections.IssueBulletin(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	if b.Reissued {
		return c.JSON(b)
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

// getBulletin answers JSON, or the spreadsheet with format=xlsx.
func (s *Server) getBulletin(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	b, err := s.deps.Inspections.Bulletin(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	if c.Query("format") != "xlsx" {
		return c.JSON(b)
	}
	var buf bytes.Buffer
	if err := inspection.WriteBulletinXLSX(&buf, b, msg.Negotiate(c.Get(fiber.HeaderAcceptLanguage))); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition("通报-"+b.Number+".xlsx"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func (s *Server) rectificationFigures(c *fiber.Ctx) error {
	f, err := s.deps.Inspections.Figures(c.UserContext(), principal(c), c.Query("as_of"), c.Query("street"))
	if err != nil {
		return err
	}
	return c.JSON(f)
}
