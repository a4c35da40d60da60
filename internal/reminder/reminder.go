// Package reminder sends the street official's one-click reminder to the
// enterprises that have not filed a day's daily report (每日报送): an in-app
// notification to each enterprise's accounts and a webhook event per
// enterprise (for an SMS gateway, say), each sent once per enterprise and
// day whatever the number of replicas and officials clicking at once.
//
// Once-ness comes from the database, not from this process: each reminder
// is claimed by a row under a unique key (enterprise, day) inserted in the
// same transaction as its notifications, webhook events and audit entry
// (store.ClaimDailyReminders). Two replicas racing collide on that key; the
// loser skips the enterprise (same node) or retries its transaction and
// finds it taken (two Galera nodes).
package reminder

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/auth"
	"fugong/internal/config"
	"fugong/internal/msg"
	"fugong/internal/report"
	"fugong/internal/store"
)

// EventMissing is the webhook event of a reminder.
const EventMissing = "daily.report_missing"

// NotificationKind is the kind of the notification a reminder leaves.
const NotificationKind = "daily_report_missing"

// batchSize bounds one reminder transaction (claims, notifications, events).
const batchSize = 500

// Service sends reminders. Safe for concurrent use.
type Service struct {
	db       *store.DB
	reports  *report.Service
	webhooks []config.Webhook
	now      func() time.Time
}

// New returns a Service over db; reports resolves who is missing exactly
// as the missing list shows it; webhooks are the subscribers told of each
// reminder. now is the clock (time.Now when nil).
func New(db *store.DB, reports *report.Service, webhooks []config.Webhook, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, reports: reports, webhooks: webhooks, now: now}
}

// Request is a reminder click: the day (today when empty), the street
// (street officials their own; park managers and admins any, or all) and
// optionally the enterprises to remind (empty: every one missing).
type Request struct {
	Date          string  `json:"date"`
	Street        string  `json:"street"`
	EnterpriseIDs []int64 `json:"enterprise_ids"`
}

// Result says what a click did: Reminded enterprises were reminded by it,
// AlreadyReminded had been reminded for that day before (by anyone), and
// NotMissing of the ids asked for have reported or need not report.
type Result struct {
	Date            string `json:"date"`
	Reminded        int    `json:"reminded"`
	AlreadyReminded int    `json:"already_reminded"`
	NotMissing      int    `json:"not_missing"`
}

// Remind reminds the enterprises of req that must report on its day and
// have not. Errors: apperror.Forbidden (a role other than street official,
// park manager or admin; another street), apperror.Invalid (bad date or
// street), apperror.NotFound (daily reporting off), apperror.Unavailable
// (database down). A failure part-way leaves the batches already committed
// sent; clicking again sends the rest.
func (s *Service) Remind(ctx context.Context, p *auth.Principal, req Request) (*Result, error) {
	switch p.Role {
	case store.RoleStreetOfficial, store.RoleParkManager, store.RoleAdmin:
	default:
		return nil, apperror.Msg(apperror.Forbidden, msgMayNotRemind)
	}
	if len(req.EnterpriseIDs) > 10000 {
		return nil, apperror.WithText(apperror.Invalid, msgTooMany.With(10000), []apperror.Detail{{Field: "enterprise_ids", Text: msgTooMany.With(10000)}})
	}
	day, area, args, err := s.reports.MissingDay(p.Scope(), report.DailyParams{Date: req.Date, Street: req.Street})
	if err != nil {
		return nil, err
	}
	missing, _, err := s.db.DailyReporters(ctx, store.DailyReportersFilter{Expected: args, Area: area, State: store.DailyStateMissing})
	if err != nil {
		return nil, err
	}
	res := &Result{Date: day}
	if len(req.EnterpriseIDs) > 0 {
		want := map[int64]bool{}
		for _, id := range req.EnterpriseIDs {
			want[id] = true
		}
		kept := missing[:0]
		for _, m := range missing {
			if want[m.EnterpriseID] {
				kept = append(kept, m)
				delete(want, m.EnterpriseID)
			}
		}
		missing, res.NotMissing = kept, len(want)
	}
	for start := 0; start < len(missing); start += batchSize {
		chunk := missing[start:min(start+batchSize, len(missing))]
		n, err := store.Retry(ctx, func(ctx context.Context) (int, error) { return s.remindBatch(ctx, p, day, chunk) })
		if err != nil {
			return res, err
		}
		res.Reminded += n
		res.AlreadyReminded += len(chunk) - n
	}
	return res, nil
}

// remindBatch claims and sends the reminders of rows in one transaction and
// returns how many this call claimed.
func (s *Service) remindBatch(ctx context.Context, p *auth.Principal, day string, rows []store.DailyReporterRow) (int, error) {
	now := s.now().UTC()
	batch, err := newBatch()
	if err != nil {
		return 0, err
	}
	byID := make(map[int64]store.DailyReporterRow, len(rows))
	claims := make([]store.DailyReminder, 0, len(rows))
	for _, r := range rows {
		byID[r.EnterpriseID] = r
		claims = append(claims, store.DailyReminder{EnterpriseID: r.EnterpriseID, ReportDate: day, Street: r.Street, Batch: batch, SentBy: p.Username, CreatedAt: now})
	}
	// One order for every claimer, so two batches lock the same keys in the
	// same order and cannot deadlock on each other.
	slices.SortFunc(claims, func(a, b store.DailyReminder) int { return int(a.EnterpriseID - b.EnterpriseID) })
	var sent int
	err = s.db.Tx(ctx, func(tx *store.DB) error {
		won, err := tx.ClaimDailyReminders(ctx, claims)
		if err != nil {
			return err
		}
		sent = len(won)
		if len(won) == 0 {
			return nil
		}
		users, err := tx.UserIDsOfEnterprises(ctx, won)
		if err != nil {
			return err
		}
		text := msgReminder.In(msg.ZH, day)
		var notes []store.Notification
		var events []store.WebhookDelivery
		for _, id := range won {
			for _, u := range users[id] {
				notes = append(notes, store.Notification{UserID: u, Kind: NotificationKind, Message: text, CreatedAt: now})
			}
			r := byID[id]
			body, err := json.Marshal(map[string]any{"event": EventMissing, "date": day, "enterprise_id": id,
				"credit_code": r.CreditCode, "name": r.Name, "street": r.Street, "sector": r.Sector, "reminded_by": p.Username})
			if err != nil {
				return err
			}
			for _, w := range s.webhooks {
				events = append(events, store.WebhookDelivery{Subscriber: w.Name, Event: EventMissing, Payload: string(body), NextAttemptAt: now, CreatedAt: now})
			}
		}
		for start := 0; start < len(notes); start += batchSize {
			if err := tx.CreateNotifications(ctx, notes[start:min(start+batchSize, len(notes))]); err != nil {
				return err
			}
		}
		for start := 0; start < len(events); start += batchSize {
			if err := tx.EnqueueWebhooks(ctx, events[start:min(start+batchSize, len(events))]); err != nil {
				return err
			}
		}
		details, err := json.Marshal(map[string]any{"date": day, "enterprises": won})
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &store.AuditEntry{At: now, Actor: p.Username, Role: string(p.Role), Action: "daily_reminders_sent",
			Object: "daily:" + day, IP: p.IP, Details: string(details)})
	})
	return sent, err
}

func newBatch() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reminder: batch id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
