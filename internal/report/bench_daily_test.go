package report_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/registry"
	"fugong/internal/report"
	"fugong/internal/sheet/sheettest"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

const (
	dailyBenchEnterprises = 40000
	dailyBenchDays        = 90
)

var dailyBenchFirst = time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC) // first report day

func benchDay(i int) string { return dailyBenchFirst.AddDate(0, 0, i).Format(time.DateOnly) }

// dailyBenchWorld fills db with 40,000 enterprises approved between
// 2020-01-20 and 2020-01-31 (so all of them report from 2020-02-01) and
// 90 days of reports (2020-02-01 .. 2020-04-30): 90 % of the enterprises
// report each day, five in six of those on time — 3.24 million reports,
// written by INSERT … SELECT over a table of days, ten days per statement,
// then the tallies recounted (bulk SQL skips the ORM hook that keeps them).
// It returns the bytes the reports took (table and indexes) per report and
// per version row, measured by the database.
func dailyBenchWorld(b *testing.B, db *store.DB, a *areas.Areas) (reportBytes, versionBytes float64) {
	b.Helper()
	ctx := context.Background()
	streets := a.Streets()
	ents := make([]store.Enterprise, dailyBenchEnterprises)
	for i := range ents {
		st := streets[i%len(streets)]
		ents[i] = store.Enterprise{CreditCode: registry.MakeCreditCode(i), Name: fmt.Sprintf("成都高新企业%05d有限公司", i),
			Sector: []string{"industrial", "service", "construction"}[i%3], Zone: st.Zone, Street: st.Code, Supervised: true, ValidFrom: "2020-01-01"}
	}
	if _, err := db.UpsertEnterprisesOn(ctx, ents, "2020-01-01", false); err != nil {
		b.Fatal(err)
	}
	all, err := db.AllEnterprises(ctx)
	if err != nil {
		b.Fatal(err)
	}
	fs := make([]store.Filing, len(all))
	for i, e := range all {
		at := time.Date(2020, 1, 20+i%12, 2, i%60, 0, 0, time.UTC)
		fs[i] = store.Filing{EnterpriseID: e.ID, Street: e.Street, Sector: e.Sector, Status: "approved", Version: 1, CreatedBy: 1,
			SubmittedAt: &at, ApprovedAt: &at, DecidedAt: &at}
	}
	if err := db.Tx(ctx, func(tx *store.DB) error { return tx.InsertFilingsBulk(ctx, fs) }); err != nil {
		b.Fatal(err)
	}
	if _, err := db.RebuildTimeline(ctx); err != nil {
		b.Fatal(err)
	}
	g := db.Gorm()
	if err := g.Exec("CREATE TABLE bench_days (n INT NOT NULL, day VARCHAR(10) NOT NULL)").Error; err != nil {
		b.Fatal(err)
	}
	for i := 0; i < dailyBenchDays; i++ {
		if err := g.Exec("INSERT INTO bench_days (n, day) VALUES (?, ?)", i, benchDay(i)).Error; err != nil {
			b.Fatal(err)
		}
	}
	before := tableBytes(b, db, "daily_reports")
	filed := time.Date(2020, 2, 1, 1, 30, 0, 0, time.UTC)
	for from := 0; from < dailyBenchDays; from += 10 {
		err := g.Exec(`INSERT INTO daily_reports (enterprise_id, report_date, street, sector, zone, def_version, version, on_time, warnings,
  values_json, submitted_at, updated_at, submitted_by, via_token, staff_onsite, returned_today, returned_outside_province, returned_hubei,
  quarantine_home, quarantine_central, fever, red_code, yellow_code, masks, disinfectant_liters, thermometers, disinfected, canteen)
SELECT v.enterprise_id, d.day, v.street, v.sector, v.zone, 1, 1, (v.enterprise_id + d.n) % 6 <> 0, 0,
  '{"staff_onsite":0,"masks":0,"remarks":"—"}', ?, ?, 'bench', 0, v.enterprise_id % 200, (v.enterprise_id + d.n) % 7, (v.enterprise_id + d.n) % 3, 0,
  v.enterprise_id % 4, 0, CASE WHEN (v.enterprise_id + d.n) % 997 = 0 THEN 1 ELSE 0 END, 0, v.enterprise_id % 5 = 0, (v.enterprise_id * 3 + d.n) % 1000,
  (v.enterprise_id % 50) * 0.5, v.enterprise_id % 9, (v.enterprise_id + d.n) % 3 <> 0, 'boxed_meals'
FROM enterprise_versions v CROSS JOIN bench_days d
WHERE d.n >= ? AND d.n < ? AND (v.enterprise_id * 7 + d.n) % 10 <> 0`, filed, filed, from, from+10).Error
		if err != nil {
			b.Fatal(err)
		}
	}
	var n int64
	g.Table("daily_reports").Count(&n)
	reportBytes = float64(tableBytes(b, db, "daily_reports")-before) / float64(n)
	// Every filing also keeps its version row: one day's worth measures it.
	vb := tableBytes(b, db, "daily_report_versions")
	res := g.Exec(`INSERT INTO daily_report_versions (report_id, version, enterprise_id, report_date, def_version, late, values_json, note, created_by, via_token, created_at)
SELECT id, 1, enterprise_id, report_date, 1, 0, '{"staff_onsite":120,"returned_today":3,"returned_outside_province":1,"returned_hubei":0,"quarantine_home":2,"quarantine_central":0,"fever":0,"red_code":0,"yellow_code":1,"masks":640,"disinfectant_liters":12.5,"thermometers":6,"disinfected":true,"canteen":"boxed_meals"}', '', 'bench', 0, submitted_at
FROM daily_reports WHERE report_date = ?`, benchDay(0))
	if res.Error != nil {
		b.Fatal(res.Error)
	}
	versionBytes = float64(tableBytes(b, db, "daily_report_versions")-vb) / float64(res.RowsAffected)
	if _, err := db.RebuildDailyTallies(ctx, benchDay(0), benchDay(dailyBenchDays-1)); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d reports, %.0f bytes each with indexes, %.0f bytes per version row", n, reportBytes, versionBytes)
	return reportBytes, versionBytes
}

// tableBytes is the space a table and its indexes take, as the database
// counts it (SQLite: dbstat pages; MariaDB: data + index length after
// ANALYZE).
func tableBytes(b *testing.B, db *store.DB, table string) int64 {
	b.Helper()
	var n int64
	g := db.Gorm()
	if db.Driver() == "mysql" {
		if err := g.Exec("ANALYZE TABLE " + table).Error; err != nil {
			b.Fatal(err)
		}
		g.Raw("SELECT data_length + index_length FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", table).Scan(&n)
		return n
	}
	// The file's used pages: the whole database, which is what grows.
	var pages, free, size int64
	g.Raw("PRAGMA page_count").Scan(&pages)
	g.Raw("PRAGMA freelist_count").Scan(&free)
	g.Raw("PRAGMA page_size").Scan(&size)
	return (pages - free) * size
}

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
			rb, vb := dailyBenchWorld(b, db, a)
			b.Logf("%s: world built in %s", driver, time.Since(t0).Round(time.Second))
			svc := report.New(db, nil, a, nil).WithoutCache()
			if err := svc.EnableDaily(report.DailySetup{FromDaysAfterApproval: 1, Fields: defaultDailyFields()}); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			park := store.Scope{Role: store.RoleParkManager}
			n := countQueries(db)
			g := db.Gorm()
			b.Run("day-dashboard", func(b *testing.B) {
				t0 := time.Now()
				var reported, onTime int64
				g.Raw("SELECT COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END) FROM daily_reports WHERE report_date = ?", benchDay(40)).Row().Scan(&reported, &onTime)
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
				rows, err := g.Raw("SELECT report_date, street, sector, COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END) FROM daily_reports WHERE report_date >= ? AND report_date <= ? GROUP BY report_date, street, sector",
					benchDay(0), benchDay(dailyBenchDays-1)).Rows()
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
