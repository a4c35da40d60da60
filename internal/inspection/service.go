// Package inspection owns the rectification loop as the source article runs
// it (docs/rectification.md): inspectors (督查组) and officials record
// findings against an enterprise, a street or a department with evidence and
// a deadline; the responsible party answers with evidence (整改反馈); the
// owner verifies (核查销号) or sends the answer back; reminders go out before
// and after deadlines; letters (整改意见函) and bulletins (通报) are numbered
// documents built from the ledger. Every step writes its audit entry,
// notifications and webhook events in the transaction of the change.
package inspection

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"fugong/internal/areas"
	"fugong/internal/auth"
	"fugong/internal/blob"
	"fugong/internal/config"
	"fugong/internal/msg"
	"fugong/internal/parktime"
	"fugong/internal/pii"
	"fugong/internal/store"
)

// Service runs the rectification loop.
type Service struct {
	db       *store.DB
	blobs    blob.Store
	keys     *pii.Keyring // nil: evidence stored in clear under its sha256 (tests of the bare service)
	blobCfg  config.Blob
	webhooks []config.Webhook
	areas    *areas.Areas
	now      func() time.Time
	log      *slog.Logger
}

// Deps are what a Service needs.
type Deps struct {
	DB    *store.DB
	Blobs blob.Store
	// Keys seals evidence files (photos and letters show people and their
	// data): with it, objects are encrypted and addressed by a keyed hash,
	// as filing's are (internal/filing/objects.go).
	Keys   *pii.Keyring
	Areas  *areas.Areas
	Config config.Config
	Now    func() time.Time
	Log    *slog.Logger
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Areas == nil {
		d.Areas = areas.Default()
	}
	blobs := d.Blobs
	if d.Keys != nil && d.Blobs != nil {
		blobs = blob.NewSealed(d.Blobs, d.Keys)
	}
	return &Service{db: d.DB, blobs: blobs, keys: d.Keys, blobCfg: d.Config.Blob, webhooks: d.Config.Webhooks, areas: d.Areas, now: d.Now, log: d.Log}
}

// shanghai is the zone deadlines are civil dates in.
var shanghai = parktime.Location

// today is the civil date at t in Shanghai.
func today(t time.Time) string { return t.In(shanghai).Format(time.DateOnly) }

// audit appends an entry in the caller's transaction.
func audit(ctx context.Context, tx *store.DB, p *auth.Principal, action, object string, details any, at time.Time) error {
	d, err := json.Marshal(details)
	if err != nil {
		return err
	}
	actor, role, ip := "system", "system", ""
	if p != nil {
		actor, role, ip = p.Username, string(p.Role), p.IP
	}
	return tx.AppendAudit(ctx, &store.AuditEntry{At: at, Actor: actor, Role: role, Action: action, Object: object, IP: ip, Details: string(d)})
}

// publish queues event for every webhook subscriber in the caller's
// transaction (the event exists exactly when the change does).
func (s *Service) publish(ctx context.Context, tx *store.DB, event string, payload map[string]any, at time.Time) error {
	if len(s.webhooks) == 0 {
		return nil
	}
	payload["event"] = event
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	ds := make([]store.WebhookDelivery, len(s.webhooks))
	for i, w := range s.webhooks {
		ds[i] = store.WebhookDelivery{Subscriber: w.Name, Event: event, Payload: string(b), NextAttemptAt: at, CreatedAt: at}
	}
	return tx.EnqueueWebhooks(ctx, ds)
}

// notify leaves an in-app message for users about problem pr, rendered in
// Chinese (the notifications table holds one text).
func notify(ctx context.Context, tx *store.DB, users []int64, kind string, pr *store.Problem, at time.Time, m msg.Message, args ...any) error {
	return notifyNotice(ctx, tx, users, kind, pr, nil, at, m, args...)
}

// notifyNotice is notify for a message announcing a notice or letter: it
// carries noticeID (nil for none), so a party that reads no filing (a
// department) still opens the letter from its notifications.
func notifyNotice(ctx context.Context, tx *store.DB, users []int64, kind string, pr *store.Problem, noticeID *int64, at time.Time, m msg.Message, args ...any) error {
	if len(users) == 0 {
		return nil
	}
	text := m.In(msg.ZH, args...)
	pid := pr.ID
	ns := make([]store.Notification, len(users))
	for i, u := range users {
		ns[i] = store.Notification{UserID: u, Kind: kind, FilingID: pr.FilingID, ProblemID: &pid, NoticeID: noticeID, Message: text, CreatedAt: at}
	}
	return tx.CreateNotifications(ctx, ns)
}

// responsibleUsers are the accounts that answer pr: the enterprise's
// accounts, the street's officials or the department's accounts.
func responsibleUsers(ctx context.Context, tx *store.DB, pr *store.Problem) ([]int64, error) {
	switch pr.TargetKind {
	case store.TargetStreet:
		return tx.UserIDsOfStreet(ctx, pr.Street)
	case store.TargetDepartment:
		return tx.UserIDsOfDepartment(ctx, pr.Department)
	default:
		if pr.EnterpriseID == nil {
			return nil, nil
		}
		return tx.UserIDsOfEnterprise(ctx, *pr.EnterpriseID)
	}
}

// mayAnswer reports whether p is the party responsible for pr.
func mayAnswer(p *auth.Principal, pr *store.Problem) bool {
	switch pr.TargetKind {
	case store.TargetStreet:
		return p.Role == store.RoleStreetOfficial && p.Street == pr.Street
	case store.TargetDepartment:
		return p.Role == store.RoleDepartment && p.Department == pr.Department
	default:
		return p.Role == store.RoleEnterprise && p.EnterpriseID != nil && pr.EnterpriseID != nil && *p.EnterpriseID == *pr.EnterpriseID
	}
}

// mayVerify reports whether p owns pr: its author, the park manager, or —
// for problems the street raised against its enterprises (review, confirmed
// rule flags, officials' findings) — an official of that street.
func (s *Service) mayVerify(ctx context.Context, p *auth.Principal, pr *store.Problem) (bool, error) {
	if p.UserID == pr.CreatedBy || p.Role == store.RoleParkManager || p.Role == store.RoleAdmin {
		return true, nil
	}
	if p.Role != store.RoleStreetOfficial || p.Street != pr.Street || pr.TargetKind != store.TargetEnterprise {
		return false, nil
	}
	author, err := s.db.UserByID(ctx, pr.CreatedBy)
	if err != nil {
		if store.IsNotFound(err) {
			return pr.Source != store.SourceInspection, nil
		}
		return false, err
	}
	return author.Role == store.RoleStreetOfficial || author.Role == store.RoleAdmin, nil
}
