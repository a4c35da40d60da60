package auth

import (
	"context"
	"strings"
	"time"

	"fugong/internal/store"
)

// Throttling of logins and activations (docs/security-throttling.md).
//
// Every attempt is counted, before the password is checked, under several
// keys, each by a compare-and-set the database serialises
// (store.TakeAttempt): 30 parallel attempts advance a counter by exactly the
// number it allows, on any number of replicas. A key allows Free attempts,
// then each further one only after a delay that doubles from one second up to
// MaxDelay, counted from the last failure; a key with no failure for Decay is
// forgotten. A success takes its attempt back.
//
// Keys:
//   - account+address ("pair"): a user typing the wrong password waits, the
//     other accounts behind the same office NAT do not;
//   - account, consulted only for addresses the account has not signed in
//     from within KnownFor: guessing from many addresses is bounded, and an
//     attacker elsewhere cannot shut the user out of their usual address;
//   - address, with a ceiling 20 times the pair's: one address spraying many
//     accounts is slowed, an office of honest typists is not;
//   - credit code, for activations.
//
// No key's delay exceeds MaxDelay (one minute), so nobody is kept out longer
// than that by failures they did not make, and online guessing is bounded
// by how often a key reopens (TestGuessesPerHourBound measures it).

// MaxDelay is the longest any throttle key makes a caller wait.
const MaxDelay = time.Minute

// KnownFor is how long a successful sign-in from an address exempts that
// account+address from the account-wide counter.
const KnownFor = 90 * 24 * time.Hour

// throttlePolicy is one key's rule.
type throttlePolicy struct {
	Free  int           // failures allowed without delay
	Decay time.Duration // quiet time after which the count is forgotten
}

// delay is the wait after the n-th failure.
func (p throttlePolicy) delay(n int) time.Duration {
	if n < p.Free {
		return 0
	}
	d := time.Second
	for i := p.Free; i < n && d < MaxDelay; i++ {
		d *= 2
	}
	return min(d, MaxDelay)
}

// step is the store.ThrottleStep of p.
func (p throttlePolicy) step(cur *store.LoginThrottle, now time.Time) (store.LoginThrottle, bool, time.Time) {
	nowMs := now.UnixMilli()
	n, nextAllowed, last := 0, int64(0), int64(0)
	if cur != nil && nowMs-cur.LastFailureMs < p.Decay.Milliseconds() {
		n, nextAllowed, last = cur.Failures, cur.NextAllowedMs, cur.LastFailureMs
	}
	// Refused only while a delay is in force (one was set past the last
	// failure). Without one, an attempt whose clock reads a moment before
	// the last counted one — it started earlier and waited for the row, or
	// another replica counted first — is not refused for that moment.
	if nextAllowed > last && nowMs < nextAllowed {
		return store.LoginThrottle{}, false, time.UnixMilli(nextAllowed)
	}
	n++
	at := max(nowMs, last) // counts never move the last failure back
	return store.LoginThrottle{Failures: n, LastFailureMs: at, NextAllowedMs: at + p.delay(n).Milliseconds()}, true, time.Time{}
}

// throttleKey is a key and its policy.
type throttleKey struct {
	key    string
	policy throttlePolicy
	reset  bool // forget the key on success (else take the attempt back)
}

func (s *Service) pairPolicy() throttlePolicy {
	return throttlePolicy{Free: s.cfg.LoginMaxFailures, Decay: s.cfg.LoginWindow}
}

func (s *Service) accountPolicy() throttlePolicy {
	return throttlePolicy{Free: 2 * s.cfg.LoginMaxFailures, Decay: s.cfg.LoginWindow}
}

func (s *Service) addressPolicy() throttlePolicy {
	return throttlePolicy{Free: 20 * s.cfg.LoginMaxFailures, Decay: s.cfg.LoginWindow}
}

// accountKey normalises a typed username for throttling.
func accountKey(username string) string {
	a := strings.ToLower(strings.TrimSpace(username))
	if r := []rune(a); len(r) > 64 {
		a = string(r[:64])
	}
	return a
}

// loginKeys are the keys a login attempt of account from ip counts under.
func (s *Service) loginKeys(ctx context.Context, account, ip string, now time.Time) ([]throttleKey, error) {
	keys := []throttleKey{
		{key: "ip:" + ip, policy: s.addressPolicy()},
		{key: "pair:" + account + "|" + ip, policy: s.pairPolicy(), reset: true},
	}
	known, err := s.db.KnownLoginAddress(ctx, account, ip, now.Add(-KnownFor))
	if err != nil {
		return nil, err
	}
	if !known {
		keys = append(keys, throttleKey{key: "user:" + account, policy: s.accountPolicy()})
	}
	return keys, nil
}

// takeAttempts counts one attempt under every key, or none: a refusal by
// one key takes back what the others counted and is a *RateLimitError.
func (s *Service) takeAttempts(ctx context.Context, keys []throttleKey, now time.Time) error {
	for i, k := range keys {
		ok, retryAt, err := s.db.TakeAttempt(ctx, k.key, now, k.policy.step)
		if err != nil {
			s.giveBack(ctx, keys[:i], false)
			return err
		}
		if !ok {
			s.giveBack(ctx, keys[:i], false)
			return &RateLimitError{RetryAfter: retryAt.Sub(now)}
		}
	}
	return nil
}

// giveBack takes back an attempt counted under keys; success also forgets
// the keys marked reset. Best effort: a failure leaves a count that decays.
func (s *Service) giveBack(ctx context.Context, keys []throttleKey, success bool) {
	for _, k := range keys {
		if success && k.reset {
			s.db.ResetThrottle(context.WithoutCancel(ctx), k.key)
			continue
		}
		s.db.RefundAttempt(context.WithoutCancel(ctx), k.key)
	}
}

// Housekeep deletes what no request will read again: throttle keys quiet
// for longer than their decay, and sessions past their absolute expiry.
// Safe on every replica at once (plain deletes). It returns how many rows
// went.
func (s *Service) Housekeep(ctx context.Context) (int64, error) {
	now := s.now().UTC()
	n, err := s.db.PurgeThrottle(ctx, now.Add(-s.cfg.LoginWindow).UnixMilli())
	if err != nil {
		return n, err
	}
	m, err := s.db.DeleteExpiredSessions(ctx, now)
	return n + m, err
}

// RunHousekeeping calls Housekeep every interval until ctx ends.
func (s *Service) RunHousekeeping(ctx context.Context, interval time.Duration, log func(err error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Housekeep(ctx); err != nil && log != nil {
				log(err)
			}
		}
	}
}
