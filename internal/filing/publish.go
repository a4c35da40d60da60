package filing

import (
	"context"
	"encoding/json"

	"fugong/internal/store"
)

// publish queues event for every configured webhook subscriber, inside the
// caller's transaction: the event exists exactly when the change does, and
// delivery (package webhook) never blocks the request.
func (s *Service) publish(ctx context.Context, tx *store.DB, event string, payload map[string]any) error {
	if len(s.webhooks) == 0 {
		return nil
	}
	payload["event"] = event
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	ds := make([]store.WebhookDelivery, len(s.webhooks))
	for i, w := range s.webhooks {
		ds[i] = store.WebhookDelivery{Subscriber: w.Name, Event: event, Payload: string(b), NextAttemptAt: now, CreatedAt: now}
	}
	return tx.EnqueueWebhooks(ctx, ds)
}
