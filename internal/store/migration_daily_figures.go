package store

import (
	"time"

	"gorm.io/gorm"
)

// Migration 16: the daily reports' figures (issue 15, reporting rate and
// reminders). Frozen shapes; never edit once landed.
//
// daily_tallies counts, per report day, street and sector, the reports
// filed and those filed on time: one row per (day, street, sector), kept in
// the transaction that files each report (DailyReport.AfterCreate), so a
// 90-day timeliness trend reads 90 × 48 rows instead of 3.6 million reports.
// daily_reminders is the claim of one reminder to one enterprise for one
// report day: its unique key is what makes a reminder go out once, whatever
// the number of replicas and officials clicking at once.

type m16DailyTally struct {
	ReportDate string `gorm:"primaryKey;size:10"`
	Street     string `gorm:"primaryKey;size:32"`
	Sector     string `gorm:"primaryKey;size:16"`
	Reported   int64  `gorm:"not null;default:0"`
	OnTime     int64  `gorm:"not null;default:0"`
}

func (m16DailyTally) TableName() string { return "daily_tallies" }

type m16DailyReminder struct {
	ID           int64     `gorm:"primaryKey"`
	EnterpriseID int64     `gorm:"not null;uniqueIndex:uq_daily_reminders,priority:1"`
	ReportDate   string    `gorm:"size:10;not null;uniqueIndex:uq_daily_reminders,priority:2;index:idx_daily_reminders_batch,priority:1"`
	Street       string    `gorm:"size:32;not null"`
	Batch        string    `gorm:"size:64;not null;index:idx_daily_reminders_batch,priority:2"`
	SentBy       string    `gorm:"size:64;not null"`
	CreatedAt    time.Time `gorm:"not null"`
}

func (m16DailyReminder) TableName() string { return "daily_reminders" }

func migrateDailyFigures(tx *gorm.DB) error {
	if err := createTables(tx, &m16DailyTally{}, &m16DailyReminder{}); err != nil {
		return err
	}
	// idx_versions_daily_expected: the expected reporters of a day, counted
	// per sector and street, stream out of this index in group order (no
	// sort), and it covers every column the predicate reads.
	if !tx.Migrator().HasIndex("enterprise_versions", "idx_versions_daily_expected") {
		if err := tx.Exec("CREATE INDEX idx_versions_daily_expected ON enterprise_versions (sector, street, valid_from, valid_to, approved_at, resumed_date)").Error; err != nil {
			return err
		}
	}
	// Reports filed before this step are counted once, here.
	return tx.Exec(`INSERT INTO daily_tallies (report_date, street, sector, reported, on_time)
SELECT report_date, street, sector, COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END)
FROM daily_reports r
WHERE NOT EXISTS (SELECT 1 FROM daily_tallies t WHERE t.report_date = r.report_date AND t.street = r.street AND t.sector = r.sector)
GROUP BY report_date, street, sector`).Error
}
