package demo_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/demo"
	"fugong/internal/httpapi"
	"fugong/internal/registry"
	"fugong/internal/report"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
	"fugong/internal/testenv"
)

// TestVolumeSeedShowsTheArticle seeds the demo once per database and checks
// the registry's denominators and every figure of docs/design.md §4 through the
// report package, and the above-scale rate through the HTTP API, on SQLite
// and MariaDB.
func TestVolumeSeedShowsTheArticle(t *testing.T) {
	testenv.Volume(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := areas.Default()
		start := time.Now()
		res, err := demo.Seed(ctx, db, a)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed took %v", time.Since(start))
		checkRegistry(t, db, res)
		svc := report.New(db, nil, a, nil)
		d, err := svc.Sectors(ctx, store.Scope{Role: store.RoleParkManager}, report.Params{AsOf: demo.AsOf})
		if err != nil {
			t.Fatal(err)
		}
		by := map[string]report.SectorRow{}
		for _, r := range d.Sectors {
			by[r.Key] = r
		}
		cases := []struct {
			key          string
			num, total   int64
			rate         float64
			countResumed bool
		}{
			{"industrial", 737, 1234, 59.72, false},
			{"industrial_above_scale", 303, 354, 85.59, false},
			{"service", 16948, 37687, 44.97, false},
			{"construction_south_west", 258, 417, 61.87, true},
			{"construction_east", 53, 73, 72.60, true},
		}
		for _, c := range cases {
			r := by[c.key]
			num, rate := r.Approved, r.Rate
			if c.countResumed {
				num, rate = r.Resumed, r.ResumedRate
			}
			if r.Total != c.total || num != c.num || rate == nil || *rate != c.rate {
				t.Errorf("%s: %d/%d = %v, want %d/%d = %v (%+v)", c.key, num, r.Total, rate, c.num, c.total, c.rate, r)
			}
			if r.Submitted < r.Approved || r.Submitted > r.Total || r.Returned == 0 {
				t.Errorf("%s: implausible mix %+v", c.key, r)
			}
		}
		if p := d.Problems; p.Found != 267 || p.Rectified != 252 || p.Rate == nil || *p.Rate != 94.38 {
			t.Errorf("problems %+v, want 267 / 252 / 94.38", p)
		}
		// The inspection group's side of the ledger (docs/rectification.md).
		var answered, overdue, streetTargets, byInspector int64
		g := db.Gorm()
		g.Table("problems").Where("status = 'answered'").Count(&answered)
		g.Table("problems").Where("status = 'open' AND deadline <> '' AND deadline < ?", demo.AsOf).Count(&overdue)
		g.Table("problems").Where("target_kind = 'street' AND street = 'sancha'").Count(&streetTargets)
		g.Table("problems").Where("created_by IN (SELECT id FROM users WHERE role = 'inspector')").Count(&byInspector)
		if answered == 0 || overdue == 0 || streetTargets != 1 || byInspector == 0 {
			t.Errorf("demo loop: %d answered, %d overdue, %d street findings in 三岔, %d by the inspector", answered, overdue, streetTargets, byInspector)
		}
		checkDaily(t, db)
		if rf := d.ReportForms; rf.Before != 35 || rf.After != 8 || rf.CutRate != 77.14 {
			t.Errorf("report forms %+v, want 35 → 8 (77.14)", rf)
		}
		// Later approvals exist (the trend keeps rising after the article's day).
		later, err := svc.Sectors(ctx, store.Scope{Role: store.RoleParkManager}, report.Params{AsOf: "2020-03-15"})
		if err != nil {
			t.Fatal(err)
		}
		if later.Sectors[0].Approved <= 737 {
			t.Errorf("no approvals after 2020-02-28: %+v", later.Sectors[0])
		}

		// The registry is dated: importing today (3 new enterprises, one
		// moved and made above-scale, one closed) leaves 2020-02-28 as it was.
		ents, err := db.AllEnterprises(ctx)
		if err != nil {
			t.Fatal(err)
		}
		moved, closed := ents[400], ents[401] // industrial, not above scale
		moved.Street, moved.Zone, moved.AboveScale = "hezuo", "west", true
		closed.ValidTo = time.Now().Format(time.DateOnly)
		today := []store.Enterprise{moved, closed}
		for i := 0; i < 3; i++ {
			today = append(today, store.Enterprise{CreditCode: registry.MakeCreditCode(900000 + i), Name: "新企业", Sector: "industrial",
				AboveScale: true, Zone: "south", Street: "guixi"})
		}
		if _, err := db.UpsertEnterprisesOn(ctx, today, time.Now().Format(time.DateOnly), false); err != nil {
			t.Fatal(err)
		}
		again, err := svc.WithoutCache().Sectors(ctx, store.Scope{Role: store.RoleParkManager}, report.Params{AsOf: demo.AsOf})
		if err != nil {
			t.Fatal(err)
		}
		for i := range d.Sectors {
			if a, b := again.Sectors[i], d.Sectors[i]; a.Total != b.Total || a.Approved != b.Approved || *a.Rate != *b.Rate {
				t.Errorf("%s as of %s changed after today's import: %+v, was %+v", a.Key, demo.AsOf, a, b)
			}
		}

		// One figure through the HTTP API, as the park manager.
		cfg := config.Default()
		srv := httpapi.New(httpapi.Deps{Config: cfg, Log: slog.New(slog.DiscardHandler), DB: db,
			Auth: auth.NewService(db, cfg.Auth, time.Now).WithAreas(a), Reports: report.New(db, nil, a, nil)})
		login := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"park","password":"`+demo.Password+`"}`))
		login.Header.Set("Content-Type", "application/json")
		resp, err := srv.App().Test(login, -1)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("login: %v %v", err, resp)
		}
		req := httptest.NewRequest("GET", "/api/v1/dashboard/sectors?as_of=2020-02-28", nil)
		for _, c := range resp.Cookies() {
			req.AddCookie(c)
		}
		resp, err = srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		var got struct {
			Sectors []struct {
				Key      string  `json:"key"`
				Approved int64   `json:"approved"`
				Rate     float64 `json:"rate"`
			} `json:"sectors"`
		}
		if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		if s := got.Sectors[1]; s.Key != "industrial_above_scale" || s.Approved != 303 || s.Rate != 85.59 {
			t.Errorf("HTTP above-scale row %+v, want 303 approved at 85.59", s)
		}
		if !strings.Contains(string(body), `"rate":85.59`) {
			t.Errorf("rate not rendered as 85.59: %s", body)
		}
	})
}
