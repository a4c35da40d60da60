package inspection

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/ledger"
	"fugong/internal/msg"
	"fugong/internal/report"
	"fugong/internal/store"
)

// BulletinRow is one street's or department's line of a bulletin.
type BulletinRow struct {
	Kind           string   `json:"kind"` // street | department
	Key            string   `json:"key"`
	Name           string   `json:"name"`
	Found          int      `json:"found"`     // found in the period
	Rectified      int      `json:"rectified"` // rectified in the period
	Waived         int      `json:"waived"`    // waived in the period (not rectified)
	Overdue        int      `json:"overdue"`   // past the deadline, neither rectified nor waived, at the period's end
	FoundTotal     int      `json:"found_total"`
	RectifiedTotal int      `json:"rectified_total"`
	WaivedTotal    int      `json:"waived_total"`
	Rate           *float64 `json:"rate"` // rectified_total / found_total
}

// BulletinView is a bulletin (问题整改情况通报) with its figures.
type BulletinView struct {
	store.Bulletin
	Total    BulletinRow   `json:"total"`
	Rows     []BulletinRow `json:"rows"`
	Reissued bool          `json:"reissued"`
}

// BulletinInput is the body of POST /api/v1/bulletins.
type BulletinInput struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// IssueBulletin makes the numbered bulletin of a period from the ledger:
// problems found, rectified and overdue in it, by street and by department,
// frozen when issued; the same period again returns the same bulletin.
// Inspectors, park managers and admins only (apperror.Forbidden); a bad
// period is apperror.Invalid.
func (s *Service) IssueBulletin(ctx context.Context, p *auth.Principal, in BulletinInput) (*BulletinView, error) {
	if p.Role != store.RoleInspector && p.Role != store.RoleParkManager && p.Role != store.RoleAdmin {
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotBulletin)
	}
	from, err1 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.From), shanghai)
	to, err2 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.To), shanghai)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil, invalid("from", msgBadPeriod)
	}
	fromS, toS := from.Format(time.DateOnly), to.Format(time.DateOnly)
	if b, err := s.db.BulletinByPeriod(ctx, fromS, toS); err == nil {
		return viewOf(b, true)
	} else if apperror.CodeOf(err) != apperror.NotFound {
		return nil, err
	}
	start, end := from.UTC(), to.AddDate(0, 0, 1).UTC()
	rows, err := s.db.LedgerRows(ctx, store.ScopeAll, "", end)
	if err != nil {
		return nil, err
	}
	fig := s.bulletinFigures(rows, start, end)
	js, err := json.Marshal(fig)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	b := &store.Bulletin{PeriodFrom: fromS, PeriodTo: toS, Figures: string(js), CreatedBy: p.UserID, CreatedAt: now}
	created, err := s.db.CreateBulletin(ctx, b)
	if err != nil {
		return nil, err
	}
	if created {
		err = s.db.Tx(ctx, func(tx *store.DB) error {
			if err := s.publish(ctx, tx, "bulletin_issued", map[string]any{"bulletin": b.Number, "from": fromS, "to": toS,
				"found": fig.Total.Found, "rectified": fig.Total.Rectified, "overdue": fig.Total.Overdue}, now); err != nil {
				return err
			}
			return audit(ctx, tx, p, "bulletin_issued", fmt.Sprintf("bulletin:%d", b.ID), map[string]any{"number": b.Number, "from": fromS, "to": toS}, now)
		})
		if err != nil {
			return nil, err
		}
	}
	return viewOf(b, !created)
}

type bulletinFigures struct {
	Total BulletinRow   `json:"total"`
	Rows  []BulletinRow `json:"rows"`
}

func (s *Service) bulletinFigures(rows []store.LedgerRow, start, end time.Time) bulletinFigures {
	by := map[string]*BulletinRow{}
	total := BulletinRow{Kind: "total", Key: "total", Name: msgTotal.In(msg.ZH)}
	for _, st := range s.areas.Streets() {
		by["street:"+st.Code] = &BulletinRow{Kind: "street", Key: st.Code, Name: st.Name}
	}
	for _, r := range rows {
		key, kind, ref := "street:"+r.Street, "street", r.Street
		if r.TargetKind == store.TargetDepartment {
			key, kind, ref = "department:"+r.Department, "department", r.Department
		}
		row := by[key]
		if row == nil {
			row = &BulletinRow{Kind: kind, Key: ref, Name: ref}
			by[key] = row
		}
		c := ledger.Classify(r, end)
		for _, x := range []*BulletinRow{row, &total} {
			x.FoundTotal++
			if !r.CreatedAt.Before(start) {
				x.Found++
			}
			if c.Rectified {
				x.RectifiedTotal++
				if !r.RectifiedAt.Before(start) {
					x.Rectified++
				}
			}
			if c.Waived {
				x.WaivedTotal++
				if !r.RectifiedAt.Before(start) {
					x.Waived++
				}
			}
			if c.Overdue {
				x.Overdue++
			}
		}
	}
	out := bulletinFigures{Total: total}
	for _, r := range by {
		out.Rows = append(out.Rows, *r)
	}
	sort.Slice(out.Rows, func(i, j int) bool {
		if out.Rows[i].Kind != out.Rows[j].Kind {
			return out.Rows[i].Kind > out.Rows[j].Kind // streets, then departments
		}
		return out.Rows[i].Key < out.Rows[j].Key
	})
	out.Total.Rate = ledger.Percent(out.Total.RectifiedTotal, out.Total.FoundTotal)
	for i := range out.Rows {
		out.Rows[i].Rate = ledger.Percent(out.Rows[i].RectifiedTotal, out.Rows[i].FoundTotal)
	}
	return out
}

func viewOf(b *store.Bulletin, reissued bool) (*BulletinView, error) {
	var fig bulletinFigures
	if err := json.Unmarshal([]byte(b.Figures), &fig); err != nil {
		return nil, fmt.Errorf("bulletin %d: figures: %w", b.ID, err)
	}
	return &BulletinView{Bulletin: *b, Total: fig.Total, Rows: fig.Rows, Reissued: reissued}, nil
}

// Bulletin returns bulletin id (inspectors, park managers, admins; else
// apperror.Forbidden; unknown: NotFound).
func (s *Service) Bulletin(ctx context.Context, p *auth.Principal, id int64) (*BulletinView, error) {
	if p.Role != store.RoleInspector && p.Role != store.RoleParkManager && p.Role != store.RoleAdmin {
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotBulletin)
	}
	b, err := s.db.BulletinByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return viewOf(b, false)
}

// WriteBulletinXLSX writes the bulletin as a spreadsheet, headers in l.
func WriteBulletinXLSX(w io.Writer, v *BulletinView, l msg.Lang) error {
	t := &report.Table{Title: v.Number, Columns: []report.TableColumn{
		{Key: "name", Title: colName.In(l), Kind: report.KindText},
		{Key: "kind", Title: colKind.In(l), Kind: report.KindText},
		{Key: "found", Title: colFound.In(l), Kind: report.KindInt},
		{Key: "rectified", Title: colRectified.In(l), Kind: report.KindInt},
		{Key: "waived", Title: colWaived.In(l), Kind: report.KindInt},
		{Key: "overdue", Title: colOverdue.In(l), Kind: report.KindInt},
		{Key: "found_total", Title: colFoundTotal.In(l), Kind: report.KindInt},
		{Key: "rectified_total", Title: colRectifiedTotal.In(l), Kind: report.KindInt},
		{Key: "waived_total", Title: colWaivedTotal.In(l), Kind: report.KindInt},
		{Key: "rate", Title: colRate.In(l), Kind: report.KindPercent},
	}}
	kindName := map[string]string{"street": colStreet.In(l), "department": colDepartment.In(l), "total": msgTotal.In(l)}
	for _, r := range append(v.Rows, v.Total) {
		var rate any = ""
		if r.Rate != nil {
			rate = *r.Rate
		}
		t.Rows = append(t.Rows, []any{r.Name, kindName[r.Kind], int64(r.Found), int64(r.Rectified), int64(r.Waived), int64(r.Overdue),
			int64(r.FoundTotal), int64(r.RectifiedTotal), int64(r.WaivedTotal), rate})
	}
	return t.WriteXLSX(w)
}
