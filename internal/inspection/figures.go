package inspection

import (
	"context"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/ledger"
	"fugong/internal/store"
)

// Rectification is the ledger's figures as of a day: the rectification
// rate as the article counts it (rectified / found) and beside it the
// on-time rate (rectified by the deadline / found), counted by
// internal/ledger. A waived problem is neither rectified nor overdue: it is
// counted in Waived. Rates are percentages rounded half-up to 2 decimals,
// null when nothing was found.
type Rectification struct {
	AsOf         string   `json:"as_of"`
	Street       string   `json:"street,omitempty"`
	Found        int      `json:"found"`
	Rectified    int      `json:"rectified"`
	Waived       int      `json:"waived"`
	Rate         *float64 `json:"rate"`
	OnTime       int      `json:"on_time"`
	OnTimeRate   *float64 `json:"on_time_rate"`
	Overdue      int      `json:"overdue"` // neither rectified nor waived, past the deadline, as of the day
	WithDeadline int      `json:"with_deadline"`
}

// Figures returns the rectification figures as of asOf (YYYY-MM-DD; empty =
// today) for the caller's scope: a street official its street, inspectors,
// park managers and admins the zone or one street. Others are
// apperror.Forbidden; a bad date or street apperror.Invalid.
func (s *Service) Figures(ctx context.Context, p *auth.Principal, asOf, street string) (*Rectification, error) {
	if asOf == "" {
		asOf = today(s.now())
	}
	end, err := ledger.EndOfDay(asOf)
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
	var n ledger.Counts
	for _, r := range rows {
		n.Add(r, end)
	}
	return &Rectification{AsOf: asOf, Street: street, Found: n.Found, Rectified: n.Rectified, Waived: n.Waived,
		Rate: ledger.Percent(n.Rectified, n.Found), OnTime: n.OnTime, OnTimeRate: ledger.Percent(n.OnTime, n.Found),
		Overdue: n.Overdue, WithDeadline: n.WithDeadline}, nil
}
