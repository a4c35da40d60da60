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
// "as of D" reads the registry as it stood on D. Each version also carries
// its enterprise's status timeline (the dates its filings reached each
// state), maintained by the filing service in the same transaction as each
// change, so a dashboard is one covering-index scan with no join.
//
// Existing rows are backfilled as they were always read: every enterprise
// is in the registry since 1900-01-01 with its current attributes, and the
// timeline is computed from the filings.

type m5EnterpriseVersion struct {
	ID           int64  `gorm:"primaryKey"`
	EnterpriseID int64  `gorm:"not null"`
	ValidFrom    string `gorm:"size:10;not null"`
	ValidTo      string `gorm:"size:10;not null"`
	Sector       string `gorm:"size:16;not null"`
	AboveScale   bool   `gorm:"not null;default:false"`
	RealEstate   bool   `gorm:"not null;default:false"`
	Supervised   bool   `gorm:"not null;default:true"`
	Zone         string `gorm:"size:8;not null"`
	Street       string `gorm:"size:32;not null"`
	// A copy of the enterprise's timeline, so the dashboards read one
	// covering index instead of joining 40,000 rows (docs/benchmarks.md).
	SubmittedAt *time.Time
	ApprovedAt  *time.Time
	ReturnedAt  *time.Time
	RejectedAt  *time.Time
	ResumedDate *string `gorm:"size:10"`
}

func (m5EnterpriseVersion) TableName() string { return "enterprise_versions" }

func migrate6(tx *gorm.DB) error {
	for _, col := range []struct{ name, def string }{{"valid_from", "1900-01-01"}, {"valid_to", "9999-12-31"}} {
		if tx.Migrator().HasColumn("enterprises", col.name) {
			continue // a step that failed half-way on MySQL, where DDL commits
		}
		if err := tx.Exec("ALTER TABLE enterprises ADD COLUMN " + col.name + " VARCHAR(10) NOT NULL DEFAULT '" + col.def + "'").Error; err != nil {
			return err
		}
	}
	fresh := !tx.Migrator().HasTable(&m5EnterpriseVersion{})
	if err := createTables(tx, &m5EnterpriseVersion{}); err != nil {
		return err
	}
	// Covering indexes: the sector and street dashboards read the first in
	// group order without touching the table; problems and the drill-down
	// find an enterprise's version of the day in the second.
	indexes := []struct{ table, name, cols string }{
		{"enterprise_versions", "idx_versions_population", "sector, above_scale, real_estate, supervised, zone, street, valid_from, valid_to, submitted_at, approved_at, returned_at, resumed_date"},
		{"enterprise_versions", "idx_versions_enterprise", "enterprise_id, valid_from, valid_to, sector, above_scale, real_estate, supervised, zone, street, submitted_at, approved_at, returned_at, rejected_at, resumed_date"},
		{"problems", "idx_problems_figures", "street, enterprise_id, created_at, rectified_at"},
	}
	for _, ix := range indexes {
		if tx.Migrator().HasIndex(ix.table, ix.name) {
			continue
		}
		if err := tx.Exec("CREATE INDEX " + ix.name + " ON " + ix.table + " (" + ix.cols + ")").Error; err != nil {
			return err
		}
	}
	if fresh {
		if err := tx.Exec(`INSERT INTO enterprise_versions (enterprise_id, valid_from, valid_to, sector, above_scale, real_estate, supervised, zone, street)
SELECT id, valid_from, valid_to, sector, above_scale, real_estate, supervised, zone, street FROM enterprises`).Error; err != nil {
			return err
		}
	}
	return tx.Exec(timelineUpdate).Error
}
