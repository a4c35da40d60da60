package inspection

import (
	"context"
	"fmt"
	"regexp"
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

// Severities of a finding.
var severities = map[string]bool{"": true, "high": true, "medium": true, "low": true}

// FindingInput is the body of POST /api/v1/problems. The target is given
// as {"kind", "ref"}; the older shapes — a filing_id, or a street alone —
// are still accepted.
type FindingInput struct {
	Target   *store.ProblemTarget `json:"target"`
	FilingID *int64               `json:"filing_id"`
	Street   string               `json:"street"`
	Title    string               `json:"title"`
	Detail   string               `json:"detail"`
	Severity string               `json:"severity"`
	Place    string               `json:"place"`
	SeenAt   string               `json:"seen_at"`  // RFC 3339 or YYYY-MM-DD
	Deadline string               `json:"deadline"` // YYYY-MM-DD
}

var departmentKey = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

func invalid(field string, m msg.Message, args ...any) error {
	t := m.With(args...)
	return apperror.WithText(apperror.Invalid, t, []apperror.Detail{{Field: field, Text: t}})
}

// Finding is a problem with its evidence and answers.
type Finding struct {
	store.Problem
	Files   []store.ProblemFile   `json:"files"`
	Answers []store.ProblemAnswer `json:"answers"`
}

// RecordFinding records a finding as an open problem in the ledger, notifies
// the responsible party and publishes problem_opened, with its audit entry,
// in one transaction. Inspectors record against anything in the zone and
// must set a deadline; street officials against their own street and its
// enterprises; park managers against anything. Errors: apperror.Invalid
// (fields), Forbidden (target outside the caller's remit), NotFound (a
// filing or enterprise outside the caller's scope).
func (s *Service) RecordFinding(ctx context.Context, p *auth.Principal, in FindingInput) (*Finding, error) {
	now := s.now().UTC()
	pr, err := s.findingOf(ctx, p, in, now)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.CreateProblem(ctx, pr); err != nil {
			return err
		}
		users, err := responsibleUsers(ctx, tx, pr)
		if err != nil {
			return err
		}
		due := any(noDeadline)
		if pr.Deadline != "" {
			due = pr.Deadline
		}
		if err := notify(ctx, tx, users, "problem_opened", pr, now, noteOpened, pr.Title, due); err != nil {
			return err
		}
		if err := s.publish(ctx, tx, "problem_opened", problemPayload(pr), now); err != nil {
			return err
		}
		return audit(ctx, tx, p, "problem_recorded", fmt.Sprintf("problem:%d", pr.ID),
			map[string]any{"target": pr.Target, "title": pr.Title, "severity": pr.Severity, "deadline": pr.Deadline}, now)
	})
	if err != nil {
		return nil, err
	}
	pr.SetOverdue(today(now))
	return &Finding{Problem: *pr, Files: []store.ProblemFile{}, Answers: []store.ProblemAnswer{}}, nil
}

func problemPayload(pr *store.Problem) map[string]any {
	return map[string]any{"problem_id": pr.ID, "target": pr.Target, "street": pr.Street, "filing_id": pr.FilingID,
		"source": pr.Source, "title": pr.Title, "status": pr.Status, "deadline": pr.DeadlineOut}
}

// findingOf validates in and builds the problem row.
func (s *Service) findingOf(ctx context.Context, p *auth.Principal, in FindingInput, now time.Time) (*store.Problem, error) {
	title := strings.TrimSpace(in.Title)
	if title == "" || utf8.RuneCountInString(title) > 200 {
		return nil, invalid("title", msgTitleRequired)
	}
	if utf8.RuneCountInString(in.Detail) > 5000 {
		return nil, invalid("detail", msgTooLong, 5000)
	}
	if utf8.RuneCountInString(in.Place) > 200 {
		return nil, invalid("place", msgTooLong, 200)
	}
	if !severities[in.Severity] {
		return nil, invalid("severity", msgBadSeverity)
	}
	pr := &store.Problem{Source: store.SourceInspection, Title: title, Detail: strings.TrimSpace(in.Detail), Status: store.ProblemOpen,
		Severity: in.Severity, Place: strings.TrimSpace(in.Place), CreatedBy: p.UserID, CreatedAt: now}
	if in.SeenAt != "" {
		t, err := parseTime(in.SeenAt)
		if err != nil {
			return nil, invalid("seen_at", msgBadTime)
		}
		pr.SeenAt = &t
	}
	if in.Deadline != "" {
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Deadline))
		if err != nil {
			return nil, invalid("deadline", msgBadDate)
		}
		if d.Format(time.DateOnly) < today(now) {
			return nil, invalid("deadline", msgDeadlinePast)
		}
		pr.Deadline = d.Format(time.DateOnly)
	} else if p.Role == store.RoleInspector {
		return nil, invalid("deadline", msgDeadlineRequired)
	}
	target := in.Target
	switch {
	case target != nil:
	case in.FilingID != nil:
		target = &store.ProblemTarget{Kind: store.TargetEnterprise}
	case in.Street != "":
		target = &store.ProblemTarget{Kind: store.TargetStreet, Ref: in.Street}
	default:
		return nil, invalid("target", msgTargetRequired)
	}
	switch target.Kind {
	case store.TargetEnterprise:
		if in.FilingID != nil {
			f, err := s.db.FilingByID(ctx, p.Scope(), *in.FilingID)
			if err != nil {
				return nil, err
			}
			fid, eid := f.ID, f.EnterpriseID
			pr.FilingID, pr.EnterpriseID, pr.Street, pr.Sector = &fid, &eid, f.Street, f.Sector
		} else {
			id, err := strconv.ParseInt(strings.TrimSpace(target.Ref), 10, 64)
			if err != nil {
				return nil, invalid("target.ref", msgUnknownEnterprise)
			}
			e, err := s.db.EnterpriseByID(ctx, p.Scope(), id)
			if err != nil {
				if store.IsNotFound(err) {
					return nil, invalid("target.ref", msgUnknownEnterprise)
				}
				return nil, err
			}
			eid := e.ID
			pr.EnterpriseID, pr.Street, pr.Sector = &eid, e.Street, e.Sector
		}
		pr.TargetKind = store.TargetEnterprise
	case store.TargetStreet:
		st, ok := s.areas.Street(strings.TrimSpace(target.Ref))
		if !ok {
			return nil, invalid("target.ref", msgUnknownStreet)
		}
		pr.TargetKind, pr.Street = store.TargetStreet, st.Code
	case store.TargetDepartment:
		ref := strings.TrimSpace(target.Ref)
		if !departmentKey.MatchString(ref) {
			return nil, invalid("target.ref", msgBadDepartment)
		}
		pr.TargetKind, pr.Department = store.TargetDepartment, ref
	default:
		return nil, invalid("target.kind", msgTargetKind)
	}
	switch p.Role {
	case store.RoleInspector, store.RoleParkManager, store.RoleAdmin:
	case store.RoleStreetOfficial:
		if pr.TargetKind == store.TargetDepartment || pr.Street != p.Street {
			return nil, apperror.Msg(apperror.Forbidden, msgMayNotRecord)
		}
	default:
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotRecord)
	}
	return pr, nil
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, shanghai)
	return t.UTC(), err
}

// Get returns a problem with its evidence and answers, or
// apperror.NotFound outside the caller's scope.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Finding, error) {
	pr, err := s.db.ProblemByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	pr.SetOverdue(today(s.now()))
	files, err := s.db.ProblemFiles(ctx, id)
	if err != nil {
		return nil, err
	}
	answers, err := s.db.ProblemAnswers(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Finding{Problem: *pr, Files: []store.ProblemFile{}, Answers: answers}
	byAnswer := map[int64]int{}
	for i := range out.Answers {
		out.Answers[i].Files = []store.ProblemFile{}
		byAnswer[out.Answers[i].ID] = i
	}
	for _, f := range files {
		if f.AnswerID != nil {
			if i, ok := byAnswer[*f.AnswerID]; ok {
				out.Answers[i].Files = append(out.Answers[i].Files, f)
				continue
			}
		}
		out.Files = append(out.Files, f)
	}
	if out.Answers == nil {
		out.Answers = []store.ProblemAnswer{}
	}
	return out, nil
}

// List returns problems within the caller's scope, each marked overdue
// against today's date; overdueOnly keeps the overdue ones.
func (s *Service) List(ctx context.Context, p *auth.Principal, f store.ProblemFilter, overdueOnly bool) ([]store.Problem, int64, error) {
	d := today(s.now())
	if overdueOnly {
		f.OverdueOn = d
	}
	items, total, err := s.db.ListProblems(ctx, p.Scope(), f)
	if err != nil {
		return nil, 0, err
	}
	for i := range items {
		items[i].SetOverdue(d)
	}
	return items, total, nil
}

// ProblemQuery selects ledger problems as a caller sends it (GET
// /api/v1/problems): every field optional, Street a code or a name.
type ProblemQuery struct {
	Status     string
	TargetKind string
	FilingID   string
	Street     string
	Overdue    bool
	Page       page.Page
}

// Problems lists the problems within p's scope that q selects, each marked
// overdue as of today. An unknown status, target kind or street, or a
// filing id that is not a number, is apperror.Invalid naming the field.
func (s *Service) Problems(ctx context.Context, p *auth.Principal, q ProblemQuery) ([]store.Problem, int64, error) {
	f := store.ProblemFilter{Status: q.Status, TargetKind: q.TargetKind, Page: q.Page}
	switch f.Status {
	case "", store.ProblemOpen, store.ProblemAnswered, store.ProblemRectified, store.ProblemWaived:
	default:
		return nil, 0, invalidQuery("status", msgQueryStatus)
	}
	switch f.TargetKind {
	case "", store.TargetEnterprise, store.TargetStreet, store.TargetDepartment:
	default:
		return nil, 0, invalidQuery("target_kind", msgTargetKind)
	}
	if q.FilingID != "" {
		id, err := strconv.ParseInt(q.FilingID, 10, 64)
		if err != nil {
			return nil, 0, invalidQuery("filing_id", msgQueryNumber, "filing_id")
		}
		f.FilingID = id
	}
	if q.Street != "" {
		st, ok := s.areas.Street(q.Street)
		if !ok {
			return nil, 0, invalidQuery("street", msgUnknownStreet)
		}
		f.Street = st.Code
	}
	return s.List(ctx, p, f, q.Overdue)
}

func invalidQuery(field string, m msg.Message, args ...any) error {
	t := m.With(args...)
	return apperror.WithText(apperror.Invalid, t, []apperror.Detail{{Field: field, Text: t}})
}
