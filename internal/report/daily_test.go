package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/registry"
	"fugong/internal/report"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// dailyWorld writes a random registry (enterprises from 2020-02-01, a
// tenth moving street on 2020-02-12, some closing on 2020-02-18), filings
// approved on random instants (often at a day's edge) and some resumptions
// reported, then reports for random expected (enterprise, day) pairs, on
// time or late, some corrected — through the ORM, so the tallies are kept
// as the daily service keeps them. It returns the enterprises' versions
// and reports read back, the raw facts the brute force counts.
func dailyWorld(t *testing.T, db *store.DB, r *rand.Rand, a *areas.Areas, after int) ([]store.EnterpriseVersion, []store.DailyReport) {
	t.Helper()
	ctx := context.Background()
	streets := a.Streets()
	const n = 120
	ents := make([]store.Enterprise, n)
	for i := range ents {
		st := streets[r.IntN(4)]
		ents[i] = store.Enterprise{CreditCode: registry.MakeCreditCode(7000 + i), Name: fmt.Sprintf("日报企业%03d", i),
			Sector: []string{"industrial", "service", "construction"}[r.IntN(3)], Zone: st.Zone, Street: st.Code, Supervised: true, ValidFrom: "2020-02-01"}
	}
	if _, err := db.UpsertEnterprisesOn(ctx, ents, "2020-02-01", false); err != nil {
		t.Fatal(err)
	}
	var moved []store.Enterprise
	for i := 0; i < n; i += 10 {
		e := ents[i]
		e.ValidFrom = ""
		st := streets[4+r.IntN(3)]
		e.Street, e.Zone = st.Code, st.Zone
		if i%20 == 0 {
			e.ValidTo = "2020-02-19" // closed after 2020-02-18
		}
		moved = append(moved, e)
	}
	if _, err := db.UpsertEnterprisesOn(ctx, moved, "2020-02-12", false); err != nil {
		t.Fatal(err)
	}
	all, err := db.AllEnterprises(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var fs []store.Filing
	for _, e := range all {
		if r.IntN(5) == 0 {
			continue // never approved
		}
		// Approved on a day between 02-01 and 02-20, at a random instant,
		// a quarter of them exactly at a Shanghai midnight or just before.
		d := time.Date(2020, 2, 1+r.IntN(20), 0, 0, 0, 0, sh)
		at := d.Add(time.Duration(r.IntN(86400)) * time.Second)
		switch r.IntN(4) {
		case 0:
			at = d
		case 1:
			at = d.Add(-time.Microsecond)
		}
		at = at.UTC()
		f := store.Filing{EnterpriseID: e.ID, Street: e.Street, Sector: e.Sector, Status: "approved", Version: 1, CreatedBy: 1,
			SubmittedAt: &at, ApprovedAt: &at, DecidedAt: &at}
		if r.IntN(3) == 0 { // a resumption reported, sometimes before the approval
			f.ResumedDate = d.AddDate(0, 0, r.IntN(5)-2).Format(time.DateOnly)
		}
		fs = append(fs, f)
	}
	if err := db.Tx(ctx, func(tx *store.DB) error { return tx.InsertFilingsBulk(ctx, fs) }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RebuildTimeline(ctx); err != nil {
		t.Fatal(err)
	}
	var versions []store.EnterpriseVersion
	if err := db.Gorm().Find(&versions).Error; err != nil {
		t.Fatal(err)
	}
	for day := time.Date(2020, 2, 1, 0, 0, 0, 0, sh); day.Before(time.Date(2020, 2, 26, 0, 0, 0, 0, sh)); day = day.AddDate(0, 0, 1) {
		ds := day.Format(time.DateOnly)
		for _, v := range versions {
			if !expectedOn(v, ds, after) || r.IntN(4) == 0 {
				continue // a quarter of the expected never report
			}
			rep := store.DailyReport{EnterpriseID: v.EnterpriseID, ReportDate: ds, Street: v.Street, Sector: v.Sector, Zone: v.Zone,
				DefVersion: 1, Version: 1, OnTime: r.IntN(3) != 0, ValuesJSON: "{}", SubmittedAt: day.UTC(), UpdatedAt: day.UTC(), SubmittedBy: "t"}
			if err := db.Gorm().Create(&rep).Error; err != nil {
				t.Fatal(err)
			}
			if r.IntN(5) == 0 { // a correction: a new version, counted once
				rep.Version = 2
				if err := db.Gorm().Model(&rep).Updates(map[string]any{"version": 2}).Error; err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var reports []store.DailyReport
	if err := db.Gorm().Find(&reports).Error; err != nil {
		t.Fatal(err)
	}
	return versions, reports
}

// expectedOn is the brute-force reading of the data set's rule: in the
// registry on day, and first approved or resumed at least after days
// before it (park time).
func expectedOn(v store.EnterpriseVersion, day string, after int) bool {
	if !(v.ValidFrom <= day && day < v.ValidTo) {
		return false
	}
	d, _ := time.ParseInLocation(time.DateOnly, day, sh)
	last := d.AddDate(0, 0, -after).Format(time.DateOnly)
	if v.ApprovedAt != nil && v.ApprovedAt.In(sh).Format(time.DateOnly) <= last {
		return true
	}
	return v.ResumedDate != nil && *v.ResumedDate <= last
}

// TestDailyFiguresMatchBruteForce holds the reporting rate and timeliness
// of every day, street and sector (the day's dashboard and the trend, which
// count the expected in two different ways) to a brute-force count over the
// raw registry versions and reports, on both databases.
func TestDailyFiguresMatchBruteForce(t *testing.T) {
	t.Parallel()
	a := areas.Default()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(15, 4))
		after := 1
		versions, reports := dailyWorld(t, db, r, a, after)
		svc := report.New(db, nil, a, func() time.Time { return time.Date(2020, 2, 26, 12, 0, 0, 0, sh) }).WithoutCache()
		if err := svc.EnableDaily(report.DailySetup{FromDaysAfterApproval: after, Fields: defaultDailyFields()}); err != nil {
			t.Fatal(err)
		}
		park := store.Scope{Role: store.RoleParkManager}
		trend, err := svc.DailyTrendOf(ctx, park, report.DailyParams{From: "2020-01-31", To: "2020-02-26"})
		if err != nil {
			t.Fatal(err)
		}
		type key struct{ day, street, sector string }
		want := map[key]*report.DailyFigures{}
		get := func(k key) *report.DailyFigures {
			if want[k] == nil {
				want[k] = &report.DailyFigures{}
			}
			return want[k]
		}
		for _, p := range trend.Points {
			for _, v := range versions {
				if expectedOn(v, p.Date, after) {
					for _, k := range []key{{p.Date, "", ""}, {p.Date, v.Street, ""}, {p.Date, "", v.Sector}} {
						get(k).Expected++
					}
				}
			}
		}
		for _, rep := range reports {
			for _, k := range []key{{rep.ReportDate, "", ""}, {rep.ReportDate, rep.Street, ""}, {rep.ReportDate, "", rep.Sector}} {
				f := get(k)
				f.Reported++
				if rep.OnTime {
					f.OnTime++
				}
			}
		}
		check := func(what string, k key, got report.DailyFigures) {
			t.Helper()
			w := get(k)
			w.Late, w.Missing = w.Reported-w.OnTime, w.Expected-w.Reported
			if got.Expected != w.Expected || got.Reported != w.Reported || got.OnTime != w.OnTime || got.Late != w.Late || got.Missing != w.Missing {
				t.Errorf("%s %+v: got %d/%d/%d/%d/%d, brute force %d/%d/%d/%d/%d (expected/reported/on time/late/missing)", what, k,
					got.Expected, got.Reported, got.OnTime, got.Late, got.Missing, w.Expected, w.Reported, w.OnTime, w.Late, w.Missing)
			}
			if rr := report.Rate(w.Reported, w.Expected); !samePtr(got.ReportingRate, rr) || !samePtr(got.TimelinessRate, report.Rate(w.OnTime, w.Expected)) {
				t.Errorf("%s %+v: rates %v %v", what, k, got.ReportingRate, got.TimelinessRate)
			}
		}
		sawExpected := false
		for _, p := range trend.Points {
			check("trend", key{p.Date, "", ""}, p.DailyFigures)
			sawExpected = sawExpected || p.Expected > 0 && p.Missing > 0 && p.Late > 0
			d, err := svc.Daily(ctx, park, report.DailyParams{Date: p.Date})
			if err != nil {
				t.Fatal(err)
			}
			check("day", key{p.Date, "", ""}, d.DailyFigures)
			for _, s := range d.Streets {
				check("street", key{p.Date, s.Street, ""}, s.DailyFigures)
			}
			for _, s := range d.Sectors {
				check("sector", key{p.Date, "", s.Key}, s.DailyFigures)
			}
		}
		if !sawExpected {
			t.Fatal("the random world has no day with missing and late reports: the test checks nothing")
		}
		// A street official sees its street only, the same figures.
		st := versions[0].Street
		d, err := svc.Daily(ctx, store.Scope{Role: store.RoleStreetOfficial, Street: st}, report.DailyParams{Date: "2020-02-20"})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Streets) != 1 {
			t.Fatalf("street official sees %d streets", len(d.Streets))
		}
		check("own street", key{"2020-02-20", st, ""}, d.DailyFigures)
		// The missing list is the expected without a report, and the day's
		// states add up.
		lists := map[string]int64{}
		for _, state := range store.DailyStates {
			l, err := svc.Reporters(ctx, park, report.DailyParams{Date: "2020-02-20"}, state, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(l.Items)) != l.Total {
				t.Fatalf("%s: %d items, total %d", state, len(l.Items), l.Total)
			}
			lists[state] = l.Total
		}
		w := get(key{"2020-02-20", "", ""})
		if lists["missing"] != w.Expected-w.Reported || lists["reported"] != w.Reported || lists["on_time"] != w.OnTime || lists["late"] != w.Reported-w.OnTime {
			t.Errorf("lists %v, brute force %+v", lists, w)
		}
		// Rebuilding the tallies from the reports changes nothing.
		if _, err := db.RebuildDailyTallies(ctx, "2020-01-01", "2020-12-31"); err != nil {
			t.Fatal(err)
		}
		again, err := svc.DailyTrendOf(ctx, park, report.DailyParams{From: "2020-01-31", To: "2020-02-26"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range again.Points {
			a, b := again.Points[i], trend.Points[i]
			if a.Expected != b.Expected || a.Reported != b.Reported || a.OnTime != b.OnTime || !samePtr(a.ReportingRate, b.ReportingRate) {
				t.Errorf("after rebuild %+v, before %+v", again.Points[i], trend.Points[i])
			}
		}
	})
}

func samePtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// defaultDailyFields are configs/daily.yaml's fields as report sees them
// (cmd/fugong wires them from package daily).
func defaultDailyFields() []report.DailyField {
	n := func(k, l string) report.DailyField {
		return report.DailyField{Key: k, Label: l, Kind: report.DailyNumber, Column: k}
	}
	return []report.DailyField{
		n("staff_onsite", "在岗人数"), n("returned_today", "今日返岗人数"), n("returned_outside_province", "其中省外返回人数"),
		n("returned_hubei", "其中湖北返回人数"), n("quarantine_home", "居家隔离人数"), n("quarantine_central", "集中隔离人数"),
		n("fever", "发热人数"),
		{Key: "fever_handling", Label: "发热人员处置情况", Kind: report.DailyText, Column: "fever_handling", Choices: map[string]string{"fever_clinic": "已送发热门诊"}},
		n("red_code", "健康码红码人数"), n("yellow_code", "健康码黄码人数"), n("masks", "口罩库存"),
		{Key: "disinfectant_liters", Label: "消毒液库存", Kind: report.DailyNumber, Decimal: true, Column: "disinfectant_liters"},
		n("thermometers", "体温计数量"),
		{Key: "disinfected", Label: "今日已完成消杀", Kind: report.DailyYesNo, Column: "disinfected"},
		{Key: "canteen", Label: "食堂防控措施", Kind: report.DailyText, Column: "canteen", Choices: map[string]string{"closed": "食堂未开放"}},
		{Key: "remarks", Label: "备注", Kind: report.DailyText, Personal: true},
	}
}
