package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The daily reports' figures (package report computes the dashboards and
// department daily views from them): who must report on a day, who did
// and who did on time, per street and sector, and the reminders to those
// who have not. Every count runs in the database; the number of queries
// never depends on the number of enterprises or reports.

// DailyTally is the number of reports filed for one day, street and sector
// (daily_tallies, migration_daily_figures.go), and of those filed on time.
type DailyTally struct {
	ReportDate string `gorm:"primaryKey"`
	Street     string `gorm:"primaryKey"`
	Sector     string `gorm:"primaryKey"`
	Reported   int64
	OnTime     int64
}

// TableName maps DailyTally to daily_tallies.
func (DailyTally) TableName() string { return "daily_tallies" }

// AfterCreate counts a newly filed report in daily_tallies, in the
// transaction that inserts it (GORM runs the hook inside the Create), so
// the tally exists exactly when the report does. A correction replaces the
// current row without creating one and changes no count: a report is
// reported once, and on time or not by its first version. Rows inserted in
// bulk by SQL skip the hook; RebuildDailyTallies recounts them.
func (r *DailyReport) AfterCreate(tx *gorm.DB) error {
	onTime := int64(0)
	if r.OnTime {
		onTime = 1
	}
	return tx.Session(&gorm.Session{NewDB: true}).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "report_date"}, {Name: "street"}, {Name: "sector"}},
		DoUpdates: clause.Assignments(map[string]any{
			"reported": gorm.Expr("daily_tallies.reported + ?", 1),
			"on_time":  gorm.Expr("daily_tallies.on_time + ?", onTime),
		}),
	}).Create(&DailyTally{ReportDate: r.ReportDate, Street: r.Street, Sector: r.Sector, Reported: 1, OnTime: onTime}).Error
}

// RebuildDailyTallies recounts daily_tallies for the days from..to
// (inclusive, YYYY-MM-DD) from daily_reports, one transaction per day (a
// day is 40,000 reports at most, so no statement runs for long): after a
// bulk load that bypassed the hook, or to repair. It returns the rows
// written.
func (db *DB) RebuildDailyTallies(ctx context.Context, from, to string) (int64, error) {
	first, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return 0, fmt.Errorf("store: RebuildDailyTallies from %q: %w", from, err)
	}
	var n int64
	for d := first; d.Format(time.DateOnly) <= to; d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		err := db.Tx(ctx, func(tx *DB) error {
			g := tx.orm(ctx)
			if err := g.Exec("DELETE FROM daily_tallies WHERE report_date = ?", day).Error; err != nil {
				return err
			}
			res := g.Exec(`INSERT INTO daily_tallies (report_date, street, sector, reported, on_time)
SELECT report_date, street, sector, COUNT(*), SUM(CASE WHEN on_time THEN 1 ELSE 0 END)
FROM daily_reports WHERE report_date = ? GROUP BY report_date, street, sector`, day)
			n += res.RowsAffected
			return res.Error
		})
		if err != nil {
			return n, dbErr(err, "daily tallies")
		}
	}
	return n, nil
}

// DailyArea narrows the daily figures to a street and/or a sector ("" =
// all).
type DailyArea struct {
	Street string
	Sector string
}

func (a DailyArea) where(alias string, w []string, args []any) ([]string, []any) {
	if a.Street != "" {
		w, args = append(w, alias+".street = ?"), append(args, a.Street)
	}
	if a.Sector != "" {
		w, args = append(w, alias+".sector = ?"), append(args, a.Sector)
	}
	return w, args
}

// DailyAreaCount is the number of enterprises of one street and sector.
type DailyAreaCount struct {
	Street, Sector string
	N              int64
}

// namedArgs turns expected (DailyExpectedArgs) into positional arguments of
// DailyExpectedPredicate: the predicate's SQL with ? in place of each
// @name, and the values in order.
func expectedSQL(expected map[string]any) (string, []any, error) {
	q := DailyExpectedPredicate
	var args []any
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] != '@' {
			b.WriteByte(q[i])
			continue
		}
		j := i + 1
		for j < len(q) && (q[j] == '_' || q[j] >= 'a' && q[j] <= 'z') {
			j++
		}
		v, ok := expected[q[i+1:j]]
		if !ok {
			return "", nil, fmt.Errorf("store: daily expected predicate: no value for @%s", q[i+1:j])
		}
		b.WriteByte('?')
		args = append(args, v)
		i = j - 1
	}
	return b.String(), args, nil
}

// DailyExpectedCounts counts the enterprises that must report on the day
// of expected (DailyExpectedArgs; the foundation's DailyExpectedPredicate)
// per street and sector of the registry that day, within area. One query
// over a covering index in group order (idx_versions_daily_expected).
func (db *DB) DailyExpectedCounts(ctx context.Context, expected map[string]any, area DailyArea) ([]DailyAreaCount, error) {
	pred, args, err := expectedSQL(expected)
	if err != nil {
		return nil, err
	}
	w, args := area.where("v", []string{pred}, args)
	// Grouped in the order of idx_versions_daily_expected (sector, street).
	rows, err := db.orm(ctx).Raw(`SELECT v.street, v.sector, COUNT(*) FROM enterprise_versions v WHERE `+
		strings.Join(w, " AND ")+` GROUP BY v.sector, v.street`, args...).Rows()
	if err != nil {
		return nil, dbErr(err, "daily expected")
	}
	defer rows.Close()
	var out []DailyAreaCount
	for rows.Next() {
		var c DailyAreaCount
		if err := rows.Scan(&c.Street, &c.Sector, &c.N); err != nil {
			return nil, dbErr(err, "daily expected")
		}
		out = append(out, c)
	}
	return out, dbErr(rows.Err(), "daily expected")
}

// DailyTallies returns the tallies of the days from..to (inclusive) within
// area. One query over daily_tallies' primary key.
func (db *DB) DailyTallies(ctx context.Context, from, to string, area DailyArea) ([]DailyTally, error) {
	var out []DailyTally
	g := db.orm(ctx).Where("report_date >= ? AND report_date <= ?", from, to)
	if area.Street != "" {
		g = g.Where("street = ?", area.Street)
	}
	if area.Sector != "" {
		g = g.Where("sector = ?", area.Sector)
	}
	err := g.Order("report_date").Find(&out).Error
	return out, dbErr(err, "daily tallies")
}

// DailySpan is a number of enterprises of one street and sector that were
// in the registry over [ValidFrom, ValidTo) and were first approved in the
// hour ApprovedHour (UTC, "YYYY-MM-DD HH"; "" when never approved) and
// reported their resumption on Resumed (YYYY-MM-DD; "" when not): they
// must report from the earlier of the approval's park-time day and the
// resumption, plus the data set's from_days_after_approval (Since).
type DailySpan struct {
	ValidFrom, ValidTo    string
	ApprovedHour, Resumed string
	Street, Sector        string
	N                     int64
}

// Since is the park-time day (YYYY-MM-DD) from which the span's
// enterprises count as approved or resumed: a park-time day starts at a
// whole UTC hour (Asia/Shanghai is UTC+8), so the hour tells the day.
func (s DailySpan) Since() string {
	since := s.Resumed
	if s.ApprovedHour != "" {
		t, err := time.Parse("2006-01-02 15", s.ApprovedHour)
		if err == nil {
			if d := t.Add(8 * time.Hour).Format(time.DateOnly); since == "" || d < since {
				since = d
			}
		}
	}
	return since
}

// DailySpans returns the spans of the registry overlapping the days
// from..to within area whose enterprises were approved or resumed: what a
// per-day count of expected reporters needs, in one query whose rows
// number the distinct (span, approval hour, resumption, street, sector),
// not the enterprises. Equivalent, day by day, to DailyExpectedCounts (a
// test holds them equal). Grouping by the approval's UTC hour, a prefix of
// the stored value, spares a date conversion per row.
func (db *DB) DailySpans(ctx context.Context, from, to string, area DailyArea) ([]DailySpan, error) {
	hour := "substr(v.approved_at, 1, 13)"
	if db.driver == "mysql" {
		hour = "DATE_FORMAT(v.approved_at, '%Y-%m-%d %H')"
	}
	w := []string{"v.valid_from <= ?", "v.valid_to > ?", "(v.approved_at IS NOT NULL OR v.resumed_date IS NOT NULL)"}
	args := []any{to, from}
	w, args = area.where("v", w, args)
	rows, err := db.orm(ctx).Raw(`SELECT v.valid_from, v.valid_to, `+hour+` AS h, v.resumed_date, v.street, v.sector, COUNT(*)
FROM enterprise_versions v WHERE `+strings.Join(w, " AND ")+` GROUP BY v.valid_from, v.valid_to, h, v.resumed_date, v.street, v.sector`, args...).Rows()
	if err != nil {
		return nil, dbErr(err, "daily spans")
	}
	defer rows.Close()
	var out []DailySpan
	for rows.Next() {
		var s DailySpan
		var h, res sql.NullString
		if err := rows.Scan(&s.ValidFrom, &s.ValidTo, &h, &res, &s.Street, &s.Sector, &s.N); err != nil {
			return nil, dbErr(err, "daily spans")
		}
		s.ApprovedHour, s.Resumed = h.String, res.String
		out = append(out, s)
	}
	return out, dbErr(rows.Err(), "daily spans")
}

// Daily reporting states of an expected reporter on a day.
const (
	DailyStateReported = "reported" // on time or late
	DailyStateOnTime   = "on_time"
	DailyStateLate     = "late"
	DailyStateMissing  = "missing"
)

// DailyStates are the states DailyReportersFilter.State accepts.
var DailyStates = []string{DailyStateReported, DailyStateOnTime, DailyStateLate, DailyStateMissing}

var dailyStatePredicates = map[string]string{
	DailyStateReported: "r.id IS NOT NULL",
	DailyStateOnTime:   "r.on_time = ?",
	DailyStateLate:     "r.on_time = ?",
	DailyStateMissing:  "r.id IS NULL",
}

// DailyReportersFilter selects the expected reporters of a day.
type DailyReportersFilter struct {
	Expected map[string]any // DailyExpectedArgs of the day
	Area     DailyArea
	State    string // one of DailyStates, or "" = any
	Page     Page   // Size 0 = every row
}

// DailyReporterRow is an enterprise that must report on the day, with its
// report of the day (ReportID 0: none) and the reminder sent to it for
// that day, if any.
type DailyReporterRow struct {
	EnterpriseID   int64
	CreditCode     string
	Name           string
	Street, Sector string
	ReportID       int64
	OnTime         bool
	Version        int
	SubmittedAt    *time.Time // of the first version
	RemindedAt     *time.Time
}

// DailyReporters returns a page of the expected reporters of the day in
// the filter's state, by street then id, and how many there are. Two
// queries.
func (db *DB) DailyReporters(ctx context.Context, f DailyReportersFilter) ([]DailyReporterRow, int64, error) {
	pred, args, err := expectedSQL(f.Expected)
	if err != nil {
		return nil, 0, err
	}
	day := f.Expected["day"]
	w, args := f.Area.where("v", []string{pred}, args)
	if p, ok := dailyStatePredicates[f.State]; ok {
		w = append(w, p)
		switch f.State {
		case DailyStateOnTime:
			args = append(args, true)
		case DailyStateLate:
			args = append(args, false)
		}
	}
	join := " FROM enterprise_versions v LEFT JOIN daily_reports r ON r.enterprise_id = v.enterprise_id AND r.report_date = ?"
	where := " WHERE " + strings.Join(w, " AND ")
	args = append([]any{day}, args...)
	g := db.orm(ctx)
	var total int64
	if err := g.Raw("SELECT COUNT(*)"+join+where, args...).Row().Scan(&total); err != nil {
		return nil, 0, dbErr(err, "daily reporters")
	}
	q := `SELECT v.enterprise_id, e.credit_code, e.name, v.street, v.sector, r.id, r.on_time, r.version, r.submitted_at, m.created_at` +
		join + ` JOIN enterprises e ON e.id = v.enterprise_id
LEFT JOIN daily_reminders m ON m.enterprise_id = v.enterprise_id AND m.report_date = ?` + where + " ORDER BY v.street, v.enterprise_id"
	qargs := append([]any{day, day}, args[1:]...)
	if f.Page.Size > 0 {
		q += " LIMIT ? OFFSET ?"
		qargs = append(qargs, f.Page.Size, f.Page.Offset())
	}
	rows, err := g.Raw(q, qargs...).Rows()
	if err != nil {
		return nil, 0, dbErr(err, "daily reporters")
	}
	defer rows.Close()
	out := []DailyReporterRow{}
	for rows.Next() {
		var r DailyReporterRow
		var rid, version sql.NullInt64
		var onTime sql.NullBool
		var sub, at sql.NullTime
		if err := rows.Scan(&r.EnterpriseID, &r.CreditCode, &r.Name, &r.Street, &r.Sector, &rid, &onTime, &version, &sub, &at); err != nil {
			return nil, 0, dbErr(err, "daily reporters")
		}
		r.ReportID, r.OnTime, r.Version = rid.Int64, onTime.Bool, int(version.Int64)
		r.SubmittedAt, r.RemindedAt = nullTime(sub), nullTime(at)
		out = append(out, r)
	}
	return out, total, dbErr(rows.Err(), "daily reporters")
}

// DailyReminder is the claim of one reminder to one enterprise for one
// report day (daily_reminders).
type DailyReminder struct {
	ID           int64
	EnterpriseID int64
	ReportDate   string
	Street       string
	Batch        string // the claiming call's random id
	SentBy       string // the official's username
	CreatedAt    time.Time
}

// TableName maps DailyReminder to daily_reminders.
func (DailyReminder) TableName() string { return "daily_reminders" }

// ClaimDailyReminders inserts the claims rs (one report day, one batch id)
// in the caller's transaction, skipping enterprises already reminded for
// that day, and returns the enterprise ids this batch claimed. The unique
// key (enterprise, day) is the condition two claims racing collide on — on
// one node the second waits for the first and skips its rows, on two
// Galera nodes one commit fails certification and its caller retries the
// whole transaction (store.Retry), finding the rows taken — so each
// enterprise is reminded once per day whatever the number of replicas.
func (db *DB) ClaimDailyReminders(ctx context.Context, rs []DailyReminder) ([]int64, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	batch, day := rs[0].Batch, rs[0].ReportDate
	for _, r := range rs {
		if r.Batch != batch || r.ReportDate != day {
			return nil, errors.New("store: ClaimDailyReminders: one batch and one day per call")
		}
	}
	g := db.orm(ctx)
	if err := g.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rs, 500).Error; err != nil {
		return nil, dbErr(err, "daily reminders")
	}
	var ids []int64
	err := g.Model(&DailyReminder{}).Where("report_date = ? AND batch = ?", day, batch).Order("enterprise_id").Pluck("enterprise_id", &ids).Error
	return ids, dbErr(err, "daily reminders")
}

// UserIDsOfEnterprises returns the enabled accounts of each enterprise of
// ids. One query.
func (db *DB) UserIDsOfEnterprises(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []User
	err := db.orm(ctx).Select("id, enterprise_id").Where("role = ? AND disabled = ? AND enterprise_id IN ?", RoleEnterprise, false, ids).Find(&rows).Error
	if err != nil {
		return nil, dbErr(err, "users")
	}
	for _, u := range rows {
		if u.EnterpriseID != nil {
			out[*u.EnterpriseID] = append(out[*u.EnterpriseID], u.ID)
		}
	}
	return out, nil
}
