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
		d = append(d, apperror.Detail{Field: "decision", Message: "须为 approve、return 或 reject / must be approve, return or reject"})
	}
	if in.Decision == DecisionReturn && strings.TrimSpace(in.Comment) == "" && len(in.Problems) == 0 {
		d = append(d, apperror.Detail{Field: "comment", Message: "退回整改须写明意见或列出问题 / a return needs a comment or at least one problem"})
	}
	if utf8.RuneCountInString(in.Comment) > 2000 {
		d = append(d, apperror.Detail{Field: "comment", Message: "意见过长（2000 字以内）/ comment too long (2000 characters)"})
	}
	for i, p := range in.Problems {
		if strings.TrimSpace(p.Title) == "" || utf8.RuneCountInString(p.Title) > 200 {
			d = append(d, apperror.Detail{Field: fmt.Sprintf("problems[%d].title", i), Message: "问题标题必填，200 字以内 / title required, at most 200 characters"})
		}
	}
	return d
}

var decisionStatus = map[string]string{DecisionApprove: store.StatusApproved, DecisionReturn: store.StatusReturned, DecisionReject: store.StatusRejected}

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
		return nil, apperror.New(apperror.Forbidden, "只有所属街道的审核人员可以审批 / only an official of the filing's street may decide")
	}
	if d := in.validate(); len(d) > 0 {
		return nil, invalid(d)
	}
	if f.Status != store.StatusSubmitted {
		return nil, apperror.New(apperror.Conflict, "备案状态为「%s」，不在审核中 / a %s filing is not awaiting review", statusName[f.Status], f.Status)
	}
	if in.Version != nil && *in.Version != f.Version {
		return nil, apperror.New(apperror.Conflict, "备案已变化，请刷新后再审 / the filing changed; reload before deciding")
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
		if err := tx.CreateProblems(ctx, created); err != nil {
			return err
		}
		msg := map[string]string{
			DecisionApprove: "您的复工备案已通过审核 / your filing was approved",
			DecisionReturn:  "您的复工备案被退回整改：" + in.Comment + " / your filing was returned for rectification",
			DecisionReject:  "您的复工备案未获通过：" + in.Comment + " / your filing was rejected",
		}[in.Decision]
		if err := s.notifyEnterprise(ctx, tx, f, decisionKind[in.Decision], msg, now); err != nil {
			return err
		}
		if len(created) > 0 {
			if err := s.notifyEnterprise(ctx, tx, f, "problem_opened", fmt.Sprintf("审核发现 %d 个问题需整改 / %d problem(s) to rectify", len(created), len(created)), now); err != nil {
				return err
			}
		}
		if err := s.publish(ctx, tx, decisionKind[in.Decision], map[string]any{"filing_id": f.ID, "enterprise_id": f.EnterpriseID,
			"street": f.Street, "decision": in.Decision, "revision": f.Revision, "comment": in.Comment, "at": now}); err != nil {
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
			if err := tx.RectifyProblems(ctx, ids, &rev, "审核通过 / approved", now); err != nil {
				return err
			}
		}
		return tx.UpdateFiling(ctx, f)
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

// msgResumedWithoutApproval is the apperror.Conflict message when an
// enterprise reports resuming before its filing was approved; the problem is
// recorded before the error is returned.
const msgResumedWithoutApproval = "未经备案审核通过即复工，已记录为问题 / resumed before the filing was approved; recorded as a problem"

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
		return nil, invalid([]apperror.Detail{{Field: "date", Message: "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD"}})
	}
	now := s.now().UTC()
	if day.After(now.In(shanghai).Add(24 * time.Hour)) {
		return nil, invalid([]apperror.Detail{{Field: "date", Message: "复工日期不能晚于今天 / the resumption date cannot be in the future"}})
	}
	approvedDay := ""
	if f.ApprovedAt != nil {
		approvedDay = f.ApprovedAt.In(shanghai).Format(time.DateOnly)
	}
	if f.Status != store.StatusApproved || in.Date < approvedDay {
		pr := s.problem(f, store.SourceRule, "resumed_without_approval", "未经审核通过即复工 / resumed without approval",
			fmt.Sprintf("企业申报于 %s 复工，备案状态「%s」，通过日期 %s / reported resuming on %s; status %s; approved %s",
				in.Date, statusName[f.Status], orDash(approvedDay), in.Date, f.Status, orDash(approvedDay)), p.UserID, now)
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
					Message: fmt.Sprintf("企业（备案 %d）未经审核通过即复工 / enterprise of filing %d resumed without approval", f.ID, f.ID)}
			}
			return tx.CreateNotifications(ctx, ns)
		})
		if err != nil {
			return nil, err
		}
		return nil, apperror.New(apperror.Conflict, "%s", msgResumedWithoutApproval)
	}
	f.ResumedDate = in.Date
	if err := s.db.UpdateFiling(ctx, f); err != nil {
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
// park managers anywhere. street must be a street code (the handler resolves
// names).
func (s *Service) RecordInspection(ctx context.Context, p *auth.Principal, in InspectionInput) (*store.Problem, error) {
	if strings.TrimSpace(in.Title) == "" || utf8.RuneCountInString(in.Title) > 200 {
		return nil, invalid([]apperror.Detail{{Field: "title", Message: "问题标题必填，200 字以内 / title required, at most 200 characters"}})
	}
	now := s.now().UTC()
	var pr store.Problem
	if in.FilingID != nil {
		f, err := s.db.FilingByID(ctx, p.Scope(), *in.FilingID)
		if err != nil {
			return nil, err
		}
		pr = s.problem(f, store.SourceInspection, "", in.Title, in.Detail, p.UserID, now)
		err = s.db.Tx(ctx, func(tx *store.DB) error {
			if err := tx.CreateProblems(ctx, []store.Problem{pr}); err != nil {
				return err
			}
			return s.notifyEnterprise(ctx, tx, f, "problem_opened", "督查发现问题需整改："+pr.Title+" / an inspection found a problem to rectify", now)
		})
		if err != nil {
			return nil, err
		}
		ps, _, err := s.db.ListProblems(ctx, p.Scope(), store.ProblemFilter{FilingID: f.ID, Page: store.NormalPage(1, 1)})
		if err != nil || len(ps) == 0 {
			return nil, err
		}
		return &ps[0], nil
	}
	if in.Street == "" {
		return nil, invalid([]apperror.Detail{{Field: "street", Message: "请指定备案或街道 / give a filing_id or a street"}})
	}
	if p.Role == store.RoleStreetOfficial && p.Street != in.Street {
		return nil, apperror.New(apperror.Forbidden, "只能记录本街道的问题 / you may record problems in your own street only")
	}
	pr = store.Problem{Street: in.Street, Source: store.SourceInspection, Title: strings.TrimSpace(in.Title), Detail: strings.TrimSpace(in.Detail),
		Status: store.ProblemOpen, CreatedBy: p.UserID, CreatedAt: now}
	prs := []store.Problem{pr}
	if err := s.db.CreateProblems(ctx, prs); err != nil {
		return nil, err
	}
	return &prs[0], nil
}

// Waive closes an open problem without rectification, with a reason;
// officials only, within scope.
func (s *Service) Waive(ctx context.Context, p *auth.Principal, id int64, reason string) (*store.Problem, error) {
	pr, err := s.db.ProblemByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, invalid([]apperror.Detail{{Field: "reason", Message: "请写明不予整改的理由 / a reason is required"}})
	}
	if err := s.db.WaiveProblem(ctx, id, strings.TrimSpace(reason), s.now().UTC()); err != nil {
		return nil, err
	}
	return s.db.ProblemByID(ctx, p.Scope(), pr.ID)
}
