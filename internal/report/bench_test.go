package report_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync/atomic"
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
)

// benchWorld fills db with 40,000 enterprises and 100,000 filings, inserted
// directly in batches.
func benchWorld(b *testing.B, db *store.DB, a *areas.Areas) {
	b.Helper()
	ctx := context.Background()
	streets := a.Streets()
	ents := make([]store.Enterprise, benchEnterprises)
	for i := range ents {
		st := streets[i%len(streets)]
		ents[i] = store.Enterprise{CreditCode: registry.MakeCreditCode(i), Name: fmt.Sprintf("企业%05d", i),
			Sector: []string{"industrial", "service", "construction"}[i%3], AboveScale: i%7 == 0, RealEstate: i%11 == 0,
			Zone: st.Zone, Street: st.Code, Supervised: i%13 != 0}
	}
	if _, err := db.UpsertEnterprises(ctx, ents, false); err != nil {
		b.Fatal(err)
	}
	var ids []int64
	db.Gorm().Model(&store.Enterprise{}).Order("id").Pluck("id", &ids)
	fs := make([]store.Filing, benchFilings)
	for i := range fs {
		e := ents[i%len(ents)]
		sub := time.Date(2020, 2, 1+i%28, 2, i%60, 0, 0, time.UTC)
		f := store.Filing{EnterpriseID: ids[i%len(ids)], Street: e.Street, Sector: e.Sector, Status: "submitted", Version: 1, CreatedBy: 1, SubmittedAt: &sub}
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
	if err := db.Gorm().Transaction(func(tx *gorm.DB) error { return tx.CreateInBatches(&fs, 200).Error }); err != nil {
		b.Fatal(err)
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
// enterprise for its filings, counted in Go.
func naiveSectors(ctx context.Context, db *store.DB, asOf time.Time) (map[string]int64, error) {
	var ents []store.Enterprise
	if err := db.Gorm().WithContext(ctx).Find(&ents).Error; err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, e := range ents {
		var fs []store.Filing
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

// BenchmarkSectorDashboard: the sector dashboard over 40,000 enterprises and
// 100,000 filings (queries/op reported), against the per-enterprise loop.
// go test ./internal/report -run '^$' -bench SectorDashboard -benchmem -benchtime 20x
func BenchmarkSectorDashboard(b *testing.B) {
	for _, driver := range storetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			db := storetest.MustOpen(b, driver)
			a := areas.Default()
			benchWorld(b, db, a)
			svc := report.New(db, nil, a, nil)
			ctx := context.Background()
			scope := store.Scope{Role: store.RoleParkManager}
			n := countQueries(db)
			b.Run("grouped", func(b *testing.B) {
				times := make([]time.Duration, 0, b.N)
				before := n.Load()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if _, err := svc.Sectors(ctx, scope, report.Params{AsOf: "2020-02-28"}); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(t0))
				}
				sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
				b.ReportMetric(float64(n.Load()-before)/float64(b.N), "queries/op")
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "median-ms")
			})
			b.Run("naive-per-enterprise", func(b *testing.B) {
				before := n.Load()
				for i := 0; i < b.N; i++ {
					if _, err := naiveSectors(ctx, db, time.Date(2020, 2, 28, 16, 0, 0, 0, time.UTC)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n.Load()-before)/float64(b.N), "queries/op")
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
