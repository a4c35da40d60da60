package inspection

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/store"
)

// OverdueGroup is the overdue problems of one street or one inspector.
type OverdueGroup struct {
	Key      string          `json:"key"`  // street code or user id
	Name     string          `json:"name"` // street name or username
	Count    int             `json:"count"`
	Problems []store.Problem `json:"problems"`
}

// OverdueList is GET /api/v1/problems/overdue.
type OverdueList struct {
	Date    string         `json:"date"`
	GroupBy string         `json:"group_by"`
	Total   int            `json:"total"`
	Groups  []OverdueGroup `json:"groups"`
}

// Overdue lists the open problems past their deadline within the caller's
// scope, grouped by street or by the inspector (author) who raised them,
// largest group first. groupBy other than street|inspector is
// apperror.Invalid.
func (s *Service) Overdue(ctx context.Context, p *auth.Principal, groupBy string) (*OverdueList, error) {
	if groupBy != "street" && groupBy != "inspector" {
		return nil, invalid("group_by", msgGroupBy)
	}
	d := today(s.now())
	var all []store.Problem
	for page := 1; ; page++ {
		items, total, err := s.db.ListProblems(ctx, p.Scope(), store.ProblemFilter{OverdueOn: d, Page: store.NormalPage(page, 500)})
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if int64(len(all)) >= total || len(items) == 0 {
			break
		}
	}
	groups := map[string]*OverdueGroup{}
	var authors []int64
	for i := range all {
		pr := &all[i]
		pr.SetOverdue(d)
		key := pr.Street
		if groupBy == "inspector" {
			key = strconv.FormatInt(pr.CreatedBy, 10)
			authors = append(authors, pr.CreatedBy)
		}
		g := groups[key]
		if g == nil {
			g = &OverdueGroup{Key: key, Name: key}
			if groupBy == "street" {
				if st, ok := s.areas.Street(key); ok {
					g.Name = st.Name
				}
			}
			groups[key] = g
		}
		g.Count++
		g.Problems = append(g.Problems, *pr)
	}
	if groupBy == "inspector" {
		names, err := s.db.UsernamesByID(ctx, authors)
		if err != nil {
			return nil, err
		}
		for k, g := range groups {
			id, _ := strconv.ParseInt(k, 10, 64)
			if n, ok := names[id]; ok {
				g.Name = n
			}
		}
	}
	out := &OverdueList{Date: d, GroupBy: groupBy, Total: len(all), Groups: []OverdueGroup{}}
	for _, g := range groups {
		out.Groups = append(out.Groups, *g)
	}
	sort.Slice(out.Groups, func(i, j int) bool {
		if out.Groups[i].Count != out.Groups[j].Count {
			return out.Groups[i].Count > out.Groups[j].Count
		}
		return out.Groups[i].Key < out.Groups[j].Key
	})
	return out, nil
}

// Reminder kinds: one the day before the deadline, one the day after it.
const (
	ReminderBefore = "before"
	ReminderAfter  = "after"
)

// SendReminders sends every reminder due at the service's now: "before" for
// open problems due tomorrow, "after" for open problems past their
// deadline. Each reminder is claimed by inserting a unique row (problem,
// kind, deadline) in the same transaction as its notifications and webhook
// events, so with any number of replicas running this at once each reminder
// is sent exactly once; instance names the replica in the claim. It returns
// how many reminders this call sent.
func (s *Service) SendReminders(ctx context.Context, instance string) (int, error) {
	now := s.now().UTC()
	d := today(now)
	tomorrow := now.In(shanghai).AddDate(0, 0, 1).Format(time.DateOnly)
	yesterday := now.In(shanghai).AddDate(0, 0, -1).Format(time.DateOnly)
	sent := 0
	for _, k := range []struct{ kind, from, to string }{
		{ReminderBefore, d, tomorrow},            // due today or tomorrow, not yet reminded
		{ReminderAfter, "0000-00-00", yesterday}, // past due
	} {
		for {
			due, err := s.db.ProblemsDueForReminder(ctx, k.kind, k.from, k.to, 100)
			if err != nil {
				return sent, err
			}
			progressed := false
			for i := range due {
				ok, err := s.remind(ctx, &due[i], k.kind, instance, now)
				if err != nil {
					return sent, err
				}
				if ok {
					sent++
				}
				progressed = true
			}
			if len(due) < 100 || !progressed {
				break
			}
		}
	}
	return sent, nil
}

// remind sends one reminder unless another replica claimed it first.
func (s *Service) remind(ctx context.Context, pr *store.Problem, kind, instance string, now time.Time) (bool, error) {
	err := s.db.Tx(ctx, func(tx *store.DB) error {
		if err := tx.ClaimReminder(ctx, &store.ProblemReminder{ProblemID: pr.ID, Kind: kind, Deadline: pr.Deadline, ClaimedBy: instance, CreatedAt: now}); err != nil {
			return err
		}
		users, err := responsibleUsers(ctx, tx, pr)
		if err != nil {
			return err
		}
		m, note := noteBefore, "problem_deadline_soon"
		if kind == ReminderAfter {
			m, note = noteAfter, "problem_overdue"
			users = append(users, pr.CreatedBy) // the owner hears of it too
		}
		if err := notify(ctx, tx, users, note, pr, now, m, pr.Title, pr.Deadline); err != nil {
			return err
		}
		payload := problemPayload(pr)
		payload["reminder"] = kind
		if err := s.publish(ctx, tx, note, payload, now); err != nil {
			return err
		}
		return audit(ctx, tx, nil, "problem_reminder_sent", fmt.Sprintf("problem:%d", pr.ID), map[string]any{"kind": kind, "deadline": pr.Deadline, "instance": instance}, now)
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrReminderTaken), apperror.CodeOf(err) == apperror.Conflict:
		return false, nil // another replica sent it
	case isLockConflict(err):
		return false, nil // lost a race on the claim row; its winner sends it
	default:
		return false, err
	}
}

// isLockConflict recognises a deadlock or lock wait the database resolved
// against this transaction (MySQL 1213/1205, SQLite busy).
func isLockConflict(err error) bool {
	s := err.Error()
	for _, m := range []string{"Error 1213", "Error 1205", "Deadlock", "database is locked", "SQLITE_BUSY"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// RunReminders sends due reminders every interval until ctx ends.
func (s *Service) RunReminders(ctx context.Context, instance string, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.SendReminders(ctx, instance); err != nil {
			s.log.Error("deadline reminders", "err", err)
		} else if n > 0 {
			s.log.Info("deadline reminders sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
