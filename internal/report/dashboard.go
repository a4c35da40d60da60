package report

import (
	"context"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/msg"
	"fugong/internal/store"
)

// MaxTrendDays is the longest trend range served, in days (inclusive).
const MaxTrendDays = 366

// SectorRow is one population's figures as of a day.
type SectorRow struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Total       int64    `json:"total"`
	Submitted   int64    `json:"submitted"`
	Approved    int64    `json:"approved"`
	Returned    int64    `json:"returned"`
	Resumed     int64    `json:"resumed"`
	Rate        *float64 `json:"rate"`         // null when Total is 0
	ResumedRate *float64 `json:"resumed_rate"` // null when Total is 0
	OnTimeRate  *float64 `json:"on_time_rate"` // null when Total is 0
	onTime      int64
}

// ProblemFigures are the problem ledger's figures as of a day.
type ProblemFigures struct {
	Found     int64    `json:"found"`
	Rectified int64    `json:"rectified"`
	Rate      *float64 `json:"rate"` // null when Found is 0
}

// ReportForms is the dashboard's 「报表精简」 figure, computed from the
// forms catalogue of the report configuration: the forms the grass roots
// filled before the reform, and those they still type now (neither dropped,
// merged into another form, nor replaced by a department view built from
// the reports). A configuration without a catalogue gives its
// dashboard.forms_before and, after, the number of views.
type ReportForms struct {
	Before      int         `json:"before"`
	After       int         `json:"after"`
	CutRate     float64     `json:"cut_rate"`
	Dropped     int         `json:"dropped"`
	Merged      int         `json:"merged"`
	Shared      int         `json:"shared"`
	Departments []FormCount `json:"departments"` // per department, in declared order; empty without a catalogue
}

// SectorDashboard is the answer of GET /dashboard/sectors.
type SectorDashboard struct {
	AsOf        string         `json:"as_of"`
	Street      string         `json:"street,omitempty"`
	Sectors     []SectorRow    `json:"sectors"`
	Problems    ProblemFigures `json:"problems"`
	ReportForms ReportForms    `json:"report_forms"`
}

// StreetRow is one street's figures for one population.
type StreetRow struct {
	Street string `json:"street"`
	Name   string `json:"name"`
	Zone   string `json:"zone"`
	SectorRow
	Problems ProblemFigures `json:"problems"`
}

// StreetDashboard is the answer of GET /dashboard/streets.
type StreetDashboard struct {
	AsOf    string      `json:"as_of"`
	Sector  string      `json:"sector"`
	Streets []StreetRow `json:"streets"`
}

// TrendPoint is one day of a trend: the population in the registry that
// day, and how many of it were approved by the end of it.
type TrendPoint struct {
	Date     string   `json:"date"`
	Approved int64    `json:"approved"`
	Total    int64    `json:"total"`
	Rate     *float64 `json:"rate"` // null when Total is 0
}

// Trend is the answer of GET /dashboard/trend.
type Trend struct {
	Sector string       `json:"sector"`
	Street string       `json:"street,omitempty"`
	From   string       `json:"from"`
	To     string       `json:"to"`
	Total  int64        `json:"total"` // the population on To
	Points []TrendPoint `json:"points"`
}

// Params are a dashboard request's query parameters, as sent.
type Params struct {
	AsOf   string // YYYY-MM-DD; today (Asia/Shanghai) when empty
	Street string // code or Chinese name; park manager and admin only
	Sector string // population key; "industrial" when empty (streets, trend)
	From   string // trend: first day; To minus 29 days when empty
	To     string // trend: last day; AsOf's default when empty
}

// invalid is apperror.Invalid naming the bad parameter field with the
// catalog message m.
func invalid(field string, m msg.Message, args ...any) error {
	t := m.With(args...)
	return apperror.WithText(apperror.Invalid, msgBadParameter.With(field, t), []apperror.Detail{{Field: field, Text: t}})
}

// day parses a YYYY-MM-DD parameter; empty gives def.
func day(field, v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, Shanghai)
	if err != nil || d.Year() < 2000 || d.Year() > 2100 {
		return time.Time{}, invalid(field, msgBadDate, v)
	}
	return d, nil
}

func (s *Service) today() time.Time {
	n := s.now().In(Shanghai)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, Shanghai)
}

// endOf returns the exclusive end of day d (Asia/Shanghai) in UTC.
func endOf(d time.Time) time.Time { return d.AddDate(0, 0, 1).UTC() }

// streetFor decides which street a caller reads: street officials their own
// (asking for another is apperror.Forbidden), park managers and admins any
// (empty = all; an unknown street is apperror.Invalid), anyone else is
// apperror.Forbidden.
func (s *Service) streetFor(scope store.Scope, requested string) (string, error) {
	switch scope.Role {
	case store.RoleStreetOfficial:
		if scope.Street == "" {
			return "", apperror.Msg(apperror.Forbidden, msgNoStreet)
		}
		if requested != "" {
			if st, ok := s.areas.Street(requested); !ok || st.Code != scope.Street {
				return "", apperror.Msg(apperror.Forbidden, msgOwnStreetOnly)
			}
		}
		return scope.Street, nil
	case store.RoleParkManager, store.RoleAdmin, store.RoleInspector:
		if requested == "" {
			return "", nil
		}
		st, ok := s.areas.Street(requested)
		if !ok {
			return "", invalid("street", msgUnknownStreet, requested)
		}
		return st.Code, nil
	default:
		return "", apperror.Msg(apperror.Forbidden, msgNoDashboards)
	}
}

func population(key string) (Population, error) {
	if key == "" {
		key = "industrial"
	}
	p, ok := populationByKey(key)
	if !ok {
		return Population{}, invalid("sector", msgUnknownSector, key)
	}
	return p, nil
}

func addTo(r *SectorRow, g store.GroupCount) {
	r.Total += g.Total
	r.Submitted += g.Submitted
	r.Approved += g.Approved
	r.Returned += g.Returned
	r.Resumed += g.Resumed
	r.onTime += g.OnTime
}

func (r *SectorRow) finish() {
	r.Rate = Rate(r.Approved, r.Total)
	r.ResumedRate = Rate(r.Resumed, r.Total)
	r.OnTimeRate = Rate(r.onTime, r.Total)
}

// counts reads the figures as of asOf for street ("" = all): the registry
// of the day per group of attributes with the timeline's states, and the
// problems per street, per group of their enterprise's attributes when
// byPopulation (two queries, in package store).
func (s *Service) counts(ctx context.Context, asOf time.Time, street string, byPopulation bool) (figures, error) {
	end := endOf(asOf)
	onTimeEnd := s.cfg.deadline // approved by the deadline, and known by the end of asOf
	if end.Before(onTimeEnd) {
		onTimeEnd = end
	}
	day := asOf.Format(time.DateOnly)
	groups, err := s.db.StatusCounts(ctx, day, end, onTimeEnd, street)
	if err != nil {
		return figures{}, err
	}
	var probs []store.ProblemCount
	if byPopulation {
		probs, err = s.db.ProblemCounts(ctx, day, end, street)
	} else {
		probs, err = s.db.ProblemTotals(ctx, end, street)
	}
	return figures{groups, probs}, err
}

// problemFigures sums the problem counts of street ("" = every street)
// whose enterprise is in pop (nil = every problem).
func problemFigures(probs []store.ProblemCount, street string, pop *Population) ProblemFigures {
	var p ProblemFigures
	for _, c := range probs {
		if street != "" && c.Street != street {
			continue
		}
		if pop != nil && (!c.InRegistry || !pop.matches(c.Attrs)) {
			continue
		}
		p.Found += c.Found
		p.Rectified += c.Rectified
	}
	p.Rate = Rate(p.Rectified, p.Found)
	return p
}

// Sectors returns the sector dashboard as of p.AsOf for the caller's scope:
// a street official sees their street, a park manager or admin all streets
// or p.Street. Errors: apperror.Invalid (bad date or street, with the field
// in details), apperror.Forbidden (another street, or a role without
// dashboards), apperror.Unavailable (database down).
func (s *Service) Sectors(ctx context.Context, scope store.Scope, p Params) (*SectorDashboard, error) {
	asOf, err := day("as_of", p.AsOf, s.today())
	if err != nil {
		return nil, err
	}
	street, err := s.streetFor(scope, p.Street)
	if err != nil {
		return nil, err
	}
	f, err := s.figures(ctx, asOf, street, false)
	if err != nil {
		return nil, err
	}
	d := &SectorDashboard{AsOf: asOf.Format(time.DateOnly), Street: street, Problems: problemFigures(f.probs, "", nil), ReportForms: s.ReportForms()}
	for _, pop := range populations {
		row := SectorRow{Key: pop.Key, Name: pop.Name}
		for _, g := range f.groups {
			if pop.matches(g.RegistryAttrs) {
				addTo(&row, g)
			}
		}
		row.finish()
		d.Sectors = append(d.Sectors, row)
	}
	return d, nil
}

// ReportForms returns the 「报表精简」 figure of the configuration.
func (s *Service) ReportForms() ReportForms { return s.cfg.ReportForms() }

// ReportForms returns the 「报表精简」 figure: the catalogue's forms by fate
// (see the type), or the legacy forms_before → number of views.
func (c *Config) ReportForms() ReportForms {
	rf := ReportForms{Departments: []FormCount{}}
	if len(c.Forms) == 0 {
		rf.Before, rf.After = c.Dashboard.FormsBefore, len(c.Views)
	} else {
		all, per := c.formCounts()
		rf.Before, rf.After, rf.Dropped, rf.Merged, rf.Shared, rf.Departments = all.Before, all.After, all.Dropped, all.Merged, all.Shared, per
	}
	if rf.Before > rf.After {
		rf.CutRate = Percent(int64(rf.Before-rf.After), int64(rf.Before))
	}
	return rf
}

// Streets returns one row per street of the park (a street official: their
// own street only) for population p.Sector as of p.AsOf, with each street's
// problem figures. Errors as Sectors, plus apperror.Invalid for an unknown
// sector.
func (s *Service) Streets(ctx context.Context, scope store.Scope, p Params) (*StreetDashboard, error) {
	asOf, err := day("as_of", p.AsOf, s.today())
	if err != nil {
		return nil, err
	}
	pop, err := population(p.Sector)
	if err != nil {
		return nil, err
	}
	street, err := s.streetFor(scope, p.Street)
	if err != nil {
		return nil, err
	}
	f, err := s.figures(ctx, asOf, street, true)
	if err != nil {
		return nil, err
	}
	d := &StreetDashboard{AsOf: asOf.Format(time.DateOnly), Sector: pop.Key, Streets: []StreetRow{}}
	for _, st := range s.areas.Streets() {
		if street != "" && st.Code != street {
			continue
		}
		row := StreetRow{Street: st.Code, Name: st.Name, Zone: st.Zone, SectorRow: SectorRow{Key: pop.Key, Name: pop.Name}}
		for _, g := range f.groups {
			if g.Street == st.Code && pop.matches(g.RegistryAttrs) {
				addTo(&row.SectorRow, g)
			}
		}
		row.finish()
		row.Problems = problemFigures(f.probs, st.Code, &pop)
		d.Streets = append(d.Streets, row)
	}
	return d, nil
}

// Trend returns, for each day from p.From to p.To (inclusive, at most
// MaxTrendDays), the enterprises of population p.Sector approved by the end
// of that day, and the rate. Errors as Streets, plus apperror.Invalid when
// from is after to or the range is too long.
func (s *Service) Trend(ctx context.Context, scope store.Scope, p Params) (*Trend, error) {
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
	pop, err := population(p.Sector)
	if err != nil {
		return nil, err
	}
	street, err := s.streetFor(scope, p.Street)
	if err != nil {
		return nil, err
	}
	spans, err := s.db.ApprovalSpans(ctx, pop.filter, from.Format(time.DateOnly), to.Format(time.DateOnly), endOf(to), street)
	if err != nil {
		return nil, err
	}
	t := &Trend{Sector: pop.Key, Street: street, From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Points: make([]TrendPoint, n)}
	days := make([]string, n)
	for i := range days {
		days[i] = from.AddDate(0, 0, i).Format(time.DateOnly)
		t.Points[i].Date = days[i]
	}
	// Each span adds its enterprises to the days it covers (and to the
	// approved of those on or after its approval day): a few hundred spans
	// times n days, not enterprises times days.
	for _, sp := range spans {
		for i, d := range days {
			if sp.ValidFrom <= d && d < sp.ValidTo {
				t.Points[i].Total += sp.N
				if sp.ApprovedDay != "" && sp.ApprovedDay <= d {
					t.Points[i].Approved += sp.N
				}
			}
		}
	}
	for i := range t.Points {
		t.Points[i].Rate = Rate(t.Points[i].Approved, t.Points[i].Total)
	}
	t.Total = t.Points[n-1].Total
	return t, nil
}

// figures returns the counts and problem figures as of asOf for street ("" =
// all), through the short-lived shared cache.
func (s *Service) figures(ctx context.Context, asOf time.Time, street string, byPopulation bool) (figures, error) {
	return s.cache.get(ctx, figuresKey{asOf.Format(time.DateOnly), street, byPopulation}, time.Now(), func() (figures, error) {
		// Detached from the first caller's context: other readers wait on it.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return s.counts(cctx, asOf, street, byPopulation)
	})
}
