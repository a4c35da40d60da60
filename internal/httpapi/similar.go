package httpapi

import (
	"mime"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/filing"
)

// similarRoutes registers the near-duplicate plan routes.
func (s *Server) similarRoutes(api fiber.Router) {
	api.Get("/filings/:id/similar", need(officials...), s.similarFilings)
	api.Post("/plan-templates", need(managers...), cancelOnDisconnect, s.addPlanTemplate)
	api.Get("/plan-templates", need(managers...), s.listPlanTemplates)
}

// similarFilings answers GET /api/v1/filings/{id}/similar for an official.
// Enterprises are refused by the route (403): an enterprise must never
// learn another's name or text.
func (s *Server) similarFilings(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.deps.Filings.SimilarTo(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(items)
}

// addPlanTemplate answers POST /api/v1/plan-templates: JSON {"name","text"}
// or multipart with a file field "file" (TXT, DOCX or PDF, text extracted as
// for plan uploads) and a form field "name". 201 with the template.
func (s *Server) addPlanTemplate(c *fiber.Ctx) error {
	var in filing.TemplateInput
	if mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt != "multipart/form-data" {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	} else {
		fields := map[string]*string{"name": &in.Name}
		f, err := receiveFile(c, "file", int64(s.cfg.Uploads.PlanMaxMB)<<20, fields)
		if err != nil {
			return err
		}
		defer f.Remove()
		in.File = f.File
	}
	t, err := s.deps.Filings.AddTemplate(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

// listPlanTemplates answers GET /api/v1/plan-templates: every template,
// oldest first, with its text, in the list shape.
func (s *Server) listPlanTemplates(c *fiber.Ctx) error {
	ts, err := s.deps.Filings.Templates(c.UserContext())
	if err != nil {
		return err
	}
	pg := pageOf(c)
	start := min(pg.Offset(), len(ts))
	return c.JSON(listBody(ts[start:min(start+pg.Size, len(ts))], int64(len(ts)), pg))
}
