// Package daily owns the daily epidemic report (每日防疫日报, issue 15): the
// data set every approved or resumed enterprise files each day, its
// versioned definition (configs/daily.yaml), filing today's report or a
// missed day's (late), copying the last report's values as a start,
// corrections that keep every version (audited in the change's own
// transaction), and the reads of one enterprise's reports.
//
// # Storage (internal/store/daily.go, migration_daily.go)
//
// daily_reports has one current row per enterprise and day (unique on
// enterprise_id, report_date), daily_report_versions every version filed.
// A report's answers are kept whole as values_json (the fields of the data
// set version it was filed under, def_version), personal fields (a field
// marked personal, such as free-text remarks that may name people) sealed
// apart in personal_enc with the data key, as filings seal phones.
//
// What the dashboards and department views aggregate is also a real column:
// every field of the data set may name one (`column:`, the allow-list
// store.DailyColumns), so the day's sums by street and sector are
// SUM(column) ... GROUP BY street, sector over one index range, in the
// database, never a scan of the JSON in Go. Street, sector and zone are
// copied onto each report from the enterprise's registry version of the
// report day (as enterprise_versions holds them), so the sums need no join
// and never move when an enterprise later changes street. on_time is the
// first version's timeliness (filed by the day's deadline); a correction
// never changes it. Indexes: (report_date, enterprise_id, on_time) for the
// reporting rate, which joins the population expected that day
// (store.DailyExpectedPredicate over enterprise_versions) to the day's
// reports; (report_date, street, sector) for sums by area. A field added
// later without a column is in values_json only; giving it a column is a
// migration (and a backfill from the JSON).
//
// Growth: one row per expected enterprise and day (40,000 enterprises ×
// 365 days ≈ 14.6 million rows a year) plus a version row each. On the
// default data set a version's values are about 300 bytes and the rules'
// input kept for backtests about 1 KB (`go test -run '^$' -bench Submit
// ./internal/daily/`, metrics values-B/version and rule-input-B/version);
// PruneRuleInputs clears the inputs after the 92-day backtest window (run
// hourly by `fugong serve`), so a year adds roughly 14.6 M × (300 B of
// values, twice: current row and version, plus the value columns and
// indexes). Every read names a day or a range of days, so the tables
// partition naturally by report_date (MariaDB RANGE partitions per month,
// or past years moved to an archive copy).
//
// Who must report on day D: an enterprise in the registry on D whose first
// approval (or reported resumption) lies before D by the configured offset
// (`expected.from_days_after_approval`, 1 = from the day after approval),
// as store.DailyExpectedPredicate states in SQL; filing a report of a day
// no report is due is refused.
//
// The clock is injected (Deps.Now): lateness and "today" are computed from
// it in park time (Asia/Shanghai).
package daily

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/parktime"
	"fugong/internal/pii"
	"fugong/internal/rules"
	"fugong/internal/store"
)

// Service files and reads daily reports.
type Service struct {
	db     *store.DB
	keys   *pii.Keyring
	def    *Definition
	rules  RuleEvaluator
	engine *rules.Engine
	now    func() time.Time
	log    *slog.Logger
	holder string // this process in lease rows (housekeeping.go)
}

// Deps are what a Service needs.
type Deps struct {
	DB   *store.DB
	Keys *pii.Keyring // seals personal fields; required when a field is personal
	// Definition is the data set; nil takes the embedded configs/daily.yaml.
	Definition *Definition
	// Rules is the daily report rules engine (rules.KindDaily, over
	// rules/daily): it evaluates each report and serves the rule
	// operations; nil flags nothing.
	Rules *rules.Engine
	Now   func() time.Time
	Log   *slog.Logger
}

// New returns a Service.
func New(d Deps) *Service {
	if d.Definition == nil {
		d.Definition = DefaultDefinition()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{db: d.DB, keys: d.Keys, def: d.Definition, now: d.Now, log: d.Log, holder: store.NewHolder()}
	if d.Rules != nil {
		s.rules, s.engine = d.Rules, d.Rules
	}
	return s
}

// Definition returns the data set the service files against.
func (s *Service) Definition() *Definition { return s.def }

// Input is the body of PUT /api/v1/daily/reports/{date}: the answers by
// field key, and for a correction an optional note and the version it
// replaces.
type Input struct {
	Values map[string]json.RawMessage `json:"values"`
	// Note says why a correction was made (kept with the version).
	Note string `json:"note,omitempty"`
	// BaseVersion, when set, is the version the caller corrects: a report
	// corrected meanwhile is apperror.Conflict instead of overwritten.
	BaseVersion *int `json:"base_version,omitempty"`
}

// maxNote bounds a correction note (the column's size).
const maxNote = 500

// maxRangeDays bounds a list of one enterprise's reports.
const maxRangeDays = 366

var errEnterpriseOnly = apperror.Msg(apperror.Forbidden, msgEnterpriseOnly)

func invalid(d []apperror.Detail) error {
	return &apperror.Error{Code: apperror.Invalid, Text: msgReportInvalid.With(), Message: msgReportInvalid.In("zh-CN"), Details: d}
}

// parseDay checks a report day: a date, not after today, not older than
// the late window.
func (s *Service) parseDay(day string) (string, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(day), parktime.Location)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return "", &apperror.Error{Code: apperror.Invalid, Text: msgReportInvalid.With(),
			Details: []apperror.Detail{apperror.FieldMsg("date", msgDateFormat)}}
	}
	d := t.Format(time.DateOnly)
	today := Today(s.now())
	if d > today {
		return "", &apperror.Error{Code: apperror.Invalid, Text: msgReportInvalid.With(),
			Details: []apperror.Detail{apperror.FieldMsg("date", msgFutureDate)}}
	}
	oldest := parktime.In(s.now()).AddDate(0, 0, -s.def.LateWindowDays).Format(time.DateOnly)
	if d < oldest {
		return "", &apperror.Error{Code: apperror.Invalid, Text: msgReportInvalid.With(),
			Details: []apperror.Detail{apperror.FieldMsg("date", msgTooOld, s.def.LateWindowDays)}}
	}
	return d, nil
}

// readDay checks a day that is only read (any valid date).
func readDay(day string) (string, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(day))
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return "", &apperror.Error{Code: apperror.Invalid, Text: msgReportInvalid.With(),
			Details: []apperror.Detail{apperror.FieldMsg("date", msgDateFormat)}}
	}
	return t.Format(time.DateOnly), nil
}

// Expected reports whether enterprise must report on day, and its registry
// version that day when it must.
func (s *Service) Expected(ctx context.Context, enterpriseID int64, day string) (*store.EnterpriseVersion, bool, error) {
	return s.expectedIn(ctx, s.db, enterpriseID, day)
}

// expectedIn is Expected read through db (a transaction's, when inside one).
func (s *Service) expectedIn(ctx context.Context, db *store.DB, enterpriseID int64, day string) (*store.EnterpriseVersion, bool, error) {
	args, err := store.DailyExpectedArgs(day, s.def.Expected.FromDaysAfterApproval, parktime.Location)
	if err != nil {
		return nil, false, err
	}
	v, err := db.DailyExpectedVersion(ctx, enterpriseID, args)
	if apperror.CodeOf(err) == apperror.NotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}

// Put files the caller's report of day, or corrects it when one is already
// filed (the form a client that only knows "save" calls: PUT). created says
// which. Errors as Submit and Correct.
func (s *Service) Put(ctx context.Context, p *auth.Principal, day string, in Input) (r *Report, created bool, err error) {
	if p.Role != store.RoleEnterprise || p.EnterpriseID == nil {
		return nil, false, errEnterpriseOnly
	}
	d, err := s.parseDay(day)
	if err != nil {
		return nil, false, err
	}
	_, err = s.db.DailyReportOf(ctx, p.Scope(), *p.EnterpriseID, d)
	switch apperror.CodeOf(err) {
	case "":
		r, err = s.Correct(ctx, p, d, in)
		return r, false, err
	case apperror.NotFound:
		r, err = s.Submit(ctx, p, d, in)
		if apperror.CodeOf(err) == apperror.Conflict && in.BaseVersion == nil {
			// Filed by a concurrent request since the read: correct it.
			r, err = s.Correct(ctx, p, d, in)
			return r, false, err
		}
		return r, err == nil, err
	default:
		return nil, false, err
	}
}

// Submit files the caller's first report of day (today, or a missed day
// within the late window, marked late when filed after that day's
// deadline). Only an enterprise files its own (apperror.Forbidden
// otherwise); bad values are apperror.Invalid with one detail per field
// ("values.KEY", or "date"); a day no report is due, apperror.Invalid on
// "date"; a report already filed that day, apperror.Conflict.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, day string, in Input) (*Report, error) {
	if p.Role != store.RoleEnterprise || p.EnterpriseID == nil {
		return nil, errEnterpriseOnly
	}
	d, err := s.parseDay(day)
	if err != nil {
		return nil, err
	}
	ver := s.def.VersionOn(d)
	vals, details := ParseValues(ver, in.Values)
	if utf8.RuneCountInString(in.Note) > maxNote {
		details = append(details, apperror.FieldMsg("note", msgNoteTooLong, maxNote))
	}
	if len(details) > 0 {
		return nil, invalid(details)
	}
	entID := *p.EnterpriseID
	reg, due, err := s.Expected(ctx, entID, d)
	if err != nil {
		return nil, err
	}
	if !due {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgReportInvalid.With(),
			Details: []apperror.Detail{apperror.FieldMsg("date", msgNotExpected)}}
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	dayT, _ := time.ParseInLocation(time.DateOnly, d, parktime.Location)
	onTime := !now.After(s.def.DeadlineOf(dayT))
	row := &store.DailyReport{EnterpriseID: entID, ReportDate: d, Street: reg.Street, Sector: reg.Sector, Zone: reg.Zone,
		DefVersion: ver.Version, Version: 1, OnTime: onTime, SubmittedAt: now, UpdatedAt: now, SubmittedBy: p.Username, ViaToken: p.ViaToken}
	if err := s.fill(row, ver, vals); err != nil {
		return nil, err
	}
	rin, err := s.ruleInput(ctx, s.db, reg, entID, ver, d, !onTime, vals)
	if err != nil {
		return nil, err
	}
	rjson, err := inputJSON(rin)
	if err != nil {
		return nil, err
	}
	// Judged before the transaction, so it holds no lock while rules run;
	// the report, its flags and its warnings count commit together.
	flags := s.flagsOf(row, rin, now)
	row.Warnings = len(flags)
	version := &store.DailyReportVersion{Version: 1, EnterpriseID: entID, ReportDate: d, DefVersion: ver.Version, Late: !onTime,
		ValuesJSON: row.ValuesJSON, PersonalEnc: row.PersonalEnc, Note: in.Note, CreatedBy: p.Username, ViaToken: p.ViaToken, CreatedAt: now,
		RuleInput: rjson}
	err = s.db.TxRetry(ctx, func(tx *store.DB) error {
		row.ID, version.ID = 0, 0 // an aborted attempt's ids
		if err := tx.CreateDailyReport(ctx, row, version); err != nil {
			if apperror.CodeOf(err) == apperror.Conflict && !store.IsRetryable(err) {
				return apperror.WrapMsg(err, apperror.Conflict, msgAlreadyFiled)
			}
			return err
		}
		if err := tx.SaveDailyFlags(ctx, row.ID, flags, false); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, p.Entry("daily_report_filed", fmt.Sprintf("daily_report:%d", row.ID), auditDetails(d, 1, !onTime)))
	})
	if err != nil {
		return nil, err
	}
	return s.viewOf(ctx, p.Scope(), row, ver, vals)
}

func auditDetails(day string, version int, late bool) string {
	return fmt.Sprintf("date=%s version=%d late=%t", day, version, late)
}

// Correct replaces the caller's report of day with a new version (the old
// ones are kept; the on-time flag stays the first version's). The values
// are checked against the data set version the report was filed under.
// Sending the values the report already holds changes nothing (a retried
// push is harmless). Errors as Submit; no report that day is
// apperror.NotFound; a BaseVersion that is no longer current, or a
// concurrent correction, apperror.Conflict.
func (s *Service) Correct(ctx context.Context, p *auth.Principal, day string, in Input) (*Report, error) {
	if p.Role != store.RoleEnterprise || p.EnterpriseID == nil {
		return nil, errEnterpriseOnly
	}
	d, err := s.parseDay(day)
	if err != nil {
		return nil, err
	}
	entID := *p.EnterpriseID
	var (
		row  *store.DailyReport
		ver  *Version
		vals Values
	)
	err = s.db.TxRetry(ctx, func(tx *store.DB) error {
		old, err := tx.DailyReportForUpdate(ctx, entID, d)
		if apperror.CodeOf(err) == apperror.NotFound {
			return apperror.WrapMsg(err, apperror.NotFound, msgNothingToCorrect)
		}
		if err != nil {
			return err
		}
		if in.BaseVersion != nil && *in.BaseVersion != old.Version {
			return apperror.Msg(apperror.Conflict, msgBaseVersionStale, old.Version)
		}
		ver = s.def.VersionNumbered(old.DefVersion)
		if ver == nil {
			ver = s.def.VersionOn(d)
		}
		var details []apperror.Detail
		vals, details = ParseValues(ver, in.Values)
		if utf8.RuneCountInString(in.Note) > maxNote {
			details = append(details, apperror.FieldMsg("note", msgNoteTooLong, maxNote))
		}
		if len(details) > 0 {
			return invalid(details)
		}
		prev, err := s.values(old, ver, true)
		if err != nil {
			return err
		}
		if reflect.DeepEqual(prev, vals) {
			row = old // nothing changed: no new version
			return nil
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		next := *old
		next.Version = old.Version + 1
		next.DefVersion = ver.Version
		next.UpdatedAt, next.SubmittedBy, next.ViaToken = now, p.Username, p.ViaToken
		if err := s.fill(&next, ver, vals); err != nil {
			return err
		}
		dayT, _ := time.ParseInLocation(time.DateOnly, d, parktime.Location)
		late := now.After(s.def.DeadlineOf(dayT))
		reg, due, err := s.expectedIn(ctx, tx, entID, d)
		if err != nil {
			return err
		}
		if !due { // no longer due (a registry correction): the report's own area
			reg = &store.EnterpriseVersion{EnterpriseID: entID, Street: old.Street, Sector: old.Sector, Zone: old.Zone}
		}
		rin, err := s.ruleInput(ctx, tx, reg, entID, ver, d, !old.OnTime, vals)
		if err != nil {
			return err
		}
		rjson, err := inputJSON(rin)
		if err != nil {
			return err
		}
		flags := s.flagsOf(&next, rin, now)
		next.Warnings = len(flags)
		version := &store.DailyReportVersion{Version: next.Version, EnterpriseID: entID, ReportDate: d, DefVersion: ver.Version, Late: late,
			ValuesJSON: next.ValuesJSON, PersonalEnc: next.PersonalEnc, Note: in.Note, CreatedBy: p.Username, ViaToken: p.ViaToken, CreatedAt: now,
			RuleInput: rjson}
		if err := tx.CorrectDailyReport(ctx, &next, version); err != nil {
			return err
		}
		if err := tx.SaveDailyFlags(ctx, next.ID, flags, true); err != nil {
			return err
		}
		row = &next
		return tx.AppendAudit(ctx, p.Entry("daily_report_corrected", fmt.Sprintf("daily_report:%d", next.ID), auditDetails(d, next.Version, late)))
	})
	if err != nil {
		return nil, err
	}
	return s.viewOf(ctx, p.Scope(), row, ver, vals)
}

// personalAAD binds a report's sealed personal values to their purpose.
var personalAAD = []byte("daily.personal")

// fill writes vals into row: the JSON, the sealed personal values and the
// value columns.
func (s *Service) fill(row *store.DailyReport, ver *Version, vals Values) error {
	public, personal := split(ver, vals)
	b, err := json.Marshal(public)
	if err != nil {
		return fmt.Errorf("daily: values: %w", err)
	}
	row.ValuesJSON = string(b)
	row.PersonalEnc = nil
	if len(personal) > 0 {
		if s.keys == nil {
			return fmt.Errorf("daily: a personal field needs the data key")
		}
		pb, err := json.Marshal(personal)
		if err != nil {
			return fmt.Errorf("daily: personal values: %w", err)
		}
		if row.PersonalEnc, err = s.keys.Encrypt(pb, personalAAD); err != nil {
			return fmt.Errorf("daily: seal personal values: %w", err)
		}
	}
	row.ClearColumns()
	for _, f := range ver.Fields {
		if f.Column == "" {
			continue
		}
		if x, ok := vals[f.Key]; ok {
			if err := row.SetColumn(f.Column, x); err != nil {
				return err
			}
		}
	}
	return nil
}

// values reads a stored report's values; personal ones only when
// withPersonal (the enterprise itself).
func (s *Service) values(row *store.DailyReport, ver *Version, withPersonal bool) (Values, error) {
	return s.storedValues(row.ID, row.ValuesJSON, row.PersonalEnc, ver, withPersonal)
}

func (s *Service) storedValues(id int64, valuesJSON string, personalEnc []byte, ver *Version, withPersonal bool) (Values, error) {
	vals, err := decodeStored(ver, []byte(valuesJSON))
	if err != nil {
		return nil, fmt.Errorf("daily report %d: values: %w", id, err)
	}
	if withPersonal && len(personalEnc) > 0 {
		if s.keys == nil {
			return nil, fmt.Errorf("daily report %d: personal values need the data key", id)
		}
		b, err := s.keys.Decrypt(personalEnc, personalAAD)
		if err != nil {
			return nil, fmt.Errorf("daily report %d: open personal values: %w", id, err)
		}
		pv, err := decodeStored(ver, b)
		if err != nil {
			return nil, fmt.Errorf("daily report %d: personal values: %w", id, err)
		}
		maps.Copy(vals, pv)
	}
	return vals, nil
}
