package roster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fugong/internal/sheet/sheettest"
)

func rosterRecord(i int) []string {
	codes := []string{"绿码", "绿码", "绿码", "黄码", "红码"}
	travel, ret, q := "无", "", ""
	if i%50 == 0 {
		travel, ret, q = "湖北武汉", "2020-02-20", "2020-03-05"
	}
	return []string{fmt.Sprintf("员工%d", i), MakeIDNumber(i), fmt.Sprintf("138%08d", i), "生产部",
		fmt.Sprintf("36.%d", i%10), codes[i%5], travel, ret, q}
}

var rosterHeader = strings.Split(strings.TrimSpace(header), ",")

func rosterFiles(b *testing.B, n int) (csvPath, xlsxPath string) {
	b.Helper()
	dir := b.TempDir()
	csvPath, xlsxPath, err := sheettest.WriteCSVAndXLSX(dir, "roster", rosterHeader, n, rosterRecord)
	if err != nil {
		b.Fatal(err)
	}
	return csvPath, xlsxPath
}

// BenchmarkParse: roster parse+validate of 10k and 100k rows, CSV and
// XLSX, with rows/s, peak heap, and the ratio to a raw encoding/csv read
// of the same rows measured in the same run.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		csvPath, xlsxPath := rosterFiles(b, n)
		_, baseline, err := sheettest.RawCSVRead(csvPath)
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range []struct{ name, path string }{{"csv", csvPath}, {"xlsx", xlsxPath}} {
			b.Run(fmt.Sprintf("%s/%d", f.name, n), func(b *testing.B) {
				var peak uint64
				start := time.Now()
				for i := 0; i < b.N; i++ {
					peak = max(peak, sheettest.PeakHeap(func() {
						res, err := Parse(context.Background(), f.path, resume, Options{})
						if err != nil || res.Summary.Rows != n {
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
}
