package daily

import (
	"context"
	"fmt"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/msg"
	"fugong/internal/store"
)

// maxFlagList bounds a list of warnings.
const maxFlagList = 500

// Flags returns the current rule warnings on reports of days from..to
// (inclusive; both default to today) within the caller's scope — the
// street official's street, an enterprise's own, everything for the park —
// newest day first, at most 500; street narrows a park-wide caller to one
// street. A bad date or a span over 31 days is apperror.Invalid.
func (s *Service) Flags(ctx context.Context, p *auth.Principal, street, from, to string) ([]FlagView, error) {
	today := Today(s.now())
	if to == "" {
		to = today
	}
	if from == "" {
		from = to
	}
	t, err := readDay(to)
	if err != nil {
		return nil, rename(err, "to")
	}
	f, err := readDay(from)
	if err != nil {
		return nil, rename(err, "from")
	}
	ft, _ := time.Parse(time.DateOnly, f)
	tt, _ := time.Parse(time.DateOnly, t)
	if f > t {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgRangeOrder.With(), Details: []apperror.Detail{apperror.FieldMsg("from", msgRangeOrder)}}
	}
	if tt.Sub(ft) > 31*24*time.Hour {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgRangeTooLong.With(31), Details: []apperror.Detail{apperror.FieldMsg("from", msgRangeTooLong, 31)}}
	}
	rows, err := s.db.DailyFlagsOfStreet(ctx, p.Scope(), street, f, t, maxFlagList)
	if err != nil {
		return nil, err
	}
	out := make([]FlagView, len(rows))
	for i, r := range rows {
		out[i] = flagViewOf(r)
	}
	return out, nil
}

// ConfirmInput is the body of POST /api/v1/daily/flags/{id}/confirm.
type ConfirmInput struct {
	Note     string `json:"note"`     // what the official found, kept as the problem's detail
	Deadline string `json:"deadline"` // YYYY-MM-DD by when it must be rectified, optional
}

// ConfirmFlag records a rule warning as a problem of the rectification
// ledger (整改台账: source "daily", against the enterprise, rule id and
// message kept), links the flag to it and tells the enterprise's accounts,
// with its audit entry, in one transaction. Street officials confirm the
// warnings of their street, park managers any. Errors: apperror.Forbidden
// for other roles, NotFound outside the caller's scope, Conflict for a flag
// already confirmed or no longer current, Invalid for a bad deadline.
func (s *Service) ConfirmFlag(ctx context.Context, p *auth.Principal, id int64, in ConfirmInput) (*FlagView, error) {
	if p.Role != store.RoleStreetOfficial && p.Role != store.RoleParkManager {
		return nil, apperror.Msg(apperror.Forbidden, msgConfirmOfficialsOnly)
	}
	if len([]rune(in.Note)) > 2000 {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgNoteTooLong.With(2000), Details: []apperror.Detail{apperror.FieldMsg("note", msgNoteTooLong, 2000)}}
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	deadline := ""
	if in.Deadline != "" {
		d, err := readDay(in.Deadline)
		if err != nil || d < Today(s.now()) {
			return nil, &apperror.Error{Code: apperror.Invalid, Text: msgReportInvalid.With(), Details: []apperror.Detail{apperror.FieldMsg("deadline", msgDeadlineFuture)}}
		}
		deadline = d
	}
	var out FlagView
	err := s.db.TxRetry(ctx, func(tx *store.DB) error {
		f, err := tx.DailyFlagByID(ctx, p.Scope(), id)
		if err != nil {
			return err
		}
		if !f.Current {
			return apperror.Msg(apperror.Conflict, msgFlagNotCurrent)
		}
		if f.ProblemID != nil {
			return apperror.Msg(apperror.Conflict, msgFlagConfirmed)
		}
		row, err := tx.DailyReportOf(ctx, store.ScopeAll, f.EnterpriseID, f.ReportDate)
		if err != nil {
			return err
		}
		eid := f.EnterpriseID
		detail := f.Message
		if in.Note != "" {
			detail += "\n" + in.Note
		}
		pr := &store.Problem{EnterpriseID: &eid, Street: f.Street, Sector: row.Sector, Source: store.SourceDaily, RuleID: f.RuleID,
			Title: msgProblemTitle.In(msg.ZH, f.ReportDate, f.RuleID), Detail: detail, Status: store.ProblemOpen, CreatedBy: p.UserID,
			CreatedAt: now, TargetKind: store.TargetEnterprise, Deadline: deadline}
		if err := tx.CreateProblem(ctx, pr); err != nil {
			return err
		}
		if err := tx.ConfirmDailyFlag(ctx, f.ID, pr.ID, p.Username, now); err != nil {
			return err
		}
		users, err := tx.UserIDsOfEnterprise(ctx, eid)
		if err != nil {
			return err
		}
		pid := pr.ID
		ns := make([]store.Notification, len(users))
		for i, u := range users {
			ns[i] = store.Notification{UserID: u, Kind: "daily_flag_confirmed", ProblemID: &pid,
				Message: msgFlagConfirmedNote.In(msg.ZH, f.ReportDate, f.Message), CreatedAt: now}
		}
		if err := tx.CreateNotifications(ctx, ns); err != nil {
			return err
		}
		f.ProblemID, f.ConfirmedBy, f.ConfirmedAt = &pid, p.Username, &now
		out = flagViewOf(*f)
		return tx.AppendAudit(ctx, p.Entry("daily_flag_confirmed", fmt.Sprintf("daily_flag:%d", f.ID), fmt.Sprintf("problem=%d rule=%s", pid, f.RuleID)))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
