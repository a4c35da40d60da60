package filing

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/parktime"
	"fugong/internal/roster"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// SubmitResult is the answer to a submit.
type SubmitResult struct {
	ID             int64        `json:"id"`
	Status         Status       `json:"status"`
	Revision       int          `json:"revision"`
	Flags          []rules.Flag `json:"flags"`
	RulesetVersion string       `json:"ruleset_version"`
	Blocked        bool         `json:"blocked"`
}

// Submit runs the rules on the filing as it stands. Without a block flag it
// freezes the filing into a new immutable revision and sends it to review
// (submitted); with one, nothing is frozen: the filing stays where it was,
// the flags say why (kept as the latest attempt's, shown on the filing). Only a
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
		return nil, apperror.Msg(apperror.Conflict, msgNotSubmittable, statusName[f.Status])
	}
	fl, err := s.fieldsOf(f)
	if err != nil {
		return nil, err
	}
	if d := fl.complete(); len(d) > 0 {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgFilingIncomplete.With(), Details: d}
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
		// The flags of the latest attempt are kept under the number the next
		// revision will take; a blocked attempt is not a revision (nothing
		// frozen, nothing in the ledger), and the next attempt replaces its
		// flags (docs/rectification.md).
		if err := tx.DeleteFlags(ctx, f.ID, rev.Number); err != nil {
			return err
		}
		rows := make([]store.Flag, len(flags))
		for i, fl := range flags {
			rows[i] = store.Flag{FilingID: f.ID, Revision: rev.Number, RuleID: fl.RuleID, Severity: string(fl.Severity),
				Message: fl.Message, RulesetVersion: fl.RulesetVersion, CreatedAt: now}
		}
		if err := tx.CreateFlags(ctx, rows); err != nil {
			return err
		}
		if blocked {
			if err := tx.UpdateFiling(ctx, f); err != nil { // bumps the version: racing attempts conflict
				return err
			}
			return tx.AppendAudit(ctx, p.Entry("filing_submitted", fmt.Sprintf("filing:%d", f.ID),
				fmt.Sprintf("revision=%d status=%s flags=%d blocked=true", rev.Number, f.Status, len(flags))))
		}
		if err := s.rectifyRuleProblems(ctx, tx, f, flags, rev.Number, now); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, p.Entry("filing_submitted", fmt.Sprintf("filing:%d", f.ID),
			fmt.Sprintf("revision=%d status=%s flags=%d", rev.Number, store.StatusSubmitted, len(flags)))); err != nil {
			return err
		}
		if err := tx.CreateRevision(ctx, rev); err != nil {
			if apperror.CodeOf(err) == apperror.Conflict && !store.IsRetryable(err) {
				return apperror.Msg(apperror.Conflict, msgFilingBeingSubmittedConcurrentlyReload)
			}
			return err
		}
		f.Revision = rev.Number
		f.Status = store.StatusSubmitted
		f.SubmittedAt = &now
		if err := tx.UpdateFiling(ctx, f); err != nil {
			return err
		}
		return tx.MarkTimeline(ctx, f.EnterpriseID) // the dashboards' timeline, in the same transaction
	})
	if err != nil {
		return nil, err
	}
	if blocked {
		return &SubmitResult{ID: f.ID, Status: f.Status, Revision: f.Revision, Flags: flags, RulesetVersion: version, Blocked: true}, nil
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
			Status: string(f.Status), Approved: f.Status == store.StatusApproved},
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
					HealthCodeYellow: sum.HealthCodeYellow, Hubei14d: sum.Hubei14d, InQuarantine: sum.InQuarantine,
					Unknown: sum.Unknown}
				rosterSummary = a.RosterSummary
			}
		}
		if f.PlanAttachmentID != nil && a.ID == *f.PlanAttachmentID {
			planFile = a.ExtractedText
		}
	}
	planText := strings.TrimSpace(strings.TrimSpace(fl.PlanText) + "\n" + planFile)
	// An uploaded plan is present even when no text could be read from it
	// (a scan): plan_text_unreadable asks the reviewer to read the file,
	// where plan_missing would wrongly say there is no plan.
	in.Plan = rules.Plan{Present: planText != "" || f.PlanAttachmentID != nil, Text: planText}
	return in, rosterSummary, planText, nil
}

// shanghai is the zone the rules' dates are civil dates in.
var shanghai = parktime.Location

// rectifyRuleProblems credits a resubmission with the rule problems a
// reviewer confirmed (ConfirmFlags on return) whose rule no longer fires.
// Rule flags themselves never enter the ledger at submit: the ledger holds
// what a person raised or confirmed, and the enterprise sees the flags in
// the submit answer and on its filing.
func (s *Service) rectifyRuleProblems(ctx context.Context, tx *store.DB, f *store.Filing, flags []rules.Flag, revision int, now time.Time) error {
	open, err := tx.OpenProblems(ctx, f.ID)
	if err != nil {
		return err
	}
	firing := map[string]bool{}
	for _, fl := range flags {
		if fl.Severity == rules.Block || fl.Severity == rules.Warn {
			firing[fl.RuleID] = true
		}
	}
	var fixed []int64
	for _, p := range open {
		if p.Source == store.SourceRule && p.RuleID != "resumed_without_approval" && !firing[p.RuleID] {
			fixed = append(fixed, p.ID)
		}
	}
	return tx.RectifyProblems(ctx, fixed, &revision, stored(msgRuleNoLongerFires), now)
}
