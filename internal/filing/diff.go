package filing

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// FieldChange is one field that differs between two revisions.
type FieldChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

// LineOp is one line of a plan text diff: "=" kept, "-" removed, "+" added.
type LineOp struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Diff is what changed between two revisions of a filing.
type Diff struct {
	From          int           `json:"from"`
	To            int           `json:"to"`
	Fields        []FieldChange `json:"fields"`
	RosterSummary []FieldChange `json:"roster_summary"`
	PlanText      []LineOp      `json:"plan_text"`
	PlanChanged   bool          `json:"plan_changed"`
}

// maxDiffLines bounds the plan diff (an O(n·m) table): longer plans are
// compared by their first lines only, and the diff says so.
const maxDiffLines = 2000

// Diff compares revision from with revision to of a filing in the caller's
// scope (to = 0: the latest; from = 0: the one before to). Unknown revision
// numbers are apperror.NotFound.
func (s *Service) Diff(ctx context.Context, p *auth.Principal, filingID int64, from, to int) (*Diff, error) {
	f, err := s.db.FilingByID(ctx, p.Scope(), filingID)
	if err != nil {
		return nil, err
	}
	revs, err := s.db.Revisions(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	if to == 0 {
		to = f.Revision
	}
	if from == 0 {
		from = to - 1
	}
	var a, b *store.FilingRevision
	for i := range revs {
		switch revs[i].Number {
		case from:
			a = &revs[i]
		case to:
			b = &revs[i]
		}
	}
	if a == nil || b == nil || from >= to {
		return nil, apperror.Msg(apperror.NotFound, msgNoSuchRevisionsCompare, from, to)
	}
	var ia, ib rules.Input
	if err := json.Unmarshal([]byte(a.Snapshot), &ia); err != nil {
		return nil, fmt.Errorf("filing %d revision %d: %w", f.ID, a.Number, err)
	}
	if err := json.Unmarshal([]byte(b.Snapshot), &ib); err != nil {
		return nil, fmt.Errorf("filing %d revision %d: %w", f.ID, b.Number, err)
	}
	d := &Diff{From: from, To: to, Fields: []FieldChange{}, RosterSummary: []FieldChange{}}
	add := func(list *[]FieldChange, field string, x, y any) {
		if x != y {
			*list = append(*list, FieldChange{Field: field, From: x, To: y})
		}
	}
	fa, fb := ia.Filing, ib.Filing
	add(&d.Fields, "planned_resume_date", fa.PlannedResumeDate.Format("2006-01-02"), fb.PlannedResumeDate.Format("2006-01-02"))
	add(&d.Fields, "staff_total", fa.StaffTotal, fb.StaffTotal)
	add(&d.Fields, "staff_onsite", fa.StaffOnsite, fb.StaffOnsite)
	add(&d.Fields, "supplies.masks", fa.Supplies.Masks, fb.Supplies.Masks)
	add(&d.Fields, "supplies.thermometers", fa.Supplies.Thermometers, fb.Supplies.Thermometers)
	add(&d.Fields, "supplies.disinfectant_liters", fa.Supplies.DisinfectantLiters, fb.Supplies.DisinfectantLiters)
	add(&d.Fields, "supplies.isolation_room", fa.Supplies.IsolationRoom, fb.Supplies.IsolationRoom)
	add(&d.Fields, "contact.name", fa.Contact.Name, fb.Contact.Name)
	add(&d.Fields, "contact.phone", fa.Contact.Phone, fb.Contact.Phone) // masked in snapshots
	ra, rb := ia.Roster, ib.Roster
	add(&d.RosterSummary, "present", ra.Present, rb.Present)
	add(&d.RosterSummary, "rows", ra.Rows, rb.Rows)
	add(&d.RosterSummary, "fever", ra.Fever, rb.Fever)
	add(&d.RosterSummary, "health_code_red", ra.HealthCodeRed, rb.HealthCodeRed)
	add(&d.RosterSummary, "health_code_yellow", ra.HealthCodeYellow, rb.HealthCodeYellow)
	add(&d.RosterSummary, "hubei_14d", ra.Hubei14d, rb.Hubei14d)
	add(&d.RosterSummary, "in_quarantine", ra.InQuarantine, rb.InQuarantine)
	d.PlanChanged = a.PlanText != b.PlanText
	d.PlanText = diffLines(splitLines(a.PlanText), splitLines(b.PlanText))
	return d, nil
}

func splitLines(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	if len(lines) > maxDiffLines {
		lines = lines[:maxDiffLines]
	}
	return lines
}

// diffLines is a longest-common-subsequence line diff.
func diffLines(a, b []string) []LineOp {
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	out := []LineOp{}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, LineOp{"=", a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, LineOp{"-", a[i]})
			i++
		default:
			out = append(out, LineOp{"+", b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, LineOp{"-", a[i]})
	}
	for ; j < m; j++ {
		out = append(out, LineOp{"+", b[j]})
	}
	return out
}
