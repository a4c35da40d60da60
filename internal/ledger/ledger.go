// Package ledger owns how the problem ledger (问题台账) is counted: which
// problems are found, rectified, waived, rectified on time or overdue as of
// an instant. The sector dashboard (internal/report), the rectification
// figures and the bulletins (internal/inspection) all count with it, so the
// article's figure (267 found, 252 rectified, 94.38%) means the same
// everywhere (docs/rectification.md).
package ledger

import (
	"time"

	"fugong/internal/parktime"
	"fugong/internal/store"
)

// Class is what one problem counts as at an instant.
type Class struct {
	// Found: recorded before the instant.
	Found bool
	// Rectified: verified as fixed (status rectified) before the instant. A
	// waived problem is not rectified: it is Waived, and the rectification
	// rate (rectified / found) does not count it.
	Rectified bool
	// Waived: waived (with its reason) before the instant.
	Waived bool
	// OnTime: rectified, and the accepted answer (or the rectification
	// itself when there was no answer) came by the end of the deadline day
	// in the park's time zone, or the problem had no deadline.
	OnTime bool
	// Overdue: neither rectified nor waived by the instant, and its
	// deadline day over before it.
	Overdue bool
}

// EndOfDay is the instant a civil date (YYYY-MM-DD) of the park's time
// zone ends; a malformed date is an error from time.Parse.
func EndOfDay(date string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, date, parktime.Location)
	if err != nil {
		return time.Time{}, err
	}
	return d.AddDate(0, 0, 1).UTC(), nil
}

// Classify places problem r as of end. A closing time at or after end does
// not count: the figures as of a day are what was known by its end.
func Classify(r store.LedgerRow, end time.Time) Class {
	c := Class{Found: r.CreatedAt.Before(end)}
	closed := r.RectifiedAt != nil && r.RectifiedAt.Before(end) // a waiver sets rectified_at too
	c.Waived = closed && r.Status == store.ProblemWaived
	c.Rectified = closed && !c.Waived
	var due time.Time
	if r.Deadline != "" {
		due, _ = EndOfDay(r.Deadline) // a stored deadline is a date (internal/inspection checks it)
	}
	switch {
	case c.Rectified:
		done := *r.RectifiedAt
		if r.AnsweredAt != nil && r.AnsweredAt.Before(done) {
			done = *r.AnsweredAt
		}
		c.OnTime = r.Deadline == "" || !done.After(due)
	case !c.Waived && r.Deadline != "" && !due.After(end):
		c.Overdue = true
	}
	return c
}

// Counts are the ledger's figures over a set of problems.
type Counts struct {
	Found, Rectified, Waived, OnTime, Overdue, WithDeadline int
}

// Add counts problem r as of end; a problem found after end is not counted.
func (n *Counts) Add(r store.LedgerRow, end time.Time) Class {
	c := Classify(r, end)
	if !c.Found {
		return c
	}
	n.Found++
	n.Rectified += b(c.Rectified)
	n.Waived += b(c.Waived)
	n.OnTime += b(c.OnTime)
	n.Overdue += b(c.Overdue)
	if r.Deadline != "" {
		n.WithDeadline++
	}
	return c
}

func b(v bool) int {
	if v {
		return 1
	}
	return 0
}

// Percent is num/den as a percentage rounded half-up to 2 decimals, nil
// when den is 0 (integer arithmetic: no float rounding surprises).
func Percent(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	hundredths := (int64(num)*20000 + int64(den)) / (2 * int64(den))
	v := float64(hundredths) / 100
	return &v
}
