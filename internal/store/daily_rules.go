package store

import (
	"context"
	"time"

	"fugong/internal/apperror"
)

// SourceDaily is the source of a ledger problem confirmed from a daily
// report's rule flag.
const SourceDaily = "daily"

// SaveDailyFlags stores flags, the warnings of report reportID's version
// just written (whose warnings column the caller set to len(flags)). With
// replace (a correction) the earlier versions' flags stop being current
// first; they are kept. Meant for the transaction that files the version.
func (db *DB) SaveDailyFlags(ctx context.Context, reportID int64, flags []DailyFlag, replace bool) error {
	if replace {
		err := db.orm(ctx).Model(&DailyFlag{}).Where("report_id = ? AND current = ?", reportID, true).Update("current", false).Error
		if err != nil {
			return dbErr(err, "daily flags")
		}
	}
	if len(flags) == 0 {
		return nil
	}
	for i := range flags {
		flags[i].ID, flags[i].ReportID = 0, reportID
	}
	return dbErr(db.orm(ctx).Create(&flags).Error, "daily flags")
}

// DailyFlagsOf returns the flags of a report's version, in rule order.
func (db *DB) DailyFlagsOf(ctx context.Context, reportID int64, version int) ([]DailyFlag, error) {
	var out []DailyFlag
	err := db.orm(ctx).Where("report_id = ? AND report_version = ?", reportID, version).Order("id").Find(&out).Error
	return out, dbErr(err, "daily flags")
}

// DailyFlagByID returns flag id within scope (the enterprise's own, a
// street's), or apperror.NotFound.
func (db *DB) DailyFlagByID(ctx context.Context, scope Scope, id int64) (*DailyFlag, error) {
	var f DailyFlag
	q := scope.apply(db.orm(ctx).Model(&DailyFlag{}), "enterprise_id", "street")
	if err := q.Where("id = ?", id).Take(&f).Error; err != nil {
		return nil, dbErr(err, "daily flag")
	}
	return &f, nil
}

// ConfirmDailyFlag links flag id to the ledger problem problemID. A flag
// already confirmed is apperror.Conflict.
func (db *DB) ConfirmDailyFlag(ctx context.Context, id, problemID int64, by string, at time.Time) error {
	res := db.orm(ctx).Model(&DailyFlag{}).Where("id = ? AND problem_id IS NULL", id).
		Updates(map[string]any{"problem_id": problemID, "confirmed_by": by, "confirmed_at": at})
	if res.Error != nil {
		return dbErr(res.Error, "daily flag")
	}
	if res.RowsAffected == 0 {
		return apperror.Msg(apperror.Conflict, msgDailyFlagConfirmed)
	}
	return nil
}

// DailyFlagsOfStreet returns the current flags of a street's reports of
// days from..to (inclusive), newest day first, at most limit: what the
// street official reviews.
func (db *DB) DailyFlagsOfStreet(ctx context.Context, scope Scope, street, from, to string, limit int) ([]DailyFlag, error) {
	var out []DailyFlag
	q := scope.apply(db.orm(ctx).Model(&DailyFlag{}), "enterprise_id", "street")
	if street != "" {
		q = q.Where("street = ?", street)
	}
	err := q.Where("current = ? AND report_date >= ? AND report_date <= ?", true, from, to).
		Order("report_date DESC").Order("id").Limit(limit).Find(&out).Error
	return out, dbErr(err, "daily flags")
}

// DailyAggregate is the sums and maxima of a span of an enterprise's
// reports, and how many days it reported.
type DailyAggregate struct {
	Days                       int
	SumStaffOnsite             int64
	SumReturnedToday           int64
	SumReturnedOutsideProvince int64
	SumReturnedHubei           int64
	SumQuarantineHome          int64
	SumQuarantineCentral       int64
	SumFever                   int64
	SumRedCode                 int64
	SumYellowCode              int64
	SumMasks                   int64
	SumDisinfectantLiters      float64
	SumThermometers            int64
	MaxStaffOnsite             int64
	MaxReturnedToday           int64
	MaxReturnedOutsideProvince int64
	MaxReturnedHubei           int64
	MaxQuarantineHome          int64
	MaxQuarantineCentral       int64
	MaxFever                   int64
	MaxRedCode                 int64
	MaxYellowCode              int64
	MaxMasks                   int64
	MaxDisinfectantLiters      float64
	MaxThermometers            int64
}

// dailyAggregateSelect sums and maximises every integer value column in
// the database (one indexed range of the enterprise's rows).
const dailyAggregateSelect = `COUNT(*) AS days,
 COALESCE(SUM(staff_onsite),0) AS sum_staff_onsite, COALESCE(SUM(returned_today),0) AS sum_returned_today,
 COALESCE(SUM(returned_outside_province),0) AS sum_returned_outside_province, COALESCE(SUM(returned_hubei),0) AS sum_returned_hubei,
 COALESCE(SUM(quarantine_home),0) AS sum_quarantine_home, COALESCE(SUM(quarantine_central),0) AS sum_quarantine_central,
 COALESCE(SUM(fever),0) AS sum_fever, COALESCE(SUM(red_code),0) AS sum_red_code, COALESCE(SUM(yellow_code),0) AS sum_yellow_code,
 COALESCE(SUM(masks),0) AS sum_masks, COALESCE(SUM(disinfectant_liters),0) AS sum_disinfectant_liters, COALESCE(SUM(thermometers),0) AS sum_thermometers,
 COALESCE(MAX(staff_onsite),0) AS max_staff_onsite, COALESCE(MAX(returned_today),0) AS max_returned_today,
 COALESCE(MAX(returned_outside_province),0) AS max_returned_outside_province, COALESCE(MAX(returned_hubei),0) AS max_returned_hubei,
 COALESCE(MAX(quarantine_home),0) AS max_quarantine_home, COALESCE(MAX(quarantine_central),0) AS max_quarantine_central,
 COALESCE(MAX(fever),0) AS max_fever, COALESCE(MAX(red_code),0) AS max_red_code, COALESCE(MAX(yellow_code),0) AS max_yellow_code,
 COALESCE(MAX(masks),0) AS max_masks, COALESCE(MAX(disinfectant_liters),0) AS max_disinfectant_liters, COALESCE(MAX(thermometers),0) AS max_thermometers`

// DailyAggregateOf sums enterprise's reports of days from..to (inclusive)
// in the database. Internal: no scope.
func (db *DB) DailyAggregateOf(ctx context.Context, enterpriseID int64, from, to string) (DailyAggregate, error) {
	var out DailyAggregate
	err := db.orm(ctx).Model(&DailyReport{}).Select(dailyAggregateSelect).
		Where("enterprise_id = ? AND report_date >= ? AND report_date <= ?", enterpriseID, from, to).Scan(&out).Error
	return out, dbErr(err, "daily aggregate")
}

// LatestApprovedFiling returns enterprise's most recently approved filing,
// or apperror.NotFound when none was approved. Internal: no scope.
func (db *DB) LatestApprovedFiling(ctx context.Context, enterpriseID int64) (*Filing, error) {
	var f Filing
	err := db.orm(ctx).Where("enterprise_id = ? AND approved_at IS NOT NULL", enterpriseID).
		Order("approved_at DESC").Order("id DESC").Take(&f).Error
	if err != nil {
		return nil, dbErr(err, "filing")
	}
	return &f, nil
}

// DailyRuleInput is the rules' input of a report's current version.
type DailyRuleInput struct {
	ReportID   int64
	ReportDate string
	RuleInput  string
}

// DailyRuleInputs calls fn with the rule inputs of the current versions of
// reports of days from..to, batch at a time in report order, for
// backtests. fn's error stops it.
func (db *DB) DailyRuleInputs(ctx context.Context, from, to string, batch int, fn func([]DailyRuleInput) error) error {
	var after int64
	for {
		var rows []DailyRuleInput
		err := db.orm(ctx).Table("daily_reports r").
			Select("r.id AS report_id, r.report_date, v.rule_input").
			Joins("JOIN daily_report_versions v ON v.report_id = r.id AND v.version = r.version").
			Where("r.report_date >= ? AND r.report_date <= ? AND r.id > ?", from, to, after).
			Order("r.id").Limit(batch).Scan(&rows).Error
		if err != nil {
			return dbErr(err, "daily rule inputs")
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(rows); err != nil {
			return err
		}
		after = rows[len(rows)-1].ReportID
		if len(rows) < batch {
			return nil
		}
	}
}

// ClearDailyRuleInputs clears the rule inputs of up to limit report
// versions of days before before (YYYY-MM-DD), which backtests no longer
// replay, and returns how many it cleared (0 when none are left).
func (db *DB) ClearDailyRuleInputs(ctx context.Context, before string, limit int) (int64, error) {
	var ids []int64
	err := db.orm(ctx).Model(&DailyReportVersion{}).Where("report_date < ? AND rule_input IS NOT NULL", before).
		Limit(limit).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, dbErr(err, "daily report versions")
	}
	// rule_input is tested again: a replica that pruned them meanwhile
	// (lease handover) leaves nothing to count twice.
	res := db.orm(ctx).Model(&DailyReportVersion{}).Where("id IN ? AND rule_input IS NOT NULL", ids).Update("rule_input", nil)
	return res.RowsAffected, dbErr(res.Error, "daily report versions")
}
