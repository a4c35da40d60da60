package registry

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/sheet/sheettest"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// registryXLSXFile writes the rows of registryCSV as an XLSX (inline
// strings, excelize's stream writer).
func registryXLSXFile(b *testing.B, n int) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), "registry.xlsx")
	streets := areas.Default().Streets()
	err := sheettest.WriteXLSX(p, func(i int) []any {
		var rec []string
		switch {
		case i == 0:
			rec = []string{"统一社会信用代码", "企业名称", "行业", "规上", "房地产", "片区", "街道", "纳入监管"}
		case i <= n:
			rec = registryRecord(i-1, streets)
		default:
			return nil
		}
		row := make([]any, len(rec))
		for j, c := range rec {
			row[j] = c
		}
		return row
	})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkImport (issue 3) measures the whole registry.Import of an n-row
// registry, CSV and XLSX, into a fresh SQLite file and a fresh MariaDB
// database per iteration, next to the parse alone (registry.Parse, the
// "parse" driver) of the same file in the same run, so the database's share
// is visible.
//
//	source /tmp/fugong-services/env.sh   # or: source "$(scripts/services.sh env)"
//	go test ./internal/registry -run '^$' -bench BenchmarkImport -benchtime 1x -count 3 -benchmem
//
// Metrics: rows/s and s/import from the time of the call alone (database
// creation and migration excluded); peak-heap-MiB is the peak of live heap
// objects above the level before the call (sheettest.PeakHeap, 1 ms
// sampling, runtime/metrics).
func BenchmarkImport(b *testing.B) {
	a := areas.Default()
	for _, n := range []int{10_000, 40_000} {
		files := []struct{ name, path string }{{"csv", registryCSV(b, n)}, {"xlsx", registryXLSXFile(b, n)}}
		for _, f := range files {
			for _, driver := range []string{"parse", "sqlite", "mysql"} {
				b.Run(fmt.Sprintf("%s/%d/%s", f.name, n, driver), func(b *testing.B) {
					var peak uint64
					var took time.Duration
					for i := 0; i < b.N; i++ {
						b.StopTimer()
						var db *store.DB
						if driver != "parse" {
							db = storetest.MustOpen(b, driver)
						}
						b.StartTimer()
						peak = max(peak, sheettest.PeakHeap(func() {
							start := time.Now()
							ctx := context.Background()
							if db == nil {
								rows, err := Parse(ctx, f.path, a, Options{})
								if err != nil || len(rows) != n {
									b.Fatalf("parse: %d rows, %v", len(rows), err)
								}
							} else {
								res, _, err := New(db, a).Import(ctx, auth.CLI(), f.path, "bench", false)
								if err != nil || res.Created != n {
									b.Fatalf("import: %+v, %v", res, err)
								}
							}
							took += time.Since(start)
						}))
					}
					per := took / time.Duration(b.N)
					b.ReportMetric(float64(n)/per.Seconds(), "rows/s")
					b.ReportMetric(per.Seconds(), "s/import")
					b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				})
			}
		}
	}
}

// BenchmarkInsertBatchSize is the evidence for the MariaDB finding in
// docs/benchmarks.md: the INSERT phase of store.UpsertEnterprises
// (CreateInBatches inside one transaction, fresh database) with the batch
// size it uses (100) and larger ones, 40,000 parsed registry rows, same run.
//
//	go test ./internal/registry -run '^$' -bench BenchmarkInsertBatchSize -benchtime 1x -count 3
func BenchmarkInsertBatchSize(b *testing.B) {
	const n = 40_000
	rows, err := Parse(context.Background(), registryCSV(b, n), areas.Default(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, driver := range []string{"mysql", "sqlite"} {
		for _, size := range []int{100, 500, 1000, 2000} {
			b.Run(fmt.Sprintf("%s/batch-%d", driver, size), func(b *testing.B) {
				var took time.Duration
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					db := storetest.MustOpen(b, driver)
					ents := ToEnterprises(rows)
					now := time.Now().UTC()
					for j := range ents {
						ents[j].CreatedAt, ents[j].UpdatedAt = now, now
					}
					b.StartTimer()
					start := time.Now()
					if err := db.Gorm().Transaction(func(tx *gorm.DB) error { return tx.CreateInBatches(&ents, size).Error }); err != nil {
						b.Fatal(err)
					}
					took += time.Since(start)
				}
				b.ReportMetric(float64(n)/(took.Seconds()/float64(b.N)), "rows/s")
			})
		}
	}
}
