package report_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"fugong/internal/areas"
	"fugong/internal/registry"
	"fugong/internal/report"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

const (
	benchEnterprises = 40000
	benchFilings     = 100000
	benchProblems    = 20000
	benchMoved       = 2000 // enterprises that move street on 2020-02-15: a second version each
)

// benchWorld fills db with 40,000 enterprises dated from 2020-01-01 (2,000
// of them moving street on 2020-02-15, 400 closing on 2020-02-20), 100,000
// filings and 20,000 problems, written in bulk, then builds the timeline.
func benchWorld(b *testing.B, db *store.DB, a *areas.Areas) {
	b.Helper()
	ctx := context.Background()
	streets := a.Streets()
	ents := make([]store.Enterprise, benchEnterprises)
	for i := range ents {
		st := streets[i%len(streets)]
		ents[i] = store.Enterprise{CreditCode: registry.MakeCreditCode(i), Name: fmt.Sprintf("企业%05d", i),
			Sector: []string{"industrial", "service", "construction"}[i%3], AboveScale: i%7 == 0, RealEstate: i%11 == 0,
			Zone: st.Zone, Street: st.Code, Supervised: i%13 != 0, ValidFrom: "2020-01-01"}
	}
	if _, err := db.UpsertEnterprisesOn(ctx, ents, "2020-01-01", false); err != nil {
		b.Fatal(err)
	}
	var later []store.Enterprise
	for i := 0; i < benchMoved; i++ {
		e := ents[i*(benchEnterprises/benchMoved)]
		e.ValidFrom = ""
		st := streets[(i+3)%len(streets)]
		e.Street, e.Zone = st.Code, st.Zone
		if i%5 == 0 {
			e.ValidTo = "2020-02-21" // closed on 2020-02-20
		}
		later = append(later, e)
	}
	if _, err := db.UpsertEnterprisesOn(ctx, later, "2020-02-15", false); err != nil {
		b.Fatal(err)
	}
	all, err := db.AllEnterprises(ctx)
	if err != nil {
		b.Fatal(err)
	}
	fs := make([]store.Filing, benchFilings)
	for i := range fs {
		e := all[i%len(all)]
		sub := time.Date(2020, 2, 1+i%28, 2, i%60, 0, 0, time.UTC)
		f := store.Filing{EnterpriseID: e.ID, Street: e.Street, Sector: e.Sector, Status: "submitted", Version: 1, CreatedBy: 1, SubmittedAt: &sub}
		switch i % 5 {
		case 0, 1:
			appr := sub.Add(30 * time.Hour)
			f.Status, f.ApprovedAt, f.DecidedAt, f.ResumedDate = "approved", &appr, &appr, appr.Format(time.DateOnly)
		case 2:
			dec := sub.Add(20 * time.Hour)
			f.Status, f.DecidedAt = "returned", &dec
		case 3:
			f.Status, f.SubmittedAt = "draft", nil
		}
		fs[i] = f
	}
	if err := db.Tx(ctx, func(tx *store.DB) error { return tx.InsertFilingsBulk(ctx, fs) }); err != nil {
		b.Fatal(err)
	}
	if _, err := db.RebuildTimeline(ctx); err != nil {
		b.Fatal(err)
	}
	ps := make([]store.Problem, 0, 1000)
	for i := 0; i < benchProblems; i++ {
		e := all[(i*7)%len(all)]
		created := time.Date(2020, 2, 1+i%28, 3, 0, 0, 0, time.UTC)
		p := store.Problem{EnterpriseID: &e.ID, Street: e.Street, Sector: e.Sector, Source: "inspection", Title: "问题", Status: "open", CreatedBy: 1, CreatedAt: created}
		if i%3 != 0 {
			rt := created.Add(48 * time.Hour)
			p.Status, p.RectifiedAt = "rectified", &rt
		}
		ps = append(ps, p)
		if len(ps) == cap(ps) {
			if err := db.CreateProblems(ctx, ps); err != nil {
				b.Fatal(err)
			}
			ps = ps[:0]
		}
	}
}

// countQueries counts the statements GORM runs on db from now on.
func countQueries(db *store.DB) *atomic.Int64 {
	var n atomic.Int64
	inc := func(*gorm.DB) { n.Add(1) }
	cb := db.Gorm().Callback()
	cb.Query().After("gorm:query").Register("bench:count_query", inc)
	cb.Row().After("gorm:row").Register("bench:count_row", inc)
	cb.Raw().After("gorm:raw").Register("bench:count_raw", inc)
	return &n
}

// naiveSectors is the baseline the dashboard replaces: one query per
// enterprise for its filings, counted in Go (the registry as it stands, so
// it does less than the dashboard: no dates, no problems).
func naiveSectors(ctx context.Context, db *store.DB, asOf time.Time) (map[string]int64, error) {
	ents, err := db.AllEnterprises(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, e := range ents {
		var fs []store.Filing // one query per enterprise
		if err := db.Gorm().WithContext(ctx).Where("enterprise_id = ?", e.ID).Find(&fs).Error; err != nil {
			return nil, err
		}
		for _, p := range report.Populations() {
			if !p.Matches(e) {
				continue
			}
			out[p.Key+".total"]++
			for _, f := range fs {
				if f.ApprovedAt != nil && f.ApprovedAt.Before(asOf) {
					out[p.Key+".approved"]++
					break
				}
			}
		}
	}
	return out, nil
}

// cpuTime is the CPU time this process has used (user + system): on SQLite,
// which runs in-process, the work a query cost whatever else loads the
// machine; on MariaDB only the client's share.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time the MariaDB server process has used, read from
// /proc through the pid file scripts/services.sh writes (0 when unknown).
// The server is shared by every test running on the machine, so a figure
// derived from it is an upper bound on what the benchmark's queries cost.
func serverCPU() time.Duration {
	pid, err := os.ReadFile(os.Getenv("FUGONG_TEST_MYSQL_PIDFILE"))
	if err != nil {
		return 0
	}
	stat, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pid)) + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // utime, stime: fields 14 and 15 of proc(5)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ = 100
}

// timed runs fn b.N times, each on a different day (so no cache can
// answer), and reports the median wall time in ms, the mean CPU time of
// this process in ms (with server, of the MariaDB server too), and the
// queries per run; a run that queried nothing
// fails the benchmark (it would be timing a cache).
func timed(b *testing.B, n *atomic.Int64, server bool, fn func(day string) error) float64 {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	before := n.Load()
	c0, s0 := cpuTime(), time.Duration(0)
	if server {
		s0 = serverCPU()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		day := time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%60).Format(time.DateOnly)
		t0 := time.Now()
		if err := fn(day); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1000/float64(b.N), "cpu-ms")
	if s0 > 0 {
		b.ReportMetric(float64((serverCPU()-s0).Microseconds())/1000/float64(b.N), "server-cpu-ms")
	}
	q := float64(n.Load()-before) / float64(b.N)
	if q < 1 {
		b.Fatalf("%.1f queries per run: this would time a cache, not the query", q)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	med := float64(times[len(times)/2].Microseconds()) / 1000
	b.ReportMetric(q, "queries/op")
	b.ReportMetric(med, "median-ms")
	return med
}

// BenchmarkDashboards: at 40,000 enterprises (42,000 registry versions),
// 100,000 filings and 20,000 problems, the uncached sector dashboard (a
// different day per run, cache off), against the per-enterprise loop timed
// once in the same run (x-naive = naive / median); the trend over 90 days;
// a drill-down page of 50 (with and without a search); and the cached
// dashboard, separately.
// go test ./internal/report -run '^$' -bench Dashboards -benchtime 20x
func BenchmarkDashboards(b *testing.B) {
	for _, driver := range storetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			db := storetest.MustOpen(b, driver)
			a := areas.Default()
			benchWorld(b, db, a)
			svc := report.New(db, nil, a, nil).WithoutCache()
			ctx := context.Background()
			scope := store.Scope{Role: store.RoleParkManager}
			n := countQueries(db)
			t0 := time.Now()
			if _, err := naiveSectors(ctx, db, time.Date(2020, 2, 28, 16, 0, 0, 0, time.UTC)); err != nil {
				b.Fatal(err)
			}
			naive := float64(time.Since(t0).Microseconds()) / 1000
			b.Run("sectors", func(b *testing.B) {
				med := timed(b, n, driver == "mysql", func(day string) error {
					_, err := svc.Sectors(ctx, scope, report.Params{AsOf: day})
					return err
				})
				b.ReportMetric(naive, "naive-ms")
				b.ReportMetric(naive/med, "x-naive")
			})
			b.Run("streets", func(b *testing.B) {
				timed(b, n, driver == "mysql", func(day string) error {
					_, err := svc.Streets(ctx, scope, report.Params{AsOf: day, Sector: "service"})
					return err
				})
			})
			b.Run("trend-90d", func(b *testing.B) {
				timed(b, n, driver == "mysql", func(day string) error {
					to, _ := time.Parse(time.DateOnly, day)
					_, err := svc.Trend(ctx, scope, report.Params{Sector: "service", From: to.AddDate(0, 0, -89).Format(time.DateOnly), To: day})
					return err
				})
			})
			b.Run("drill-page-50", func(b *testing.B) {
				timed(b, n, driver == "mysql", func(day string) error {
					_, err := svc.Enterprises(ctx, scope, report.DrillParams{AsOf: day, Sector: "service", State: store.StateApproved, Page: store.NormalPage(3, 50)})
					return err
				})
			})
			b.Run("drill-page-50-search", func(b *testing.B) {
				timed(b, n, driver == "mysql", func(day string) error {
					_, err := svc.Enterprises(ctx, scope, report.DrillParams{AsOf: day, Q: "企业1", Page: store.NormalPage(2, 50)})
					return err
				})
			})
			b.Run("sectors-cached", func(b *testing.B) {
				cached := report.New(db, nil, a, nil)
				if _, err := cached.Sectors(ctx, scope, report.Params{AsOf: "2020-02-28"}); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := cached.Sectors(ctx, scope, report.Params{AsOf: "2020-02-28"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkXLSX40k writes a 40,000-row, 8-column table as XLSX and reports
// the peak heap in use while writing.
// go test ./internal/report -run '^$' -bench XLSX -benchmem -benchtime 3x
func BenchmarkXLSX40k(b *testing.B) {
	t := &report.Table{Title: "测试", Columns: []report.TableColumn{{Key: "a", Title: "企业", Kind: report.KindText},
		{Key: "b", Title: "街道", Kind: report.KindText}, {Key: "c", Title: "日期", Kind: report.KindDate}, {Key: "d", Title: "人数", Kind: report.KindInt},
		{Key: "e", Title: "在岗", Kind: report.KindInt}, {Key: "f", Title: "口罩", Kind: report.KindInt}, {Key: "g", Title: "率", Kind: report.KindPercent},
		{Key: "h", Title: "状态", Kind: report.KindText}}}
	for i := 0; i < 40000; i++ {
		t.Rows = append(t.Rows, []any{fmt.Sprintf("成都高新企业%05d有限公司", i), "桂溪街道", "2020-02-12", int64(i % 500), int64(i % 300), int64(i * 3), float64(i%10000) / 100, "已通过"})
	}
	for _, format := range []string{"xlsx", "csv"} {
		b.Run(format, func(b *testing.B) {
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			var peak atomic.Uint64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				var m runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(2 * time.Millisecond):
						runtime.ReadMemStats(&m)
						if m.HeapInuse > peak.Load() {
							peak.Store(m.HeapInuse)
						}
					}
				}
			}()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var err error
				if format == "xlsx" {
					err = t.WriteXLSX(io.Discard)
				} else {
					err = t.WriteCSV(io.Discard)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(stop)
			<-done
			b.ReportMetric(float64(peak.Load()-min(peak.Load(), base.HeapInuse))/(1<<20), "peak-heap-MB")
		})
	}
}
