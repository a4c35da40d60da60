package filing

import (
	"context"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
)

// Replicas share one object store, and objects are content addressed: an
// upload of bytes already stored reuses the object instead of writing it.
// The orphan sweeper of another replica could delete exactly that object
// between the upload's check and its row. Both therefore hold the key in
// the database first and then look for the other's hold (store/objectholds.go):
// the sweeper skips a key an upload holds, and an upload waits for a sweep
// of its key to finish before it checks whether the object is there.

// sweepHoldTTL bounds how long a sweeper that died while deleting one object
// blocks an upload of the same bytes.
const sweepHoldTTL = 10 * time.Second

// sweeperLease names the lease of the one replica that sweeps.
const sweeperLease = "orphan_sweeper"

// holdForUpload holds key for an upload until the returned release is
// called (after the attachment row is written), waiting first for a
// sweep of key to finish. A database that cannot record the hold is
// apperror.Unavailable.
func (s *Service) holdForUpload(ctx context.Context, key string) (func(), error) {
	ttl := 2*s.blobCfg.Timeout + time.Minute // the put and the row's transaction
	holder := store.NewHolder()              // per upload: two uploads of the same bytes hold separately
	if err := s.db.HoldObject(ctx, key, holder, store.HoldUpload, ttl, s.now()); err != nil {
		return nil, err
	}
	release := func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := s.db.ReleaseObject(ctx, key, holder); err != nil {
			s.log.Warn("object hold not released; it expires by itself", "key", key, "err", err)
		}
	}
	wait := 20 * time.Millisecond
	for {
		held, err := s.db.ObjectHeld(ctx, key, store.HoldSweep, holder, s.now())
		if err != nil {
			release()
			return nil, err
		}
		if !held {
			return release, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			release()
			return nil, apperror.WrapMsg(ctx.Err(), apperror.Unavailable, msgObjectStoreBusy)
		case <-t.C:
		}
		if wait < 500*time.Millisecond {
			wait *= 2
		}
	}
}

// sweepOne deletes the orphan object key unless an upload holds it or a row
// references it, both checked after the sweep's own hold is recorded. It
// reports whether it deleted.
func (s *Service) sweepOne(ctx context.Context, key string) (bool, error) {
	now := s.now()
	if err := s.db.HoldObject(ctx, key, s.holder, store.HoldSweep, sweepHoldTTL, now); err != nil {
		return false, err
	}
	defer s.db.ReleaseObject(context.WithoutCancel(ctx), key, s.holder)
	held, err := s.db.ObjectHeld(ctx, key, store.HoldUpload, s.holder, now)
	if err != nil || held {
		return false, err
	}
	used, err := s.db.ObjectKeyReferenced(ctx, key)
	if err != nil || used {
		return false, err
	}
	if err := s.raw.Delete(ctx, key); err != nil { // the stored object, sealed or not
		return false, err
	}
	return true, nil
}
