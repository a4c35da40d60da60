package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"fugong/internal/auth"
	"fugong/internal/filing"
)

func (s *Server) reviewRoutes(api fiber.Router) {
	api.Get("/review/queue", need(officials...), s.reviewQueue)
	api.Post("/filings/:id/review", need(auth.RoleStreetOfficial), s.reviewFiling)
	api.Post("/filings/:id/resumption", need(auth.RoleEnterprise), s.recordResumption)
	api.Post("/problems/:id/waive", need(auth.RoleStreetOfficial, auth.RoleParkManager, auth.RoleAdmin, auth.RoleInspector), s.waiveProblem)
	api.Get("/notifications", need(anyone...), s.listNotifications)
	api.Post("/notifications/:id/read", need(anyone...), s.readNotification)
	api.Post("/notifications/read-all", need(anyone...), s.readAllNotifications)
}

// reviewQueue lists filings awaiting review in the caller's scope with
// their flag counts: searched by name or credit code, filtered by street,
// sector, flag severity and age in days, sorted by an allowed key.
func (s *Server) reviewQueue(c *fiber.Ctx) error {
	q := filing.QueueQuery{Q: utils.CopyString(c.Query("q")), Street: utils.CopyString(c.Query("street")),
		Sector: utils.CopyString(c.Query("sector")), Severity: utils.CopyString(c.Query("severity")),
		MinAgeDays: c.Query("min_age_days"), Sort: utils.CopyString(c.Query("sort")), Dir: c.Query("dir"), Page: pageOf(c)}
	items, total, err := s.deps.Filings.ReviewQueue(c.UserContext(), principal(c), q)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, q.Page))
}

func (s *Server) reviewFiling(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in filing.ReviewInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.deps.Filings.Review(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) recordResumption(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in filing.ResumptionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.deps.Filings.Resume(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type waiveRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) waiveProblem(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in waiveRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	pr, err := s.deps.Filings.Waive(c.UserContext(), principal(c), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(pr)
}

func (s *Server) listNotifications(c *fiber.Ctx) error {
	p := pageOf(c)
	items, total, err := s.deps.Filings.Notifications(c.UserContext(), principal(c), p)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, p))
}

type readAllRequest struct {
	UpTo int64 `json:"up_to"`
}

// readAllNotifications marks the caller's unread messages read in one
// request (「全部已读」); the body is optional.
func (s *Server) readAllNotifications(c *fiber.Ctx) error {
	var in readAllRequest
	data, err := readJSONBody(c)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := decodeJSONBytes(data, &in); err != nil {
			return err
		}
	}
	n, err := s.deps.Filings.MarkAllNotificationsRead(c.UserContext(), principal(c), in.UpTo)
	if err != nil {
		return err
	}
	return c.JSON(readAllResponse{Marked: n})
}

// readAllResponse is the answer of POST /notifications/read-all.
type readAllResponse struct {
	Marked int64 `json:"marked"`
}

func (s *Server) readNotification(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.deps.Filings.MarkNotificationRead(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) noticeRoutes(api fiber.Router) {
	api.Post("/filings/:id/notices", need(auth.RoleStreetOfficial, auth.RoleParkManager), s.issueNotice)
	// A department reads the letters addressed to it (internal/store
	// NoticeByID scopes them); no other notice.
	readers := append(append([]auth.Role{}, tenantRoles...), auth.RoleDepartment)
	api.Get("/notices/:id", need(readers...), s.getNotice)
	api.Get("/notices/:id/document", need(readers...), s.noticeDocument)
	api.Get("/filings/:id/diff", need(tenantRoles...), s.filingDiff)
}

func (s *Server) issueNotice(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	var in filing.NoticeInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	n, err := s.deps.Filings.IssueNotice(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(n)
}

func (s *Server) getNotice(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	n, err := s.deps.Filings.Notice(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(n)
}

// noticeDocument downloads the notice as a printable letter.
func (s *Server) noticeDocument(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	name, doc, err := s.deps.Filings.NoticeDocument(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition(name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "sandbox")
	return c.Send(doc)
}

func (s *Server) filingDiff(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.deps.Filings.Diff(c.UserContext(), principal(c), id, c.QueryInt("from", 0), c.QueryInt("to", 0))
	if err != nil {
		return err
	}
	return c.JSON(d)
}
