package report

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// Daily reporting rate and timeliness (DHIS2's reporting rate and
// "reporting rate on time" for a periodic data set), per day, street and
// sector.
//
// Counting rules (the contract the end-to-end test checks by brute force):
//   - expected on day D: the enterprises in the registry on D that must
//     report that day (store.DailyExpectedPredicate: first approved, or
//     resumed, at least the data set's from_days_after_approval days
//     before D), counted in the street and sector they had on D;
//   - reported: the reports of day D (one per enterprise, whatever its
//     corrections; the daily service accepts them only from expected
//     reporters), counted in the street and sector recorded with them;
//     on time: whose first version was filed by D's deadline; late: the
//     others (filed after the deadline, also days later); missing:
//     expected − reported;
//   - reporting_rate = reported / expected, timeliness_rate = on time /
//     expected, percentages rounded half-up to 2 decimals, null when
//     nobody was expected.
//
// Expected reporters are counted by one GROUP BY over the registry's
// covering index (one day), or from the registry's spans (a trend); the
// reports from daily_tallies, kept in the transaction of each filing: a
// 90-day trend never reads the 3.6 million reports of 40,000 enterprises.

// DailySetup is what the daily figures need from the daily data set
// (configs/daily.yaml), wired by the caller so that package report does not
// depend on package daily.
type DailySetup struct {
	// FromDaysAfterApproval: an enterprise first reports this many days
	// after its first approval or reported resumption (1: the next day).
	FromDaysAfterApproval int
	// Fields of the current data set version, for department daily views
	// and the street's daily summary.
	Fields []DailyField
}

// EnableDaily turns on the daily figures and daily views. It checks the
// configuration's daily views against setup.Fields (an error names the
// file and line) and must be called before the service is used.
func (s *Service) EnableDaily(setup DailySetup) error {
	if setup.FromDaysAfterApproval < 1 {
		setup.FromDaysAfterApproval = 1
	}
	if err := s.cfg.BindDaily(setup.Fields); err != nil {
		return err
	}
	s.daily = &setup
	return nil
}

// DailyFigures are the reporting figures of one day and population.
type DailyFigures struct {
	Expected       int64    `json:"expected"`
	Reported       int64    `json:"reported"`
	OnTime         int64    `json:"on_time"`
	Late           int64    `json:"late"`
	Missing        int64    `json:"missing"`
	ReportingRate  *float64 `json:"reporting_rate"`  // null when Expected is 0
	TimelinessRate *float64 `json:"timeliness_rate"` // null when Expected is 0
}

func (f *DailyFigures) finish() {
	f.Late = f.Reported - f.OnTime
	f.Missing = max(f.Expected-f.Reported, 0)
	f.ReportingRate = Rate(min(f.Reported, f.Expected), f.Expected)
	f.TimelinessRate = Rate(min(f.OnTime, f.Expected), f.Expected)
}

// DailyStreetRow is one street's figures of a day.
type DailyStreetRow struct {
	Street string `json:"street"`
	Name   string `json:"name"`
	DailyFigures
}

// DailySectorRow is one sector's figures of a day.
type DailySectorRow struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	DailyFigures
}

// DailyDashboard is the answer of GET /dashboard/daily.
type DailyDashboard struct {
	Date   string `json:"date"`
	Street string `json:"street,omitempty"`
	Sector string `json:"sector,omitempty"`
	DailyFigures
	Streets []DailyStreetRow `json:"streets"`
	Sectors []DailySectorRow `json:"sectors"`
}

// DailyPoint is one day of a daily trend.
type DailyPoint struct {
	Date string `json:"date"`
	DailyFigures
}

// DailyTrend is the answer of GET /dashboard/daily/trend.
type DailyTrend struct {
	From   string       `json:"from"`
	To     string       `json:"to"`
	Street string       `json:"street,omitempty"`
	Sector string       `json:"sector,omitempty"`
	Points []DailyPoint `json:"points"`
}

// DailyParams are a daily dashboard request's query parameters, as sent.
type DailyParams struct {
	Date   string // YYYY-MM-DD; today (Asia/Shanghai) when empty
	From   string // trend: first day; To minus 29 days when empty
	To     string // trend: last day; today when empty
	Street string // code or Chinese name; street officials their own
	Sector string // industrial | service | construction; "" = all
}

var dailySectors = []string{store.SectorIndustrial, store.SectorService, store.SectorConstruction}

func (s *Service) dailyOn() error {
	if s.daily == nil {
		return apperror.Msg(apperror.NotFound, msgNoDaily)
	}
	return nil
}

// dailyArea resolves the street (scoped like the dashboards) and sector.
func (s *Service) dailyArea(scope store.Scope, street, sector string) (store.DailyArea, error) {
	st, err := s.streetFor(scope, street)
	if err != nil {
		return store.DailyArea{}, err
	}
	if sector != "" {
		if _, ok := sectorNames[sector]; !ok {
			return store.DailyArea{}, invalid("sector", msgUnknownDailySector, sector)
		}
	}
	return store.DailyArea{Street: st, Sector: sector}, nil
}

// expectedArgs are the foundation's expected-reporter arguments for day.
func (s *Service) expectedArgs(day time.Time) (map[string]any, error) {
	return store.DailyExpectedArgs(day.Format(time.DateOnly), s.daily.FromDaysAfterApproval, Shanghai)
}

// Daily returns the reporting figures of p.Date for the caller's scope, in
// all and per street and per sector. Errors: apperror.Invalid (bad date,
// street or sector, with the field), apperror.Forbidden (another street, a
// role without dashboards), apperror.NotFound (daily reporting not
// enabled), apperror.Unavailable (database down).
func (s *Service) Daily(ctx context.Context, scope store.Scope, p DailyParams) (*DailyDashboard, error) {
	if err := s.dailyOn(); err != nil {
		return nil, err
	}
	d, err := day("date", p.Date, s.today())
	if err != nil {
		return nil, err
	}
	area, err := s.dailyArea(scope, p.Street, p.Sector)
	if err != nil {
		return nil, err
	}
	args, err := s.expectedArgs(d)
	if err != nil {
		return nil, err
	}
	exp, err := s.db.DailyExpectedCounts(ctx, args, area)
	if err != nil {
		return nil, err
	}
	ds := d.Format(time.DateOnly)
	tal, err := s.db.DailyTallies(ctx, ds, ds, area)
	if err != nil {
		return nil, err
	}
	out := &DailyDashboard{Date: ds, Street: area.Street, Sector: area.Sector, Streets: []DailyStreetRow{}, Sectors: []DailySectorRow{}}
	byStreet, bySector := map[string]*DailyFigures{}, map[string]*DailyFigures{}
	for _, st := range s.areas.Streets() {
		if area.Street == "" || st.Code == area.Street {
			out.Streets = append(out.Streets, DailyStreetRow{Street: st.Code, Name: st.Name})
		}
	}
	for i := range out.Streets {
		byStreet[out.Streets[i].Street] = &out.Streets[i].DailyFigures
	}
	for _, k := range dailySectors {
		if area.Sector == "" || k == area.Sector {
			out.Sectors = append(out.Sectors, DailySectorRow{Key: k, Name: sectorNames[k]})
		}
	}
	for i := range out.Sectors {
		bySector[out.Sectors[i].Key] = &out.Sectors[i].DailyFigures
	}
	add := func(street, sector string, f func(*DailyFigures)) {
		f(&out.DailyFigures)
		if x := byStreet[street]; x != nil {
			f(x)
		}
		if x := bySector[sector]; x != nil {
			f(x)
		}
	}
	for _, c := range exp {
		add(c.Street, c.Sector, func(f *DailyFigures) { f.Expected += c.N })
	}
	for _, t := range tal {
		add(t.Street, t.Sector, func(f *DailyFigures) { f.Reported += t.Reported; f.OnTime += t.OnTime })
	}
	out.finish()
	for i := range out.Streets {
		out.Streets[i].finish()
	}
	for i := range out.Sectors {
		out.Sectors[i].finish()
	}
	return out, nil
}

// DailyTrendOf returns the reporting figures of each day from p.From to
// p.To (inclusive, at most MaxTrendDays) for the caller's scope. Errors as
// Daily, plus apperror.Invalid when from is after to or the range is too
// long.
func (s *Service) DailyTrendOf(ctx context.Context, scope store.Scope, p DailyParams) (*DailyTrend, error) {
	if err := s.dailyOn(); err != nil {
		return nil, err
	}
	to, err := day("to", p.To, s.today())
	if err != nil {
		return nil, err
	}
	from, err := day("from", p.From, to.AddDate(0, 0, -29))
	if err != nil {
		return nil, err
	}
	if from.After(to) {
		return nil, invalid("from", msgFromAfterTo)
	}
	n := int(to.Sub(from).Hours()/24+0.5) + 1
	if n > MaxTrendDays {
		return nil, invalid("to", msgRangeTooLong, n, MaxTrendDays)
	}
	area, err := s.dailyArea(scope, p.Street, p.Sector)
	if err != nil {
		return nil, err
	}
	fs, ts := from.Format(time.DateOnly), to.Format(time.DateOnly)
	spans, err := s.db.DailySpans(ctx, fs, ts, area)
	if err != nil {
		return nil, err
	}
	tal, err := s.db.DailyTallies(ctx, fs, ts, area)
	if err != nil {
		return nil, err
	}
	t := &DailyTrend{From: fs, To: ts, Street: area.Street, Sector: area.Sector, Points: make([]DailyPoint, n)}
	idx := make(map[string]int, n)
	days := make([]string, n) // sorted: YYYY-MM-DD orders as text
	diff := make([]int64, n+1)
	for i := range t.Points {
		t.Points[i].Date = from.AddDate(0, 0, i).Format(time.DateOnly)
		idx[t.Points[i].Date], days[i] = i, t.Points[i].Date
	}
	// Each span adds its enterprises to the days it covers from its first
	// day to report: a few thousand spans, not enterprises times days.
	after := s.daily.FromDaysAfterApproval
	firsts := map[string]string{} // since -> first day to report; spans share a few hundred
	for _, sp := range spans {
		since := sp.Since()
		first, ok := firsts[since]
		if !ok {
			d, err := time.ParseInLocation(time.DateOnly, since, Shanghai)
			if err != nil {
				continue // a malformed resumption date reports nothing
			}
			first = d.AddDate(0, 0, after).Format(time.DateOnly)
			firsts[since] = first
		}
		// The span counts on the days in [max(first, ValidFrom), ValidTo):
		// one range added to a difference array, not one test per day.
		lo := sort.SearchStrings(days, max(first, sp.ValidFrom))
		hi := sort.SearchStrings(days, sp.ValidTo)
		if lo < hi {
			diff[lo] += sp.N
			diff[hi] -= sp.N
		}
	}
	var run int64
	for i := range t.Points {
		run += diff[i]
		t.Points[i].Expected = run
	}
	for _, x := range tal {
		if i, ok := idx[x.ReportDate]; ok {
			t.Points[i].Reported += x.Reported
			t.Points[i].OnTime += x.OnTime
		}
	}
	for i := range t.Points {
		t.Points[i].finish()
	}
	return t, nil
}

// ReporterItem is an enterprise that must report on the day, with its
// state: on_time, late or missing.
type ReporterItem struct {
	EnterpriseID int64      `json:"enterprise_id"`
	CreditCode   string     `json:"credit_code"`
	Name         string     `json:"name"`
	Street       string     `json:"street"`
	Sector       string     `json:"sector"`
	State        string     `json:"state"`
	Version      *int       `json:"version"`      // null: not reported
	SubmittedAt  *time.Time `json:"submitted_at"` // first version; null: not reported
	RemindedAt   *time.Time `json:"reminded_at"`  // null: not reminded for this day
}

// ReporterList is the answer of GET /daily/reports.
type ReporterList struct {
	Date     string         `json:"date"`
	Street   string         `json:"street,omitempty"`
	State    string         `json:"state,omitempty"`
	Items    []ReporterItem `json:"items"`
	Total    int64          `json:"total"`
	Page     int            `json:"page"`
	PageSize int            `json:"page_size"`
}

// Reporters returns the enterprises of the caller's scope that must report
// on p.Date (today by default) in state ("" any; reported, on_time, late,
// missing: the street's list of those who have not reported), with whether
// each was reminded, by street then id, one page (pg.Size 0: every row, for
// exports). Errors as Daily, plus apperror.Invalid for an unknown state.
func (s *Service) Reporters(ctx context.Context, scope store.Scope, p DailyParams, state string, pg store.Page) (*ReporterList, error) {
	if err := s.dailyOn(); err != nil {
		return nil, err
	}
	if state != "" && !slices.Contains(store.DailyStates, state) {
		return nil, invalid("state", msgUnknownState, state, strings.Join(store.DailyStates, ", "))
	}
	d, err := day("date", p.Date, s.today())
	if err != nil {
		return nil, err
	}
	area, err := s.dailyArea(scope, p.Street, p.Sector)
	if err != nil {
		return nil, err
	}
	args, err := s.expectedArgs(d)
	if err != nil {
		return nil, err
	}
	rows, total, err := s.db.DailyReporters(ctx, store.DailyReportersFilter{Expected: args, Area: area, State: state, Page: pg})
	if err != nil {
		return nil, err
	}
	out := &ReporterList{Date: d.Format(time.DateOnly), Street: area.Street, State: state, Items: make([]ReporterItem, len(rows)),
		Total: total, Page: pg.Number, PageSize: pg.Size}
	for i, r := range rows {
		it := ReporterItem{EnterpriseID: r.EnterpriseID, CreditCode: r.CreditCode, Name: r.Name, Street: r.Street, Sector: r.Sector,
			State: store.DailyStateMissing, SubmittedAt: r.SubmittedAt, RemindedAt: r.RemindedAt}
		if r.ReportID != 0 {
			v := r.Version
			it.Version, it.State = &v, store.DailyStateLate
			if r.OnTime {
				it.State = store.DailyStateOnTime
			}
		}
		out.Items[i] = it
	}
	return out, nil
}

// MissingDay resolves the day and area of a reminder like Missing does and
// returns the day's expected-reporter arguments: for the reminder service,
// which must remind exactly whom Missing lists. Errors as Daily.
func (s *Service) MissingDay(scope store.Scope, p DailyParams) (string, store.DailyArea, map[string]any, error) {
	if err := s.dailyOn(); err != nil {
		return "", store.DailyArea{}, nil, err
	}
	d, err := day("date", p.Date, s.today())
	if err != nil {
		return "", store.DailyArea{}, nil, err
	}
	area, err := s.dailyArea(scope, p.Street, p.Sector)
	if err != nil {
		return "", store.DailyArea{}, nil, err
	}
	args, err := s.expectedArgs(d)
	return d.Format(time.DateOnly), area, args, err
}

// DailyTable returns a daily dashboard's per-street rows as a table.
func DailyTable(d *DailyDashboard) *Table {
	t := &Table{Title: "每日报送 " + d.Date, Columns: append([]TableColumn{{"street", "街道代码", KindText}, {"name", "街道", KindText}}, dailyColumns()...)}
	for _, r := range d.Streets {
		t.Rows = append(t.Rows, append([]any{r.Street, r.Name}, dailyCells(r.DailyFigures)...))
	}
	t.Rows = append(t.Rows, append([]any{"", "合计"}, dailyCells(d.DailyFigures)...))
	return t
}

// DailyTrendTable returns a daily trend as a table.
func DailyTrendTable(tr *DailyTrend) *Table {
	t := &Table{Title: "每日报送趋势 " + tr.From + "-" + tr.To, Columns: append([]TableColumn{{"date", "日期", KindDate}}, dailyColumns()...)}
	for _, p := range tr.Points {
		t.Rows = append(t.Rows, append([]any{p.Date}, dailyCells(p.DailyFigures)...))
	}
	return t
}

// ReportersTable returns a reporter list as a table.
func (s *Service) ReportersTable(m *ReporterList) *Table {
	t := &Table{Title: "每日报送企业 " + m.Date, Columns: []TableColumn{{"credit_code", "统一社会信用代码", KindText}, {"name", "企业名称", KindText},
		{"street", "街道", KindText}, {"sector", "行业", KindText}, {"state", "报送情况", KindText}, {"submitted_at", "报送时间", KindText},
		{"reminded_at", "已提醒时间", KindText}}}
	states := map[string]string{store.DailyStateOnTime: "按时", store.DailyStateLate: "补报", store.DailyStateMissing: "未报"}
	clock := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(Shanghai).Format("2006-01-02 15:04")
	}
	for _, it := range m.Items {
		street := it.Street
		if st, ok := s.areas.Street(it.Street); ok {
			street = st.Name
		}
		t.Rows = append(t.Rows, []any{it.CreditCode, it.Name, street, sectorNames[it.Sector], states[it.State], clock(it.SubmittedAt), clock(it.RemindedAt)})
	}
	return t
}

func dailyColumns() []TableColumn {
	return []TableColumn{{"expected", "应报", KindInt}, {"reported", "已报", KindInt}, {"on_time", "按时", KindInt},
		{"late", "补报", KindInt}, {"missing", "未报", KindInt}, {"reporting_rate", "报送率", KindPercent}, {"timeliness_rate", "及时率", KindPercent}}
}

func dailyCells(f DailyFigures) []any {
	return []any{f.Expected, f.Reported, f.OnTime, f.Late, f.Missing, f.ReportingRate, f.TimelinessRate}
}
