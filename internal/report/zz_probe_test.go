package report_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fugong/internal/areas"
	"fugong/internal/store/storetest"
)

func BenchmarkProbeMy(b *testing.B) {
	ctx := context.Background()
	db := storetest.MustOpen(b, "mysql")
	benchWorld(b, db, areas.Default())
	end := time.Date(2020, 2, 28, 16, 0, 0, 0, time.UTC)
	explain := func(q string, args ...any) {
		rows, err := db.Gorm().Raw("EXPLAIN "+q, args...).Rows()
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			s := ""
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				s += fmt.Sprintf("%s=%v ", cols[i], v)
			}
			b.Log(s)
		}
		rows.Close()
	}
	explain(`SELECT v.sector, v.above_scale, v.real_estate, v.supervised, v.zone, v.street, COUNT(*), SUM(CASE WHEN v.submitted_at < ? THEN 1 ELSE 0 END) FROM enterprise_versions v WHERE v.valid_from <= ? AND v.valid_to > ? GROUP BY v.sector, v.above_scale, v.real_estate, v.supervised, v.zone, v.street`, end, "2020-02-28", "2020-02-28")
	explain(`SELECT p.street, SUM(CASE WHEN p.created_at < ? THEN 1 ELSE 0 END) FROM problems p GROUP BY p.street`, end)
	for _, q := range []string{"status", "problems"} {
		t0 := time.Now()
		for i := 0; i < 5; i++ {
			var err error
			if q == "status" {
				_, err = db.StatusCounts(ctx, "2020-02-28", end, end, "")
			} else {
				_, err = db.ProblemTotals(ctx, end, "")
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("%s: %v wall", q, time.Since(t0)/5)
	}
}
