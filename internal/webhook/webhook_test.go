package webhook_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fugong/internal/config"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
	"fugong/internal/webhook"
)

const secret = "s3cret-at-least-16-chars"

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// receipt is one request a test subscriber received.
type receipt struct {
	header http.Header
	body   []byte
}

// subscriber is a loopback webhook receiver answering with status(n) to its
// n-th request (0-based).
type subscriber struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []receipt
	status func(n int) int
	delay  time.Duration
}

func newSubscriber(t *testing.T, status func(n int) int) *subscriber {
	s := &subscriber{status: status}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.got)
		s.got = append(s.got, receipt{r.Header.Clone(), b})
		delay := s.delay
		s.mu.Unlock()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
			}
		}
		w.WriteHeader(s.status(n))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subscriber) receipts() []receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receipt(nil), s.got...)
}

func always(code int) func(int) int { return func(int) int { return code } }

func enqueue(t *testing.T, db *store.DB, subscriber string, n int) []int64 {
	t.Helper()
	ds := make([]store.WebhookDelivery, n)
	for i := range ds {
		ds[i] = store.WebhookDelivery{Subscriber: subscriber, Event: "filing.approved",
			Payload:       `{"event":"filing.approved","filing_id":` + strconv.Itoa(i+1) + `,"name":"复工"}`,
			NextAttemptAt: t0, CreatedAt: t0}
	}
	if err := db.EnqueueWebhooks(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, d := range ds {
		if d.ID == 0 {
			t.Fatal("enqueue left no id")
		}
		ids[i] = d.ID
	}
	return ids
}

func row(t *testing.T, db *store.DB, id int64) store.WebhookDelivery {
	t.Helper()
	var r store.WebhookDelivery
	if err := db.Gorm().First(&r, id).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

func newDispatcher(db *store.DB, clk *clock, opts webhook.Options, subs ...config.Webhook) *webhook.Dispatcher {
	opts.Now = clk.Now
	return webhook.New(db, subs, opts)
}

func TestDeliveredOnceWithValidSignature(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sub := newSubscriber(t, always(http.StatusNoContent))
		ids := enqueue(t, db, "jingji", 1)
		clk := &clock{t: t0.Add(time.Second)}
		d := newDispatcher(db, clk, webhook.Options{}, config.Webhook{Name: "jingji", URL: sub.srv.URL + "/events", Secret: secret})

		for pass, want := range []int{1, 0} {
			del, failed, err := d.DeliverDue(ctx)
			if err != nil || del != want || failed != 0 {
				t.Fatalf("pass %d: delivered %d failed %d err %v; want %d 0 nil", pass, del, failed, err, want)
			}
		}
		got := sub.receipts()
		if len(got) != 1 {
			t.Fatalf("subscriber got %d requests, want 1", len(got))
		}
		h, body := got[0].header, got[0].body
		r := row(t, db, ids[0])
		if string(body) != r.Payload {
			t.Errorf("body %q, want payload %q", body, r.Payload)
		}
		for name, want := range map[string]string{
			"Content-Type":          "application/json",
			webhook.HeaderEvent:     "filing.approved",
			webhook.HeaderDelivery:  strconv.FormatInt(ids[0], 10),
			webhook.HeaderTimestamp: strconv.FormatInt(clk.Now().Unix(), 10),
		} {
			if h.Get(name) != want {
				t.Errorf("%s = %q, want %q", name, h.Get(name), want)
			}
		}
		if !webhook.Verify(secret, h.Get(webhook.HeaderTimestamp), body, h.Get(webhook.HeaderSignature)) {
			t.Errorf("signature %q does not verify", h.Get(webhook.HeaderSignature))
		}
		if r.DeliveredAt == nil || !r.DeliveredAt.Equal(clk.Now()) || r.Attempts != 1 || r.LastError != "" {
			t.Errorf("row after delivery: delivered_at %v attempts %d last_error %q", r.DeliveredAt, r.Attempts, r.LastError)
		}
	})
}

func TestRetriedUntil2xx(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := []int{500, 500, 200}
		sub := newSubscriber(t, func(n int) int { return codes[min(n, len(codes)-1)] })
		ids := enqueue(t, db, "jingji", 1)
		clk := &clock{t: t0}
		base := 5 * time.Second
		d := newDispatcher(db, clk, webhook.Options{BackoffBase: base, BackoffCap: time.Hour},
			config.Webhook{Name: "jingji", URL: sub.srv.URL, Secret: secret})

		var prevNext time.Time
		for pass := 1; pass <= 3; pass++ {
			now := clk.Now()
			del, failed, err := d.DeliverDue(ctx)
			if err != nil {
				t.Fatalf("pass %d: %v", pass, err)
			}
			r := row(t, db, ids[0])
			if r.Attempts != pass {
				t.Fatalf("pass %d: attempts %d", pass, r.Attempts)
			}
			if pass < 3 {
				if del != 0 || failed != 1 || r.DeliveredAt != nil || r.LastError != "HTTP 500" {
					t.Fatalf("pass %d: delivered %d failed %d delivered_at %v last_error %q", pass, del, failed, r.DeliveredAt, r.LastError)
				}
				w := webhook.Backoff(base, time.Hour, pass)
				lo, hi := now.Add(w/2), now.Add(w)
				if r.NextAttemptAt.Before(lo) || r.NextAttemptAt.After(hi) {
					t.Fatalf("pass %d: next attempt %v, want within [%v, %v]", pass, r.NextAttemptAt, lo, hi)
				}
				if !r.NextAttemptAt.After(prevNext) {
					t.Fatalf("pass %d: next attempt %v not after previous %v", pass, r.NextAttemptAt, prevNext)
				}
				prevNext = r.NextAttemptAt
				// Not due yet: a pass just before it sends nothing.
				clk.Set(r.NextAttemptAt.Add(-time.Millisecond))
				if del, failed, err := d.DeliverDue(ctx); del+failed != 0 || err != nil {
					t.Fatalf("pass %d: early pass delivered %d failed %d err %v", pass, del, failed, err)
				}
				clk.Set(r.NextAttemptAt)
				continue
			}
			if del != 1 || failed != 0 || r.DeliveredAt == nil || r.LastError != "" {
				t.Fatalf("pass 3: delivered %d failed %d delivered_at %v last_error %q", del, failed, r.DeliveredAt, r.LastError)
			}
		}
		got := sub.receipts()
		if len(got) != 3 {
			t.Fatalf("subscriber got %d requests, want 3", len(got))
		}
		for i, g := range got {
			if id := g.header.Get(webhook.HeaderDelivery); id != strconv.FormatInt(ids[0], 10) {
				t.Errorf("request %d: delivery id %q, want %d on every retry", i, id, ids[0])
			}
		}
	})
}

// Every kind of failure counts as one failed attempt, is logged without the
// secret, URL or payload, and schedules a retry.
func TestFailures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cases := []struct {
			name      string
			url       func(t *testing.T) string
			wantError string
		}{
			{"status 500", func(t *testing.T) string { return newSubscriber(t, always(500)).srv.URL }, "HTTP 500"},
			{"status 404", func(t *testing.T) string { return newSubscriber(t, always(404)).srv.URL }, "HTTP 404"},
			{"redirect is not followed", func(t *testing.T) string {
				ok := newSubscriber(t, always(200))
				redir := httptest.NewServer(http.RedirectHandler(ok.srv.URL, http.StatusFound))
				t.Cleanup(redir.Close)
				return redir.URL
			}, "HTTP 302"},
			{"timeout", func(t *testing.T) string {
				s := newSubscriber(t, always(200))
				s.delay = 5 * time.Second
				return s.srv.URL
			}, "timeout"},
			{"connection refused", func(t *testing.T) string {
				s := httptest.NewServer(http.NotFoundHandler())
				u := s.URL
				s.Close()
				return u
			}, "refused"},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ctx := context.Background()
				name := "sub" + strconv.Itoa(i)
				ids := enqueue(t, db, name, 1)
				u := tc.url(t) + "/hook?token=url-credential"
				var logs bytes.Buffer
				clk := &clock{t: t0}
				d := newDispatcher(db, clk, webhook.Options{Timeout: 200 * time.Millisecond,
					Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
					config.Webhook{Name: name, URL: u, Secret: secret})
				start := time.Now()
				del, failed, err := d.DeliverDue(ctx)
				if err != nil || del != 0 || failed != 1 {
					t.Fatalf("delivered %d failed %d err %v; want 0 1 nil", del, failed, err)
				}
				if el := time.Since(start); el > 3*time.Second {
					t.Errorf("pass took %s; the timeout is 200ms", el)
				}
				r := row(t, db, ids[0])
				if r.Attempts != 1 || r.DeliveredAt != nil || !r.NextAttemptAt.After(t0) || !strings.Contains(r.LastError, tc.wantError) {
					t.Errorf("row: attempts %d delivered_at %v next %v last_error %q (want it to contain %q)",
						r.Attempts, r.DeliveredAt, r.NextAttemptAt, r.LastError, tc.wantError)
				}
				out := logs.String() + r.LastError
				if !strings.Contains(logs.String(), "webhook delivery failed") {
					t.Errorf("failure not logged: %s", logs.String())
				}
				for _, leak := range []string{secret, "url-credential", "/hook", "filing_id", "复工"} {
					if strings.Contains(out, leak) {
						t.Errorf("log or last_error contains %q: %s", leak, out)
					}
				}
			})
		}
	})
}

// Two replicas passing at the same time send each row exactly once.
func TestTwoReplicasDeliverEachRowOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newSubscriber(t, always(200))
		b := newSubscriber(t, always(200))
		subs := []config.Webhook{{Name: "a", URL: a.srv.URL, Secret: secret}, {Name: "b", URL: b.srv.URL, Secret: secret}}
		ids := append(enqueue(t, db, "a", 15), enqueue(t, db, "b", 15)...)
		clk := &clock{t: t0.Add(time.Second)}
		replicas := []*webhook.Dispatcher{
			newDispatcher(db, clk, webhook.Options{BatchSize: 50, Concurrency: 4}, subs...),
			newDispatcher(db, clk, webhook.Options{BatchSize: 50, Concurrency: 4}, subs...),
		}
		total := 0
		for pass := 0; pass < 5 && total < len(ids); pass++ {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for _, d := range replicas {
				wg.Add(1)
				go func() {
					defer wg.Done()
					del, failed, err := d.DeliverDue(ctx)
					mu.Lock()
					defer mu.Unlock()
					if err != nil || failed != 0 {
						t.Errorf("pass %d: failed %d err %v", pass, failed, err)
					}
					total += del
				}()
			}
			wg.Wait()
		}
		if total != len(ids) {
			t.Errorf("replicas reported %d deliveries, want %d", total, len(ids))
		}
		count := map[string]int{}
		for _, r := range append(a.receipts(), b.receipts()...) {
			count[r.header.Get(webhook.HeaderDelivery)]++
		}
		for _, id := range ids {
			if n := count[strconv.FormatInt(id, 10)]; n != 1 {
				t.Errorf("delivery %d received %d times, want exactly 1", id, n)
			}
			if r := row(t, db, id); r.DeliveredAt == nil || r.Attempts != 1 {
				t.Errorf("delivery %d: delivered_at %v attempts %d", id, r.DeliveredAt, r.Attempts)
			}
		}
		if len(count) != len(ids) {
			t.Errorf("received %d distinct deliveries, want %d", len(count), len(ids))
		}
	})
}

// Rows of a subscriber no longer configured are kept, parked, and do not
// hold up the others.
func TestRemovedSubscriberSkipped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sub := newSubscriber(t, always(200))
		gone := enqueue(t, db, "gone", 3)
		kept := enqueue(t, db, "kept", 1)
		clk := &clock{t: t0.Add(time.Second)}
		var logs bytes.Buffer
		d := newDispatcher(db, clk, webhook.Options{BatchSize: 3, BackoffCap: time.Hour, Log: slog.New(slog.NewTextHandler(&logs, nil))},
			config.Webhook{Name: "kept", URL: sub.srv.URL, Secret: secret})
		delivered := 0
		for pass := 0; pass < 3; pass++ {
			del, failed, err := d.DeliverDue(ctx)
			if err != nil || failed != 0 {
				t.Fatalf("pass %d: failed %d err %v", pass, failed, err)
			}
			delivered += del
		}
		if delivered != 1 || len(sub.receipts()) != 1 {
			t.Errorf("kept subscriber: delivered %d, received %d; want 1, 1", delivered, len(sub.receipts()))
		}
		if r := row(t, db, kept[0]); r.DeliveredAt == nil {
			t.Error("kept row not delivered")
		}
		for _, id := range gone {
			r := row(t, db, id)
			if r.DeliveredAt != nil || r.Attempts != 0 || !r.NextAttemptAt.Equal(clk.Now().Add(time.Hour)) {
				t.Errorf("gone row %d: delivered_at %v attempts %d next %v; want kept undelivered, parked until %v",
					id, r.DeliveredAt, r.Attempts, r.NextAttemptAt, clk.Now().Add(time.Hour))
			}
		}
		if !strings.Contains(logs.String(), "subscriber=gone") {
			t.Errorf("skip not logged: %s", logs.String())
		}
	})
}

func TestRunStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sub := newSubscriber(t, always(200))
		enqueue(t, db, "jingji", 1)
		d := webhook.New(db, []config.Webhook{{Name: "jingji", URL: sub.srv.URL, Secret: secret}},
			webhook.Options{PollInterval: 10 * time.Millisecond})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for len(sub.receipts()) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if len(sub.receipts()) != 1 {
			t.Errorf("Run delivered %d requests, want 1", len(sub.receipts()))
		}
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
	})
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"event":"filing.approved","filing_id":7}`)
	ts := "1772352000"
	good := webhook.Sign(secret, ts, body)
	cases := []struct {
		name            string
		secret, ts, sig string
		body            []byte
		want            bool
	}{
		{"valid", secret, ts, good, body, true},
		{"tampered body", secret, ts, good, []byte(`{"event":"filing.approved","filing_id":8}`), false},
		{"wrong secret", "another-secret-of-16", ts, good, body, false},
		{"other timestamp", secret, "1772352001", good, body, false},
		{"no prefix", secret, ts, strings.TrimPrefix(good, "sha256="), body, false},
		{"not hex", secret, ts, "sha256=zz" + good[9:], body, false},
		{"truncated", secret, ts, good[:len(good)-2], body, false},
		{"empty", secret, ts, "", body, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := webhook.Verify(tc.secret, tc.ts, tc.body, tc.sig); got != tc.want {
				t.Errorf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	base, limit := 5*time.Second, time.Hour
	cases := []struct {
		n    int
		want time.Duration
	}{
		{0, 5 * time.Second}, {1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second},
		{10, 2560 * time.Second}, {11, time.Hour}, {1000, time.Hour},
	}
	for _, tc := range cases {
		if got := webhook.Backoff(base, limit, tc.n); got != tc.want {
			t.Errorf("Backoff(%d) = %s, want %s", tc.n, got, tc.want)
		}
	}
}
