package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/parktime"
	"fugong/internal/registry"
	"fugong/internal/report"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

var sh = time.FixedZone("CST", 8*3600)

// first and last are the days every figure is checked on.
var firstDay = time.Date(2020, 1, 28, 0, 0, 0, 0, sh)

const checkedDays = 40

func dayN(i int) string { return firstDay.AddDate(0, 0, i).Format(time.DateOnly) }

// randomTime is a time in the checked days, often on the edge of a Shanghai
// day (00:00 CST = 16:00 UTC) to test the as-of boundary.
func randomTime(r *rand.Rand) time.Time {
	d := firstDay.AddDate(0, 0, r.IntN(checkedDays))
	switch r.IntN(4) {
	case 0:
		return d.UTC() // exactly midnight: belongs to day d
	case 1:
		return d.Add(-time.Microsecond).UTC() // the last instant of the day before
	default:
		return d.Add(time.Duration(r.IntN(86400))*time.Second + time.Duration(r.IntN(1000))*time.Millisecond).UTC()
	}
}

// listing is an enterprise as one dated import lists it.
type listing struct {
	day   string // the import's date
	attrs store.Enterprise
	entry string // stated entry date, or ""
	close string // stated closing date (last day in), or ""
}

// history is one random registry history with filings and problems: the
// raw facts the brute force recomputes every figure from.
type history struct {
	codes    []string
	listings map[string][]listing // by credit code, in import order
	ids      map[string]int64
	filings  []store.Filing
	problems []store.Problem
}

func randomAttrs(r *rand.Rand, streets []areas.Street, code string) store.Enterprise {
	st := streets[r.IntN(len(streets))]
	e := store.Enterprise{CreditCode: code, Name: "企业" + code[len(code)-4:], Sector: []string{"industrial", "service", "construction"}[r.IntN(3)],
		Zone: st.Zone, Street: st.Code, Supervised: true}
	switch e.Sector {
	case "industrial":
		e.AboveScale = r.IntN(2) == 0
	case "service":
		e.RealEstate = r.IntN(4) == 0
	case "construction":
		e.Supervised = r.IntN(4) != 0
	}
	return e
}

// play writes a random history to db: 3–5 dated imports (new enterprises
// with or without an entry date, moves and changes of flags, closures with
// a closing date before or after the import), then filings with random
// submissions, decisions and resumptions, then problems. It returns the
// history.
func play(t *testing.T, db *store.DB, r *rand.Rand, a *areas.Areas, iter int) *history {
	ctx := context.Background()
	streets := a.Streets()
	h := &history{listings: map[string][]listing{}, ids: map[string]int64{}}
	// file gives filings to some enterprises listed so far, so later
	// imports rewrite versions of enterprises that already have a timeline.
	file := func(imports int) {
		ents, err := db.AllEnterprises(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			h.ids[e.CreditCode] = e.ID
		}
		for _, code := range h.codes {
			if r.IntN(imports) != 0 {
				continue // each enterprise files after about one import in imports
			}
			ls := h.listings[code]
			cur := ls[len(ls)-1].attrs
			for k := r.IntN(4); k > 0; k-- {
				f := store.Filing{EnterpriseID: h.ids[code], Street: cur.Street, Sector: cur.Sector, CreatedBy: 1, Version: 1,
					Status: store.Statuses[r.IntN(5)]}
				if f.Status != "draft" {
					s := randomTime(r)
					f.SubmittedAt = &s
				}
				if f.Status == "approved" || f.Status == "returned" || f.Status == "rejected" {
					d := randomTime(r)
					f.DecidedAt = &d
					if f.Status == "approved" {
						f.ApprovedAt = &d
						if r.IntN(2) == 0 {
							f.ResumedDate = randomTime(r).In(sh).Format(time.DateOnly)
						}
					}
				}
				// Random histories hold several filings per enterprise; the
				// earlier ones give up the one open slot (filings.open_key).
				if err := db.Gorm().Exec("UPDATE filings SET open_key = NULL WHERE enterprise_id = ?", f.EnterpriseID).Error; err != nil {
					t.Fatal(err)
				}
				if err := db.CreateFiling(ctx, &f); err != nil {
					t.Fatal(err)
				}
				if err := db.MarkTimeline(ctx, f.EnterpriseID); err != nil {
					t.Fatal(err)
				}
				h.filings = append(h.filings, f)
			}
		}
	}
	closed := map[string]bool{}
	day := 0
	imports := 3 + r.IntN(3)
	for imp := imports; imp > 0; imp-- {
		day += 1 + r.IntN(9)
		T := dayN(day)
		var rows []store.Enterprise
		var ls []listing
		for i := 3 + r.IntN(12); i > 0; i-- { // new enterprises
			code := registry.MakeCreditCode(iter*1000 + len(h.codes))
			h.codes = append(h.codes, code)
			l := listing{day: T, attrs: randomAttrs(r, streets, code)}
			if r.IntN(2) == 0 {
				l.entry = dayN(r.IntN(day + 1))
			}
			ls = append(ls, l)
		}
		for _, code := range h.codes {
			prev := h.listings[code]
			if len(prev) == 0 || closed[code] || r.IntN(3) == 0 {
				continue // not in this file (new ones were added above)
			}
			l := listing{day: T, attrs: prev[len(prev)-1].attrs}
			switch r.IntN(4) {
			case 0: // moves street
				st := streets[r.IntN(len(streets))]
				l.attrs.Street, l.attrs.Zone = st.Code, st.Zone
			case 1: // changes sector and flags
				l.attrs = randomAttrs(r, streets, code)
				l.attrs.Street, l.attrs.Zone = prev[len(prev)-1].attrs.Street, prev[len(prev)-1].attrs.Zone
			case 2: // closes, on a day before or after the import but not before it entered
				start := prev[0].day
				if prev[0].entry != "" {
					start = prev[0].entry
				}
				c := dayN(day - 8 + r.IntN(14))
				if c < start {
					c = start
				}
				l.close = c
				closed[code] = true
			}
			ls = append(ls, l)
		}
		for _, l := range ls {
			e := l.attrs
			e.ValidFrom = l.entry
			if l.close != "" {
				c, _ := time.Parse(time.DateOnly, l.close)
				e.ValidTo = c.AddDate(0, 0, 1).Format(time.DateOnly)
			}
			rows = append(rows, e)
			h.listings[l.attrs.CreditCode] = append(h.listings[l.attrs.CreditCode], l)
		}
		if _, err := db.UpsertEnterprisesOn(ctx, rows, T, false); err != nil {
			t.Fatal(err)
		}
		file(imports)
	}
	for j := r.IntN(25); j > 0; j-- {
		p := store.Problem{Source: "inspection", Title: "问题", Status: "open", CreatedBy: 1, CreatedAt: randomTime(r)}
		if r.IntN(5) == 0 { // a street finding, without an enterprise
			p.Street = streets[r.IntN(len(streets))].Code
		} else {
			code := h.codes[r.IntN(len(h.codes))]
			id := h.ids[code]
			p.EnterpriseID = &id
			ls := h.listings[code]
			p.Street, p.Sector = ls[r.IntN(len(ls))].attrs.Street, ls[0].attrs.Sector
		}
		if r.IntN(2) == 0 { // a deadline (整改期限) 0-3 days after the finding
			p.Deadline = p.CreatedAt.In(parktime.Location).AddDate(0, 0, r.IntN(4)).Format(time.DateOnly)
		}
		if r.IntN(3) != 0 {
			rt := p.CreatedAt.Add(time.Duration(r.IntN(96)) * time.Hour)
			p.RectifiedAt, p.Status = &rt, "rectified"
			if r.IntN(4) == 0 { // waived: closed, but not rectified
				p.Status = "waived"
			} else if r.IntN(2) == 0 { // answered before the verification
				at := p.CreatedAt.Add(rt.Sub(p.CreatedAt) / 2)
				p.AnsweredAt = &at
			}
		}
		h.problems = append(h.problems, p)
	}
	if err := db.CreateProblems(ctx, h.problems); err != nil {
		t.Fatal(err)
	}
	return h
}

// on returns enterprise code as the registry stood on day d according to
// the listings (the rules of docs: an enterprise is in from its stated entry
// date, or the date of the import that first listed it, through its stated
// closing date; its attributes on d are those of the last import dated on
// or before d, or of the first listing before that), and whether it was in.
func (h *history) on(code, d string) (store.Enterprise, bool) {
	ls := h.listings[code]
	start, end := ls[0].day, "9999-12-31"
	if ls[0].entry != "" {
		start = ls[0].entry
	}
	for _, l := range ls {
		if l.close != "" {
			end = l.close
		}
	}
	if d < start || d > end {
		return store.Enterprise{}, false
	}
	e := ls[0].attrs
	for _, l := range ls {
		if l.day <= d {
			e = l.attrs
		}
	}
	e.ID = h.ids[code]
	return e, true
}

func endOfDay(d string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, d, sh)
	return t.AddDate(0, 0, 1)
}

// brute is one population's figures on day d, from the raw history.
func (h *history) brute(pop report.Population, street, d, deadline string) report.SectorRow {
	e, dl := endOfDay(d), endOfDay(deadline)
	if e.Before(dl) {
		dl = e // nothing after d is known on d
	}
	before := func(t *time.Time, limit time.Time) bool { return t != nil && t.Before(limit) }
	row := report.SectorRow{Key: pop.Key}
	var onTime int64
	for _, code := range h.codes {
		ent, in := h.on(code, d)
		if !in || !pop.Matches(ent) || (street != "" && ent.Street != street) {
			continue
		}
		row.Total++
		var sub, appr, ret, res, ot bool
		for _, f := range h.filings {
			if f.EnterpriseID != ent.ID {
				continue
			}
			sub = sub || before(f.SubmittedAt, e)
			appr = appr || before(f.ApprovedAt, e)
			ret = ret || (f.Status == "returned" && before(f.DecidedAt, e))
			res = res || (f.ResumedDate != "" && f.ResumedDate <= d)
			ot = ot || before(f.ApprovedAt, dl)
		}
		for _, b := range []struct {
			ok bool
			n  *int64
		}{{sub, &row.Submitted}, {appr, &row.Approved}, {ret, &row.Returned}, {res, &row.Resumed}, {ot, &onTime}} {
			if b.ok {
				*b.n++
			}
		}
	}
	row.Rate = report.Rate(row.Approved, row.Total)
	row.ResumedRate = report.Rate(row.Resumed, row.Total)
	row.OnTimeRate = report.Rate(onTime, row.Total)
	return row
}

// bruteProblems counts problems found in street ("" = all) on day d whose
// enterprise was in pop that day (pop nil: every problem). A waived problem
// is counted as waived, never as rectified; on time is rectified with the
// accepted answer (or the rectification) dated by the deadline in
// Shanghai; overdue is neither closed by the day's end with a deadline on
// or before it.
func (h *history) bruteProblems(street, d string, pop *report.Population) report.RectificationFigures {
	e := endOfDay(d)
	byID := map[int64]string{}
	for code, id := range h.ids {
		byID[id] = code
	}
	var p report.RectificationFigures
	for _, pr := range h.problems {
		if street != "" && pr.Street != street {
			continue
		}
		if pop != nil {
			if pr.EnterpriseID == nil {
				continue
			}
			ent, in := h.on(byID[*pr.EnterpriseID], d)
			if !in || !pop.Matches(ent) {
				continue
			}
		}
		if pr.CreatedAt.Before(e) {
			p.Found++
		}
		if !pr.CreatedAt.Before(e) {
			continue
		}
		closed := pr.RectifiedAt != nil && pr.RectifiedAt.Before(e)
		switch {
		case closed && pr.Status == "waived":
			p.Waived++
		case closed:
			p.Rectified++
			done := *pr.RectifiedAt
			if pr.AnsweredAt != nil && pr.AnsweredAt.Before(done) {
				done = *pr.AnsweredAt
			}
			if pr.Deadline == "" || done.In(parktime.Location).Format(time.DateOnly) <= pr.Deadline {
				p.OnTime++
			}
		case pr.Deadline != "" && pr.Deadline <= d:
			p.Overdue++
		}
	}
	p.Rate = report.Rate(p.Rectified, p.Found)
	p.OnTimeRate = report.Rate(p.OnTime, p.Found)
	return p
}

func eqRate(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func sameRow(a, b report.SectorRow) bool {
	return a.Key == b.Key && a.Total == b.Total && a.Submitted == b.Submitted && a.Approved == b.Approved && a.Returned == b.Returned &&
		a.Resumed == b.Resumed && eqRate(a.Rate, b.Rate) && eqRate(a.ResumedRate, b.ResumedRate) && eqRate(a.OnTimeRate, b.OnTimeRate)
}

func sameProblems(a, b report.ProblemFigures) bool {
	return a.Found == b.Found && a.Rectified == b.Rectified && a.Waived == b.Waived && eqRate(a.Rate, b.Rate)
}

func sameRectification(a, b report.RectificationFigures) bool {
	return sameProblems(a.ProblemFigures, b.ProblemFigures) && a.OnTime == b.OnTime && a.Overdue == b.Overdue && eqRate(a.OnTimeRate, b.OnTimeRate)
}

func show(r report.SectorRow) string {
	f := func(p *float64) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("%s total %d sub %d appr %d ret %d res %d rate %s/%s/%s", r.Key, r.Total, r.Submitted, r.Approved, r.Returned, r.Resumed,
		f(r.Rate), f(r.ResumedRate), f(r.OnTimeRate))
}

// TestDashboardMatchesBruteForce plays random histories (dated imports with
// entry and closing dates, moves, changes of sector and flags, closures,
// filings with submissions, decisions and resumptions, problems) and checks
// every figure of the sector, street and trend dashboards and the
// drill-down totals, on every day, against a recomputation in Go from the
// raw history, on SQLite and MariaDB.
func TestDashboardMatchesBruteForce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := areas.Default()
		svc := report.New(db, nil, a, func() time.Time { return time.Date(2020, 3, 10, 0, 0, 0, 0, time.UTC) }).WithoutCache()
		r := rand.New(rand.NewPCG(14, 2020))
		admin := store.Scope{Role: store.RoleAdmin}
		iters := 4
		if testing.Short() {
			iters = 2
		}
		for iter := 0; iter < iters; iter++ {
			if iter > 0 {
				storetest.Wipe(t, db)
			}
			h := play(t, db, r, a, iter)
			street := h.listings[h.codes[r.IntN(len(h.codes))]][0].attrs.Street
			pop := report.Populations()[r.IntN(len(report.Populations()))]
			for i := 0; i < checkedDays; i++ {
				d := dayN(i)
				for _, st := range []string{"", street} {
					got, err := svc.Sectors(ctx, admin, report.Params{AsOf: d, Street: st})
					if err != nil {
						t.Fatal(err)
					}
					for j, p := range report.Populations() {
						if want := h.brute(p, st, d, "2020-02-28"); !sameRow(got.Sectors[j], want) {
							t.Fatalf("iter %d on %s street %q:\n got %s\nwant %s", iter, d, st, show(got.Sectors[j]), show(want))
						}
					}
					if want := h.bruteProblems(st, d, nil); !sameRectification(got.Problems, want) {
						t.Fatalf("iter %d on %s street %q problems: got %+v want %+v", iter, d, st, got.Problems, want)
					}
				}
				sd, err := svc.Streets(ctx, admin, report.Params{AsOf: d, Sector: pop.Key})
				if err != nil {
					t.Fatal(err)
				}
				for _, row := range sd.Streets {
					if want := h.brute(pop, row.Street, d, "2020-02-28"); !sameRow(row.SectorRow, want) {
						t.Fatalf("iter %d on %s street %s:\n got %s\nwant %s", iter, d, row.Street, show(row.SectorRow), show(want))
					}
					if want := h.bruteProblems(row.Street, d, &pop); !sameProblems(row.Problems, want.ProblemFigures) {
						t.Fatalf("iter %d on %s street %s %s problems: got %+v want %+v", iter, d, row.Street, pop.Key, row.Problems, want)
					}
				}
				// The drill-down behind each number lists exactly that many.
				want := h.brute(pop, street, d, "2020-02-28")
				for state, n := range map[string]int64{store.StateSubmitted: want.Submitted, store.StateApproved: want.Approved,
					store.StateReturned: want.Returned, store.StateResumed: want.Resumed, store.StateNotFiled: want.Total - want.Submitted, "": want.Total} {
					dd, err := svc.Enterprises(ctx, admin, report.DrillParams{AsOf: d, Sector: pop.Key, Street: street, State: state, Page: store.NormalPage(1, 5)})
					if err != nil {
						t.Fatal(err)
					}
					if dd.Total != n || len(dd.Items) != int(min(n, 5)) {
						t.Fatalf("iter %d on %s drill-down %s %s state %q: total %d (%d items), want %d", iter, d, pop.Key, street, state, dd.Total, len(dd.Items), n)
					}
				}
			}
			tr, err := svc.Trend(ctx, admin, report.Params{Sector: pop.Key, From: dayN(0), To: dayN(checkedDays - 1)})
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Points) != checkedDays {
				t.Fatalf("%d trend points, want %d", len(tr.Points), checkedDays)
			}
			for _, p := range tr.Points {
				want := h.brute(pop, "", p.Date, "2020-02-28")
				if p.Approved != want.Approved || p.Total != want.Total || !eqRate(p.Rate, want.Rate) {
					t.Fatalf("iter %d trend %s %s: got %+v want approved %d total %d", iter, pop.Key, p.Date, p, want.Approved, want.Total)
				}
			}
		}
	})
}
