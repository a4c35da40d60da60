package demo_test

import (
	"context"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/daily"
	"fugong/internal/demo"
	"fugong/internal/parktime"
	"fugong/internal/report"
	"fugong/internal/store"
)

// checkDaily seeds the demo's fortnight of daily reports into db (the demo
// registry and filings already there) at a fixed evening and checks them
// through the report service, as the dashboards read them: the figures of
// every day add up to what the seed filed, reporting and on-time rates are
// realistic, fever cases and mask shortages raised rule-free reports that
// the service still counts, and the demo account's days are as the
// browser test expects (yesterday filed, three days ago and today not).
// Called by TestVolumeSeedShowsTheArticle, which seeds once per database.
func checkDaily(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC) // 21:00 in the park
	def := daily.DefaultDefinition()
	start := time.Now()
	res, err := demo.SeedDaily(ctx, db, def, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("daily seed took %v: %+v", time.Since(start), res)
	svc := report.New(db, nil, areas.Default(), nil)
	if err := svc.EnableDaily(def.ReportSetup()); err != nil {
		t.Fatal(err)
	}
	var expected, reported, onTime int64
	for d := 0; d < demo.DailyDays; d++ {
		day := parktime.In(now).AddDate(0, 0, d-demo.DailyDays+1).Format(time.DateOnly)
		f, err := svc.Daily(ctx, store.Scope{Role: store.RoleParkManager}, report.DailyParams{Date: day})
		if err != nil {
			t.Fatal(err)
		}
		expected, reported, onTime = expected+f.Expected, reported+f.Reported, onTime+f.OnTime
		if f.ReportingRate == nil || *f.ReportingRate < 88 || *f.ReportingRate > 98 {
			t.Errorf("%s: reporting rate %v, want about 95%%", day, f.ReportingRate)
		}
	}
	if reported != int64(res.Reports) || reported-onTime != int64(res.Late) || expected-reported != int64(res.Missing) {
		t.Errorf("dashboards count %d expected, %d reported, %d late; the seed filed %d, %d late, %d missing",
			expected, reported, reported-onTime, res.Reports, res.Late, res.Missing)
	}
	if res.Fever == 0 || res.MasksLow == 0 || res.Corrected == 0 {
		t.Errorf("no fever case, mask shortage or correction: %+v", res)
	}
	u, err := db.UserByUsername(ctx, "qiye")
	if err != nil || u.EnterpriseID == nil {
		t.Fatalf("demo account: %v", err)
	}
	for d, want := range map[int]bool{-1: true, -3: false, 0: false} {
		day := parktime.In(now).AddDate(0, 0, d).Format(time.DateOnly)
		_, err := db.DailyReportOf(ctx, store.ScopeAll, *u.EnterpriseID, day)
		if got := err == nil; got != want {
			t.Errorf("demo account's report of %s: filed %v, want %v (%v)", day, got, want, err)
		}
	}
}
