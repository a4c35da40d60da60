package filing

import (
	"slices"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/areas"
	"fugong/internal/msg"
	"fugong/internal/roster"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// Draft is a filing body as POST /api/v1/filings takes it, plus what a
// filing would bring from elsewhere: its roster summary, its enterprise's
// registry entry and its plan's similarity. The rule editor evaluates one
// against the running rules without saving anything.
type Draft struct {
	Input
	RosterSummary *roster.Summary  `json:"roster_summary"`
	Enterprise    *DraftEnterprise `json:"enterprise"`
	Plan          *DraftPlan       `json:"plan"`
}

// DraftEnterprise is the registry entry of a Draft; Street is a code or a
// name, Zone a zone code or name.
type DraftEnterprise struct {
	Sector     string `json:"sector"`
	AboveScale bool   `json:"above_scale"`
	RealEstate bool   `json:"real_estate"`
	Zone       string `json:"zone"`
	Street     string `json:"street"`
}

// DraftPlan is the plan similarity of a Draft.
type DraftPlan struct {
	MaxSimilarity float64 `json:"max_similarity"`
}

// RuleInput validates d with the filing's own field limits (applyFields,
// the one validator) and builds the rules input as of now. Every bad field
// is one detail of an apperror.Invalid. a may be nil (streets and zones are
// then not checked).
func (d Draft) RuleInput(a *areas.Areas, now time.Time) (rules.Input, error) {
	var f fields
	details := d.Input.applyFields(&f)
	bad := func(field string, m msg.Message, args ...any) {
		details = append(details, apperror.FieldMsg(field, m, args...))
	}
	count := func(field string, v int) int {
		if v < 0 || v > maxCount {
			bad(field, msgMustWholeNumberFrom)
		}
		return v
	}
	planned, _ := time.Parse(time.DateOnly, f.PlannedResumeDate)
	in := rules.Input{Now: now, Filing: rules.Filing{StaffTotal: f.StaffTotal, StaffOnsite: f.StaffOnsite, PlannedResumeDate: planned,
		Supplies: rules.Supplies{Masks: f.Masks, Thermometers: f.Thermometers, DisinfectantLiters: f.DisinfectantLiters, IsolationRoom: f.IsolationRoom},
		PlanText: f.PlanText, Contact: rules.Contact{Name: f.ContactName, Phone: f.ContactPhone}, Status: string(store.StatusDraft)}}
	if r := d.RosterSummary; r != nil {
		in.Roster = rules.Roster{Present: true,
			Rows:             count("roster_summary.rows", r.Rows),
			Fever:            count("roster_summary.fever", r.Fever),
			HealthCodeRed:    count("roster_summary.health_code_red", r.HealthCodeRed),
			HealthCodeYellow: count("roster_summary.health_code_yellow", r.HealthCodeYellow),
			Hubei14d:         count("roster_summary.hubei_14d", r.Hubei14d),
			InQuarantine:     count("roster_summary.in_quarantine", r.InQuarantine),
			Unknown:          []string{},
		}
		// unknown: the health columns the roster lacked, as the upload
		// reports them; the rules warn on each (rules/roster.yaml).
		for _, u := range r.Unknown {
			switch {
			case !slices.Contains(roster.HealthFields, u):
				bad("roster_summary.unknown", msgMustHealthField, strings.Join(roster.HealthFields, ", "))
			case !slices.Contains(in.Roster.Unknown, u):
				in.Roster.Unknown = append(in.Roster.Unknown, u)
			}
		}
	}
	if p := d.Plan; p != nil {
		if p.MaxSimilarity < 0 || p.MaxSimilarity > 1 {
			bad("plan.max_similarity", msgMustBetween)
		}
		in.Plan.MaxSimilarity = p.MaxSimilarity
	}
	if e := d.Enterprise; e != nil {
		ent := rules.Enterprise{Sector: e.Sector, AboveScale: e.AboveScale, RealEstate: e.RealEstate}
		switch e.Sector {
		case "", store.SectorIndustrial, store.SectorService, store.SectorConstruction:
		default:
			bad("enterprise.sector", msgMustIndustrialServiceConstruction)
		}
		if e.Street != "" && a != nil {
			code, err := a.StreetCode("enterprise.street", e.Street)
			if ae := apperror.As(err); ae != nil {
				details = append(details, ae.Details...)
			}
			ent.Street = code
			ent.Zone, _ = a.ZoneOf(code)
		}
		if e.Zone != "" && a != nil {
			z, ok := a.Zone(e.Zone)
			switch {
			case !ok:
				bad("enterprise.zone", msgMustSouthWestEast)
			case ent.Zone != "" && ent.Zone != z.Code:
				bad("enterprise.zone", msgDoesNotMatchStreetS)
			default:
				ent.Zone = z.Code
			}
		}
		in.Enterprise = ent
	}
	if len(details) > 0 {
		return rules.Input{}, apperror.WithText(apperror.Invalid, msgFilingNotValid.With(), details)
	}
	return in, nil
}
