// Package idempotency makes a creating request safe to retry: the first
// request sent with an Idempotency-Key claims the key (a row of the store's
// idempotency_keys, unique per user and key) in the same transaction as the
// work it guards and its answer, so the claim, the object and the kept
// answer commit together or not at all. A retry with the same key and body
// gets the kept answer instead of a second object; a retry while the first
// is still running waits on its lock (the claim's row on MySQL, the write
// lock on SQLite) and then replays it, or does the work itself if the first
// failed. Nothing polls or sleeps.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// MaxKey is the longest Idempotency-Key accepted, in bytes.
const MaxKey = 128

// Service keeps idempotency claims in the database.
type Service struct {
	db     *store.DB
	now    func() time.Time
	sealer Sealer
}

// Sealer encrypts the answers kept for replay, bound to the user and the
// key: a filing's answer holds the contact's phone (personal data is
// encrypted at rest). filing.Service is one.
type Sealer interface {
	SealResponse(userID int64, key string, body []byte) (string, error)
	OpenResponse(userID int64, key, stored string) ([]byte, error)
}

// SealedBy returns s keeping its answers encrypted by sealer.
func (s *Service) SealedBy(sealer Sealer) *Service {
	c := *s
	c.sealer = sealer
	return &c
}

// New returns a Service over db; now is the clock (time.Now when nil).
func New(db *store.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Replay is the answer kept for a key: the retry gets it verbatim.
type Replay struct {
	Status int
	Body   []byte
}

// Work does a request's work under ctx (which carries the claim's
// transaction: the store calls made with it join it) and returns its
// status and body. A non-nil error, or a status outside 2xx, rolls
// everything back and keeps nothing.
type Work func(ctx context.Context) (status int, body []byte, err error)

var (
	errTaken   = errors.New("idempotency key taken")
	errNotKept = errors.New("answer not kept")
)

// Do runs work once for userID's key and body. It returns the kept answer
// when the key was already answered for the same body (work is not run),
// or nil after running work. Work may be called more than once: when the
// database aborts the transaction for a conflict (store.IsRetryable), the
// claim, the work and its answer are run again as a whole, a bounded
// number of times (store.Retry), so work must not answer or send anything
// itself. A key over MaxKey bytes, or one used before with a different
// body, is apperror.Invalid; a conflict that outlasts the retries is
// apperror.Conflict; work's other errors are returned as they are.
func (s *Service) Do(ctx context.Context, userID int64, key string, body []byte, work Work) (*Replay, error) {
	if len(key) > MaxKey {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgIdempotencyKeyTooLongMax.With(),
			Details: []apperror.Detail{{Field: "Idempotency-Key", Message: "too long"}}}
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	// The claim, the work and its audit entries are one transaction; when
	// the database aborts it for a conflict with a concurrent one (Galera
	// certification, a deadlock: store.IsRetryable) nothing of it stayed
	// and nothing was answered yet, so it is run again as a whole, as
	// store.Retry bounds it. The work's own retries (store.TxRetry) join
	// this transaction and leave the retrying to it.
	_, err := store.Retry(ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.attempt(ctx, userID, key, hash, work)
	})
	switch {
	case err == nil, errors.Is(err, errNotKept):
		return nil, nil
	case !errors.Is(err, errTaken):
		return nil, err
	}
	return s.replay(ctx, userID, key, hash)
}

// attempt is one run of Do's transaction: claim the key, do the work, keep
// its answer.
func (s *Service) attempt(ctx context.Context, userID int64, key, hash string, work Work) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		won, err := s.db.ClaimIdempotencyKey(ctx, userID, key, hash, s.now().UTC())
		if err != nil {
			return err
		}
		if !won {
			return errTaken
		}
		status, resp, err := work(ctx)
		if err != nil {
			return err
		}
		if status < 200 || status > 299 {
			return errNotKept
		}
		kept := string(resp)
		if s.sealer != nil {
			if kept, err = s.sealer.SealResponse(userID, key, resp); err != nil {
				return err
			}
		}
		return s.db.CompleteIdempotencyKey(ctx, userID, key, status, kept)
	})
}

// replay returns the answer kept for a key another request claimed.
func (s *Service) replay(ctx context.Context, userID int64, key, hash string) (*Replay, error) {
	rec, err := s.db.IdempotencyKeyByKey(ctx, userID, key)
	if err != nil {
		return nil, err
	}
	if rec.RequestHash != hash {
		return nil, &apperror.Error{Code: apperror.Invalid, Text: msgIdempotencyKeyWasUsedDifferent.With(),
			Details: []apperror.Detail{{Field: "Idempotency-Key", Message: "reused with a different body"}}}
	}
	if rec.Status == 0 { // a claim left by an older release, never completed
		return nil, apperror.Msg(apperror.Conflict, msgSameRequestStillBeingProcessed)
	}
	answer := []byte(rec.Response)
	if s.sealer != nil {
		if answer, err = s.sealer.OpenResponse(userID, key, rec.Response); err != nil {
			return nil, err
		}
	}
	return &Replay{Status: rec.Status, Body: answer}, nil
}
