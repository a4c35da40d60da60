package store

import (
	"time"

	"gorm.io/gorm"
)

// Migration 11: daily epidemic reports (issue 15). Frozen shapes; never edit
// once landed.
//
// daily_reports holds one current row per enterprise and day, with the
// values as JSON (every field of the data set version the report was filed
// under), personal fields sealed apart, and a real column for every field
// that the dashboards and department views aggregate, so a day's sums are
// one indexed scan in the database (package daily's doc explains the
// layout). daily_report_versions keeps every version ever filed; the
// current row is the last of them. daily_flags are the rule warnings on a
// report version. rule_versions gains a kind (filing or daily).

type m11DailyReport struct {
	ID           int64  `gorm:"primaryKey"`
	EnterpriseID int64  `gorm:"not null;uniqueIndex:uq_daily_reports_enterprise_day,priority:1"`
	ReportDate   string `gorm:"size:10;not null;uniqueIndex:uq_daily_reports_enterprise_day,priority:2"`
	// Where the enterprise stood in the registry on ReportDate.
	Street      string    `gorm:"size:32;not null"`
	Sector      string    `gorm:"size:16;not null"`
	Zone        string    `gorm:"size:8;not null"`
	DefVersion  int       `gorm:"not null"`
	Version     int       `gorm:"not null"`
	OnTime      bool      `gorm:"not null"`
	Warnings    int       `gorm:"not null;default:0"`
	ValuesJSON  string    `gorm:"type:text;not null"`
	PersonalEnc []byte    `gorm:"type:blob"`
	SubmittedAt time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
	SubmittedBy string    `gorm:"size:64;not null"`
	ViaToken    bool      `gorm:"not null;default:false"`

	StaffOnsite             *int64
	ReturnedToday           *int64
	ReturnedOutsideProvince *int64
	ReturnedHubei           *int64
	QuarantineHome          *int64
	QuarantineCentral       *int64
	Fever                   *int64
	FeverHandling           *string `gorm:"size:32"`
	RedCode                 *int64
	YellowCode              *int64
	Masks                   *int64
	DisinfectantLiters      *float64
	Thermometers            *int64
	Disinfected             *bool
	Canteen                 *string `gorm:"size:32"`
}

func (m11DailyReport) TableName() string { return "daily_reports" }

type m11DailyReportVersion struct {
	ID           int64     `gorm:"primaryKey"`
	ReportID     int64     `gorm:"not null;uniqueIndex:uq_daily_versions,priority:1"`
	Version      int       `gorm:"not null;uniqueIndex:uq_daily_versions,priority:2"`
	EnterpriseID int64     `gorm:"not null"`
	ReportDate   string    `gorm:"size:10;not null;index:idx_daily_versions_day"`
	DefVersion   int       `gorm:"not null"`
	Late         bool      `gorm:"not null"`
	ValuesJSON   string    `gorm:"type:text;not null"`
	PersonalEnc  []byte    `gorm:"type:blob"`
	Note         string    `gorm:"size:500;not null;default:''"`
	CreatedBy    string    `gorm:"size:64;not null"`
	ViaToken     bool      `gorm:"not null;default:false"`
	CreatedAt    time.Time `gorm:"not null"`
	// RuleInput is the JSON of what the rules read when this version was
	// filed (rules.DailyInput, remarks never included), so a candidate rule
	// set can be backtested on past reports; cleared once older than the
	// backtest window (idx_daily_versions_day finds them).
	RuleInput string `gorm:"type:text"`
}

func (m11DailyReportVersion) TableName() string { return "daily_report_versions" }

type m11DailyFlag struct {
	ID             int64  `gorm:"primaryKey"`
	ReportID       int64  `gorm:"not null;index:idx_daily_flags_report"`
	ReportVersion  int    `gorm:"not null"`
	EnterpriseID   int64  `gorm:"not null"`
	ReportDate     string `gorm:"size:10;not null"`
	Street         string `gorm:"size:32;not null;index:idx_daily_flags_street,priority:1"`
	RuleID         string `gorm:"size:64;not null"`
	Severity       string `gorm:"size:16;not null"`
	Message        string `gorm:"type:text;not null"`
	RulesetVersion string `gorm:"size:64;not null"`
	// Current is true for the flags of the report's current version.
	Current     bool `gorm:"not null;default:true;index:idx_daily_flags_street,priority:2"`
	ProblemID   *int64
	ConfirmedBy string `gorm:"size:64;not null;default:''"`
	ConfirmedAt *time.Time
	CreatedAt   time.Time `gorm:"not null"`
}

func (m11DailyFlag) TableName() string { return "daily_flags" }

func migrateDaily(tx *gorm.DB) error {
	if err := createTables(tx, &m11DailyReport{}, &m11DailyReportVersion{}, &m11DailyFlag{}); err != nil {
		return err
	}
	// Rule versions of the daily report rules live beside the filing
	// rules'; kind tells them apart (their publication is row 2 of
	// rule_publication, the filing rules' row 1).
	if !tx.Migrator().HasColumn("rule_versions", "kind") {
		if err := tx.Exec("ALTER TABLE rule_versions ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'filing'").Error; err != nil {
			return err
		}
	}
	// idx_daily_reports_day: a day's reports by enterprise, with the on-time
	// flag, so the reporting rate joins the expected population to it in
	// the index alone. idx_daily_reports_area: a day's sums by street and
	// sector read the rows of one day and area in index order.
	indexes := []struct{ table, name, cols string }{
		{"daily_reports", "idx_daily_reports_day", "report_date, enterprise_id, on_time"},
		{"daily_reports", "idx_daily_reports_area", "report_date, street, sector"},
	}
	for _, ix := range indexes {
		if tx.Migrator().HasIndex(ix.table, ix.name) {
			continue
		}
		if err := tx.Exec("CREATE INDEX " + ix.name + " ON " + ix.table + " (" + ix.cols + ")").Error; err != nil {
			return err
		}
	}
	return nil
}
