package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/roster"
	"fugong/internal/store"
)

// kind is a view field's value type.
type kind int

const (
	kindText kind = iota
	kindInt
	kindFloat
	kindBool
	kindDate
)

// entRow is one enterprise of the registry of the day with its latest
// filing, that filing's roster summary and its problem counts: everything a
// view may show. It holds no personal data (no contact, no roster rows).
type entRow struct {
	store.ReportRow
	roster roster.Summary
}

type fieldDef struct {
	kind kind
	get  func(s *Service, r *entRow) any
}

func shDate(t sql.NullTime) string {
	if !t.Valid {
		return ""
	}
	return t.Time.In(Shanghai).Format(time.DateOnly)
}

func i64(n sql.NullInt64) int64 { return n.Int64 }

// fields is the allow-list of view columns (configs/reports.yaml lists
// them). Contact names and phones, ID numbers and roster rows are absent by
// design: reports carry aggregates and enterprise-level facts only.
var fields = map[string]fieldDef{
	"enterprise.name":        {kindText, func(_ *Service, r *entRow) any { return r.E.Name }},
	"enterprise.credit_code": {kindText, func(_ *Service, r *entRow) any { return r.E.CreditCode }},
	"enterprise.street": {kindText, func(s *Service, r *entRow) any {
		if st, ok := s.areas.Street(r.E.Street); ok {
			return st.Name
		}
		return r.E.Street
	}},
	"enterprise.zone": {kindText, func(s *Service, r *entRow) any {
		if z, ok := s.areas.Zone(r.E.Zone); ok {
			return z.Name
		}
		return r.E.Zone
	}},
	"enterprise.sector": {kindText, func(_ *Service, r *entRow) any {
		if n, ok := sectorNames[r.E.Sector]; ok {
			return n
		}
		return r.E.Sector
	}},
	"enterprise.above_scale": {kindBool, func(_ *Service, r *entRow) any { return r.E.AboveScale }},
	"filing.status": {kindText, func(_ *Service, r *entRow) any {
		if !r.Status.Valid {
			return "未备案"
		}
		if n, ok := statusNames[store.Status(r.Status.String)]; ok {
			return n
		}
		return r.Status.String
	}},
	"filing.submitted_date":        {kindDate, func(_ *Service, r *entRow) any { return shDate(r.SubmittedAt) }},
	"filing.approved_date":         {kindDate, func(_ *Service, r *entRow) any { return shDate(r.ApprovedAt) }},
	"filing.planned_resume_date":   {kindDate, func(_ *Service, r *entRow) any { return r.Planned.String }},
	"filing.resumed_date":          {kindDate, func(_ *Service, r *entRow) any { return r.Resumed.String }},
	"filing.staff_total":           {kindInt, func(_ *Service, r *entRow) any { return i64(r.StaffTotal) }},
	"filing.staff_onsite":          {kindInt, func(_ *Service, r *entRow) any { return i64(r.StaffOnsite) }},
	"filing.filed":                 {kindBool, func(_ *Service, r *entRow) any { return r.SubmittedAt.Valid }},
	"filing.approved":              {kindBool, func(_ *Service, r *entRow) any { return store.Status(r.Status.String) == store.StatusApproved }},
	"filing.returned":              {kindBool, func(_ *Service, r *entRow) any { return store.Status(r.Status.String) == store.StatusReturned }},
	"filing.resumed":               {kindBool, func(_ *Service, r *entRow) any { return r.Resumed.String != "" }},
	"supplies.masks":               {kindInt, func(_ *Service, r *entRow) any { return i64(r.Masks) }},
	"supplies.thermometers":        {kindInt, func(_ *Service, r *entRow) any { return i64(r.Thermometers) }},
	"supplies.disinfectant_liters": {kindFloat, func(_ *Service, r *entRow) any { return r.Disinfectant.Float64 }},
	"supplies.isolation_room":      {kindBool, func(_ *Service, r *entRow) any { return r.Isolation.Bool }},
	"roster.rows":                  {kindInt, func(_ *Service, r *entRow) any { return int64(r.roster.Rows) }},
	"roster.fever":                 {kindInt, func(_ *Service, r *entRow) any { return int64(r.roster.Fever) }},
	"roster.health_code_red":       {kindInt, func(_ *Service, r *entRow) any { return int64(r.roster.HealthCodeRed) }},
	"roster.health_code_yellow":    {kindInt, func(_ *Service, r *entRow) any { return int64(r.roster.HealthCodeYellow) }},
	"roster.hubei_14d":             {kindInt, func(_ *Service, r *entRow) any { return int64(r.roster.Hubei14d) }},
	"roster.in_quarantine":         {kindInt, func(_ *Service, r *entRow) any { return int64(r.roster.InQuarantine) }},
	"problems.found":               {kindInt, func(_ *Service, r *entRow) any { return i64(r.Found) }},
	"problems.rectified":           {kindInt, func(_ *Service, r *entRow) any { return i64(r.Rectified) }},
	"problems.open":                {kindInt, func(_ *Service, r *entRow) any { return i64(r.OpenProbls) }},
}

var kindOf = map[kind]Kind{kindText: KindText, kindInt: KindInt, kindFloat: KindNumber, kindBool: KindText, kindDate: KindDate}

// ViewInfo describes a view in GET /reports.
type ViewInfo struct {
	ID             string `json:"id"`
	Title          string `json:"title"`
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	GroupBy        string `json:"group_by,omitempty"`
	// Source is "filings" or "daily" (a daily view takes ?date=).
	Source string `json:"source"`
	// Replaces lists the old forms (configs/reports.yaml forms:) the view
	// replaces.
	Replaces []string `json:"replaces"`
	Date     string   `json:"date,omitempty"` // the day a daily view was built for
}

// Report is a built view: its description and table.
type Report struct {
	ViewInfo
	GeneratedAt time.Time
	Table       *Table
}

// Views returns the views scope may read: a department account its
// department's, a park manager or admin all. Other roles get
// apperror.Forbidden.
func (s *Service) Views(scope store.Scope) ([]ViewInfo, error) {
	if !mayReadReports(scope) {
		return nil, apperror.Msg(apperror.Forbidden, msgNoReports)
	}
	out := []ViewInfo{}
	for i := range s.cfg.Views {
		v := &s.cfg.Views[i]
		if visible(scope, v) {
			out = append(out, s.info(v))
		}
	}
	return out, nil
}

func mayReadReports(scope store.Scope) bool {
	return scope.Role == store.RoleDepartment || scope.SeesAllTenants()
}

func visible(scope store.Scope, v *View) bool {
	return scope.SeesAllTenants() || (scope.Role == store.RoleDepartment && scope.Department == v.Department)
}

func (s *Service) info(v *View) ViewInfo {
	return ViewInfo{ID: v.ID, Title: v.Title, Department: v.Department, DepartmentName: s.cfg.DepartmentName(v.Department), GroupBy: v.GroupBy,
		Source: v.Source, Replaces: append([]string{}, v.Replaces...)}
}

// Build returns view id for scope. A view of another department, or none
// with that id, is apperror.NotFound; a role without reports is
// apperror.Forbidden; a database failure apperror.Unavailable or internal.
func (s *Service) Build(ctx context.Context, scope store.Scope, id string) (*Report, error) {
	return s.BuildView(ctx, scope, id, ViewParams{})
}

// build builds a view over the filings.
func (s *Service) build(ctx context.Context, v *View) (*Report, error) {
	rows, err := s.viewRows(ctx, v)
	if err != nil {
		return nil, err
	}
	rep := &Report{ViewInfo: s.info(v), GeneratedAt: s.now().UTC()}
	if v.GroupBy == "" {
		rep.Table = s.listTable(v, rows)
	} else {
		rep.Table = s.groupTable(v, rows)
	}
	return rep, nil
}

// viewRows reads the registry as it stands today with each enterprise's
// latest filing (store.ReportRows) and keeps those the view's filter
// selects.
func (s *Service) viewRows(ctx context.Context, v *View) ([]entRow, error) {
	rows, err := s.db.ReportRows(ctx, s.today().Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	var pop *Population
	if v.Filter.Population != "" {
		p, _ := populationByKey(v.Filter.Population) // validated at load
		pop = &p
	}
	status := map[string]bool{}
	for _, st := range v.Filter.Status {
		status[st] = true
	}
	var out []entRow
	for _, r := range rows {
		if pop != nil && !pop.Matches(r.E) {
			continue
		}
		if len(status) > 0 && (!r.Status.Valid || !status[r.Status.String]) {
			continue
		}
		er := entRow{ReportRow: r}
		if r.RosterJSON.Valid && r.RosterJSON.String != "" {
			// A summary that does not parse counts as no roster: reports never fail on one bad row.
			_ = json.Unmarshal([]byte(r.RosterJSON.String), &er.roster)
		}
		out = append(out, er)
	}
	return out, nil
}

func columnKey(c Column) string {
	switch {
	case c.Agg == "":
		return c.Field
	case c.Field == "":
		return "enterprises"
	default:
		return c.Agg + "(" + c.Field + ")"
	}
}

func (s *Service) listTable(v *View, rows []entRow) *Table {
	t := &Table{Title: v.Title}
	for _, c := range v.Columns {
		t.Columns = append(t.Columns, TableColumn{Key: columnKey(c), Title: c.Title, Kind: kindOf[fields[c.Field].kind]})
	}
	for i := range rows {
		cells := make([]any, len(v.Columns))
		for j, c := range v.Columns {
			val := fields[c.Field].get(s, &rows[i])
			if b, ok := val.(bool); ok {
				val = cellText(b)
			}
			cells[j] = val
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// group is a grouped view's row being accumulated.
type group struct {
	label string
	n     int64
	count []int64
	sum   []float64
}

func (s *Service) groups(by string) ([]string, map[string]string) {
	var keys []string
	labels := map[string]string{}
	switch by {
	case "street":
		for _, st := range s.areas.Streets() {
			keys = append(keys, st.Code)
			labels[st.Code] = st.Name
		}
	case "zone":
		for _, z := range s.areas.Zones {
			keys = append(keys, z.Code)
			labels[z.Code] = z.Name
		}
	case "sector":
		for _, k := range []string{store.SectorIndustrial, store.SectorService, store.SectorConstruction} {
			keys = append(keys, k)
			labels[k] = sectorNames[k]
		}
	}
	return keys, labels
}

func groupKey(by string, e store.Enterprise) string {
	switch by {
	case "street":
		return e.Street
	case "zone":
		return e.Zone
	default:
		return e.Sector
	}
}

func (s *Service) groupTable(v *View, rows []entRow) *Table {
	t := &Table{Title: v.Title}
	for _, c := range v.Columns {
		k := KindInt
		switch {
		case c.Agg == "":
			k = KindText
		case c.Agg == "rate":
			k = KindPercent
		case c.Agg == "sum" && fields[c.Field].kind == kindFloat:
			k = KindNumber
		}
		t.Columns = append(t.Columns, TableColumn{Key: columnKey(c), Title: c.Title, Kind: k})
	}
	keys, labels := s.groups(v.GroupBy)
	byKey := map[string]*group{}
	newGroup := func(label string) *group {
		return &group{label: label, count: make([]int64, len(v.Columns)), sum: make([]float64, len(v.Columns))}
	}
	for _, k := range keys {
		byKey[k] = newGroup(labels[k])
	}
	total := newGroup("合计")
	for i := range rows {
		r := &rows[i]
		k := groupKey(v.GroupBy, r.E)
		g, ok := byKey[k]
		if !ok { // a value outside the configured areas: shown under its code
			g = newGroup(k)
			byKey[k] = g
			keys = append(keys, k)
		}
		for _, acc := range []*group{g, total} {
			acc.n++
			for j, c := range v.Columns {
				switch {
				case c.Agg == "count" && c.Field != "", c.Agg == "rate":
					if fields[c.Field].get(s, r).(bool) {
						acc.count[j]++
					}
				case c.Agg == "sum":
					switch x := fields[c.Field].get(s, r).(type) {
					case int64:
						acc.sum[j] += float64(x)
					case float64:
						acc.sum[j] += x
					}
				}
			}
		}
	}
	emit := func(g *group) {
		cells := make([]any, len(v.Columns))
		for j, c := range v.Columns {
			switch {
			case c.Agg == "":
				cells[j] = g.label
			case c.Agg == "count" && c.Field == "":
				cells[j] = g.n
			case c.Agg == "count":
				cells[j] = g.count[j]
			case c.Agg == "rate":
				cells[j] = Rate(g.count[j], g.n) // nil (an empty cell) for an empty group
			case c.Agg == "sum" && fields[c.Field].kind == kindFloat:
				cells[j] = float64(int64(g.sum[j]*100+0.5)) / 100
			default:
				cells[j] = int64(g.sum[j])
			}
		}
		t.Rows = append(t.Rows, cells)
	}
	for _, k := range keys {
		emit(byKey[k])
	}
	emit(total)
	return t
}
