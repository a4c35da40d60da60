package report

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// Department daily views (source: daily) and the street's daily summary
// (街道日报): the expected reporters of one day joined to their reports of
// that day. Grouped views are one GROUP BY in the database (sums and counts
// per street or sector); list views stream one row per enterprise from one
// query into the CSV or XLSX being written, so a 40,000-row download holds
// one row in memory at a time.
//
// Grouped columns: {agg: count} the expected reporters; {agg: count|rate,
// field: daily.reported|on_time|late|missing} those in each state (rates
// over the expected); {agg: sum, field: daily.<number>} the sum over the
// reports; {agg: count|rate, field: daily.<yes/no>} the reports answering
// yes (rates over the reports). List columns: enterprise.* as it stood on
// the day, daily.state (按时/补报/未报), daily.reported|on_time|late|missing
// (是/否), daily.reported_at (first filed, park time), daily.version and
// daily.<key> (the current version's value; choices by their label).

// ViewParams are a report request's parameters, as sent.
type ViewParams struct {
	Date string // daily views: the report day, YYYY-MM-DD; today when empty
}

// visibleView returns view id if scope may read it: apperror.Forbidden for
// a role without reports, apperror.NotFound for another department's or
// none.
func (s *Service) visibleView(scope store.Scope, id string) (*View, error) {
	if !mayReadReports(scope) {
		return nil, apperror.Msg(apperror.Forbidden, msgNoReports)
	}
	v, ok := s.cfg.View(id)
	if !ok || !visible(scope, v) {
		return nil, apperror.Msg(apperror.NotFound, msgNoSuchReport)
	}
	return v, nil
}

// dailyQuery is the store query of daily view v on day d within area,
// with the columns each view column reads.
type dailyPlan struct {
	q    store.DailyViewQuery
	sums map[int]int // view column -> index in q.Sums
	yes  map[int]int // view column -> index in q.Yes
	cols map[int]int // view column -> index in q.Columns (lists)
	day  string
}

func (s *Service) dailyPlan(v *View, d time.Time, area store.DailyArea) (*dailyPlan, error) {
	args, err := s.expectedArgs(d)
	if err != nil {
		return nil, err
	}
	p := &dailyPlan{q: store.DailyViewQuery{Expected: args, Area: area, GroupBy: v.GroupBy},
		sums: map[int]int{}, yes: map[int]int{}, cols: map[int]int{}, day: d.Format(time.DateOnly)}
	if v.Filter.Population != "" {
		pop, _ := populationByKey(v.Filter.Population) // validated at load
		p.q.Population = pop.filter
	}
	for j, c := range v.Columns {
		key, ok := strings.CutPrefix(c.Field, "daily.")
		f, isData := s.cfg.dailyFields[key]
		if !ok || !isData || f.Column == "" {
			continue
		}
		switch {
		case v.GroupBy == "":
			p.cols[j] = len(p.q.Columns)
			p.q.Columns = append(p.q.Columns, f.Column)
		case c.Agg == "sum":
			p.sums[j] = len(p.q.Sums)
			p.q.Sums = append(p.q.Sums, f.Column)
		default:
			p.yes[j] = len(p.q.Yes)
			p.q.Yes = append(p.q.Yes, f.Column)
		}
	}
	return p, nil
}

func (s *Service) dailyTableColumns(v *View) []TableColumn {
	out := make([]TableColumn, len(v.Columns))
	for j, c := range v.Columns {
		k := KindText
		key, _ := strings.CutPrefix(c.Field, "daily.")
		f := s.cfg.dailyFields[key]
		switch {
		case c.Agg == "rate":
			k = KindPercent
		case c.Agg == "sum" && f.Decimal:
			k = KindNumber
		case c.Agg != "":
			k = KindInt
		case c.Field == dailyVersion:
			k = KindInt
		case f.Kind == DailyNumber && f.Decimal:
			k = KindNumber
		case f.Kind == DailyNumber:
			k = KindInt
		}
		out[j] = TableColumn{Key: columnKey(c), Title: c.Title, Kind: k}
	}
	return out
}

// dailyGroups builds a grouped daily view: one row per street (or sector)
// of the park, then the total.
func (s *Service) dailyGroups(ctx context.Context, v *View, p *dailyPlan) ([][]any, error) {
	rows, err := s.db.DailyGroups(ctx, p.q)
	if err != nil {
		return nil, err
	}
	keys, labels := s.groups(v.GroupBy)
	if p.q.Area.Street != "" && v.GroupBy == "street" {
		keys = []string{p.q.Area.Street}
	}
	byKey := map[string]store.DailyGroupRow{}
	var total store.DailyGroupRow
	total.Sums, total.Yes = make([]float64, len(p.q.Sums)), make([]int64, len(p.q.Yes))
	for _, r := range rows {
		byKey[r.Group] = r
		if _, known := labels[r.Group]; !known { // outside the configured areas: shown under its code
			keys, labels[r.Group] = append(keys, r.Group), r.Group
		}
		total.Expected, total.Reported, total.OnTime = total.Expected+r.Expected, total.Reported+r.Reported, total.OnTime+r.OnTime
		for i := range r.Sums {
			total.Sums[i] += r.Sums[i]
		}
		for i := range r.Yes {
			total.Yes[i] += r.Yes[i]
		}
	}
	var out [][]any
	emit := func(label string, g store.DailyGroupRow) {
		cells := make([]any, len(v.Columns))
		f := DailyFigures{Expected: g.Expected, Reported: g.Reported, OnTime: g.OnTime}
		f.finish()
		for j, c := range v.Columns {
			state := map[string]int64{dailyReported: f.Reported, dailyOnTime: f.OnTime, dailyLate: f.Late, dailyMissing: f.Missing}
			switch {
			case c.Agg == "":
				cells[j] = label
			case c.Agg == "count" && c.Field == "":
				cells[j] = g.Expected
			case dailyStates[c.Field] && c.Agg == "count":
				cells[j] = state[c.Field]
			case dailyStates[c.Field]:
				cells[j] = Rate(state[c.Field], g.Expected)
			case c.Agg == "sum":
				x := 0.0
				if i, ok := p.sums[j]; ok && g.Sums != nil {
					x = g.Sums[i]
				}
				key, _ := strings.CutPrefix(c.Field, "daily.")
				if s.cfg.dailyFields[key].Decimal {
					cells[j] = float64(int64(x*100+0.5)) / 100
				} else {
					cells[j] = int64(x)
				}
			default: // count or rate of a yes/no field, over the reports
				var n int64
				if i, ok := p.yes[j]; ok && g.Yes != nil {
					n = g.Yes[i]
				}
				if c.Agg == "count" {
					cells[j] = n
				} else {
					cells[j] = Rate(n, g.Reported)
				}
			}
		}
		out = append(out, cells)
	}
	for _, k := range keys {
		emit(labels[k], byKey[k])
	}
	emit("合计", total)
	return out, nil
}

// eachDailyListRow streams a daily list view's rows to emit.
func (s *Service) eachDailyListRow(ctx context.Context, v *View, p *dailyPlan, emit func([]any) error) error {
	cells := make([]any, len(v.Columns))
	return s.db.EachDailyRow(ctx, p.q, func(r *store.DailyListRow) error {
		var values map[string]any // the values JSON, read only when a column needs it
		for j, c := range v.Columns {
			switch c.Field {
			case dailyState:
				switch {
				case !r.Reported:
					cells[j] = "未报"
				case r.OnTime:
					cells[j] = "按时"
				default:
					cells[j] = "补报"
				}
			case dailyReported:
				cells[j] = cellText(r.Reported)
			case dailyOnTime:
				cells[j] = cellText(r.Reported && r.OnTime)
			case dailyLate:
				cells[j] = cellText(r.Reported && !r.OnTime)
			case dailyMissing:
				cells[j] = cellText(!r.Reported)
			case dailyReportedAt:
				cells[j] = ""
				if r.Reported {
					cells[j] = r.SubmittedAt.In(Shanghai).Format("2006-01-02 15:04")
				}
			case dailyVersion:
				cells[j] = nil
				if r.Reported {
					cells[j] = int64(r.Version)
				}
			default:
				if strings.HasPrefix(c.Field, "enterprise.") {
					cells[j] = fields[c.Field].get(s, &entRow{ReportRow: store.ReportRow{E: r.Enterprise}})
					if b, ok := cells[j].(bool); ok {
						cells[j] = cellText(b)
					}
					continue
				}
				key, _ := strings.CutPrefix(c.Field, "daily.")
				f := s.cfg.dailyFields[key]
				var val any
				if i, ok := p.cols[j]; ok {
					val = r.Values[i]
				} else if r.Reported {
					if values == nil {
						values = map[string]any{}
						_ = json.Unmarshal([]byte(r.ValuesJSON), &values) // a row that does not parse shows empty cells
					}
					val = values[key]
				}
				cells[j] = dailyCell(f, val)
			}
		}
		return emit(cells)
	})
}

// dailyCell shows one value of a data set field.
func dailyCell(f DailyField, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return cellText(x)
	case string:
		if l, ok := f.Choices[x]; ok {
			return l
		}
		return x
	case float64: // from the values JSON
		if !f.Decimal {
			return int64(x)
		}
		return x
	}
	return v
}

// BuildView returns view id for scope with its parameters (daily views:
// the day). Errors as Build, plus apperror.Invalid for a bad date.
func (s *Service) BuildView(ctx context.Context, scope store.Scope, id string, p ViewParams) (*Report, error) {
	v, err := s.visibleView(scope, id)
	if err != nil {
		return nil, err
	}
	if v.Source != SourceDaily {
		return s.build(ctx, v)
	}
	rep := &Report{ViewInfo: s.info(v), GeneratedAt: s.now().UTC()}
	rep.Table = &Table{Title: v.Title, Columns: s.dailyTableColumns(v)}
	err = s.eachDailyRowOf(ctx, v, p, store.DailyArea{}, &rep.ViewInfo, func(row []any) error {
		rep.Table.Rows = append(rep.Table.Rows, append([]any(nil), row...))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// eachDailyRowOf runs daily view v on p's day and passes its rows to emit;
// it sets info.Date.
func (s *Service) eachDailyRowOf(ctx context.Context, v *View, p ViewParams, area store.DailyArea, info *ViewInfo, emit func([]any) error) error {
	if err := s.dailyOn(); err != nil {
		return err
	}
	d, err := day("date", p.Date, s.today())
	if err != nil {
		return err
	}
	plan, err := s.dailyPlan(v, d, area)
	if err != nil {
		return err
	}
	info.Date = plan.day
	if v.GroupBy == "" {
		return s.eachDailyListRow(ctx, v, plan, emit)
	}
	rows, err := s.dailyGroups(ctx, v, plan)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// WriteView writes view id for scope to w as format ("csv" or "xlsx") and
// returns its description (with Date for daily views). Daily list views
// stream from the database into the file; others are built, then written.
// Errors as BuildView, plus w's.
func (s *Service) WriteView(ctx context.Context, scope store.Scope, id string, p ViewParams, format string, w io.Writer) (*ViewInfo, error) {
	v, err := s.visibleView(scope, id)
	if err != nil {
		return nil, err
	}
	if v.Source != SourceDaily {
		rep, err := s.build(ctx, v)
		if err != nil {
			return nil, err
		}
		if format == "xlsx" {
			return &rep.ViewInfo, rep.Table.WriteXLSX(w)
		}
		return &rep.ViewInfo, rep.Table.WriteCSV(w)
	}
	info := s.info(v)
	cols := s.dailyTableColumns(v)
	// The day is resolved before anything is written, so a bad date is a
	// clean 422, not a broken file.
	if err := s.dailyOn(); err != nil {
		return nil, err
	}
	if _, err := day("date", p.Date, s.today()); err != nil {
		return nil, err
	}
	rows := func(emit func([]any) error) error { return s.eachDailyRowOf(ctx, v, p, store.DailyArea{}, &info, emit) }
	if format == "xlsx" {
		err = WriteXLSXRows(w, v.Title, cols, rows)
	} else {
		err = WriteCSVRows(w, cols, rows)
	}
	return &info, err
}

// StreetSummary is the street's daily summary (街道日报) of one day: per
// sector and in total, the reporting figures and the sum of every number
// and the yes answers of every yes/no question of the data set (those with
// a column), built from the reports.
func (s *Service) StreetSummary(ctx context.Context, scope store.Scope, p DailyParams) (*Report, error) {
	if err := s.dailyOn(); err != nil {
		return nil, err
	}
	area, err := s.dailyArea(scope, p.Street, "")
	if err != nil {
		return nil, err
	}
	name := "全区"
	if st, ok := s.areas.Street(area.Street); ok {
		name = st.Name
	}
	v := &View{ID: "street-daily-summary", Title: name + "街道日报", Source: SourceDaily, GroupBy: "sector", Columns: []Column{
		{Field: "group", Title: "行业"}, {Agg: "count", Title: "应报企业"},
		{Agg: "count", Field: dailyReported, Title: "已报"}, {Agg: "count", Field: dailyOnTime, Title: "按时"},
		{Agg: "count", Field: dailyLate, Title: "补报"}, {Agg: "count", Field: dailyMissing, Title: "未报"},
		{Agg: "rate", Field: dailyReported, Title: "报送率"}, {Agg: "rate", Field: dailyOnTime, Title: "及时率"},
	}}
	if area.Street == "" {
		v.Title = "全区日报"
	}
	for _, f := range s.daily.Fields {
		if f.Column == "" || f.Personal {
			continue
		}
		switch f.Kind {
		case DailyNumber:
			v.Columns = append(v.Columns, Column{Agg: "sum", Field: "daily." + f.Key, Title: f.Label})
		case DailyYesNo:
			v.Columns = append(v.Columns, Column{Agg: "count", Field: "daily." + f.Key, Title: f.Label + "（是）"})
		}
	}
	rep := &Report{ViewInfo: ViewInfo{ID: v.ID, Title: v.Title, GroupBy: v.GroupBy}, GeneratedAt: s.now().UTC()}
	rep.Table = &Table{Title: v.Title, Columns: s.dailyTableColumns(v)}
	err = s.eachDailyRowOf(ctx, v, ViewParams{Date: p.Date}, area, &rep.ViewInfo, func(row []any) error {
		rep.Table.Rows = append(rep.Table.Rows, append([]any(nil), row...))
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.Table.Title = v.Title + " " + rep.Date
	rep.Title = rep.Table.Title
	return rep, nil
}
