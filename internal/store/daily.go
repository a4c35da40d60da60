package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"fugong/internal/apperror"
)

// DailyColumnKind is what a daily_reports value column holds.
type DailyColumnKind int

// The kinds of value columns.
const (
	DailyInteger DailyColumnKind = iota + 1 // BIGINT: integer fields
	DailyDecimal                            // DOUBLE: decimal (and integer) fields
	DailyYesNo                              // BOOLEAN: yesno fields
	DailyChoice                             // VARCHAR(32): choice fields
)

// Holds reports whether a column of kind k can hold a field of fieldType
// (the data set's type names: integer, decimal, yesno, choice, text).
func (k DailyColumnKind) Holds(fieldType string) bool {
	switch k {
	case DailyInteger:
		return fieldType == "integer"
	case DailyDecimal:
		return fieldType == "decimal" || fieldType == "integer"
	case DailyYesNo:
		return fieldType == "yesno"
	case DailyChoice:
		return fieldType == "choice"
	}
	return false
}

// DailyColumns are the value columns of daily_reports a data set field may
// name (configs/daily.yaml, `column:`), by column name. A field without a
// column lives in values_json only; giving a new field a column is a
// migration that adds it here.
var DailyColumns = map[string]DailyColumnKind{
	"staff_onsite": DailyInteger, "returned_today": DailyInteger, "returned_outside_province": DailyInteger,
	"returned_hubei": DailyInteger, "quarantine_home": DailyInteger, "quarantine_central": DailyInteger,
	"fever": DailyInteger, "fever_handling": DailyChoice, "red_code": DailyInteger, "yellow_code": DailyInteger,
	"masks": DailyInteger, "disinfectant_liters": DailyDecimal, "thermometers": DailyInteger,
	"disinfected": DailyYesNo, "canteen": DailyChoice,
}

// DailyReport is the current version of one enterprise's report of one day
// (daily_reports). Street, Sector and Zone are the enterprise's registry
// attributes on ReportDate, so sums by area need no join. The value
// columns are NULL when the field was not answered (or is not in the
// report's data set version).
type DailyReport struct {
	ID           int64
	EnterpriseID int64
	ReportDate   string // YYYY-MM-DD, park time
	Street       string
	Sector       string
	Zone         string
	DefVersion   int  // data set version the values follow
	Version      int  // 1 for the first filing, +1 per correction
	OnTime       bool // the first version was filed by the day's deadline
	Warnings     int  // rule flags on the current version
	ValuesJSON   string
	PersonalEnc  []byte // sealed JSON of the personal fields, or nil
	SubmittedAt  time.Time
	// UpdatedAt is the injected clock's time of the current version, not
	// GORM's.
	UpdatedAt   time.Time `gorm:"autoUpdateTime:false"`
	SubmittedBy string
	ViaToken    bool

	StaffOnsite             *int64
	ReturnedToday           *int64
	ReturnedOutsideProvince *int64
	ReturnedHubei           *int64
	QuarantineHome          *int64
	QuarantineCentral       *int64
	Fever                   *int64
	FeverHandling           *string
	RedCode                 *int64
	YellowCode              *int64
	Masks                   *int64
	DisinfectantLiters      *float64
	Thermometers            *int64
	Disinfected             *bool
	Canteen                 *string
}

// TableName maps DailyReport to daily_reports.
func (DailyReport) TableName() string { return "daily_reports" }

// ClearColumns sets every value column to NULL.
func (r *DailyReport) ClearColumns() {
	r.StaffOnsite, r.ReturnedToday, r.ReturnedOutsideProvince, r.ReturnedHubei = nil, nil, nil, nil
	r.QuarantineHome, r.QuarantineCentral, r.Fever, r.FeverHandling = nil, nil, nil, nil
	r.RedCode, r.YellowCode, r.Masks, r.DisinfectantLiters = nil, nil, nil, nil
	r.Thermometers, r.Disinfected, r.Canteen = nil, nil, nil
}

// SetColumn stores v in the value column col: an int64 or float64 for
// numeric columns, a bool for yes/no, a string for choices. An unknown
// column or a value of the wrong kind is an error (a bug of the caller:
// definitions are checked against DailyColumns when loaded).
func (r *DailyReport) SetColumn(col string, v any) error {
	i64 := func(dst **int64) error {
		switch x := v.(type) {
		case int64:
			*dst = &x
			return nil
		}
		return fmt.Errorf("store: daily column %s: %T is not an int64", col, v)
	}
	str := func(dst **string) error {
		if x, ok := v.(string); ok {
			*dst = &x
			return nil
		}
		return fmt.Errorf("store: daily column %s: %T is not a string", col, v)
	}
	switch col {
	case "staff_onsite":
		return i64(&r.StaffOnsite)
	case "returned_today":
		return i64(&r.ReturnedToday)
	case "returned_outside_province":
		return i64(&r.ReturnedOutsideProvince)
	case "returned_hubei":
		return i64(&r.ReturnedHubei)
	case "quarantine_home":
		return i64(&r.QuarantineHome)
	case "quarantine_central":
		return i64(&r.QuarantineCentral)
	case "fever":
		return i64(&r.Fever)
	case "red_code":
		return i64(&r.RedCode)
	case "yellow_code":
		return i64(&r.YellowCode)
	case "masks":
		return i64(&r.Masks)
	case "thermometers":
		return i64(&r.Thermometers)
	case "fever_handling":
		return str(&r.FeverHandling)
	case "canteen":
		return str(&r.Canteen)
	case "disinfectant_liters":
		switch x := v.(type) {
		case float64:
			r.DisinfectantLiters = &x
			return nil
		case int64:
			f := float64(x)
			r.DisinfectantLiters = &f
			return nil
		}
	case "disinfected":
		if x, ok := v.(bool); ok {
			r.Disinfected = &x
			return nil
		}
	default:
		return fmt.Errorf("store: %q is not a daily_reports column", col)
	}
	return fmt.Errorf("store: daily column %s: %T does not fit", col, v)
}

// DailyReportVersion is one filed version of a daily report, kept forever
// (daily_report_versions): the current row is the last of them.
type DailyReportVersion struct {
	ID           int64
	ReportID     int64
	Version      int
	EnterpriseID int64
	ReportDate   string
	DefVersion   int
	Late         bool // filed after the report day's deadline
	ValuesJSON   string
	PersonalEnc  []byte
	Note         string // why a correction was made
	CreatedBy    string
	ViaToken     bool
	CreatedAt    time.Time
	RuleInput    string // JSON of the rules' input for this version (backtests)
}

// TableName maps DailyReportVersion to daily_report_versions.
func (DailyReportVersion) TableName() string { return "daily_report_versions" }

// DailyFlag is a rule's warning on a daily report version (daily_flags).
// Current is true while it belongs to the report's current version; a
// street official may confirm it as a ledger problem (ProblemID).
type DailyFlag struct {
	ID             int64
	ReportID       int64
	ReportVersion  int
	EnterpriseID   int64
	ReportDate     string
	Street         string
	RuleID         string
	Severity       string
	Message        string
	RulesetVersion string
	Current        bool
	ProblemID      *int64
	ConfirmedBy    string
	ConfirmedAt    *time.Time
	CreatedAt      time.Time
}

// TableName maps DailyFlag to daily_flags.
func (DailyFlag) TableName() string { return "daily_flags" }

// DailyReportOf returns enterprise's report of day within scope, or
// apperror.NotFound (also outside the scope).
func (db *DB) DailyReportOf(ctx context.Context, scope Scope, enterpriseID int64, day string) (*DailyReport, error) {
	var r DailyReport
	q := scope.apply(db.orm(ctx).Model(&DailyReport{}), "enterprise_id", "street")
	if err := q.Where("enterprise_id = ? AND report_date = ?", enterpriseID, day).Take(&r).Error; err != nil {
		return nil, dbErr(err, "daily report")
	}
	return &r, nil
}

// DailyReportForUpdate returns enterprise's report of day, locking its row
// for the rest of the transaction (a correction reads the version it
// replaces), or apperror.NotFound. Internal: no scope.
func (db *DB) DailyReportForUpdate(ctx context.Context, enterpriseID int64, day string) (*DailyReport, error) {
	var r DailyReport
	q := db.orm(ctx)
	if db.driver == "mysql" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("enterprise_id = ? AND report_date = ?", enterpriseID, day).Take(&r).Error; err != nil {
		return nil, dbErr(err, "daily report")
	}
	return &r, nil
}

// PreviousDailyReport returns enterprise's latest report before day (within
// scope), or apperror.NotFound when it has none.
func (db *DB) PreviousDailyReport(ctx context.Context, scope Scope, enterpriseID int64, day string) (*DailyReport, error) {
	var r DailyReport
	q := scope.apply(db.orm(ctx).Model(&DailyReport{}), "enterprise_id", "street")
	err := q.Where("enterprise_id = ? AND report_date < ?", enterpriseID, day).Order("report_date DESC").Take(&r).Error
	if err != nil {
		return nil, dbErr(err, "daily report")
	}
	return &r, nil
}

// DailyReportsBetween returns enterprise's reports of days from..to
// (inclusive, YYYY-MM-DD) within scope, latest day first. The caller bounds
// the span.
func (db *DB) DailyReportsBetween(ctx context.Context, scope Scope, enterpriseID int64, from, to string) ([]DailyReport, error) {
	var out []DailyReport
	q := scope.apply(db.orm(ctx).Model(&DailyReport{}), "enterprise_id", "street")
	err := q.Where("enterprise_id = ? AND report_date >= ? AND report_date <= ?", enterpriseID, from, to).
		Order("report_date DESC").Find(&out).Error
	return out, dbErr(err, "daily reports")
}

// CreateDailyReport inserts the first version of a report and its version
// row. A report of that enterprise and day already there (a concurrent
// filing) is apperror.Conflict.
func (db *DB) CreateDailyReport(ctx context.Context, r *DailyReport, v *DailyReportVersion) error {
	if err := db.orm(ctx).Create(r).Error; err != nil {
		return dbErr(err, "daily report")
	}
	v.ReportID = r.ID
	return dbErr(db.orm(ctx).Create(v).Error, "daily report version")
}

// CorrectDailyReport replaces the current row of a report with its next
// version (r.Version, one more than the stored one) and appends the version
// row. The row must still be at version r.Version-1: otherwise another
// correction came first, apperror.Conflict.
func (db *DB) CorrectDailyReport(ctx context.Context, r *DailyReport, v *DailyReportVersion) error {
	res := db.orm(ctx).Model(&DailyReport{}).Where("id = ? AND version = ?", r.ID, r.Version-1).
		Select("*").Omit("id", "enterprise_id", "report_date", "submitted_at", "on_time").Updates(r)
	if res.Error != nil {
		return dbErr(res.Error, "daily report")
	}
	if res.RowsAffected == 0 {
		return apperror.Msg(apperror.Conflict, msgDailyReportChanged)
	}
	v.ReportID = r.ID
	return dbErr(db.orm(ctx).Create(v).Error, "daily report version")
}

// DailyReportVersions returns every version of a report, oldest first.
func (db *DB) DailyReportVersions(ctx context.Context, reportID int64) ([]DailyReportVersion, error) {
	var out []DailyReportVersion
	err := db.orm(ctx).Where("report_id = ?", reportID).Order("version").Find(&out).Error
	return out, dbErr(err, "daily report versions")
}

// DailyExpectedPredicate is the SQL condition under which the registry
// version v (an alias of enterprise_versions) must report on @day: the
// enterprise is in the registry that day and was first approved before
// @cutoff (the start of @day minus the offset, UTC) or reported its
// resumption on or before @last (YYYY-MM-DD). One definition for the
// service's check and the reporting-rate queries; bind the names with
// DailyExpectedArgs.
const DailyExpectedPredicate = `v.valid_from <= @day AND v.valid_to > @day AND (v.approved_at < @cutoff OR v.resumed_date <= @last)`

// DailyExpectedArgs are the named arguments of DailyExpectedPredicate for
// day (YYYY-MM-DD) when enterprises report from afterDays days after
// approval: cutoff is the start of day minus afterDays-1 days in loc.
func DailyExpectedArgs(day string, afterDays int, loc *time.Location) (map[string]any, error) {
	d, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return nil, fmt.Errorf("store: daily day %q: %w", day, err)
	}
	first := d.AddDate(0, 0, 1-afterDays)
	return map[string]any{"day": day, "cutoff": first.UTC(), "last": first.AddDate(0, 0, -1).Format(time.DateOnly)}, nil
}

// DailyExpectedVersion returns enterprise's registry version on day if it
// must report that day (DailyExpectedPredicate), or apperror.NotFound.
func (db *DB) DailyExpectedVersion(ctx context.Context, enterpriseID int64, args map[string]any) (*EnterpriseVersion, error) {
	var v EnterpriseVersion
	named := map[string]any{"ent": enterpriseID}
	for k, x := range args {
		named[k] = x
	}
	err := db.orm(ctx).Table("enterprise_versions v").Select("v.*").
		Where("v.enterprise_id = @ent AND "+DailyExpectedPredicate, named).Take(&v).Error
	if err != nil {
		return nil, dbErr(err, "expected reporter")
	}
	return &v, nil
}
