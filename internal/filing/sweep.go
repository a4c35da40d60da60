package filing

import (
	"context"
	"time"

	"fugong/internal/blob"
)

// Sweep removes objects (under ObjectKeyPrefixes) that no attachment row references and
// that are older than grace: the leftovers of uploads whose row was never
// written (a crash, a database outage between the object put and the row).
// The grace period protects uploads in flight. It returns how many objects it
// removed. Safe to run on every replica at once.
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
		used, err := s.db.ObjectKeyReferenced(ctx, o.Key)
		if err != nil {
			return removed, err
		}
		if used {
			continue
		}
		if err := s.raw.Delete(ctx, o.Key); err != nil {
			return removed, err
		}
		removed++
		s.log.Info("swept orphan object", "key", o.Key, "size", o.Size)
	}
	return removed, nil
}

// RunSweeper sweeps every interval until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, interval, grace time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Sweep(ctx, grace); err != nil && ctx.Err() == nil {
				s.log.Warn("sweep failed", "err", err)
			}
		}
	}
}
