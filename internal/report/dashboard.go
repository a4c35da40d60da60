package report

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// MaxTrendDays is the longest trend range served, in days (inclusive).
const MaxTrendDays = 366

// SectorRow is one population's figures as of a day.
type SectorRow struct {
	Key         string  `json:"key"`
	Name        string  `json:"name"`
	Total       int64   `json:"total"`
	Submitted   int64   `json:"submitted"`
	Approved    int64   `json:"approved"`
	Returned    int64   `json:"returned"`
	Resumed     int64   `json:"resumed"`
	Rate        float64 `json:"rate"`
	ResumedRate float64 `json:"resumed_rate"`
	OnTimeRate  float64 `json:"on_time_rate"`
	onTime      int64
}

// ProblemFigures are the problem ledger's figures as of a day.
type ProblemFigures struct {
	Found     int64   `json:"found"`
	Rectified int64   `json:"rectified"`
	Rate      float64 `json:"rate"`
}

// ReportForms compares the forms streets filled before the reform with the
// department views served now. After counts the views declared in the
// report configuration: each is one form a department still receives, but
// generated from the filings instead of typed by a street.
type ReportForms struct {
	Before  int     `json:"before"`
	After   int     `json:"after"`
	CutRate float64 `json:"cut_rate"`
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

// TrendPoint is one day of a trend: enterprises approved by the end of it.
type TrendPoint struct {
	Date     string  `json:"date"`
	Approved int64   `json:"approved"`
	Rate     float64 `json:"rate"`
}

// Trend is the answer of GET /dashboard/trend.
type Trend struct {
	Sector string       `json:"sector"`
	Street string       `json:"street,omitempty"`
	From   string       `json:"from"`
	To     string       `json:"to"`
	Total  int64        `json:"total"`
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

func invalid(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return apperror.WithDetails(apperror.Invalid, "参数无效 / invalid parameter "+field+": "+msg,
		[]apperror.Detail{{Field: field, Message: msg}})
}

// day parses a YYYY-MM-DD parameter; empty gives def.
func day(field, v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, Shanghai)
	if err != nil || d.Year() < 2000 || d.Year() > 2100 {
		return time.Time{}, invalid(field, "must be a date YYYY-MM-DD between 2000 and 2100, got %q", v)
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
			return "", apperror.New(apperror.Forbidden, "账号未关联街道 / account has no street")
		}
		if requested != "" {
			if st, ok := s.areas.Street(requested); !ok || st.Code != scope.Street {
				return "", apperror.New(apperror.Forbidden, "只能查看本街道 / you may read your own street only")
			}
		}
		return scope.Street, nil
	case store.RoleParkManager, store.RoleAdmin, store.RoleInspector:
		if requested == "" {
			return "", nil
		}
		st, ok := s.areas.Street(requested)
		if !ok {
			return "", invalid("street", "unknown street %q", requested)
		}
		return st.Code, nil
	default:
		return "", apperror.New(apperror.Forbidden, "无权查看看板 / your role may not read dashboards")
	}
}

func population(key string) (Population, error) {
	if key == "" {
		key = "industrial"
	}
	p, ok := populationByKey(key)
	if !ok {
		return Population{}, invalid("sector", "unknown sector %q (industrial, industrial_above_scale, service, construction, construction_south_west, construction_east)", key)
	}
	return p, nil
}

// groupCounts are the figures of one (sector, flags, zone, street) group.
type groupCounts struct {
	e                                                     store.Enterprise
	total, submitted, approved, returned, resumed, onTime int64
}

func (g groupCounts) addTo(r *SectorRow) {
	r.Total += g.total
	r.Submitted += g.submitted
	r.Approved += g.approved
	r.Returned += g.returned
	r.Resumed += g.resumed
	r.onTime += g.onTime
}

func (r *SectorRow) finish() {
	r.Rate = Percent(r.Approved, r.Total)
	r.ResumedRate = Percent(r.Resumed, r.Total)
	r.OnTimeRate = Percent(r.onTime, r.Total)
}

// totalsQuery counts the registry per group of enterprise attributes (the
// denominators); countsQuery reduces filings to one row per enterprise (did
// any of its filings reach each state by the end of the day), looks each up
// by primary key, and counts per the same groups (the numerators). Two
// queries whatever the number of enterprises; driving the join from the
// filings aggregate lets both databases use the primary key instead of
// materialising and probing a derived table.
const totalsQuery = `SELECT e.sector, e.above_scale, e.real_estate, e.supervised, e.zone, e.street, COUNT(*)
FROM enterprises e %s
GROUP BY e.sector, e.above_scale, e.real_estate, e.supervised, e.zone, e.street`

const countsQuery = `SELECT e.sector, e.above_scale, e.real_estate, e.supervised, e.zone, e.street,
  SUM(f.sub), SUM(f.appr), SUM(f.ret), SUM(f.res), SUM(f.ontime)
FROM (SELECT enterprise_id,
    MAX(CASE WHEN submitted_at < ? THEN 1 ELSE 0 END) AS sub,
    MAX(CASE WHEN approved_at < ? THEN 1 ELSE 0 END) AS appr,
    MAX(CASE WHEN status = 'returned' AND decided_at < ? THEN 1 ELSE 0 END) AS ret,
    MAX(CASE WHEN resumed_date <> '' AND resumed_date <= ? THEN 1 ELSE 0 END) AS res,
    MAX(CASE WHEN approved_at < ? THEN 1 ELSE 0 END) AS ontime
  FROM filings GROUP BY enterprise_id) f
JOIN enterprises e ON e.id = f.enterprise_id %s
GROUP BY e.sector, e.above_scale, e.real_estate, e.supervised, e.zone, e.street`

type groupAttrs struct {
	sector                             string
	aboveScale, realEstate, supervised bool
	zone, street                       string
}

func (s *Service) counts(ctx context.Context, asOf time.Time, street string) ([]groupCounts, error) {
	end := endOf(asOf)
	onTimeEnd := s.cfg.deadline // approved by the deadline, and known by the end of asOf
	if end.Before(onTimeEnd) {
		onTimeEnd = end
	}
	args := []any{end, end, end, asOf.Format(time.DateOnly), onTimeEnd}
	eWhere, fWhere := "", ""
	var sargs []any
	if street != "" {
		// on the enterprise, never the filing's copy: the population is the registry's
		eWhere, fWhere = "WHERE e.street = ?", "WHERE e.street = ?"
		sargs = []any{street}
	}
	g := s.db.Gorm().WithContext(ctx)
	idx := map[groupAttrs]int{}
	var out []groupCounts
	rows, err := g.Raw(fmt.Sprintf(totalsQuery, eWhere), sargs...).Rows()
	if err != nil {
		return nil, dbErr(err)
	}
	for rows.Next() {
		var c groupCounts
		if err := rows.Scan(&c.e.Sector, &c.e.AboveScale, &c.e.RealEstate, &c.e.Supervised, &c.e.Zone, &c.e.Street, &c.total); err != nil {
			rows.Close()
			return nil, dbErr(err)
		}
		idx[groupAttrs{c.e.Sector, c.e.AboveScale, c.e.RealEstate, c.e.Supervised, c.e.Zone, c.e.Street}] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	rows, err = g.Raw(fmt.Sprintf(countsQuery, fWhere), append(args, sargs...)...).Rows()
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c groupCounts
		if err := rows.Scan(&c.e.Sector, &c.e.AboveScale, &c.e.RealEstate, &c.e.Supervised, &c.e.Zone, &c.e.Street,
			&c.submitted, &c.approved, &c.returned, &c.resumed, &c.onTime); err != nil {
			return nil, dbErr(err)
		}
		k := groupAttrs{c.e.Sector, c.e.AboveScale, c.e.RealEstate, c.e.Supervised, c.e.Zone, c.e.Street}
		i, ok := idx[k]
		if !ok { // cannot happen: every joined enterprise was counted above
			continue
		}
		o := &out[i]
		o.submitted, o.approved, o.returned, o.resumed, o.onTime = c.submitted, c.approved, c.returned, c.resumed, c.onTime
	}
	return out, dbErr(rows.Err())
}

// problems returns the problem figures per street as of the end of asOf.
func (s *Service) problems(ctx context.Context, asOf time.Time, street string) (map[string]ProblemFigures, error) {
	end := endOf(asOf)
	q := `SELECT street, COALESCE(SUM(CASE WHEN created_at < ? THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN rectified_at < ? THEN 1 ELSE 0 END), 0) FROM problems`
	args := []any{end, end}
	if street != "" {
		q += " WHERE street = ?"
		args = append(args, street)
	}
	rows, err := s.db.Gorm().WithContext(ctx).Raw(q+" GROUP BY street", args...).Rows()
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	out := map[string]ProblemFigures{}
	for rows.Next() {
		var st string
		var p ProblemFigures
		if err := rows.Scan(&st, &p.Found, &p.Rectified); err != nil {
			return nil, dbErr(err)
		}
		out[st] = p
	}
	return out, dbErr(rows.Err())
}

func sumProblems(m map[string]ProblemFigures) ProblemFigures {
	var p ProblemFigures
	for _, v := range m {
		p.Found += v.Found
		p.Rectified += v.Rectified
	}
	p.Rate = Percent(p.Rectified, p.Found)
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
	groups, probs, err := s.figures(ctx, asOf, street)
	if err != nil {
		return nil, err
	}
	d := &SectorDashboard{AsOf: asOf.Format(time.DateOnly), Street: street, Problems: sumProblems(probs), ReportForms: s.ReportForms()}
	for _, pop := range populations {
		row := SectorRow{Key: pop.Key, Name: pop.Name}
		for _, g := range groups {
			if pop.match(g.e) {
				g.addTo(&row)
			}
		}
		row.finish()
		d.Sectors = append(d.Sectors, row)
	}
	return d, nil
}

// ReportForms returns the forms before the reform (configured) and after
// (the number of configured department views).
func (s *Service) ReportForms() ReportForms {
	before, after := s.cfg.Dashboard.FormsBefore, len(s.cfg.Views)
	rf := ReportForms{Before: before, After: after}
	if before > after {
		rf.CutRate = Percent(int64(before-after), int64(before))
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
	groups, probs, err := s.figures(ctx, asOf, street)
	if err != nil {
		return nil, err
	}
	d := &StreetDashboard{AsOf: asOf.Format(time.DateOnly), Sector: pop.Key, Streets: []StreetRow{}}
	for _, st := range s.areas.Streets() {
		if street != "" && st.Code != street {
			continue
		}
		row := StreetRow{Street: st.Code, Name: st.Name, Zone: st.Zone, SectorRow: SectorRow{Key: pop.Key, Name: pop.Name}}
		for _, g := range groups {
			if g.e.Street == st.Code && pop.match(g.e) {
				g.addTo(&row.SectorRow)
			}
		}
		row.finish()
		pf := probs[st.Code]
		pf.Rate = Percent(pf.Rectified, pf.Found)
		row.Problems = pf
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
		return nil, invalid("from", "must not be after to")
	}
	n := int(to.Sub(from).Hours()/24+0.5) + 1
	if n > MaxTrendDays {
		return nil, invalid("to", "the range is %d days; at most %d", n, MaxTrendDays)
	}
	pop, err := population(p.Sector)
	if err != nil {
		return nil, err
	}
	street, err := s.streetFor(scope, p.Street)
	if err != nil {
		return nil, err
	}
	perDay, total, err := s.approvalsByDay(ctx, pop, endOf(to), street)
	if err != nil {
		return nil, err
	}
	t := &Trend{Sector: pop.Key, Street: street, From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Total: total}
	first := from.Format(time.DateOnly)
	var cum int64
	for d, c := range perDay {
		if d < first {
			cum += c
		}
	}
	for i := 0; i < n; i++ {
		ds := from.AddDate(0, 0, i).Format(time.DateOnly)
		cum += perDay[ds]
		t.Points = append(t.Points, TrendPoint{Date: ds, Approved: cum, Rate: Percent(cum, total)})
	}
	return t, nil
}

// approvalsByDay returns, for enterprises of pop (in street, if set), how
// many were first approved on each day (Asia/Shanghai) before end, and the
// population's total. One query.
func (s *Service) approvalsByDay(ctx context.Context, pop Population, end time.Time, street string) (map[string]int64, int64, error) {
	// The day (Asia/Shanghai) of an enterprise's first approval. SQLite
	// reads the stored "+00:00" offset but rounds fractional seconds to
	// milliseconds (15:59:59.9999 would become the next day), so the
	// fraction is cut off first; a day boundary is a whole second.
	dayExpr := "date(substr(f.first, 1, 19) || substr(f.first, -6), '+8 hours')"
	if s.db.Driver() == "mysql" {
		dayExpr = "DATE_FORMAT(DATE_ADD(f.first, INTERVAL 8 HOUR), '%Y-%m-%d')"
	}
	q := `SELECT ` + dayExpr + ` AS day, COUNT(*) FROM enterprises e
LEFT JOIN (SELECT enterprise_id, MIN(approved_at) AS first FROM filings
  WHERE approved_at IS NOT NULL AND approved_at < ? GROUP BY enterprise_id) f ON f.enterprise_id = e.id
WHERE ` + pop.where
	args := append([]any{end}, pop.whereArgs()...)
	if street != "" {
		q += " AND e.street = ?"
		args = append(args, street)
	}
	rows, err := s.db.Gorm().WithContext(ctx).Raw(q+" GROUP BY day", args...).Rows()
	if err != nil {
		return nil, 0, dbErr(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	var total int64
	for rows.Next() {
		var d sql.NullString
		var c int64
		if err := rows.Scan(&d, &c); err != nil {
			return nil, 0, dbErr(err)
		}
		total += c
		if d.Valid {
			out[d.String] += c
		}
	}
	return out, total, dbErr(rows.Err())
}

// dbErr maps a database failure: a dead connection or deadline is
// apperror.Unavailable, anything else an internal error.
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) {
		return apperror.Wrap(err, apperror.Unavailable, "数据库不可用 / database unavailable")
	}
	msg := err.Error()
	for _, m := range []string{"connection refused", "bad connection", "broken pipe", "i/o timeout", "connection reset", "invalid connection"} {
		if strings.Contains(msg, m) {
			return apperror.Wrap(err, apperror.Unavailable, "数据库不可用 / database unavailable")
		}
	}
	return fmt.Errorf("report: %w", err)
}

// figures returns the counts and problem figures as of asOf for street ("" =
// all), through the short-lived shared cache.
func (s *Service) figures(ctx context.Context, asOf time.Time, street string) ([]groupCounts, map[string]ProblemFigures, error) {
	f, err := s.cache.get(ctx, figuresKey{asOf.Format(time.DateOnly), street}, time.Now(), func() (figures, error) {
		// Detached from the first caller's context: other readers wait on it.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		groups, err := s.counts(cctx, asOf, street)
		if err != nil {
			return figures{}, err
		}
		probs, err := s.problems(cctx, asOf, street)
		return figures{groups, probs}, err
	})
	return f.groups, f.probs, err
}
