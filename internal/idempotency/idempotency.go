// Package idempotency makes a creating request safe to retry: the first
// request sent with an Idempotency-Key claims the key (a row of the store's
// idempotency_keys, unique per user and key), its answer is kept, and a
// retry with the same key and body gets that answer again instead of a
// second object. A retry while the first is still running is refused
// (apperror.Conflict) at once: nothing polls or sleeps. A claim whose
// request died without an answer (the process was killed) is taken over
// once it is older than the stale limit.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// MaxKey is the longest Idempotency-Key accepted, in bytes.
const MaxKey = 128

// staleAfter is how long a claim without an answer is taken to be still
// running; past it, its request is presumed dead (no create takes a
// minute: the write timeout is shorter).
const staleAfter = 2 * time.Minute

// Service keeps idempotency claims in the database.
type Service struct {
	db  *store.DB
	now func() time.Time
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

// Claim is a key this request owns: it must Complete or Release it.
type Claim struct {
	s      *Service
	userID int64
	key    string
}

// Begin claims key for userID's request with body. It returns the kept
// answer when the key was already answered for the same body, or a Claim
// when this request must do the work. A key over MaxKey bytes, or one used
// before with a different body, is apperror.Invalid; a key whose first
// request is still running is apperror.Conflict.
func (s *Service) Begin(ctx context.Context, userID int64, key string, body []byte) (*Replay, *Claim, error) {
	if len(key) > MaxKey {
		return nil, nil, &apperror.Error{Code: apperror.Invalid, Message: "Idempotency-Key 过长 / Idempotency-Key too long (max 128)",
			Details: []apperror.Detail{{Field: "Idempotency-Key", Message: "too long"}}}
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	now := s.now().UTC().Truncate(time.Millisecond)
	existing, err := s.db.ClaimIdempotencyKey(ctx, userID, key, hash, now)
	if err != nil {
		return nil, nil, err
	}
	claim := &Claim{s: s, userID: userID, key: key}
	if existing == nil {
		return nil, claim, nil
	}
	if existing.RequestHash != hash {
		return nil, nil, &apperror.Error{Code: apperror.Invalid, Message: "同一 Idempotency-Key 用于了不同的请求 / this Idempotency-Key was used with a different body",
			Details: []apperror.Detail{{Field: "Idempotency-Key", Message: "reused with a different body"}}}
	}
	if existing.Status != 0 {
		return &Replay{Status: existing.Status, Body: []byte(existing.Response)}, nil, nil
	}
	if now.Sub(existing.CreatedAt) > staleAfter {
		won, err := s.db.TakeOverIdempotencyKey(ctx, existing.ID, existing.CreatedAt, now)
		if err != nil {
			return nil, nil, err
		}
		if won {
			return nil, claim, nil
		}
	}
	return nil, nil, apperror.New(apperror.Conflict, "相同请求仍在处理中 / the same request is still being processed")
}

// Complete keeps the answer of the claimed request for its retries.
func (c *Claim) Complete(ctx context.Context, status int, body []byte) error {
	return c.s.db.CompleteIdempotencyKey(context.WithoutCancel(ctx), c.userID, c.key, status, string(body))
}

// Release forgets the claim of a request that failed, so a retry can try
// again.
func (c *Claim) Release(ctx context.Context) error {
	return c.s.db.ReleaseIdempotencyKey(context.WithoutCancel(ctx), c.userID, c.key)
}
