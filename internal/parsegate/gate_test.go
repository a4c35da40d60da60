package parsegate_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/parsegate"
)

// TestGate: one slot, one queue place. The second caller waits and gets
// the slot when it is released; a third, with the queue full, is refused
// at once with 503 and a Retry-After; a waiter whose request ends leaves
// the queue with its context's error (issue 18 #3: parses are capped per
// process, a queue with 503 + Retry-After beyond it).
func TestGate(t *testing.T) {
	g := parsegate.New(1, 1, time.Minute)
	release, err := g.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func(), 1)
	go func() {
		// Retried while the probe below holds the one queue place.
		r, err := g.Acquire(context.Background())
		for apperror.CodeOf(err) == apperror.Unavailable {
			r, err = g.Acquire(context.Background())
		}
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	// A third caller (its request already ended, so it never waits) is
	// refused as busy once the waiter holds the queue place; until then it
	// takes the place and leaves with its context's error.
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	var busy error
	for busy == nil {
		if _, err := g.Acquire(ended); !errors.Is(err, context.Canceled) {
			busy = err
		}
	}
	var be *parsegate.BusyError
	if apperror.CodeOf(busy) != apperror.Unavailable || !errors.As(busy, &be) || be.RetryAfterSeconds() != 60 {
		t.Fatalf("full gate: %v", busy)
	}
	release()
	r2 := <-got
	if r2 == nil {
		t.Fatal("the waiter did not get the released slot")
	}
	r2()
	// Now free: a caller takes the slot at once, even with an ended
	// request (a free slot is not a wait).
	r3, err := g.Acquire(ended)
	if err != nil {
		t.Fatalf("free gate: %v", err)
	}
	r3()
}
