package httpapi

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/filing"
	"fugong/internal/store"
)

func (s *Server) reviewRoutes(api fiber.Router) {
	api.Get("/review/queue", need(officials...), s.reviewQueue)
	api.Post("/filings/:id/review", need(store.RoleStreetOfficial), s.reviewFiling)
	api.Post("/filings/:id/resumption", need(store.RoleEnterprise), s.recordResumption)
	api.Post("/problems/:id/waive", need(store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin, store.RoleInspector), s.waiveProblem)
	api.Get("/notifications", need(anyone...), s.listNotifications)
	api.Post("/notifications/:id/read", need(anyone...), s.readNotification)
}

// reviewQueue lists filings awaiting review in the caller's scope, oldest
// first, filterable by sector, flag severity and age in days.
func (s *Server) reviewQueue(c *fiber.Ctx) error {
	f := store.FilingFilter{Status: store.StatusSubmitted, Sector: c.Query("sector"), Severity: c.Query("severity"), Oldest: true, Page: pageOf(c)}
	switch f.Severity {
	case "", "block", "warn", "info":
	default:
		return &apperror.Error{Code: apperror.Invalid, Message: "severity 须为 block、warn 或 info / severity must be block, warn or info",
			Details: []apperror.Detail{{Field: "severity", Message: "unknown"}}}
	}
	if a := c.Query("min_age_days"); a != "" {
		days, err := strconv.Atoi(a)
		if err != nil || days < 0 || days > 3650 {
			return &apperror.Error{Code: apperror.Invalid, Message: "min_age_days 须为非负整数 / min_age_days must be a whole number",
				Details: []apperror.Detail{{Field: "min_age_days", Message: "invalid"}}}
		}
		before := time.Now().UTC().Add(-time.Duration(days) * 24 * time.Hour)
		f.SubmittedBefore = &before
	}
	items, total, err := s.deps.Filings.List(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, f.Page))
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
	s.audit(c, "filing_"+in.Decision, fmt.Sprintf("filing:%d", id), fmt.Sprintf("revision=%d problems=%d comment=%q", v.Revision, len(in.Problems), in.Comment))
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
		if apperror.CodeOf(err) == apperror.Conflict {
			s.audit(c, "resumed_without_approval", fmt.Sprintf("filing:%d", id), "date="+in.Date)
		}
		return err
	}
	s.audit(c, "filing_resumed", fmt.Sprintf("filing:%d", id), "date="+in.Date)
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
	s.audit(c, "problem_waived", fmt.Sprintf("problem:%d", id), in.Reason)
	return c.JSON(pr)
}

func (s *Server) listNotifications(c *fiber.Ctx) error {
	p := pageOf(c)
	items, total, err := s.deps.Store.Notifications(c.UserContext(), principal(c).UserID, p)
	if err != nil {
		return err
	}
	return c.JSON(listBody(items, total, p))
}

func (s *Server) readNotification(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := s.deps.Store.MarkNotificationRead(c.UserContext(), principal(c).UserID, id, time.Now().UTC()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) noticeRoutes(api fiber.Router) {
	api.Post("/filings/:id/notices", need(store.RoleStreetOfficial, store.RoleParkManager), s.issueNotice)
	api.Get("/notices/:id", need(tenantRoles...), s.getNotice)
	api.Get("/notices/:id/document", need(tenantRoles...), s.noticeDocument)
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
	s.audit(c, "notice_issued", fmt.Sprintf("filing:%d", id), fmt.Sprintf("notice=%s problems=%d deadline=%s", n.Number, len(n.Problems), n.Deadline))
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
	n, err := s.deps.Filings.Notice(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	streetName := n.Street
	if st, ok := s.deps.Areas.Street(n.Street); ok {
		streetName = st.Name
	}
	doc, err := filing.NoticeDocument(n, streetName)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, attachmentDisposition("整改意见函-"+n.Number+".html"))
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
