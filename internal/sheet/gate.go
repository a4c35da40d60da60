package sheet

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"fugong/internal/apperror"
)

// Gate bounds the spreadsheets parsed at once: each parse holds one slot
// from Open to Close; beyond the slots up to queue callers wait at most
// wait, and any more are refused at once with apperror.Unavailable (503)
// carrying a BusyError that says when to retry. A hostile XLSX costs CPU
// and memory for seconds, and without a bound a few of them in parallel
// starve every other request.
type Gate struct {
	slots   chan struct{}
	waiting atomic.Int32
	queue   int32
	wait    time.Duration
}

// NewGate returns a gate with parallel slots, a queue of queue waiters
// and the longest wait. Values below 1 are taken as 1 (wait: 1 s).
func NewGate(parallel, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(1, parallel)), queue: int32(max(1, queue)), wait: max(time.Second, wait)}
}

// processGate is the one gate of the process, used when Options.Gate is
// nil: the limit is on the process's CPUs and memory, which every caller
// shares, so it is deliberately process-wide (like http.DefaultClient).
var processGate = NewGate(max(2, runtime.NumCPU()), 4*max(2, runtime.NumCPU()), 10*time.Second)

// BusyError is the cause of the 503 a full gate answers; the HTTP layer
// sends RetryAfterSeconds as Retry-After.
type BusyError struct{ After time.Duration }

// Error implements error.
func (e *BusyError) Error() string { return "sheet: too many spreadsheets being parsed" }

// RetryAfterSeconds returns when to retry, in whole seconds (at least 1).
func (e *BusyError) RetryAfterSeconds() int { return max(1, int(e.After.Seconds())) }

// acquire takes a slot, waiting in the queue when there is room; it
// returns the release function, or an *apperror.Error: Unavailable with a
// BusyError when the gate is full, or ctx's error.
func (g *Gate) acquire(ctx context.Context) (func(), error) {
	release := func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return release, nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		return nil, g.busy()
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, g.busy()
	case <-ctx.Done():
		return nil, ctxError(ctx.Err())
	}
}

func (g *Gate) busy() error {
	e := &BusyError{After: g.wait}
	return apperror.WrapMsg(e, apperror.Unavailable, msgBusy, e.RetryAfterSeconds())
}
