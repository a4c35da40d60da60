package filing

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/store"
)

// Decisions of a review.
const (
	DecisionApprove = "approve"
	DecisionReturn  = "return"
	DecisionReject  = "reject"
)

// ProblemInput is a problem an official records.
type ProblemInput struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// ReviewInput is the body of POST /api/v1/filings/{id}/review.
type ReviewInput struct {
	Decision string         `json:"decision"`
	Comment  string         `json:"comment"`
	Problems []ProblemInput `json:"problems"`
	// Version, when sent, must match the filing's version: a decision made
	// on a stale screen is refused instead of applied.
	Version *int `json:"version"`
}

func (in ReviewInput) validate() []apperror.Detail {
	var d []apperror.Detail
	switch in.Decision {
	case DecisionApprove, DecisionReturn, DecisionReject:
	default:
		d = append(d, apperror.FieldMsg("decision", msgMustApproveReturnReject))
	}
	if in.Decision == DecisionReturn && strings.TrimSpace(in.Comment) == "" && len(in.Problems) == 0 {
		d = append(d, apperror.FieldMsg("comment", msgReturnNeedsCommentLeastOne))
	}
	if utf8.RuneCountInString(in.Comment) > 2000 {
		d = append(d, apperror.FieldMsg("comment", msgCommentTooLongCharacters))
	}
	for i, p := range in.Problems {
		if strings.TrimSpace(p.Title) == "" || utf8.RuneCountInString(p.Title) > 200 {
			d = append(d, apperror.FieldMsg(fmt.Sprintf("problems[%d].title", i), msgTitleRequiredMostCharacters))
		}
	}
	return d
}

var decisionStatus = map[string]store.Status{DecisionApprove: store.StatusApproved, DecisionReturn: store.StatusReturned, DecisionReject: store.StatusRejected}

var decisionKind = map[string]string{DecisionApprove: "filing_approved", DecisionReturn: "filing_returned", DecisionReject: "filing_rejected"}

// Review records a street official's decision on a submitted filing. Only an
// official of the filing's street may decide (others: apperror.Forbidden, or
// NotFound outside their scope); a filing not in review is apperror.Conflict,
// and of two decisions racing on one filing exactly one succeeds (optimistic
// lock on the filing's version). Approval records every open problem of the
// filing as rectified by the approved revision.
func (s *Service) Review(ctx context.Context, p *auth.Principal, id int64, in ReviewInput) (*View, error) {
	f, err := s.db.FilingByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	if p.Role != store.RoleStreetOfficial || p.Street != f.Street {
		return nil, apperror.Msg(apperror.Forbidden, msgOnlyOfficialFilingSStreet)
	}
	if d := in.validate(); len(d) > 0 {
		return nil, invalid(d)
	}
	if f.Status != store.StatusSubmitted {
		return nil, apperror.Msg(apperror.Conflict, msgNotAwaitingReview, statusName[f.Status])
	}
	if in.Version != nil && *in.Version != f.Version {
		return nil, apperror.Msg(apperror.Conflict, msgFilingChangedReloadBeforeDeciding)
	}
	now := s.now().UTC()
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		f.Status = decisionStatus[in.Decision]
		f.DecidedAt = &now
		if in.Decision == DecisionApprove {
			f.ApprovedAt = &now
		}
		if err := tx.UpdateFiling(ctx, f); err != nil {
			return err
		}
		if err := tx.MarkTimeline(ctx, f.EnterpriseID); err != nil { // the dashboards' timeline, in the same transaction
			return err
		}
		var created []store.Problem
		for _, pi := range in.Problems {
			created = append(created, s.problem(f, store.SourceReview, "", pi.Title, pi.Detail, p.UserID, now))
		}
		if err := tx.CreateProblems(ctx, created); err != nil {
			return err
		}
		if in.Decision == DecisionApprove {
			open, err := tx.OpenProblems(ctx, f.ID)
			if err != nil {
				return err
			}
			ids := make([]int64, len(open))
			for i, pr := range open {
				ids[i] = pr.ID
			}
			rev := f.Revision
			if err := tx.RectifyProblems(ctx, ids, &rev, stored(msgApprovedNote), now); err != nil {
				return err
			}
		}
		note := map[string]string{
			DecisionApprove: stored(msgNotifyApproved),
			DecisionReturn:  stored(msgNotifyReturned, in.Comment),
			DecisionReject:  stored(msgNotifyRejected, in.Comment),
		}[in.Decision]
		if err := s.notifyEnterprise(ctx, tx, f, decisionKind[in.Decision], note, now); err != nil {
			return err
		}
		if len(created) > 0 {
			if err := s.notifyEnterprise(ctx, tx, f, "problem_opened", stored(msgReviewFoundProblems, len(created)), now); err != nil {
				return err
			}
		}
		if err := s.publish(ctx, tx, decisionKind[in.Decision], map[string]any{"filing_id": f.ID, "enterprise_id": f.EnterpriseID,
			"street": f.Street, "decision": in.Decision, "revision": f.Revision, "comment": in.Comment, "at": now}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("filing_"+in.Decision, fmt.Sprintf("filing:%d", f.ID),
			fmt.Sprintf("revision=%d problems=%d comment=%q", f.Revision, len(in.Problems), in.Comment)))
	})
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, f)
}

func (s *Service) problem(f *store.Filing, source, ruleID, title, detail string, by int64, at time.Time) store.Problem {
	fid, eid := f.ID, f.EnterpriseID
	return store.Problem{FilingID: &fid, EnterpriseID: &eid, Street: f.Street, Sector: f.Sector, Source: source, RuleID: ruleID,
		Title: strings.TrimSpace(title), Detail: strings.TrimSpace(detail), Status: store.ProblemOpen, CreatedBy: by, CreatedAt: at}
}

// notifyEnterprise leaves an in-app message for every account of the
// filing's enterprise, in the caller's transaction.
func (s *Service) notifyEnterprise(ctx context.Context, tx *store.DB, f *store.Filing, kind, msg string, at time.Time) error {
	ids, err := tx.UserIDsOfEnterprise(ctx, f.EnterpriseID)
	if err != nil {
		return err
	}
	fid := f.ID
	ns := make([]store.Notification, len(ids))
	for i, uid := range ids {
		ns[i] = store.Notification{UserID: uid, Kind: kind, FilingID: &fid, Message: msg, CreatedAt: at}
	}
	return tx.CreateNotifications(ctx, ns)
}

// ResumptionInput is the body of POST /api/v1/filings/{id}/resumption.
type ResumptionInput struct {
	Date string `json:"date"`
}

// Resume records the date the enterprise actually resumed work. A date
// before approval, or a filing not approved, is recorded as a problem
// ("resumed without approval", 偷偷复工) and answered apperror.Conflict.
func (s *Service) Resume(ctx context.Context, p *auth.Principal, id int64, in ResumptionInput) (*View, error) {
	f, err := s.db.FilingByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	if p.Role != store.RoleEnterprise {
		return nil, errEnterpriseOnly
	}
	day, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Date))
	if err != nil {
		return nil, invalid([]apperror.Detail{apperror.FieldMsg("date", msgDateMustYyyyMmDd)})
	}
	now := s.now().UTC()
	if day.After(now.In(shanghai).Add(24 * time.Hour)) {
		return nil, invalid([]apperror.Detail{apperror.FieldMsg("date", msgResumptionDateCannotFuture)})
	}
	approvedDay := ""
	if f.ApprovedAt != nil {
		approvedDay = f.ApprovedAt.In(shanghai).Format(time.DateOnly)
	}
	if f.Status != store.StatusApproved || in.Date < approvedDay {
		pr := s.problem(f, store.SourceRule, "resumed_without_approval", stored(msgResumedWithoutApprovalTitle),
			stored(msgResumedWithoutApprovalDetail, in.Date, statusName[f.Status], orDash(approvedDay)), p.UserID, now)
		err := s.db.Tx(ctx, func(tx *store.DB) error {
			if err := tx.CreateProblems(ctx, []store.Problem{pr}); err != nil {
				return err
			}
			ids, err := tx.UserIDsOfStreet(ctx, f.Street)
			if err != nil {
				return err
			}
			fid := f.ID
			ns := make([]store.Notification, len(ids))
			for i, uid := range ids {
				ns[i] = store.Notification{UserID: uid, Kind: "problem_opened", FilingID: &fid, CreatedAt: now,
					Message: stored(msgNotifyResumedWithoutApproval, f.ID)}
			}
			if err := tx.CreateNotifications(ctx, ns); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, p.Entry("resumed_without_approval", fmt.Sprintf("filing:%d", f.ID), "date="+in.Date))
		})
		if err != nil {
			return nil, err
		}
		return nil, apperror.Msg(apperror.Conflict, msgResumedWithoutApproval)
	}
	f.ResumedDate = in.Date
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.UpdateFiling(ctx, f); err != nil {
			return err
		}
		if err := tx.MarkTimeline(ctx, f.EnterpriseID); err != nil { // the dashboards' timeline, in the same transaction
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("filing_resumed", fmt.Sprintf("filing:%d", f.ID), "date="+in.Date))
	})
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, f)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// InspectionInput is a field finding (POST /api/v1/problems): on a filing,
// or on a street for things seen outside any filing (a crowd outside a shop,
// a site working without filing).
type InspectionInput struct {
	FilingID *int64 `json:"filing_id"`
	Street   string `json:"street"`
	Title    string `json:"title"`
	Detail   string `json:"detail"`
}

// RecordInspection records an official's field finding as an open problem.
// A street official records on its own street only (apperror.Forbidden);
// park managers anywhere. The street may be a code or a name; an unknown one
// is apperror.Invalid.
func (s *Service) RecordInspection(ctx context.Context, p *auth.Principal, in InspectionInput) (*ProblemView, error) {
	if strings.TrimSpace(in.Title) == "" || utf8.RuneCountInString(in.Title) > 200 {
		return nil, invalid([]apperror.Detail{apperror.FieldMsg("title", msgTitleRequiredMostCharacters)})
	}
	street, err := s.streetCode("street", in.Street)
	if err != nil {
		return nil, err
	}
	in.Street = street
	now := s.now().UTC()
	var pr store.Problem
	if in.FilingID != nil {
		f, err := s.db.FilingByID(ctx, p.Scope(), *in.FilingID)
		if err != nil {
			return nil, err
		}
		pr = s.problem(f, store.SourceInspection, "", in.Title, in.Detail, p.UserID, now)
		err = s.db.Tx(ctx, func(tx *store.DB) error {
			prs := []store.Problem{pr}
			if err := tx.CreateProblems(ctx, prs); err != nil {
				return err
			}
			if err := s.notifyEnterprise(ctx, tx, f, "problem_opened", "督查发现问题需整改："+pr.Title+" / an inspection found a problem to rectify", now); err != nil {
				return err
			}
			return tx.AppendAudit(ctx, p.Entry("problem_recorded", fmt.Sprintf("problem:%d", prs[0].ID), pr.Title))
		})
		if err != nil {
			return nil, err
		}
		ps, _, err := s.db.ListProblems(ctx, p.Scope(), store.ProblemFilter{FilingID: f.ID, Page: store.NormalPage(1, 1)})
		if err != nil || len(ps) == 0 {
			return nil, err
		}
		v := problemOf(&ps[0])
		return &v, nil
	}
	if in.Street == "" {
		return nil, invalid([]apperror.Detail{apperror.FieldMsg("street", msgGiveFilingIdStreet)})
	}
	if p.Role == store.RoleStreetOfficial && p.Street != in.Street {
		return nil, apperror.Msg(apperror.Forbidden, msgYouMayRecordProblemsYour)
	}
	pr = store.Problem{Street: in.Street, Source: store.SourceInspection, Title: strings.TrimSpace(in.Title), Detail: strings.TrimSpace(in.Detail),
		Status: store.ProblemOpen, CreatedBy: p.UserID, CreatedAt: now}
	prs := []store.Problem{pr}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.CreateProblems(ctx, prs); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("problem_recorded", fmt.Sprintf("problem:%d", prs[0].ID), pr.Title))
	})
	if err != nil {
		return nil, err
	}
	v := problemOf(&prs[0])
	return &v, nil
}

// Waive closes an open problem without rectification, with a reason;
// officials only, within scope.
func (s *Service) Waive(ctx context.Context, p *auth.Principal, id int64, reason string) (*ProblemView, error) {
	pr, err := s.db.ProblemByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, invalid([]apperror.Detail{apperror.FieldMsg("reason", msgReasonRequired)})
	}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.WaiveProblem(ctx, id, strings.TrimSpace(reason), s.now().UTC()); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("problem_waived", fmt.Sprintf("problem:%d", id), reason))
	})
	if err != nil {
		return nil, err
	}
	pr, err = s.db.ProblemByID(ctx, p.Scope(), pr.ID)
	if err != nil {
		return nil, err
	}
	v := problemOf(pr)
	return &v, nil
}
