package report

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fugong/internal/store"
)

// DrillParams are the query parameters of GET /dashboard/enterprises.
type DrillParams struct {
	AsOf   string // YYYY-MM-DD; today when empty
	Sector string // population key; "" = the whole registry
	Street string // code or name; street officials their own
	State  string // not_filed|submitted|approved|returned|rejected|resumed; "" = any
	Q      string // part of the name or the credit code
	Page   store.Page
}

// DrillItem is one enterprise behind a dashboard number, as it stood on the
// day asked: dates after that day are null.
type DrillItem struct {
	ID          int64      `json:"id"`
	CreditCode  string     `json:"credit_code"`
	Name        string     `json:"name"`
	Sector      string     `json:"sector"`
	Street      string     `json:"street"`
	Zone        string     `json:"zone"`
	State       string     `json:"state"` // the furthest state reached by the day
	SubmittedAt *time.Time `json:"submitted_at"`
	ApprovedAt  *time.Time `json:"approved_at"`
	ResumedAt   *string    `json:"resumed_at"` // YYYY-MM-DD
}

// Drill is the answer of GET /dashboard/enterprises.
type Drill struct {
	AsOf     string      `json:"-"`
	Items    []DrillItem `json:"items"`
	Total    int64       `json:"total"`
	Page     int         `json:"page"`
	PageSize int         `json:"page_size"`
}

// Enterprises returns the enterprises behind a dashboard number: those of
// the registry on p.AsOf in population p.Sector and street p.Street whose
// timeline satisfies p.State by the end of that day (the same predicate as
// the dashboard column of that name), matching p.Q, by id, one page
// (p.Page.Size 0: every row, for exports). Scoped like the dashboards.
// Errors as Sectors, plus apperror.Invalid for an unknown sector or state or
// an overlong q.
func (s *Service) Enterprises(ctx context.Context, scope store.Scope, p DrillParams) (*Drill, error) {
	asOf, err := day("as_of", p.AsOf, s.today())
	if err != nil {
		return nil, err
	}
	var filter store.PopulationFilter
	if p.Sector != "" {
		pop, err := population(p.Sector)
		if err != nil {
			return nil, err
		}
		filter = pop.filter
	}
	if p.State != "" && !slices.Contains(store.DrillStates, p.State) {
		return nil, invalid("state", msgUnknownState, p.State, strings.Join(store.DrillStates, ", "))
	}
	q := strings.TrimSpace(p.Q)
	if utf8.RuneCountInString(q) > 100 {
		return nil, invalid("q", msgQueryTooLong)
	}
	street, err := s.streetFor(scope, p.Street)
	if err != nil {
		return nil, err
	}
	d := asOf.Format(time.DateOnly)
	end := endOf(asOf)
	rows, total, err := s.db.DrillDown(ctx, store.DrillFilter{Day: d, End: end, Population: filter, Street: street,
		State: p.State, Query: q, Page: p.Page})
	if err != nil {
		return nil, err
	}
	out := &Drill{AsOf: d, Items: make([]DrillItem, len(rows)), Total: total, Page: p.Page.Number, PageSize: p.Page.Size}
	before := func(t *time.Time) *time.Time {
		if t == nil || !t.Before(end) {
			return nil
		}
		return t
	}
	for i, r := range rows {
		it := DrillItem{ID: r.ID, CreditCode: r.CreditCode, Name: r.Name, Sector: r.Sector, Street: r.Street, Zone: r.Zone,
			SubmittedAt: before(r.SubmittedAt), ApprovedAt: before(r.ApprovedAt)}
		if r.ResumedDate != nil && *r.ResumedDate <= d {
			it.ResumedAt = r.ResumedDate
		}
		switch {
		case it.ResumedAt != nil:
			it.State = store.StateResumed
		case it.ApprovedAt != nil:
			it.State = store.StateApproved
		case before(r.ReturnedAt) != nil:
			it.State = store.StateReturned
		case before(r.RejectedAt) != nil:
			it.State = store.StateRejected
		case it.SubmittedAt != nil:
			it.State = store.StateSubmitted
		default:
			it.State = store.StateNotFiled
		}
		out.Items[i] = it
	}
	return out, nil
}

var stateNames = map[string]string{
	store.StateNotFiled: "未备案", store.StateSubmitted: "已提交", store.StateApproved: "已审批",
	store.StateReturned: "退回整改", store.StateRejected: "不予通过", store.StateResumed: "已复工",
}

// DrillTable returns a drill-down as a table (names of streets and zones as
// the park's areas call them).
func (s *Service) DrillTable(d *Drill) *Table {
	t := &Table{Title: "企业明细 " + d.AsOf, Columns: []TableColumn{
		{"credit_code", "统一社会信用代码", KindText}, {"name", "企业名称", KindText}, {"sector", "行业", KindText},
		{"street", "街道", KindText}, {"zone", "片区", KindText}, {"state", "状态", KindText},
		{"submitted_at", "提交日期", KindDate}, {"approved_at", "审批日期", KindDate}, {"resumed_at", "复工日期", KindDate}}}
	date := func(tm *time.Time) string {
		if tm == nil {
			return ""
		}
		return tm.In(Shanghai).Format(time.DateOnly)
	}
	for _, it := range d.Items {
		street, zone, sector := it.Street, it.Zone, it.Sector
		if st, ok := s.areas.Street(it.Street); ok {
			street = st.Name
		}
		if z, ok := s.areas.Zone(it.Zone); ok {
			zone = z.Name
		}
		if n, ok := sectorNames[it.Sector]; ok {
			sector = n
		}
		resumed := ""
		if it.ResumedAt != nil {
			resumed = *it.ResumedAt
		}
		t.Rows = append(t.Rows, []any{it.CreditCode, it.Name, sector, street, zone, stateNames[it.State],
			date(it.SubmittedAt), date(it.ApprovedAt), resumed})
	}
	return t
}
