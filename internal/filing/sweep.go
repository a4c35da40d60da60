package filing

import (
	"context"
	"time"

	"fugong/internal/blob"
)

// Sweep removes objects (under ObjectKeyPrefixes) that no attachment row references and
// that are older than grace: the leftovers of uploads whose row was never
// written (a crash, a database outage between the object put and the row).
// The grace period and the uploads' object holds protect uploads in flight
// (objecthold.go). It returns how many objects it removed. Safe to run on
// every replica at once; RunSweeper runs it on one elected replica.
func (s *Service) Sweep(ctx context.Context, grace time.Duration) (int, error) {
	var objs []blob.Info
	for _, prefix := range ObjectKeyPrefixes() {
		some, err := s.raw.List(ctx, prefix)
		if err != nil {
			return 0, err
		}
		objs = append(objs, some...)
	}
	cutoff := s.now().Add(-grace)
	removed := 0
	for _, o := range objs {
		if o.LastModified.After(cutoff) {
			continue
		}
		deleted, err := s.sweepOne(ctx, o.Key) // objecthold.go: never an object an upload holds
		if err != nil {
			return removed, err
		}
		if !deleted {
			continue
		}
		removed++
		s.log.Info("swept orphan object", "key", o.Key, "size", o.Size)
	}
	return removed, nil
}

// RunSweeper sweeps every interval until ctx ends, when this replica holds
// the sweeper lease.
func (s *Service) RunSweeper(ctx context.Context, interval, grace time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// One replica sweeps: the holder of the sweeper lease, renewed
			// every tick and lost to another replica after three missed ones.
			leader, err := s.db.TryLease(ctx, sweeperLease, s.holder, 3*interval, s.now())
			if err != nil || !leader {
				continue
			}
			if _, err := s.db.PurgeObjectHolds(ctx, s.now()); err != nil && ctx.Err() == nil {
				s.log.Warn("purging expired object holds failed", "err", err)
			}
			if _, err := s.Sweep(ctx, grace); err != nil && ctx.Err() == nil {
				s.log.Warn("sweep failed", "err", err)
			}
		}
	}
}
