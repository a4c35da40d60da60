package store

import (
	"context"
	"time"
)

// WebhookDelivery is one event waiting for (or done with) delivery to one
// subscriber. Rows are written in the transaction of the change they report,
// so an event exists exactly when its change does.
type WebhookDelivery struct {
	ID            int64
	Subscriber    string
	Event         string
	Payload       string
	Attempts      int
	NextAttemptAt time.Time
	DeliveredAt   *time.Time
	LastError     string
	CreatedAt     time.Time
}

// TableName maps WebhookDelivery to webhook_outbox.
func (WebhookDelivery) TableName() string { return "webhook_outbox" }

// EnqueueWebhooks inserts deliveries.
func (db *DB) EnqueueWebhooks(ctx context.Context, ds []WebhookDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	return dbErr(db.orm(ctx).Create(&ds).Error, "webhook outbox")
}

// DueWebhooks returns up to limit undelivered deliveries due at now, oldest
// first.
func (db *DB) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]WebhookDelivery, error) {
	var out []WebhookDelivery
	err := db.orm(ctx).Where("delivered_at IS NULL AND next_attempt_at <= ?", now).Order("id").Limit(limit).Find(&out).Error
	return out, dbErr(err, "webhook outbox")
}

// ClaimWebhook pushes a delivery's next attempt to `until` if it is still
// due (so two replicas don't send it at once); false when another took it,
// also when the other claim won a conflict on another database node.
func (db *DB) ClaimWebhook(ctx context.Context, id int64, due, until time.Time) (bool, error) {
	res := db.orm(ctx).Model(&WebhookDelivery{}).
		Where("id = ? AND delivered_at IS NULL AND next_attempt_at <= ?", id, due).Update("next_attempt_at", until)
	if IsRetryable(res.Error) {
		return false, nil // another dispatcher's claim won (a Galera certification conflict)
	}
	return res.RowsAffected == 1, dbErr(res.Error, "webhook outbox")
}

// WebhookDelivered records success.
func (db *DB) WebhookDelivered(ctx context.Context, id int64, attempts int, at time.Time) error {
	return dbErr(db.orm(ctx).Model(&WebhookDelivery{}).Where("id = ?", id).
		Updates(map[string]any{"delivered_at": at, "attempts": attempts, "last_error": ""}).Error, "webhook outbox")
}

// WebhookFailed records a failed attempt and when to try next.
func (db *DB) WebhookFailed(ctx context.Context, id int64, attempts int, next time.Time, msg string) error {
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	return dbErr(db.orm(ctx).Model(&WebhookDelivery{}).Where("id = ?", id).
		Updates(map[string]any{"attempts": attempts, "next_attempt_at": next, "last_error": msg}).Error, "webhook outbox")
}
