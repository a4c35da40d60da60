package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestOneDecisionPerRevision: two replicas record a decision on the same
// revision at once; exactly one commits, the other is a conflict. The row is
// what two Galera nodes certify against, whatever each read before.
func TestOneDecisionPerRevision(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			dbs := storetest.MustOpenReplicas(t, driver, 2)
			ctx := context.Background()
			now := time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)
			for round := 0; round < 5; round++ {
				errs := make([]error, 2)
				var wg sync.WaitGroup
				for i, db := range dbs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						errs[i] = db.Tx(ctx, func(tx *store.DB) error {
							return tx.RecordDecision(ctx, store.FilingDecision{FilingID: 7, Revision: round + 1,
								Decision: []string{"approve", "return"}[i], DecidedBy: int64(i + 1), DecidedAt: now})
						})
					}()
				}
				wg.Wait()
				won := 0
				for _, err := range errs {
					switch {
					case err == nil:
						won++
					case apperror.CodeOf(err) != apperror.Conflict:
						t.Fatalf("round %d: loser got %v, want a conflict", round, err)
					}
				}
				if won != 1 {
					t.Fatalf("round %d: %d winners (%v)", round, won, errs)
				}
			}
			ds, err := dbs[0].Decisions(ctx, 7)
			if err != nil || len(ds) != 5 {
				t.Fatalf("%d decisions recorded (%v), want 5", len(ds), err)
			}
		})
	}
}

// TestLeaseHasOneHolder: replicas competing for a lease; one holds it until
// it expires or is released, then another can take it.
func TestLeaseHasOneHolder(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			dbs := storetest.MustOpenReplicas(t, driver, 3)
			ctx := context.Background()
			now := time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)
			got := make([]bool, len(dbs))
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := db.TryLease(ctx, "sweeper", []string{"a", "b", "c"}[i], time.Minute, now)
					if err != nil {
						t.Error(err)
					}
					got[i] = ok
				}()
			}
			wg.Wait()
			holder := -1
			for i, ok := range got {
				if ok {
					if holder >= 0 {
						t.Fatalf("two holders: %v", got)
					}
					holder = i
				}
			}
			if holder < 0 {
				t.Fatalf("nobody holds the lease: %v", got)
			}
			name := []string{"a", "b", "c"}[holder]
			other := []string{"a", "b", "c"}[(holder+1)%3]
			if ok, _ := dbs[0].TryLease(ctx, "sweeper", name, time.Minute, now.Add(30*time.Second)); !ok {
				t.Fatal("the holder could not renew")
			}
			if ok, _ := dbs[0].TryLease(ctx, "sweeper", other, time.Minute, now.Add(80*time.Second)); ok {
				t.Fatal("another took a renewed, unexpired lease")
			}
			if ok, _ := dbs[1].TryLease(ctx, "sweeper", other, time.Minute, now.Add(91*time.Second)); !ok {
				t.Fatal("an expired lease could not be taken over")
			}
			if err := dbs[2].ReleaseLease(ctx, "sweeper", other); err != nil {
				t.Fatal(err)
			}
			if ok, _ := dbs[2].TryLease(ctx, "sweeper", name, time.Minute, now.Add(92*time.Second)); !ok {
				t.Fatal("a released lease could not be taken")
			}
		})
	}
}

// TestRulePublicationIsShared: a version published through one replica is
// what every replica reads.
func TestRulePublicationIsShared(t *testing.T) {
	for _, driver := range storetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			dbs := storetest.MustOpenReplicas(t, driver, 2)
			ctx := context.Background()
			if v, _, err := dbs[1].PublishedRuleVersion(ctx); err != nil || v != "" {
				t.Fatalf("fresh database publishes %q (%v)", v, err)
			}
			at := time.Date(2020, 2, 20, 9, 0, 0, 0, time.UTC)
			for i, v := range []string{"v1", "v2"} {
				if err := dbs[i%2].PublishRuleVersion(ctx, v, at.Add(time.Duration(i)*time.Minute)); err != nil {
					t.Fatal(err)
				}
				for j, db := range dbs {
					got, when, err := db.PublishedRuleVersion(ctx)
					if err != nil || got != v || !when.Equal(at.Add(time.Duration(i)*time.Minute)) {
						t.Fatalf("replica %d reads %q at %s (%v), want %q", j, got, when, err, v)
					}
				}
			}
		})
	}
}
