package filing

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/msg"
	"fugong/internal/page"
	"fugong/internal/store"
)

// Query selects filings as a caller sends it (query parameters verbatim).
type Query struct {
	Status Status
	Sector string
	Street string // code or name
	Page   page.Page
}

func invalidParam(field string, m msg.Message) error {
	return apperror.WithText(apperror.Invalid, m.With(), []apperror.Detail{apperror.FieldMsg(field, m)})
}

// List returns the filings within the caller's scope matching q, and the
// total. An unknown status or street is apperror.Invalid.
func (s *Service) List(ctx context.Context, p *auth.Principal, q Query) ([]Summary, int64, error) {
	f := store.FilingFilter{Status: q.Status, Sector: q.Sector, Page: q.Page}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, invalidParam("status", msgUnknownStatus)
	}
	st, err := s.streetCode("street", q.Street)
	if err != nil {
		return nil, 0, err
	}
	f.Street = st
	return s.list(ctx, p, f)
}

// QueueQuery selects the review queue as a caller sends it.
type QueueQuery struct {
	Q          string // part of the enterprise's name or credit code
	Street     string // code or either Chinese name
	Sector     string
	Severity   string // block, warn or info: filings whose current revision raised such a flag
	MinAgeDays string // submitted at least this many days ago
	Sort       string // submitted_at (waiting time), flags, sector, name, staff_total; "" = oldest first
	Dir        string // asc (default) or desc
	Page       page.Page
}

// QueueItem is a filing in the review queue with the counts of its
// current revision's flags, so the queue shows them without reading each
// filing.
type QueueItem struct {
	Summary
	FlagCounts store.FlagCounts `json:"flag_counts"`
}

// maxQueueQuery bounds the search text (a name or an 18-character code).
const maxQueueQuery = 100

// ReviewQueue lists filings awaiting review in the caller's scope (oldest
// first unless q.Sort says otherwise) with their flag counts. A bad
// severity, age, sort, direction, street or search text is
// apperror.Invalid.
func (s *Service) ReviewQueue(ctx context.Context, p *auth.Principal, q QueueQuery) ([]QueueItem, int64, error) {
	f := store.FilingFilter{Status: store.StatusSubmitted, Sector: q.Sector, Severity: q.Severity, Oldest: true, Page: q.Page,
		Query: strings.TrimSpace(q.Q), Sort: q.Sort}
	switch f.Severity {
	case "", "block", "warn", "info":
	default:
		return nil, 0, invalidParam("severity", msgBadSeverity)
	}
	switch q.Dir {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		return nil, 0, invalidParam("dir", msgBadDir)
	}
	if utf8.RuneCountInString(f.Query) > maxQueueQuery || !utf8.ValidString(f.Query) {
		return nil, 0, invalidParam("q", msgBadQuery)
	}
	if q.MinAgeDays != "" {
		days, err := strconv.Atoi(q.MinAgeDays)
		if err != nil || days < 0 || days > 3650 {
			return nil, 0, invalidParam("min_age_days", msgBadMinAge)
		}
		before := s.now().UTC().Add(-time.Duration(days) * 24 * time.Hour)
		f.SubmittedBefore = &before
	}
	st, err := s.streetCode("street", q.Street)
	if err != nil {
		return nil, 0, err
	}
	f.Street = st
	rows, total, err := s.list(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	counts, err := s.db.CurrentFlagCounts(ctx, ids) // one query for the page
	if err != nil {
		return nil, 0, err
	}
	out := make([]QueueItem, len(rows))
	for i := range rows {
		out[i] = QueueItem{Summary: rows[i], FlagCounts: counts[rows[i].ID]}
	}
	return out, total, nil
}

// streetCode resolves a street a caller typed (no check without areas).
func (s *Service) streetCode(field, street string) (string, error) {
	if s.areas == nil {
		return street, nil
	}
	return s.areas.StreetCode(field, street)
}

// ProblemQuery selects problems as a caller sends it.
type ProblemQuery struct {
	Status   string
	FilingID string
	Street   string
	Page     page.Page
}

// Problems lists the problems within the caller's scope matching q, newest
// first, and the total. A bad status, filing id or street is
// apperror.Invalid.
func (s *Service) Problems(ctx context.Context, p *auth.Principal, q ProblemQuery) ([]ProblemView, int64, error) {
	f := store.ProblemFilter{Status: q.Status, Page: q.Page}
	switch f.Status {
	case "", store.ProblemOpen, store.ProblemRectified, store.ProblemWaived:
	default:
		return nil, 0, invalidParam("status", msgUnknownStatus)
	}
	if q.FilingID != "" {
		id, err := strconv.ParseInt(q.FilingID, 10, 64)
		if err != nil {
			return nil, 0, invalidParam("filing_id", msgBadFilingID)
		}
		f.FilingID = id
	}
	st, err := s.streetCode("street", q.Street)
	if err != nil {
		return nil, 0, err
	}
	f.Street = st
	rows, total, err := s.db.ListProblems(ctx, p.Scope(), f)
	return problemsOf(rows), total, err
}

// Notifications lists the caller's in-app messages, newest first.
func (s *Service) Notifications(ctx context.Context, p *auth.Principal, pg page.Page) ([]NotificationView, int64, error) {
	rows, total, err := s.db.Notifications(ctx, p.UserID, pg)
	out := make([]NotificationView, len(rows))
	for i, n := range rows {
		out[i] = NotificationView{ID: n.ID, Kind: n.Kind, FilingID: n.FilingID, NoticeID: n.NoticeID, Message: n.Message, CreatedAt: n.CreatedAt, Read: n.Read}
	}
	return out, total, err
}

// MarkAllNotificationsRead marks the caller's unread messages read, only
// those up to id upTo when upTo > 0 (the newest the caller has seen), and
// returns how many it marked. It cannot fail on another user's messages:
// it touches only the caller's.
func (s *Service) MarkAllNotificationsRead(ctx context.Context, p *auth.Principal, upTo int64) (int64, error) {
	if upTo < 0 {
		return 0, invalidParam("up_to", msgBadUpTo)
	}
	return s.db.MarkAllNotificationsRead(ctx, p.UserID, upTo, s.now().UTC())
}

// MarkNotificationRead marks one of the caller's messages read; another
// user's is apperror.NotFound.
func (s *Service) MarkNotificationRead(ctx context.Context, p *auth.Principal, id int64) error {
	return s.db.MarkNotificationRead(ctx, p.UserID, id, s.now().UTC())
}
