package report

import (
	"context"
	"sync"
	"time"

	"fugong/internal/ledger"
	"fugong/internal/store"
)

// figures is what one dashboard read costs the database: the counts per
// population group and the problem figures per street, as of a day.
type figures struct {
	groups []store.GroupCount
	probs  []store.ProblemCount // per population (streets)
	ledger ledger.Counts        // in total (sectors)
}

type figuresKey struct {
	asOf         string
	street       string
	byPopulation bool // problems per population (streets) or in total (sectors)
}

type figuresEntry struct {
	done chan struct{} // closed when figures/err are set
	at   time.Time
	f    figures
	err  error
}

// figuresCache shares one computation of a dashboard's figures among the
// readers that ask within ttl, and among concurrent readers while it runs
// (50 people opening the dashboard at 9 am cost one query pair, not 50).
// It is a read-through cache of the database, rebuilt from it on expiry, so
// no replica depends on another's memory; a decision shows after at most
// ttl. Errors are never cached.
type figuresCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[figuresKey]*figuresEntry
}

func newFiguresCache(ttl time.Duration) *figuresCache {
	return &figuresCache{ttl: ttl, entries: map[figuresKey]*figuresEntry{}}
}

// get returns the figures for k, computing them with compute at most once
// per ttl. A waiting caller whose ctx ends gets ctx's error.
func (c *figuresCache) get(ctx context.Context, k figuresKey, now time.Time, compute func() (figures, error)) (figures, error) {
	c.mu.Lock()
	e, ok := c.entries[k]
	if ok {
		select {
		case <-e.done:
			if e.err == nil && now.Sub(e.at) < c.ttl {
				c.mu.Unlock()
				return e.f, nil
			}
			ok = false // expired or failed: compute anew
		default: // being computed: wait for it
		}
	}
	if !ok {
		if len(c.entries) > 1024 { // as_of dates are user input: bound the map
			for key, old := range c.entries {
				select {
				case <-old.done:
					delete(c.entries, key)
				default:
				}
			}
		}
		e = &figuresEntry{done: make(chan struct{}), at: now}
		c.entries[k] = e
		c.mu.Unlock()
		e.f, e.err = compute()
		if e.err != nil {
			c.mu.Lock()
			if c.entries[k] == e {
				delete(c.entries, k)
			}
			c.mu.Unlock()
		}
		close(e.done)
		return e.f, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.f, e.err
	case <-ctx.Done():
		return figures{}, ctx.Err()
	}
}

// WithoutCache returns a copy of s that computes every dashboard afresh
// (concurrent identical reads still share one computation): for callers that
// change data and read it back at once, like tests.
func (s *Service) WithoutCache() *Service {
	c := *s
	c.cache = newFiguresCache(0)
	return &c
}
