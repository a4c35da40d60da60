// Package webhook delivers the webhook outbox (store.WebhookDelivery rows,
// written by package filing inside the transaction of each change) to the
// subscribers configured in config.Webhooks.
//
// # Delivery contract
//
// Delivery is at least once. A Dispatcher claims a due row (pushing its
// next_attempt_at forward by the lease, so another replica polling the same
// database does not send it at the same time), POSTs it, and records the
// outcome. A 2xx answer marks the row delivered; anything else (another
// status, a redirect, a timeout, a refused connection) records the failure and
// schedules the next attempt after an exponential backoff with jitter. There
// is no dead state: a row is retried forever, at most one backoff cap apart, so
// an outage of any length loses nothing. A replica that dies between sending
// and recording leaves the row claimed; it is sent again when the lease runs
// out, so subscribers must deduplicate on X-Fugong-Delivery.
//
// # Request
//
//	POST <subscriber url>
//	Content-Type: application/json
//	X-Fugong-Event: <event, e.g. filing.approved>
//	X-Fugong-Delivery: <outbox row id; the same on every retry>
//	X-Fugong-Timestamp: <unix seconds of this attempt>
//	X-Fugong-Signature: sha256=<hex(HMAC-SHA256(secret, timestamp + "." + body))>
//
// The body is the event's JSON payload, byte for byte as queued. Subscribers
// check the signature with Verify (or the same computation in their own
// language), reject timestamps too far from their clock (five minutes is
// usual) to bound replays, and deduplicate on the delivery id.
//
// Rows whose subscriber is no longer configured are left in place (never
// deleted) and parked for one backoff cap at a time, with a log line, so they
// neither block other deliveries nor get lost if the subscriber comes back.
//
// Logs name the row id, subscriber, event, attempt and error; never the
// secret, the URL or the payload.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"fugong/internal/config"
	"fugong/internal/store"
)

// Header names of a delivery request.
const (
	HeaderEvent     = "X-Fugong-Event"
	HeaderDelivery  = "X-Fugong-Delivery"
	HeaderTimestamp = "X-Fugong-Timestamp"
	HeaderSignature = "X-Fugong-Signature"
)

// signaturePrefix starts every X-Fugong-Signature value.
const signaturePrefix = "sha256="

// Options tunes a Dispatcher; zero values take the documented defaults.
type Options struct {
	PollInterval time.Duration // between passes that found less than a full batch; default 2 s
	BatchSize    int           // rows read per pass; default 100
	Concurrency  int           // requests in flight per pass; default 4
	Timeout      time.Duration // per HTTP attempt, whole request; default 10 s
	Lease        time.Duration // how long a claim keeps other replicas off a row; default Timeout + 30 s
	BackoffBase  time.Duration // wait after the first failure; default 5 s
	BackoffCap   time.Duration // longest wait between attempts; default 1 h
	// Now is the clock for claims, timestamps and schedules; default time.Now.
	Now func() time.Time
	// Client sends the requests; default a client with Timeout that does not
	// follow redirects (a 3xx counts as a failure).
	Client *http.Client
	Log    *slog.Logger // default: discard
}

// Dispatcher delivers due outbox rows to configured subscribers. It holds no
// state between passes beyond its configuration, so any number of replicas
// may run one against the same database. Safe for concurrent use.
type Dispatcher struct {
	db     *store.DB
	subs   map[string]config.Webhook
	opts   Options
	client *http.Client
	log    *slog.Logger
}

// New returns a Dispatcher for db delivering to subs (matched to rows by
// Name). It never fails: configuration is validated by package config.
func New(db *store.DB, subs []config.Webhook, opts Options) *Dispatcher {
	if opts.PollInterval <= 0 {
		opts.PollInterval = 2 * time.Second
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = opts.Timeout + 30*time.Second
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = 5 * time.Second
	}
	if opts.BackoffCap <= 0 {
		opts.BackoffCap = time.Hour
	}
	if opts.BackoffCap < opts.BackoffBase {
		opts.BackoffCap = opts.BackoffBase
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{
			Timeout:       opts.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := make(map[string]config.Webhook, len(subs))
	for _, s := range subs {
		m[s.Name] = s
	}
	return &Dispatcher{db: db, subs: m, opts: opts, client: client, log: log.With("component", "webhook")}
}

// Run delivers due rows every poll interval (at once again after a full
// batch) until ctx is done, then returns. It reports no error: a failed pass
// is logged and tried again at the next interval. With no subscribers
// configured it still runs, so rows of removed subscribers are parked.
func (d *Dispatcher) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p, err := d.pass(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Warn("webhook pass failed", "err", err)
		}
		wait := d.opts.PollInterval
		if err == nil && p.seen == d.opts.BatchSize {
			wait = 0 // more may be due
		}
		t.Reset(wait)
	}
}

// DeliverDue makes one pass: it reads up to a batch of due rows and tries
// each once. delivered and failed count the attempts this Dispatcher made
// that were answered 2xx, and that failed (rows claimed by another replica,
// and rows of unconfigured subscribers, count in neither). err joins the
// database errors met (the rows they concern are retried once their claim
// runs out) and ctx's error if it ended the pass; a subscriber's failure is
// never an error here.
func (d *Dispatcher) DeliverDue(ctx context.Context) (delivered, failed int, err error) {
	p, err := d.pass(ctx)
	return p.delivered, p.failed, err
}

type passResult struct{ seen, delivered, failed int }

func (d *Dispatcher) pass(ctx context.Context) (passResult, error) {
	now := d.now()
	rows, err := d.db.DueWebhooks(ctx, now, d.opts.BatchSize)
	if err != nil {
		return passResult{}, err
	}
	res := passResult{seen: len(rows)}
	var (
		mu      sync.Mutex
		errs    []error
		orphans = map[string]int{}
		wg      sync.WaitGroup
		sem     = make(chan struct{}, d.opts.Concurrency)
	)
	for _, row := range rows {
		sub, ok := d.subs[row.Subscriber]
		if !ok {
			if err := d.park(ctx, row, now); err != nil {
				errs = append(errs, err)
			} else {
				orphans[row.Subscriber]++
			}
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			outcome, err := d.attempt(ctx, sub, row, now)
			mu.Lock()
			defer mu.Unlock()
			switch outcome {
			case outcomeDelivered:
				res.delivered++
			case outcomeFailed:
				res.failed++
			}
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	for name, n := range orphans {
		d.log.Warn("webhook subscriber not configured; deliveries kept and parked",
			"subscriber", name, "rows", n, "until", now.Add(d.opts.BackoffCap))
	}
	if ctx.Err() != nil {
		errs = append(errs, ctx.Err())
	}
	return res, errors.Join(errs...)
}

// park pushes a row of an unconfigured subscriber one backoff cap forward,
// without counting an attempt.
func (d *Dispatcher) park(ctx context.Context, row store.WebhookDelivery, now time.Time) error {
	_, err := d.db.ClaimWebhook(ctx, row.ID, now, now.Add(d.opts.BackoffCap))
	return err
}

type outcome int

const (
	outcomeNone outcome = iota // not attempted: claimed elsewhere, or a database error
	outcomeDelivered
	outcomeFailed
)

// attempt claims row, sends it and records the result.
func (d *Dispatcher) attempt(ctx context.Context, sub config.Webhook, row store.WebhookDelivery, due time.Time) (outcome, error) {
	ok, err := d.db.ClaimWebhook(ctx, row.ID, due, d.now().Add(d.opts.Lease))
	if err != nil || !ok {
		return outcomeNone, err
	}
	n := row.Attempts + 1
	sendErr := d.send(ctx, sub, row)
	if sendErr != nil && ctx.Err() != nil {
		// Shutting down mid-request: not the subscriber's fault. The claim
		// runs out and the row is sent again (at least once).
		return outcomeNone, nil
	}
	// Record even if ctx ends now: a lost "delivered" means a duplicate.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	at := d.now()
	if sendErr == nil {
		if err := d.db.WebhookDelivered(rctx, row.ID, n, at); err != nil {
			return outcomeDelivered, err
		}
		d.log.Debug("webhook delivered", "id", row.ID, "subscriber", row.Subscriber, "event", row.Event, "attempt", n)
		return outcomeDelivered, nil
	}
	wait := d.jitter(Backoff(d.opts.BackoffBase, d.opts.BackoffCap, n)).Truncate(time.Millisecond)
	next := at.Add(wait)
	d.log.Warn("webhook delivery failed", "id", row.ID, "subscriber", row.Subscriber, "event", row.Event,
		"attempt", n, "retry_in", wait, "err", sendErr.Error())
	return outcomeFailed, d.db.WebhookFailed(rctx, row.ID, n, next, sendErr.Error())
}

// send POSTs row to sub once; nil means a 2xx answer. Errors never contain
// the URL (it may carry credentials) or the response body.
func (d *Dispatcher) send(ctx context.Context, sub config.Webhook, row store.WebhookDelivery) error {
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	body := []byte(row.Payload)
	ts := strconv.FormatInt(d.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return errors.New("invalid subscriber URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "fugong-webhook/1")
	req.Header.Set(HeaderEvent, row.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(row.ID, 10))
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(sub.Secret, ts, body))
	resp, err := d.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("timeout after %s", d.opts.Timeout)
		}
		return fmt.Errorf("request: %v", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

func (d *Dispatcher) now() time.Time { return d.opts.Now().UTC().Truncate(time.Millisecond) }

// jitter spreads retries over [w/2, w] ("equal jitter"), so subscribers that
// come back are not hit by every replica's backlog at the same instant.
func (d *Dispatcher) jitter(w time.Duration) time.Duration {
	half := w / 2
	return half + rand.N(w-half+1)
}

// Backoff is the wait before the attempt after failed attempt number n (1 is
// the first): base·2^(n-1), at most max. It never fails; n < 1 counts as 1.
// The Dispatcher waits a random time between half of it and all of it.
func Backoff(base, max time.Duration, n int) time.Duration {
	if n < 1 {
		n = 1
	}
	w := base
	for i := 1; i < n; i++ {
		if w >= max/2 {
			return max
		}
		w *= 2
	}
	return min(w, max)
}

// Sign returns the X-Fugong-Signature value for body sent at timestamp
// (decimal unix seconds, as in X-Fugong-Timestamp):
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)). It never fails.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return signaturePrefix + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature (an X-Fugong-Signature value) was made
// with secret over timestamp and body, comparing in constant time. It returns
// false, never an error, for anything malformed. It does not judge the
// timestamp's age; subscribers should also refuse stale timestamps.
func Verify(secret, timestamp string, body []byte, signature string) bool {
	hexSig, ok := strings.CutPrefix(signature, signaturePrefix)
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	want, _ := hex.DecodeString(Sign(secret, timestamp, body)[len(signaturePrefix):])
	return hmac.Equal(got, want)
}
