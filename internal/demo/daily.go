package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"fugong/internal/auth"
	"fugong/internal/daily"
	"fugong/internal/page"
	"fugong/internal/parktime"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// DailyDays is how many days of daily reports the demo holds: the
// fortnight ending on the seed's day, so today's pages (the missing list,
// the reporting rate, 「复制昨日数据」) have a history behind them.
const DailyDays = 14

// DailyResult counts what SeedDaily filed.
type DailyResult struct {
	Reports   int // reports filed (any day of the window)
	Late      int // of them, filed after their day's deadline
	Missing   int // expected reports never filed (up to the seed's moment)
	Corrected int // reports with more than one version
	Fever     int // reports with someone with fever
	MasksLow  int // reports whose mask stock covers fewer than three days
}

// How enterprises report, by share: most are diligent, some careless, a
// few hardly report (the article's streets chased them door to door).
// miss and late are the chances a day's report is never filed or filed
// after the deadline; about 5% missing and 8% late in all.
var dailyHabits = []struct {
	share, miss, late float64
}{
	{0.80, 0.02, 0.05},
	{0.15, 0.10, 0.18},
	{0.05, 0.35, 0.30},
}

// plannedVersion is one version of a planned report: when it is filed,
// its values and, for a correction, why.
type plannedVersion struct {
	at     time.Time
	values map[string]any
	note   string
}

// plannedReport is one report the demo files.
type plannedReport struct {
	ent      store.Enterprise
	day      string
	versions []plannedVersion
	// featured reports go through the service's own filing path (rules,
	// audit, one transaction each): the demo account's, fever cases and
	// mask shortages; the rest are imported in bulk.
	featured bool
}

// reporter is an enterprise expected to report, with what its filing
// declared (the baseline of its figures).
type reporter struct {
	ent         store.Enterprise
	approvedAt  *time.Time
	resumedDate string
	staff       int // on site, as filed
	masks       int
	thermo      int
	disinfect   float64
}

// expectedOn tells whether r must report on day (configs/daily.yaml,
// expected: from the day after approval or reported resumption).
func (r *reporter) expectedOn(day string, afterDays int) bool {
	args, err := store.DailyExpectedArgs(day, afterDays, parktime.Location)
	if err != nil {
		return false
	}
	cutoff, _ := args["cutoff"].(time.Time)
	last, _ := args["last"].(string)
	return (r.approvedAt != nil && r.approvedAt.Before(cutoff)) || (r.resumedDate != "" && r.resumedDate <= last)
}

// planDaily plans DailyDays days of reports ending on now's day for the
// reporters, deterministically: each enterprise's habits and figures come
// from a generator seeded with its id, so the plan does not depend on the
// order of the list. Reports whose filing time is after now are left out
// (today is filed up to the seed's moment). demoEnt is the demo
// enterprise account's: it reports every day but one (three days ago, to
// be filed late) and not yet today, and corrects one report.
func planDaily(def *daily.Definition, reporters []reporter, now time.Time, demoEnt int64) []plannedReport {
	today := parktime.In(now)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, parktime.Location).AddDate(0, 0, 1-DailyDays)
	var out []plannedReport
	for i := range reporters {
		r := &reporters[i]
		rng := rand.New(rand.NewPCG(2020, uint64(r.ent.ID)))
		habit := dailyHabits[len(dailyHabits)-1]
		x, acc := rng.Float64(), 0.0
		for _, h := range dailyHabits {
			if acc += h.share; x < acc {
				habit = h
				break
			}
		}
		isDemo := r.ent.ID == demoEnt
		if isDemo {
			habit.miss, habit.late = 0, 0
		}
		// A mask shortage: one enterprise in a hundred and fifty stops
		// restocking and runs down its stock.
		short := r.ent.ID%150 == 7
		canteen := []string{"closed", "boxed_meals", "staggered", "no_canteen"}[rng.IntN(4)]
		staff := max(r.staff, 3)
		masks := max(r.masks, staff*8)
		if short {
			masks = staff * 6
		}
		for d := 0; d < DailyDays; d++ {
			dayT := start.AddDate(0, 0, d)
			day := dayT.Format(time.DateOnly)
			use := staff * 2 // two masks a person a day
			masks -= use
			if masks < use*5 && !short {
				masks += use * (10 + rng.IntN(10)) // a delivery
			}
			masks = max(masks, 0)
			miss, late := rng.Float64() < habit.miss, rng.Float64() < habit.late
			if !r.expectedOn(day, def.Expected.FromDaysAfterApproval) {
				continue
			}
			if isDemo {
				miss = d == DailyDays-4 || d == DailyDays-1
			}
			if miss {
				continue
			}
			deadline := def.DeadlineOf(dayT)
			var at time.Time
			if late {
				at = deadline.Add(time.Duration(10+rng.IntN(30*60)) * time.Minute)
			} else {
				at = deadline.Add(-time.Duration(5+rng.IntN(180)) * time.Minute)
			}
			on := staff - rng.IntN(staff/10+1)
			ret := rng.IntN(staff/25 + 2)
			outside := rng.IntN(ret/3 + 1)
			hubei := 0
			if rng.IntN(400) == 0 && outside > 0 {
				hubei = 1
			}
			v := map[string]any{
				"staff_onsite": on, "returned_today": ret, "returned_outside_province": outside, "returned_hubei": hubei,
				"quarantine_home": hubei + rng.IntN(2), "quarantine_central": 0, "fever": 0,
				"red_code": 0, "yellow_code": boolInt(rng.IntN(300) == 0),
				"masks": masks, "disinfectant_liters": float64(int(r.disinfect*10)+rng.IntN(20)) / 10, "thermometers": max(r.thermo, 1),
				"disinfected": rng.IntN(40) != 0, "canteen": canteen,
			}
			// A few fever cases: about one enterprise in a thousand, on one
			// day of the fortnight, sent to a fever clinic or isolated.
			fever := r.ent.ID%997 == 3 && d == int(r.ent.ID%DailyDays)
			if fever {
				v["fever"] = 1 + rng.IntN(2)
				v["fever_handling"] = []string{"fever_clinic", "isolated_on_site"}[rng.IntN(2)]
			}
			p := plannedReport{ent: r.ent, day: day, versions: []plannedVersion{{at: at, values: v}},
				featured: isDemo || fever || short}
			// One report in a hundred is corrected the same day (the staff
			// count was typed wrong), and the demo account corrects one.
			if rng.IntN(100) == 0 || (isDemo && d == DailyDays-6) {
				c := cloneValues(v)
				c["staff_onsite"] = max(on-1-rng.IntN(3), 0)
				p.versions = append(p.versions, plannedVersion{at: at.Add(time.Duration(30+rng.IntN(300)) * time.Minute), values: c, note: "更正在岗人数"})
			}
			for len(p.versions) > 0 && p.versions[len(p.versions)-1].at.After(now) {
				p.versions = p.versions[:len(p.versions)-1]
			}
			if len(p.versions) > 0 {
				out = append(out, p)
			}
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cloneValues(v map[string]any) map[string]any {
	out := make(map[string]any, len(v))
	for k, x := range v {
		out[k] = x
	}
	return out
}

// rawValues is a report's values as the API receives them.
func rawValues(v map[string]any) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(v))
	for k, x := range v {
		b, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		out[k] = b
	}
	return out, nil
}

// reporters reads every enterprise with an approved filing, with the
// figures of its latest approved filing and its dated approval.
func reporters(ctx context.Context, db *store.DB) ([]reporter, error) {
	ents, err := db.AllEnterprises(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]store.Enterprise, len(ents))
	for _, e := range ents {
		byID[e.ID] = e
	}
	tl, err := db.Timelines(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]*reporter{}
	for _, t := range tl {
		if t.ApprovedAt == nil && t.ResumedDate == nil {
			continue
		}
		r := &reporter{ent: byID[t.EnterpriseID], approvedAt: t.ApprovedAt}
		if t.ResumedDate != nil {
			r.resumedDate = *t.ResumedDate
		}
		out[t.EnterpriseID] = r
	}
	for p := 1; ; p++ {
		fs, _, err := db.ListFilings(ctx, store.ScopeAll, store.FilingFilter{Status: store.StatusApproved, Page: page.Page{Number: p, Size: 2000}})
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if r := out[f.EnterpriseID]; r != nil && r.staff == 0 {
				r.staff, r.masks, r.thermo, r.disinfect = f.StaffOnsite, f.Masks, f.Thermometers, f.DisinfectantLiters
			}
		}
		if len(fs) < 2000 {
			break
		}
	}
	list := make([]reporter, 0, len(out))
	for _, r := range out {
		if r.ent.ID != 0 {
			list = append(list, *r)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ent.ID < list[j].ent.ID })
	return list, nil
}

// SeedDaily files DailyDays days of daily reports, ending at now, for the
// demo population already in db (Seed): every enterprise expected to
// report on a day (configs/daily.yaml) reports it, on time or late, or
// misses it, as its habits say; a few report fever cases and a few run out
// of masks. Everything is filed through the daily service with its clock
// set to each report's filing time: the featured reports (the demo
// enterprise account's, fever cases, mask shortages) one by one as an
// enterprise files them, so the daily rules (dailyRules; nil: none) judge
// them and the audit log records them; the rest through the service's bulk
// import. The same now gives the same reports.
// Errors are the service's or the database's.
func SeedDaily(ctx context.Context, db *store.DB, def *daily.Definition, dailyRules *rules.Engine, now time.Time) (DailyResult, error) {
	rs, err := reporters(ctx, db)
	if err != nil {
		return DailyResult{}, fmt.Errorf("demo daily: %w", err)
	}
	var demoEnt int64
	if u, err := db.UserByUsername(ctx, "qiye"); err == nil && u.EnterpriseID != nil {
		demoEnt = *u.EnterpriseID
	}
	plan := planDaily(def, rs, now, demoEnt)
	var res DailyResult
	clk := &demoClock{t: now}
	svc := daily.New(daily.Deps{DB: db, Definition: def, Rules: dailyRules, Now: clk.Now})
	var bulk []daily.ImportItem
	var featured []plannedReport
	for _, p := range plan {
		res.Reports++
		first := p.versions[0]
		if first.at.After(def.DeadlineOf(parseDay(p.day))) {
			res.Late++
		}
		if len(p.versions) > 1 {
			res.Corrected++
		}
		last := p.versions[len(p.versions)-1].values
		if n, _ := last["fever"].(int); n > 0 {
			res.Fever++
		}
		if m, _ := last["masks"].(int); m < last["staff_onsite"].(int)*2*3 {
			res.MasksLow++
		}
		if p.featured {
			featured = append(featured, p)
			continue
		}
		item := daily.ImportItem{EnterpriseID: p.ent.ID, Date: p.day, Street: p.ent.Street, Sector: p.ent.Sector, Zone: p.ent.Zone}
		for _, v := range p.versions {
			raw, err := rawValues(v.values)
			if err != nil {
				return res, err
			}
			item.Versions = append(item.Versions, daily.ImportVersion{At: v.at, Values: raw, Note: v.note, By: demoUser(p.ent)})
		}
		bulk = append(bulk, item)
	}
	if err := svc.Import(ctx, "seed", bulk); err != nil {
		return res, fmt.Errorf("demo daily: import: %w", err)
	}
	// Featured reports in the order they were filed, each at its time.
	type event struct {
		p *plannedReport
		v plannedVersion
	}
	var events []event
	for i := range featured {
		for _, v := range featured[i].versions {
			events = append(events, event{&featured[i], v})
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].v.at.Before(events[j].v.at) })
	err = db.InTx(ctx, func(ctx context.Context) error {
		for _, e := range events {
			raw, err := rawValues(e.v.values)
			if err != nil {
				return err
			}
			id := e.p.ent.ID
			who := &auth.Principal{Username: demoUser(e.p.ent), Role: store.RoleEnterprise, EnterpriseID: &id, Street: e.p.ent.Street}
			clk.t = e.v.at
			if _, _, err := svc.Put(ctx, who, e.p.day, daily.Input{Values: raw, Note: e.v.note}); err != nil {
				return fmt.Errorf("%s on %s: %w", e.p.ent.CreditCode, e.p.day, err)
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("demo daily: %w", err)
	}
	// Expected reports never filed, counted as the dashboards will.
	for _, r := range rs {
		for d := 0; d < DailyDays; d++ {
			day := parktime.In(now).AddDate(0, 0, d-DailyDays+1).Format(time.DateOnly)
			if r.expectedOn(day, def.Expected.FromDaysAfterApproval) {
				res.Missing++
			}
		}
	}
	res.Missing -= res.Reports
	return res, nil
}

// demoUser is who files an enterprise's reports in the demo (the account
// name an enterprise's system would use).
func demoUser(e store.Enterprise) string { return "ent-" + e.CreditCode }

func parseDay(day string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, day, parktime.Location)
	return t
}

// demoClock is the daily service's clock while the demo files: each
// report is filed at its own time.
type demoClock struct{ t time.Time }

func (c *demoClock) Now() time.Time { return c.t }
