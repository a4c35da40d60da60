package daily

import (
	"context"
	"sort"
	"strconv"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/parktime"
	"fugong/internal/store"
)

// Report is a daily report as the API shows it.
type Report struct {
	ID                int64     `json:"id"`
	EnterpriseID      int64     `json:"enterprise_id"`
	Date              string    `json:"date"`
	Street            string    `json:"street"`
	Sector            string    `json:"sector"`
	DefinitionVersion int       `json:"definition_version"`
	Version           int       `json:"version"`
	OnTime            bool      `json:"on_time"`
	Late              bool      `json:"late"`
	Warnings          int       `json:"warnings"`
	SubmittedAt       time.Time `json:"submitted_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	SubmittedBy       string    `json:"submitted_by"`
	ViaToken          bool      `json:"via_token"`
	Values            Values    `json:"values"`
	// Masked names the personal fields answered but hidden from the caller
	// (shown only to the enterprise itself).
	Masked []string `json:"masked"`
	// Flags are the rule warnings on the current version.
	Flags []FlagView `json:"flags"`
}

// FlagView is a rule warning on a daily report, as the enterprise and the
// street see it; ProblemID is the ledger problem a street official
// confirmed it as.
type FlagView struct {
	ID             int64      `json:"id"`
	EnterpriseID   int64      `json:"enterprise_id"`
	Date           string     `json:"date"`
	Street         string     `json:"street"`
	ReportVersion  int        `json:"report_version"`
	RuleID         string     `json:"rule_id"`
	Severity       string     `json:"severity"`
	Message        string     `json:"message"`
	RulesetVersion string     `json:"ruleset_version"`
	ProblemID      *int64     `json:"problem_id"`
	ConfirmedAt    *time.Time `json:"confirmed_at"`
}

func flagViewOf(f store.DailyFlag) FlagView {
	return FlagView{ID: f.ID, EnterpriseID: f.EnterpriseID, Date: f.ReportDate, Street: f.Street, ReportVersion: f.ReportVersion,
		RuleID: f.RuleID, Severity: f.Severity, Message: f.Message, RulesetVersion: f.RulesetVersion, ProblemID: f.ProblemID, ConfirmedAt: f.ConfirmedAt}
}

// Summary is one report in a list, without its values.
type Summary struct {
	ID                int64     `json:"id"`
	Date              string    `json:"date"`
	DefinitionVersion int       `json:"definition_version"`
	Version           int       `json:"version"`
	OnTime            bool      `json:"on_time"`
	Late              bool      `json:"late"`
	Warnings          int       `json:"warnings"`
	SubmittedAt       time.Time `json:"submitted_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// VersionView is one filed version of a report.
type VersionView struct {
	Version           int       `json:"version"`
	DefinitionVersion int       `json:"definition_version"`
	Late              bool      `json:"late"`
	Note              string    `json:"note"`
	CreatedBy         string    `json:"created_by"`
	ViaToken          bool      `json:"via_token"`
	CreatedAt         time.Time `json:"created_at"`
	Values            Values    `json:"values"`
	Masked            []string  `json:"masked"`
}

// Prefill is the start of a new report copied from the last one.
type Prefill struct {
	Date     string `json:"date"`      // the day being filed
	FromDate string `json:"from_date"` // the report copied
	Values   Values `json:"values"`    // fields that carry over and exist in the day's version
}

// maskedOf lists the personal fields of ver that have a sealed value
// (the caller cannot see which were answered, only that some were).
func maskedOf(ver *Version, personalEnc []byte, unmasked bool) []string {
	out := []string{}
	if unmasked || len(personalEnc) == 0 {
		return out
	}
	for _, f := range ver.Fields {
		if f.Personal {
			out = append(out, f.Key)
		}
	}
	return out
}

func (s *Service) versionOf(row *store.DailyReport) *Version {
	if v := s.def.VersionNumbered(row.DefVersion); v != nil {
		return v
	}
	return s.def.VersionOn(row.ReportDate)
}

func (s *Service) viewOf(ctx context.Context, scope store.Scope, row *store.DailyReport, ver *Version, vals Values) (*Report, error) {
	unmasked := scope.UnmasksPersonalData(row.EnterpriseID)
	if vals == nil {
		var err error
		if vals, err = s.values(row, ver, unmasked); err != nil {
			return nil, err
		}
	} else if !unmasked {
		vals, _ = split(ver, vals)
	}
	flags, err := s.db.DailyFlagsOf(ctx, row.ID, row.Version)
	if err != nil {
		return nil, err
	}
	fv := make([]FlagView, len(flags))
	for i, f := range flags {
		fv[i] = flagViewOf(f)
	}
	return &Report{ID: row.ID, EnterpriseID: row.EnterpriseID, Date: row.ReportDate, Street: row.Street, Sector: row.Sector,
		DefinitionVersion: row.DefVersion, Version: row.Version, OnTime: row.OnTime, Late: !row.OnTime, Warnings: row.Warnings,
		SubmittedAt: row.SubmittedAt, UpdatedAt: row.UpdatedAt, SubmittedBy: row.SubmittedBy, ViaToken: row.ViaToken,
		Values: vals, Masked: maskedOf(ver, row.PersonalEnc, unmasked), Flags: fv}, nil
}

// Get returns enterprise's report of day as the caller may see it
// (personal fields only to the enterprise itself), or apperror.NotFound
// when there is none or it lies outside the caller's scope; a bad date is
// apperror.Invalid.
func (s *Service) Get(ctx context.Context, p *auth.Principal, enterpriseID int64, day string) (*Report, error) {
	d, err := readDay(day)
	if err != nil {
		return nil, err
	}
	row, err := s.db.DailyReportOf(ctx, p.Scope(), enterpriseID, d)
	if err != nil {
		return nil, err
	}
	return s.viewOf(ctx, p.Scope(), row, s.versionOf(row), nil)
}

// Mine is Get of the caller's own enterprise (apperror.Forbidden for
// callers who are not an enterprise).
func (s *Service) Mine(ctx context.Context, p *auth.Principal, day string) (*Report, error) {
	if p.Role != store.RoleEnterprise || p.EnterpriseID == nil {
		return nil, errEnterpriseOnly
	}
	return s.Get(ctx, p, *p.EnterpriseID, day)
}

// List returns enterprise's reports of days from..to (inclusive; empty to
// is today, empty from 30 days before to), latest first, within the
// caller's scope (another tenant's enterprise lists nothing, as
// apperror.NotFound). A span over 366 days or from after to is
// apperror.Invalid.
func (s *Service) List(ctx context.Context, p *auth.Principal, enterpriseID int64, from, to string) ([]Summary, error) {
	if _, err := s.db.EnterpriseByID(ctx, p.Scope(), enterpriseID); err != nil {
		return nil, err
	}
	if to == "" {
		to = Today(s.now())
	}
	t, err := readDay(to)
	if err != nil {
		return nil, rename(err, "to")
	}
	tt, _ := time.Parse(time.DateOnly, t)
	if from == "" {
		from = tt.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	f, err := readDay(from)
	if err != nil {
		return nil, rename(err, "from")
	}
	ft, _ := time.Parse(time.DateOnly, f)
	if f > t {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgRangeOrder.With(), Details: []apperror.Detail{apperror.FieldMsg("from", msgRangeOrder)}}
	}
	if tt.Sub(ft) > maxRangeDays*24*time.Hour {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgRangeTooLong.With(maxRangeDays),
			Details: []apperror.Detail{apperror.FieldMsg("from", msgRangeTooLong, maxRangeDays)}}
	}
	rows, err := s.db.DailyReportsBetween(ctx, p.Scope(), enterpriseID, f, t)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(rows))
	for i, r := range rows {
		out[i] = Summary{ID: r.ID, Date: r.ReportDate, DefinitionVersion: r.DefVersion, Version: r.Version, OnTime: r.OnTime,
			Late: !r.OnTime, Warnings: r.Warnings, SubmittedAt: r.SubmittedAt, UpdatedAt: r.UpdatedAt}
	}
	return out, nil
}

// rename points a date detail at the query parameter name.
func rename(err error, field string) error {
	if ae := apperror.As(err); ae != nil {
		for i := range ae.Details {
			ae.Details[i].Field = field
		}
	}
	return err
}

// Versions returns every version of enterprise's report of day, oldest
// first, as the caller may see them; errors as Get.
func (s *Service) Versions(ctx context.Context, p *auth.Principal, enterpriseID int64, day string) ([]VersionView, error) {
	d, err := readDay(day)
	if err != nil {
		return nil, err
	}
	row, err := s.db.DailyReportOf(ctx, p.Scope(), enterpriseID, d)
	if err != nil {
		return nil, err
	}
	vs, err := s.db.DailyReportVersions(ctx, row.ID)
	if err != nil {
		return nil, err
	}
	unmasked := p.Scope().UnmasksPersonalData(enterpriseID)
	out := make([]VersionView, len(vs))
	for i, v := range vs {
		ver := s.def.VersionNumbered(v.DefVersion)
		if ver == nil {
			ver = s.def.VersionOn(d)
		}
		vals, err := s.storedValues(row.ID, v.ValuesJSON, v.PersonalEnc, ver, unmasked)
		if err != nil {
			return nil, err
		}
		out[i] = VersionView{Version: v.Version, DefinitionVersion: v.DefVersion, Late: v.Late, Note: v.Note, CreatedBy: v.CreatedBy,
			ViaToken: v.ViaToken, CreatedAt: v.CreatedAt, Values: vals, Masked: maskedOf(ver, v.PersonalEnc, unmasked)}
	}
	return out, nil
}

// Prefill returns the values of the caller's last report before day that
// carry over (configs/daily.yaml, carry_over) and still exist with the
// same type in day's data set version: the start of "copy yesterday's
// values". No earlier report is apperror.NotFound; errors otherwise as
// Submit's checks of the day.
func (s *Service) Prefill(ctx context.Context, p *auth.Principal, day string) (*Prefill, error) {
	if p.Role != store.RoleEnterprise || p.EnterpriseID == nil {
		return nil, errEnterpriseOnly
	}
	d, err := s.parseDay(day)
	if err != nil {
		return nil, err
	}
	prev, err := s.db.PreviousDailyReport(ctx, p.Scope(), *p.EnterpriseID, d)
	if apperror.CodeOf(err) == apperror.NotFound {
		return nil, apperror.WrapMsg(err, apperror.NotFound, msgNoPrevious)
	}
	if err != nil {
		return nil, err
	}
	pver := s.versionOf(prev)
	vals, err := s.values(prev, pver, true)
	if err != nil {
		return nil, err
	}
	ver := s.def.VersionOn(d)
	out := Values{}
	for k, x := range vals {
		f, pf := ver.Field(k), pver.Field(k)
		if f != nil && pf != nil && f.Type == pf.Type && f.carries() {
			out[k] = x
		}
	}
	return &Prefill{Date: d, FromDate: prev.ReportDate, Values: out}, nil
}

// PushItem is one report of a push: a day and its input.
type PushItem struct {
	Date string `json:"date"`
	Input
}

// PushResult is what a push did to one day.
type PushResult struct {
	Date    string `json:"date"`
	Created bool   `json:"created"`
	Report  Report `json:"report"`
}

// maxPush bounds the reports of one push (a month of days).
const maxPush = 31

// Push files or corrects several days' reports of the caller's enterprise
// at once (large enterprises' systems, with an API token). Every item is
// checked first: any bad one is apperror.Invalid with details prefixed
// "reports[i]." and nothing is written; then each day is filed or
// corrected as Put does, in date order, each in its own transaction (a
// repeated push changes nothing). Errors of a day after the checks stop
// the push there; the days before it stay filed.
func (s *Service) Push(ctx context.Context, p *auth.Principal, items []PushItem) ([]PushResult, error) {
	if p.Role != store.RoleEnterprise || p.EnterpriseID == nil {
		return nil, errEnterpriseOnly
	}
	if len(items) > maxPush {
		return nil, apperror.Msg(apperror.Invalid, msgPushTooMany, maxPush)
	}
	var details []apperror.Detail
	seen := map[string]bool{}
	for i, it := range items {
		prefix := "reports[" + strconv.Itoa(i) + "]."
		d, err := s.parseDay(it.Date)
		if err != nil {
			for _, x := range apperror.As(err).Details {
				x.Field = prefix + x.Field
				details = append(details, x)
			}
			continue
		}
		if seen[d] {
			details = append(details, apperror.FieldMsg(prefix+"date", msgPushDuplicateDate))
			continue
		}
		seen[d] = true
		items[i].Date = d
		ver := s.def.VersionOn(d)
		if row, err := s.db.DailyReportOf(ctx, p.Scope(), *p.EnterpriseID, d); err == nil {
			ver = s.versionOf(row)
		}
		if _, ds := ParseValues(ver, it.Values); len(ds) > 0 {
			for _, x := range ds {
				x.Field = prefix + x.Field
				details = append(details, x)
			}
		}
	}
	if len(details) > 0 {
		return nil, invalid(details)
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].Date < items[b].Date })
	out := make([]PushResult, 0, len(items))
	for _, it := range items {
		r, created, err := s.Put(ctx, p, it.Date, it.Input)
		if err != nil {
			return out, err
		}
		out = append(out, PushResult{Date: it.Date, Created: created, Report: *r})
	}
	return out, nil
}

// DefinitionOn is the data set version in force on day with the deadline
// of that day, as GET /api/v1/daily/definition shows it.
type DefinitionOn struct {
	DataSet        string    `json:"data_set"`
	Title          Label     `json:"title"`
	Date           string    `json:"date"`
	Deadline       time.Time `json:"deadline"`
	LateWindowDays int       `json:"late_window_days"`
	Version        int       `json:"version"`
	Fields         []Field   `json:"fields"`
}

// DefinitionFor returns the data set version in force on day (empty is
// today); a bad date is apperror.Invalid.
func (s *Service) DefinitionFor(day string) (*DefinitionOn, error) {
	if day == "" {
		day = Today(s.now())
	}
	d, err := readDay(day)
	if err != nil {
		return nil, err
	}
	t, _ := time.ParseInLocation(time.DateOnly, d, parktime.Location)
	v := s.def.VersionOn(d)
	return &DefinitionOn{DataSet: s.def.DataSet, Title: s.def.Title, Date: d, Deadline: s.def.DeadlineOf(t).UTC(),
		LateWindowDays: s.def.LateWindowDays, Version: v.Version, Fields: v.Fields}, nil
}
