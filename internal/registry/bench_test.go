package registry

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/sheet/sheettest"
)

// BenchmarkParse: a 40,000-row registry (the zone's real size) as CSV and
// XLSX, with rows/s, peak heap and the ratio to a raw encoding/csv read of
// the same rows measured in the same run.
func BenchmarkParse(b *testing.B) {
	const n = 40_000
	csvPath := registryCSV(b, n)
	xlsxPath := filepath.Join(b.TempDir(), "registry.xlsx")
	streets := areas.Default().Streets()
	err := sheettest.WriteXLSX(xlsxPath, func(i int) []any {
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
	_, baseline, err := sheettest.RawCSVRead(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	a := areas.Default()
	for _, f := range []struct{ name, path string }{{"csv", csvPath}, {"xlsx", xlsxPath}} {
		b.Run(fmt.Sprintf("%s/%d", f.name, n), func(b *testing.B) {
			var peak uint64
			start := time.Now()
			for i := 0; i < b.N; i++ {
				peak = max(peak, sheettest.PeakHeap(func() {
					rows, err := Parse(context.Background(), f.path, a, Options{})
					if err != nil || len(rows) != n {
						b.Fatal(err)
					}
				}))
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(n)/per.Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(per)/float64(baseline), "x-raw-csv")
		})
	}
}
