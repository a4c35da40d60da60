package report

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"fugong/internal/store"
)

// The cache tests run in a synctest bubble: synctest.Wait returns once every
// goroutine is blocked, so "all readers are waiting" is a condition the test
// waits on, not a sleep, and the bubble's clock makes deadlines exact.

func TestFiguresCacheSharesOneComputation(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testFiguresCacheSharesOneComputation)
}

func testFiguresCacheSharesOneComputation(t *testing.T) {
	c := newFiguresCache(time.Minute)
	var calls atomic.Int32
	release := make(chan struct{})
	compute := func() (figures, error) {
		calls.Add(1)
		<-release
		return figures{probs: []store.ProblemCount{{Street: "x", Found: 3}}}, nil
	}
	k := figuresKey{"2020-02-28", "", false}
	now := time.Now()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := c.get(context.Background(), k, now, compute)
			if err != nil || len(f.probs) != 1 || f.probs[0].Found != 3 {
				t.Errorf("got %+v %v", f, err)
			}
		}()
	}
	synctest.Wait() // one reader computing, 49 waiting for it
	if n := calls.Load(); n != 1 {
		t.Fatalf("50 concurrent readers started %d computations, want 1", n)
	}
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("50 concurrent readers made %d computations, want 1", n)
	}
	// Within the TTL: served from the cache; after it: computed again.
	c.get(context.Background(), k, now.Add(30*time.Second), compute)
	if calls.Load() != 1 {
		t.Fatal("recomputed within the TTL")
	}
	c.get(context.Background(), k, now.Add(2*time.Minute), compute)
	if calls.Load() != 2 {
		t.Fatal("not recomputed after the TTL")
	}
	// Another key is its own entry.
	c.get(context.Background(), figuresKey{"2020-02-28", "guixi", false}, now, compute)
	if calls.Load() != 3 {
		t.Fatal("keys share an entry")
	}
}

func TestFiguresCacheNeverKeepsErrors(t *testing.T) {
	t.Parallel()
	c := newFiguresCache(time.Minute)
	boom := errors.New("database down")
	var calls int
	compute := func() (figures, error) {
		calls++
		if calls == 1 {
			return figures{}, boom
		}
		return figures{}, nil
	}
	k := figuresKey{"2020-02-28", "", false}
	if _, err := c.get(context.Background(), k, time.Now(), compute); !errors.Is(err, boom) {
		t.Fatalf("first: %v", err)
	}
	if _, err := c.get(context.Background(), k, time.Now(), compute); err != nil || calls != 2 {
		t.Fatalf("an error was cached: %v, %d calls", err, calls)
	}
}

func TestFiguresCacheWaiterHonoursContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testFiguresCacheWaiterHonoursContext)
}

func testFiguresCacheWaiterHonoursContext(t *testing.T) {
	c := newFiguresCache(time.Minute)
	release := make(chan struct{})
	k := figuresKey{"2020-02-28", "", false}
	go c.get(context.Background(), k, time.Now(), func() (figures, error) { <-release; return figures{}, nil })
	synctest.Wait() // the first reader is computing
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.get(ctx, k, time.Now(), func() (figures, error) { return figures{}, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter: %v", err)
	}
	close(release)
}
