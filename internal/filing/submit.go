package filing

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/roster"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// SubmitResult is the answer to a submit.
type SubmitResult struct {
	ID             int64        `json:"id"`
	Status         string       `json:"status"`
	Revision       int          `json:"revision"`
	Flags          []rules.Flag `json:"flags"`
	RulesetVersion string       `json:"ruleset_version"`
	Blocked        bool         `json:"blocked"`
}

// Submit runs the rules on the filing as it stands and freezes it into a new
// immutable revision. Without a block flag the filing goes to review
// (submitted); with one it stays where it was and the flags say why. Only a
// draft or returned filing can be submitted (else apperror.Conflict); missing
// required fields are apperror.Invalid. A conflict at commit with a
// concurrent transaction runs the whole submit again (store.Retry).
func (s *Service) Submit(ctx context.Context, p *auth.Principal, id int64) (*SubmitResult, error) {
	return store.Retry(ctx, func(ctx context.Context) (*SubmitResult, error) { return s.submit(ctx, p, id) })
}

func (s *Service) submit(ctx context.Context, p *auth.Principal, id int64) (*SubmitResult, error) {
	f, err := s.db.FilingByID(ctx, p.Scope(), id)
	if err != nil {
		return nil, err
	}
	if p.Role != store.RoleEnterprise {
		return nil, errEnterpriseOnly
	}
	if f.Status != store.StatusDraft && f.Status != store.StatusReturned {
		return nil, apperror.New(apperror.Conflict, "备案状态为「%s」，不能提交 / a %s filing cannot be submitted", statusName[f.Status], f.Status)
	}
	fl, err := s.fieldsOf(f)
	if err != nil {
		return nil, err
	}
	if d := fl.complete(); len(d) > 0 {
		return nil, &apperror.Error{Code: apperror.Invalid, Message: "备案信息不完整 / the filing is incomplete", Details: d}
	}
	in, rosterSummary, planText, err := s.ruleInput(ctx, f, fl)
	if err != nil {
		return nil, err
	}
	if s.plans != nil && strings.TrimSpace(planText) != "" {
		sim, err := s.plans.MaxSimilarity(ctx, planText, f.EnterpriseID)
		if err != nil {
			return nil, err
		}
		in.Plan.MaxSimilarity = sim
	}
	flags := s.rules.Evaluate(in)
	if flags == nil {
		flags = []rules.Flag{}
	}
	blocked := rules.Blocks(flags)
	version := ""
	if len(flags) > 0 {
		version = flags[0].RulesetVersion
	} else if cur, ok := s.rules.(interface{ Current() *rules.Set }); ok && cur.Current() != nil {
		version = cur.Current().Version
	}
	snap, err := snapshotOf(in)
	if err != nil {
		return nil, err
	}
	flagsJSON, _ := json.Marshal(flags)
	now := s.now().UTC()
	rev := &store.FilingRevision{FilingID: f.ID, Number: f.Revision + 1, Snapshot: snap, RosterSummary: rosterSummary,
		PlanText: planText, RulesetVersion: version, Flags: string(flagsJSON), SubmittedBy: p.UserID, CreatedAt: now}
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		// New rows first, the revision and the filing (what a concurrent
		// submit on another node also writes) last: see Review.
		rows := make([]store.Flag, len(flags))
		for i, fl := range flags {
			rows[i] = store.Flag{FilingID: f.ID, Revision: rev.Number, RuleID: fl.RuleID, Severity: string(fl.Severity),
				Message: fl.Message, RulesetVersion: fl.RulesetVersion, CreatedAt: now}
		}
		if err := tx.CreateFlags(ctx, rows); err != nil {
			return err
		}
		if err := s.ledgerRuleProblems(ctx, tx, f, flags, rev.Number, p.UserID, now); err != nil {
			return err
		}
		if err := tx.CreateRevision(ctx, rev); err != nil {
			if apperror.CodeOf(err) == apperror.Conflict && !store.IsRetryable(err) {
				return apperror.New(apperror.Conflict, "备案正在被提交，请刷新 / the filing is being submitted concurrently; reload")
			}
			return err
		}
		f.Revision = rev.Number
		if !blocked {
			f.Status = store.StatusSubmitted
			f.SubmittedAt = &now
		}
		return tx.UpdateFiling(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	if s.plans != nil && strings.TrimSpace(planText) != "" {
		var prev int64
		if rev.Number > 1 {
			if revs, err := s.db.Revisions(ctx, f.ID); err == nil {
				for _, r := range revs {
					if r.Number == rev.Number-1 {
						prev = r.ID
					}
				}
			}
		}
		if err := s.plans.Add(ctx, PlanDoc{PrevRevisionID: prev, RevisionID: rev.ID, FilingID: f.ID, EnterpriseID: f.EnterpriseID, Text: planText}); err != nil {
			s.log.Error("plan index add failed", "filing_id", f.ID, "revision", rev.Number, "err", err)
		}
	}
	return &SubmitResult{ID: f.ID, Status: f.Status, Revision: rev.Number, Flags: flags, RulesetVersion: version, Blocked: blocked}, nil
}

// ruleInput assembles what the rules see: the filing's fields, its roster's
// summary, its plan (typed text plus the uploaded file's text) and its
// enterprise.
func (s *Service) ruleInput(ctx context.Context, f *store.Filing, fl fields) (rules.Input, string, string, error) {
	ent, err := s.db.EnterpriseByID(ctx, store.ScopeAll, f.EnterpriseID)
	if err != nil {
		return rules.Input{}, "", "", err
	}
	planned, _ := time.Parse(time.DateOnly, fl.PlannedResumeDate)
	in := rules.Input{
		Filing: rules.Filing{StaffTotal: fl.StaffTotal, StaffOnsite: fl.StaffOnsite, PlannedResumeDate: planned,
			Supplies: rules.Supplies{Masks: fl.Masks, Thermometers: fl.Thermometers, DisinfectantLiters: fl.DisinfectantLiters, IsolationRoom: fl.IsolationRoom},
			PlanText: fl.PlanText, Contact: rules.Contact{Name: fl.ContactName, Phone: fl.ContactPhone},
			Status: f.Status, Approved: f.Status == store.StatusApproved},
		Enterprise: rules.Enterprise{Sector: ent.Sector, AboveScale: ent.AboveScale, RealEstate: ent.RealEstate, Zone: ent.Zone, Street: ent.Street},
		Now:        s.now().In(shanghai),
	}
	if f.ApprovedAt != nil {
		in.Filing.ApprovedAt = *f.ApprovedAt
	}
	var rosterSummary string
	atts, err := s.db.Attachments(ctx, f.ID)
	if err != nil {
		return in, "", "", err
	}
	var planFile string
	for _, a := range atts { // newest first
		if f.RosterAttachmentID != nil && a.ID == *f.RosterAttachmentID {
			var sum roster.Summary
			if err := json.Unmarshal([]byte(a.RosterSummary), &sum); err == nil {
				// Hubei arrivals are judged against the planned date as it is
				// now, not as it was when the roster was uploaded.
				in.Roster = rules.Roster{Present: true, Rows: sum.Rows, Fever: sum.Fever, HealthCodeRed: sum.HealthCodeRed,
					HealthCodeYellow: sum.HealthCodeYellow, Hubei14d: sum.Hubei14d, InQuarantine: sum.InQuarantine}
				rosterSummary = a.RosterSummary
			}
		}
		if f.PlanAttachmentID != nil && a.ID == *f.PlanAttachmentID {
			planFile = a.ExtractedText
		}
	}
	planText := strings.TrimSpace(strings.TrimSpace(fl.PlanText) + "\n" + planFile)
	in.Plan = rules.Plan{Present: planText != "", Text: planText}
	return in, rosterSummary, planText, nil
}

// shanghai is the zone the rules' dates are civil dates in; fixed offset so
// the binary needs no tzdata.
var shanghai = time.FixedZone("CST", 8*3600)

// ledgerRuleProblems keeps the rectification ledger in step with the rules:
// every warn or block flag opens a problem (once per rule while it stays
// open), and a resubmission rectifies the rule problems whose rule no longer
// fires, crediting the new revision.
func (s *Service) ledgerRuleProblems(ctx context.Context, tx *store.DB, f *store.Filing, flags []rules.Flag, revision int, by int64, now time.Time) error {
	open, err := tx.OpenProblems(ctx, f.ID)
	if err != nil {
		return err
	}
	openByRule := map[string]bool{}
	for _, p := range open {
		if p.Source == store.SourceRule {
			openByRule[p.RuleID] = true
		}
	}
	firing := map[string]bool{}
	var created []store.Problem
	for _, fl := range flags {
		if fl.Severity != rules.Block && fl.Severity != rules.Warn {
			continue
		}
		firing[fl.RuleID] = true
		if openByRule[fl.RuleID] {
			continue
		}
		title := fl.Message
		if r := []rune(title); len(r) > 200 {
			title = string(r[:199]) + "…"
		}
		created = append(created, s.problem(f, store.SourceRule, fl.RuleID, title, fl.Message, by, now))
	}
	var fixed []int64
	for _, p := range open {
		if p.Source == store.SourceRule && p.RuleID != "resumed_without_approval" && !firing[p.RuleID] {
			fixed = append(fixed, p.ID)
		}
	}
	if err := tx.CreateProblems(ctx, created); err != nil {
		return err
	}
	if len(created) > 0 {
		if err := s.notifyEnterprise(ctx, tx, f, "problem_opened", fmt.Sprintf("规则审查发现 %d 个问题需整改 / the rules found %d problem(s) to fix", len(created), len(created)), now); err != nil {
			return err
		}
	}
	return tx.RectifyProblems(ctx, fixed, &revision, "规则复查通过 / the rule no longer fires", now)
}
