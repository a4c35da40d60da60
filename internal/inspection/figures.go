package inspection

import (
	"context"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/store"
)

// Rectification is the ledger's figures as of a day: the rectification
// rate as the article counts it (rectified / found) and beside it the
// on-time rate (rectified by the deadline / found). A problem counts as
// rectified on time when the answer that was accepted came by the end of
// its deadline day (Shanghai), or when it has no deadline. Rates are
// percentages rounded half-up to 2 decimals, null when nothing was found.
type Rectification struct {
	AsOf         string   `json:"as_of"`
	Street       string   `json:"street,omitempty"`
	Found        int      `json:"found"`
	Rectified    int      `json:"rectified"`
	Rate         *float64 `json:"rate"`
	OnTime       int      `json:"on_time"`
	OnTimeRate   *float64 `json:"on_time_rate"`
	Overdue      int      `json:"overdue"` // open (or answered late and still open) past the deadline as of the day
	WithDeadline int      `json:"with_deadline"`
}

// endOfDay is the instant a Shanghai civil date ends, in UTC.
func endOfDay(date string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, date, shanghai)
	if err != nil {
		return time.Time{}, err
	}
	return d.AddDate(0, 0, 1).UTC(), nil
}

// percent is num/den as a percentage rounded half-up to 2 decimals, nil
// when den is 0 (integer arithmetic: no float rounding surprises).
func percent(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	hundredths := (int64(num)*20000 + int64(den)) / (2 * int64(den))
	v := float64(hundredths) / 100
	return &v
}

// Figures returns the rectification figures as of asOf (YYYY-MM-DD; empty =
// today) for the caller's scope: a street official its street, inspectors,
// park managers and admins the zone or one street. Others are
// apperror.Forbidden; a bad date or street apperror.Invalid.
func (s *Service) Figures(ctx context.Context, p *auth.Principal, asOf, street string) (*Rectification, error) {
	if asOf == "" {
		asOf = today(s.now())
	}
	end, err := endOfDay(asOf)
	if err != nil {
		return nil, invalid("as_of", msgBadDate)
	}
	switch p.Role {
	case store.RoleStreetOfficial:
		street = p.Street
	case store.RoleInspector, store.RoleParkManager, store.RoleAdmin:
		if street != "" {
			st, ok := s.areas.Street(street)
			if !ok {
				return nil, invalid("street", msgUnknownStreet)
			}
			street = st.Code
		}
	default:
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotFigures)
	}
	rows, err := s.db.LedgerRows(ctx, p.Scope(), street, end)
	if err != nil {
		return nil, err
	}
	out := &Rectification{AsOf: asOf, Street: street}
	for _, r := range rows {
		c := classify(r, end)
		out.Found++
		if c.rectified {
			out.Rectified++
		}
		if c.onTime {
			out.OnTime++
		}
		if c.overdue {
			out.Overdue++
		}
		if r.Deadline != "" {
			out.WithDeadline++
		}
	}
	out.Rate, out.OnTimeRate = percent(out.Rectified, out.Found), percent(out.OnTime, out.Found)
	return out, nil
}

type class struct{ rectified, onTime, overdue bool }

// classify places one problem found before end: rectified by end, on time
// (rectified, and the accepted answer — or the rectification itself when
// there was no answer — by the end of the deadline day), overdue (not
// rectified by end and its deadline day over before end).
func classify(r store.LedgerRow, end time.Time) class {
	var c class
	// As the sector dashboard counts (internal/report): closed by end, which
	// includes a waiver (it sets rectified_at too).
	c.rectified = r.RectifiedAt != nil && r.RectifiedAt.Before(end)
	var due time.Time
	if r.Deadline != "" {
		due, _ = endOfDay(r.Deadline)
	}
	if c.rectified {
		done := *r.RectifiedAt
		if r.AnsweredAt != nil && r.AnsweredAt.Before(done) {
			done = *r.AnsweredAt
		}
		c.onTime = r.Deadline == "" || !done.After(due)
	} else if r.Deadline != "" && !due.After(end) && r.Status != store.ProblemWaived {
		c.overdue = true
	}
	return c
}
