package store

import "gorm.io/gorm"

// Migration 16 (daily reports keyed by day first): the unique key of
// daily_reports becomes (report_date, enterprise_id), and the per-enterprise
// reads keep a plain (enterprise_id, report_date) index. Never edit once
// landed.
//
// Why: every per-day read joins a day's expected reporters to their reports
// on (enterprise_id, report_date = day) — department daily views, the
// missing list. Both databases answer such a join through the unique key
// (an eq_ref lookup, chosen over any other index). Keyed enterprise first,
// one day's 40,000 entries sit in 40,000 different places of an index that
// holds every day: a day's view touched nearly every leaf page of a
// 100+ MB index, more than MariaDB's buffer pool keeps, so it was read from
// disk every time (docs/benchmarks.md, issue 15: 16,000–24,000 page reads,
// 2.5–4.9 s, for one day's 40,000-row list). Keyed day first, the day's
// entries are one contiguous range of the index, and the report rows they
// point to were written together (reports arrive day by day), so the same
// join reads a few hundred pages.
func migrateDailyDayKey(tx *gorm.DB) error {
	m := tx.Migrator()
	if !m.HasIndex("daily_reports", "uq_daily_reports_day_enterprise") {
		if err := tx.Exec("CREATE UNIQUE INDEX uq_daily_reports_day_enterprise ON daily_reports (report_date, enterprise_id)").Error; err != nil {
			return err
		}
	}
	// An enterprise's own reports (its last report, its week for the rules,
	// the report of a day it files) are still read enterprise first.
	if !m.HasIndex("daily_reports", "idx_daily_reports_enterprise") {
		if err := tx.Exec("CREATE INDEX idx_daily_reports_enterprise ON daily_reports (enterprise_id, report_date)").Error; err != nil {
			return err
		}
	}
	// Dropped last, so the pair stays unique throughout (MariaDB DDL is not
	// transactional).
	if m.HasIndex("daily_reports", "uq_daily_reports_enterprise_day") {
		return m.DropIndex("daily_reports", "uq_daily_reports_enterprise_day")
	}
	return nil
}
