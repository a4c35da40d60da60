// Package parsegate owns the process-wide cap on parses of uploaded files
// (spreadsheets in internal/sheet, plan documents in internal/plans): a
// hostile XLSX, DOCX or PDF costs CPU and memory for seconds, and without
// one bound over all of them a few in parallel starve every other request.
package parsegate

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"fugong/internal/apperror"
)

// Gate bounds the files parsed at once: each parse holds one slot from
// Acquire to its release; beyond the slots up to queue callers wait at most
// wait, and any more are refused at once with apperror.Unavailable (503)
// carrying a BusyError that says when to retry.
type Gate struct {
	slots   chan struct{}
	waiting atomic.Int32
	queue   int32
	wait    time.Duration
}

// New returns a gate with parallel slots, a queue of queue waiters and the
// longest wait. Values below 1 are taken as 1 (wait: 1 s).
func New(parallel, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(1, parallel)), queue: int32(max(1, queue)), wait: max(time.Second, wait)}
}

// process is the one gate of the process: the limit is on the process's
// CPUs and memory, which every parser shares, so it is deliberately
// process-wide (like http.DefaultClient).
var process = New(max(2, runtime.NumCPU()), 4*max(2, runtime.NumCPU()), 10*time.Second)

// Process returns the process-wide gate that spreadsheet and plan parsing
// share when their options name no gate of their own.
func Process() *Gate { return process }

// BusyError is the cause of the 503 a full gate answers; the HTTP layer
// sends RetryAfterSeconds as Retry-After.
type BusyError struct{ After time.Duration }

// Error implements error.
func (e *BusyError) Error() string { return "parsegate: too many files being parsed" }

// RetryAfterSeconds returns when to retry, in whole seconds (at least 1).
func (e *BusyError) RetryAfterSeconds() int { return max(1, int(e.After.Seconds())) }

// Acquire takes a slot, waiting in the queue when there is room, and
// returns the function that gives it back (call it once). Errors: an
// *apperror.Error Unavailable wrapping a *BusyError when the gate is full
// or the wait ran out, or ctx.Err() unwrapped when ctx ends while waiting
// (each caller maps it as it maps its other context errors).
func (g *Gate) Acquire(ctx context.Context) (func(), error) {
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
		return nil, ctx.Err()
	}
}

// Waiting returns the number of callers waiting for a slot now.
func (g *Gate) Waiting() int { return int(g.waiting.Load()) }

func (g *Gate) busy() error {
	e := &BusyError{After: g.wait}
	return apperror.WrapMsg(e, apperror.Unavailable, msgBusy, e.RetryAfterSeconds())
}
