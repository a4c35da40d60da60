package store

import (
	"time"

	"gorm.io/gorm"
)

// Migration 5: a dated registry and a status timeline (issue 14). Frozen
// shapes; never edit once landed.
//
// enterprises gains valid_from / valid_to (the first day in the registry and
// the first day out of it, YYYY-MM-DD; 9999-12-31 while open), and
// enterprise_versions keeps the dated attributes the dashboards count by, so
// "as of D" reads the registry as it stood on D. enterprise_timeline keeps,
// per enterprise, the dates its filings reached each state, maintained by
// the filing service in the same transaction as each change.
//
// Existing rows are backfilled as they were always read: every enterprise
// is in the registry since 1900-01-01 with its current attributes, and the
// timeline is computed from the filings.

type m5EnterpriseVersion struct {
	ID           int64  `gorm:"primaryKey"`
	EnterpriseID int64  `gorm:"not null;index"`
	ValidFrom    string `gorm:"size:10;not null;index:idx_versions_population,priority:7"`
	ValidTo      string `gorm:"size:10;not null;index:idx_versions_population,priority:8"`
	Sector       string `gorm:"size:16;not null;index:idx_versions_population,priority:1"`
	AboveScale   bool   `gorm:"not null;default:false;index:idx_versions_population,priority:2"`
	RealEstate   bool   `gorm:"not null;default:false;index:idx_versions_population,priority:3"`
	Supervised   bool   `gorm:"not null;default:true;index:idx_versions_population,priority:4"`
	Zone         string `gorm:"size:8;not null;index:idx_versions_population,priority:5"`
	Street       string `gorm:"size:32;not null;index:idx_versions_population,priority:6;index:idx_versions_street"`
}

func (m5EnterpriseVersion) TableName() string { return "enterprise_versions" }

type m5Timeline struct {
	EnterpriseID int64 `gorm:"primaryKey;autoIncrement:false"`
	SubmittedAt  *time.Time
	ApprovedAt   *time.Time
	ReturnedAt   *time.Time
	RejectedAt   *time.Time
	ResumedDate  *string `gorm:"size:10"`
}

func (m5Timeline) TableName() string { return "enterprise_timeline" }

func migrate5(tx *gorm.DB) error {
	for _, col := range []struct{ name, def string }{{"valid_from", "1900-01-01"}, {"valid_to", "9999-12-31"}} {
		if tx.Migrator().HasColumn("enterprises", col.name) {
			continue // a step that failed half-way on MySQL, where DDL commits
		}
		if err := tx.Exec("ALTER TABLE enterprises ADD COLUMN " + col.name + " VARCHAR(10) NOT NULL DEFAULT '" + col.def + "'").Error; err != nil {
			return err
		}
	}
	fresh := !tx.Migrator().HasTable(&m5EnterpriseVersion{})
	if err := createTables(tx, &m5EnterpriseVersion{}, &m5Timeline{}); err != nil {
		return err
	}
	if fresh {
		if err := tx.Exec(`INSERT INTO enterprise_versions (enterprise_id, valid_from, valid_to, sector, above_scale, real_estate, supervised, zone, street)
SELECT id, valid_from, valid_to, sector, above_scale, real_estate, supervised, zone, street FROM enterprises`).Error; err != nil {
			return err
		}
	}
	if err := tx.Exec("DELETE FROM enterprise_timeline").Error; err != nil {
		return err
	}
	return tx.Exec(timelineRebuild).Error
}
