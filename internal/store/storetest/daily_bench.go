package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite", the store's SQLite engine
	mysqldriver "github.com/go-sql-driver/mysql"

	"fugong/internal/areas"
	"fugong/internal/config"
	"fugong/internal/store"
)

// RawSQL opens a plain database/sql pool on the database of db (opened by
// MustOpen), without the store's 30 s read timeout: for bulk loads and
// the baselines of benchmarks, test-support SQL kept out of the store's
// API. Closed at cleanup.
func RawSQL(tb testing.TB, db *store.DB) *sql.DB {
	tb.Helper()
	v, ok := configs.Load(db)
	if !ok {
		tb.Fatal("storetest: the database was not opened by MustOpen")
	}
	cfg := v.(config.Database)
	driver, dsn := "mysql", cfg.DSN
	if cfg.Driver == "mysql" {
		mc, err := mysqldriver.ParseDSN(cfg.DSN)
		if err != nil {
			tb.Fatal(err)
		}
		mc.ReadTimeout, mc.WriteTimeout = 30*time.Minute, 30*time.Minute // one bulk statement runs for minutes
		dsn = mc.FormatDSN()
	}
	if cfg.Driver == "sqlite" {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(60000)")
		driver, dsn = "sqlite", cfg.DSN+"?"+q.Encode()
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

// The daily reports' scale benchmarks (internal/report, internal/httpapi)
// share this world: 40,000 enterprises × 90 days.
const (
	DailyBenchEnterprises = 40000
	DailyBenchDays        = 90
)

var dailyBenchFirst = time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC) // first report day

// DailyBenchDay is the i-th report day of the benchmark world (0 = 2020-02-01).
func DailyBenchDay(i int) string { return dailyBenchFirst.AddDate(0, 0, i).Format(time.DateOnly) }

// FillDailyBench fills db (a fresh, migrated database) with 40,000 enterprises approved between
// 2020-01-20 and 2020-01-31 (so all of them report from 2020-02-01) and
// 90 days of reports (2020-02-01 .. 2020-04-30): 90 % of the enterprises
// report each day, five in six of those on time — 3.24 million reports,
// written by INSERT … SELECT over a table of days, one day per statement,
// then the tallies recounted (bulk SQL skips the ORM hook that keeps them).
// Credit codes are synthetic (the store does not check them). It returns
// the bytes the reports took (table and indexes) per report and
// per version row, measured by the database.
func FillDailyBench(b testing.TB, db *store.DB, streets []areas.Street) (reportBytes, versionBytes float64) {
	b.Helper()
	ctx := context.Background()
	ents := make([]store.Enterprise, DailyBenchEnterprises)
	for i := range ents {
		st := streets[i%len(streets)]
		ents[i] = store.Enterprise{CreditCode: fmt.Sprintf("91510100BENCH%05d", i), Name: fmt.Sprintf("成都高新企业%05d有限公司", i),
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
	g := RawSQL(b, db)
	if _, err := g.ExecContext(ctx, "CREATE TABLE bench_days (n INT NOT NULL, day VARCHAR(10) NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < DailyBenchDays; i++ {
		if _, err := g.ExecContext(ctx, "INSERT INTO bench_days (n, day) VALUES (?, ?)", i, DailyBenchDay(i)); err != nil {
			b.Fatal(err)
		}
	}
	before := tableBytes(b, db.Driver(), g, "daily_reports")
	// As each driver stores a time: SQLite as text with the offset.
	filed := "2020-02-01 01:30:00"
	if db.Driver() == "sqlite" {
		filed += "+00:00"
	}
	// One day per statement, in day order, as reports arrive in production:
	// a day's rows sit together in the table (its clustered index on
	// MariaDB), which is what the per-day reads find.
	const step = 1
	for from := 0; from < DailyBenchDays; from += step {
		_, err := g.ExecContext(ctx, `INSERT INTO daily_reports (enterprise_id, report_date, street, sector, zone, def_version, version, on_time, warnings,
  values_json, submitted_at, updated_at, submitted_by, via_token, staff_onsite, returned_today, returned_outside_province, returned_hubei,
  quarantine_home, quarantine_central, fever, red_code, yellow_code, masks, disinfectant_liters, thermometers, disinfected, canteen)
SELECT v.enterprise_id, d.day, v.street, v.sector, v.zone, 1, 1, (v.enterprise_id + d.n) % 6 <> 0, 0,
  '{"staff_onsite":0,"masks":0,"remarks":"—"}', ?, ?, 'bench', 0, v.enterprise_id % 200, (v.enterprise_id + d.n) % 7, (v.enterprise_id + d.n) % 3, 0,
  v.enterprise_id % 4, 0, CASE WHEN (v.enterprise_id + d.n) % 997 = 0 THEN 1 ELSE 0 END, 0, v.enterprise_id % 5 = 0, (v.enterprise_id * 3 + d.n) % 1000,
  (v.enterprise_id % 50) * 0.5, v.enterprise_id % 9, (v.enterprise_id + d.n) % 3 <> 0, 'boxed_meals'
FROM enterprise_versions v CROSS JOIN bench_days d
WHERE d.n >= ? AND d.n < ? AND (v.enterprise_id * 7 + d.n) % 10 <> 0`, filed, filed, from, from+step)
		if err != nil {
			b.Fatal(err)
		}
	}
	var n int64
	if err := g.QueryRowContext(ctx, "SELECT COUNT(*) FROM daily_reports").Scan(&n); err != nil {
		b.Fatal(err)
	}
	reportBytes = float64(tableBytes(b, db.Driver(), g, "daily_reports")-before) / float64(n)
	// Every filing also keeps its version row: one day's worth measures it.
	vb := tableBytes(b, db.Driver(), g, "daily_report_versions")
	res, err := g.ExecContext(ctx, `INSERT INTO daily_report_versions (report_id, version, enterprise_id, report_date, def_version, late, values_json, note, created_by, via_token, created_at)
SELECT id, 1, enterprise_id, report_date, 1, 0, '{"staff_onsite":120,"returned_today":3,"returned_outside_province":1,"returned_hubei":0,"quarantine_home":2,"quarantine_central":0,"fever":0,"red_code":0,"yellow_code":1,"masks":640,"disinfectant_liters":12.5,"thermometers":6,"disinfected":true,"canteen":"boxed_meals"}', '', 'bench', 0, submitted_at
FROM daily_reports WHERE report_date = ?`, DailyBenchDay(0))
	if err != nil {
		b.Fatal(err)
	}
	nv, _ := res.RowsAffected()
	versionBytes = float64(tableBytes(b, db.Driver(), g, "daily_report_versions")-vb) / float64(nv)
	if _, err := db.RebuildDailyTallies(ctx, DailyBenchDay(0), DailyBenchDay(DailyBenchDays-1)); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d reports, %.0f bytes each with indexes, %.0f bytes per version row", n, reportBytes, versionBytes)
	return reportBytes, versionBytes
}

// tableBytes is the space a table and its indexes take, as the database
// counts it (SQLite: the file's used pages, the whole database, which is
// what grows; MariaDB: data + index length after ANALYZE).
func tableBytes(b testing.TB, driver string, g *sql.DB, table string) int64 {
	b.Helper()
	ctx := context.Background()
	var n int64
	if driver == "mysql" {
		if _, err := g.ExecContext(ctx, "ANALYZE TABLE "+table); err != nil {
			b.Fatal(err)
		}
		if err := g.QueryRowContext(ctx, "SELECT data_length + index_length FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", table).Scan(&n); err != nil {
			b.Fatal(err)
		}
		return n
	}
	var pages, free, size int64
	for q, dst := range map[string]*int64{"PRAGMA page_count": &pages, "PRAGMA freelist_count": &free, "PRAGMA page_size": &size} {
		if err := g.QueryRowContext(ctx, q).Scan(dst); err != nil {
			b.Fatal(err)
		}
	}
	return (pages - free) * size
}
