package daily_test

import (
	"context"
	"testing"
	"time"

	"fugong/internal/daily"
	"fugong/internal/rules"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// BenchmarkSubmit files one report per iteration (a new day each, so every
// one is a first filing with its rules, flags, version and audit entry),
// on each database. Compare with BenchmarkCorrect of the same run.
//
//	go test -run '^$' -bench 'Submit|Correct' ./internal/daily/
func BenchmarkSubmit(b *testing.B) {
	for _, driver := range storetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			db := storetest.MustOpen(b, driver)
			f := benchFixture(b, db)
			ctx := context.Background()
			start := at("2020-02-11", "09:00")
			in := values(20, 1, map[string]any{"fever_handling": "fever_clinic"})
			b.ResetTimer()
			for i := range b.N {
				day := start.AddDate(0, 0, i%300)
				f.clock.Set(day)
				if i >= 300 { // past the days: correct instead
					in = values(20+i%7, 1, map[string]any{"fever_handling": "fever_clinic"})
				}
				if _, _, err := f.svc.Put(ctx, f.owner, day.Format(time.DateOnly), in); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			// What a version stores (the package comment's growth figures).
			var size struct{ V, I float64 }
			if err := db.Gorm().Raw("SELECT AVG(LENGTH(values_json)) AS v, AVG(LENGTH(rule_input)) AS i FROM daily_report_versions").Scan(&size).Error; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(size.V, "values-B/version")
			b.ReportMetric(size.I, "rule-input-B/version")
		})
	}
}

// BenchmarkCorrect corrects the same day's report each iteration.
func BenchmarkCorrect(b *testing.B) {
	for _, driver := range storetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			db := storetest.MustOpen(b, driver)
			f := benchFixture(b, db)
			ctx := context.Background()
			f.clock.Set(at("2020-02-12", "09:00"))
			if _, _, err := f.svc.Put(ctx, f.owner, "2020-02-12", values(20, 0, nil)); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := f.svc.Correct(ctx, f.owner, "2020-02-12", values(21+i%2, 0, nil)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchFixture(b *testing.B, db *store.DB) *fixture {
	b.Helper()
	f := mustFixtureTB(b, db)
	engine := rules.NewEngineKind(rules.KindDaily, "../../rules/daily", nil)
	if _, err := engine.Reload(context.Background()); err != nil {
		b.Fatal(err)
	}
	f.svc = daily.New(daily.Deps{DB: db, Rules: engine, Now: f.clock.Now})
	return f
}
