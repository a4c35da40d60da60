package report_test

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/report"
	"fugong/internal/sheet/sheettest"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

const (
	dailyBenchEnterprises = storetest.DailyBenchEnterprises
	dailyBenchDays        = storetest.DailyBenchDays
)

func benchDay(i int) string { return storetest.DailyBenchDay(i) }

// BenchmarkDaily: 40,000 enterprises × 90 days of daily reports (3.24
// million) on each database: one day's reporting-rate dashboard and the
// 90-day timeliness trend (different days per run, no cache), each against
// the bare SQL a naive implementation would run in the same run (x-raw =
// raw / ours); a department's daily list view of 40,000 enterprises
// written as XLSX and CSV (peak heap while writing), against iterating the
// same rows without writing them; a grouped daily view; the street's
// missing list (page of 50).
// go test ./internal/report -run '^$' -bench 'Daily$' -benchtime 10x -timeout 60m
func BenchmarkDaily(b *testing.B) {
	for _, driver := range storetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			db := storetest.MustOpen(b, driver)
			a := areas.Default()
			t0 := time.Now()
			rb, vb := storetest.FillDailyBench(b, db, a.Streets())
			b.Logf("%s: world built in %s", driver, time.Since(t0).Round(time.Second))
			svc := report.New(db, nil, a, nil).WithoutCache()
			if err := svc.EnableDaily(report.DailySetup{FromDaysAfterApproval: 1, Fields: defaultDailyFields()}); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			park := store.Scope{Role: store.RoleParkManager}
			n := countQueries(db)
			g := storetest.RawSQL(b, db) // the baselines, without the store's read timeout
			b.Run("day-dashboard", func(b *testing.B) {
				t0 := time.Now()
				var reported, onTime int64
				if err := g.QueryRowContext(ctx, "SELECT COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END) FROM daily_reports WHERE report_date = ?", benchDay(40)).Scan(&reported, &onTime); err != nil {
					b.Fatal(err)
				}
				raw := float64(time.Since(t0).Microseconds()) / 1000
				med := timed(b, n, driver == "mysql", func(day string) error {
					_, err := svc.Daily(ctx, park, report.DailyParams{Date: day})
					return err
				})
				b.ReportMetric(raw, "raw-count-ms")
				b.ReportMetric(raw/med, "x-raw")
				b.ReportMetric(rb, "bytes/report")
				b.ReportMetric(vb, "bytes/version")
			})
			b.Run("trend-90d", func(b *testing.B) {
				t0 := time.Now()
				rows, err := g.QueryContext(ctx, "SELECT report_date, street, sector, COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END) FROM daily_reports WHERE report_date >= ? AND report_date <= ? GROUP BY report_date, street, sector",
					benchDay(0), benchDay(dailyBenchDays-1))
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
				raw := float64(time.Since(t0).Microseconds()) / 1000
				med := timed(b, n, driver == "mysql", func(day string) error {
					to, _ := time.Parse(time.DateOnly, day)
					_, err := svc.DailyTrendOf(ctx, park, report.DailyParams{From: to.AddDate(0, 0, 1-dailyBenchDays).Format(time.DateOnly), To: day})
					return err
				})
				b.ReportMetric(raw, "raw-groupby-ms")
				b.ReportMetric(raw/med, "x-raw")
			})
			b.Run("missing-page-50", func(b *testing.B) {
				timed(b, n, driver == "mysql", func(day string) error {
					_, err := svc.Reporters(ctx, store.Scope{Role: store.RoleStreetOfficial, Street: "guixi"}, report.DailyParams{Date: day}, store.DailyStateMissing, store.NormalPage(1, 50))
					return err
				})
			})
			b.Run("grouped-view", func(b *testing.B) {
				timed(b, n, driver == "mysql", func(day string) error {
					_, err := svc.WriteView(ctx, park, "shehui-daily-health", report.ViewParams{Date: day}, "xlsx", io.Discard)
					return err
				})
			})
			for _, format := range []string{"xlsx", "csv"} {
				b.Run("list-view-40k-"+format, func(b *testing.B) {
					// The baseline: the same query's rows read and dropped.
					t0 := time.Now()
					rows := 0
					dq := store.DailyViewQuery{Expected: mustExpected(b, benchDay(40)), Columns: []string{"staff_onsite", "returned_today", "masks", "disinfectant_liters", "canteen"}}
					if err := db.EachDailyRow(ctx, dq, func(*store.DailyListRow) error { rows++; return nil }); err != nil {
						b.Fatal(err)
					}
					raw := float64(time.Since(t0).Microseconds()) / 1000
					if rows != dailyBenchEnterprises {
						b.Fatalf("the view has %d rows, want %d", rows, dailyBenchEnterprises)
					}
					var peak uint64
					med := timed(b, n, driver == "mysql", func(day string) error {
						f, err := os.CreateTemp(b.TempDir(), "view")
						if err != nil {
							return err
						}
						defer f.Close()
						var werr error
						peak = max(peak, sheettest.PeakHeap(func() {
							_, werr = svc.WriteView(ctx, park, "caijin-daily-enterprises", report.ViewParams{Date: day}, format, f)
						}))
						return werr
					})
					b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
					b.ReportMetric(raw, "raw-rows-ms")
					b.ReportMetric(med/raw, "x-raw-rows")
				})
			}
		})
	}
}

func mustExpected(b *testing.B, day string) map[string]any {
	b.Helper()
	args, err := store.DailyExpectedArgs(day, 1, report.Shanghai)
	if err != nil {
		b.Fatal(err)
	}
	return args
}
