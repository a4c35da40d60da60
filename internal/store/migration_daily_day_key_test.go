package store_test

import (
	"context"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestMigrationDailyDayKey: after migration 16 the unique key of
// daily_reports is day first (what the per-day joins look reports up by),
// the enterprise-first unique key is gone, a second report of the same
// enterprise and day is still a Conflict, and an enterprise's own reports
// are still read by its index. On SQLite and MariaDB.
func TestMigrationDailyDayKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := db.Gorm().Migrator()
		for name, want := range map[string]bool{
			"uq_daily_reports_day_enterprise": true,
			"idx_daily_reports_enterprise":    true,
			"uq_daily_reports_enterprise_day": false,
		} {
			if got := m.HasIndex("daily_reports", name); got != want {
				t.Errorf("index %s present = %v, want %v", name, got, want)
			}
		}
		at := time.Date(2020, 2, 3, 1, 0, 0, 0, time.UTC)
		file := func(ent int64, day string) error {
			r := &store.DailyReport{EnterpriseID: ent, ReportDate: day, Street: "guixi", Sector: "service", Zone: "south",
				DefVersion: 1, Version: 1, OnTime: true, ValuesJSON: "{}", SubmittedAt: at, UpdatedAt: at, SubmittedBy: "t"}
			return db.CreateDailyReport(ctx, r, &store.DailyReportVersion{Version: 1, EnterpriseID: ent, ReportDate: day,
				DefVersion: 1, ValuesJSON: "{}", CreatedBy: "t", CreatedAt: at})
		}
		for _, f := range []struct {
			ent int64
			day string
		}{{1, "2020-02-02"}, {1, "2020-02-03"}, {2, "2020-02-03"}} {
			if err := file(f.ent, f.day); err != nil {
				t.Fatalf("filing %d on %s: %v", f.ent, f.day, err)
			}
		}
		if err := file(1, "2020-02-03"); apperror.CodeOf(err) != apperror.Conflict {
			t.Fatalf("a second report of the same enterprise and day: %v, want Conflict", err)
		}
		rs, err := db.DailyReportsBetween(ctx, store.Scope{Role: store.RoleParkManager}, 1, "2020-02-01", "2020-02-05")
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0].ReportDate != "2020-02-03" || rs[1].ReportDate != "2020-02-02" {
			t.Fatalf("enterprise 1's reports: %+v, want 2020-02-03 then 2020-02-02", rs)
		}
	})
}
