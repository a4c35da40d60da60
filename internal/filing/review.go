package filing

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/msg"
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
	// ConfirmFlags are rule ids of the reviewed revision's warn or block
	// flags that the official confirms when returning the filing: only
	// these rule findings enter the ledger (docs/rectification.md).
	ConfirmFlags []string `json:"confirm_flags"`
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
	if len(in.ConfirmFlags) > 0 && in.Decision != DecisionReturn {
		d = append(d, apperror.Detail{Field: "confirm_flags", Text: msgConfirmOnReturn.With()})
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
// lock on the filing's version, and one filing_decisions row per decided
// revision, which two Galera nodes collide on). A conflict at commit runs
// the whole review again (store.Retry), whose re-read then answers
// apperror.Conflict. Approval records every open problem of the filing as
// rectified by the approved revision.
func (s *Service) Review(ctx context.Context, p *auth.Principal, id int64, in ReviewInput) (*View, error) {
	return store.Retry(ctx, func(ctx context.Context) (*View, error) { return s.review(ctx, p, id, in) })
}

func (s *Service) review(ctx context.Context, p *auth.Principal, id int64, in ReviewInput) (*View, error) {
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
		// New rows first, the rows a racing decision also writes last: on
		// Galera a conflicting decision committed on another node aborts this
		// transaction only when it touches a row this one wrote, and then
		// nothing but those last statements remains to run (they fail on the
		// winner's decision row), so no side effect can outlive the abort.
		var created []store.Problem
		for _, pi := range in.Problems {
			created = append(created, s.problem(f, store.SourceReview, "", pi.Title, pi.Detail, p.UserID, now))
		}
		confirmed, err := s.confirmedFlags(ctx, tx, f, in.ConfirmFlags, p.UserID, now)
		if err != nil {
			return err
		}
		created = append(created, confirmed...)
		if err := tx.CreateProblems(ctx, created); err != nil {
			return err
		}
		approved := stored(msgNotifyApproved)
		if c := strings.TrimSpace(in.Comment); c != "" { // the street's remarks reach the enterprise with the approval too
			approved = stored(msgNotifyApprovedComment, c)
		}
		note := map[string]string{
			DecisionApprove: approved,
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
		if err := tx.AppendAudit(ctx, p.Entry("filing_"+in.Decision, fmt.Sprintf("filing:%d", f.ID),
			fmt.Sprintf("revision=%d problems=%d comment=%q", f.Revision, len(in.Problems), in.Comment))); err != nil {
			return err
		}
		if err := tx.RecordDecision(ctx, store.FilingDecision{FilingID: f.ID, Revision: f.Revision,
			Decision: in.Decision, DecidedBy: p.UserID, DecidedAt: now}); err != nil {
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
		if err := tx.UpdateFiling(ctx, f); err != nil {
			return err
		}
		return tx.MarkTimeline(ctx, f.EnterpriseID) // the dashboards' timeline, in the same transaction
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
	return s.notifyEnterpriseOf(ctx, tx, f, kind, msg, nil, at)
}

// notifyEnterpriseOf is notifyEnterprise for a message announcing notice
// noticeID (nil for none), which the notification then links to.
func (s *Service) notifyEnterpriseOf(ctx context.Context, tx *store.DB, f *store.Filing, kind, msg string, noticeID *int64, at time.Time) error {
	ids, err := tx.UserIDsOfEnterprise(ctx, f.EnterpriseID)
	if err != nil {
		return err
	}
	fid := f.ID
	ns := make([]store.Notification, len(ids))
	for i, uid := range ids {
		ns[i] = store.Notification{UserID: uid, Kind: kind, FilingID: &fid, NoticeID: noticeID, Message: msg, CreatedAt: at}
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

// confirmedFlags turns the rule ids a reviewer confirms into ledger
// problems, authored by the reviewer; each must be a warn or block flag of
// the filing's current revision (else apperror.Invalid), and a rule already
// open in the ledger is not opened twice.
func (s *Service) confirmedFlags(ctx context.Context, tx *store.DB, f *store.Filing, ruleIDs []string, by int64, now time.Time) ([]store.Problem, error) {
	if len(ruleIDs) == 0 {
		return nil, nil
	}
	flags, err := tx.Flags(ctx, f.ID, f.Revision)
	if err != nil {
		return nil, err
	}
	byRule := map[string]store.Flag{}
	for _, fl := range flags {
		if fl.Severity == "block" || fl.Severity == "warn" {
			byRule[fl.RuleID] = fl
		}
	}
	open, err := tx.OpenProblems(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, p := range open {
		if p.Source == store.SourceRule {
			seen[p.RuleID] = true
		}
	}
	var out []store.Problem
	for i, id := range ruleIDs {
		fl, ok := byRule[id]
		if !ok {
			return nil, &apperror.Error{Code: apperror.Invalid, Text: msgNotAFlag.With(id), Message: msgNotAFlag.In(msg.ZH, id),
				Details: []apperror.Detail{{Field: fmt.Sprintf("confirm_flags[%d]", i), Text: msgNotAFlag.With(id)}}}
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		title := fl.Message
		if r := []rune(title); len(r) > 200 {
			title = string(r[:199]) + "…"
		}
		out = append(out, s.problem(f, store.SourceRule, id, title, fl.Message, by, now))
	}
	return out, nil
}
