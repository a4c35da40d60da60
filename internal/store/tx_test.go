package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

var errRollback = errors.New("roll back")

// TestAuditRollsBackWithItsChange: an entry appended in a transaction that
// rolls back leaves nothing (not even the chain head moved), and the chain
// stays intact for the next append; one that commits is there with its
// change.
func TestAuditRollsBackWithItsChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.Tx(ctx, func(tx *store.DB) error {
			if err := tx.CreateUser(ctx, &store.User{Username: "gone", PasswordHash: "-", Role: store.RoleAdmin}); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, &store.AuditEntry{Actor: "cli", Action: "account_created", Object: "user:gone"}); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if _, err := db.UserByUsername(ctx, "gone"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("rolled-back user exists: %v", err)
		}
		if _, n, _ := db.ListAudit(ctx, store.AuditFilter{Page: store.NormalPage(1, 10)}); n != 0 {
			t.Errorf("%d entries after a rollback", n)
		}
		if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "cli", Action: "kept", Object: "x"}); err != nil {
			t.Fatal(err)
		}
		if bad, err := db.VerifyAuditChain(ctx); err != nil || bad != 0 {
			t.Errorf("chain broken at %d after a rollback: %v", bad, err)
		}
	})
}

// TestInTxJoinsEveryQuery: under InTx's context a Tx is a savepoint of the
// one transaction and plain queries see its writes; its rollback undoes
// them all.
func TestInTxJoinsEveryQuery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(ctx context.Context) error {
			if err := db.Tx(ctx, func(tx *store.DB) error {
				return tx.CreateUser(ctx, &store.User{Username: "inner", PasswordHash: "-", Role: store.RoleAdmin})
			}); err != nil {
				return err
			}
			if _, err := db.UserByUsername(ctx, "inner"); err != nil {
				t.Errorf("the request's own write is invisible to it: %v", err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if _, err := db.UserByUsername(ctx, "inner"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("a savepoint of a rolled-back request survived: %v", err)
		}
	})
}

// TestIdempotencyClaimWaitsForTheFirst: a second claim of a key waits for
// the transaction holding the first and then loses to it, reading its
// answer; a claim whose transaction rolled back is free again.
func TestIdempotencyClaimWaitsForTheFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Millisecond)
		claimed := make(chan struct{})
		release := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.InTx(ctx, func(ctx context.Context) error {
				won, err := db.ClaimIdempotencyKey(ctx, 1, "k", "h", now)
				if err != nil || !won {
					t.Errorf("first claim: %v %v", won, err)
				}
				close(claimed)
				<-release
				return db.CompleteIdempotencyKey(ctx, 1, "k", 201, `{"id":1}`)
			})
			if err != nil {
				t.Error(err)
			}
		}()
		<-claimed
		second := make(chan bool, 1)
		go func() {
			var won bool
			err := db.InTx(ctx, func(ctx context.Context) error {
				var err error
				won, err = db.ClaimIdempotencyKey(ctx, 1, "k", "h", now)
				return err
			})
			if err != nil {
				t.Error(err)
			}
			second <- won
		}()
		close(release)
		wg.Wait()
		if <-second {
			t.Fatal("the second claim won too")
		}
		rec, err := db.IdempotencyKeyByKey(ctx, 1, "k")
		if err != nil || rec.Status != 201 || rec.Response != `{"id":1}` {
			t.Fatalf("kept answer: %v %+v", err, rec)
		}
		err = db.InTx(ctx, func(ctx context.Context) error {
			if _, err := db.ClaimIdempotencyKey(ctx, 1, "other", "h", now); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if _, err := db.IdempotencyKeyByKey(ctx, 1, "other"); apperror.CodeOf(err) != apperror.NotFound {
			t.Errorf("a rolled-back claim stayed: %v", err)
		}
	})
}

func TestClipCutsCharactersNotBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"桂溪街道", 2, "桂溪"},
		{"a桂", 1, "a"},
	} {
		got := store.Clip(tc.in, tc.n)
		if got != tc.want || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestRolesAndStatusesAreClosedSets(t *testing.T) {
	for _, r := range store.Roles {
		if !r.Valid() {
			t.Errorf("role %s not valid", r)
		}
	}
	for _, s := range store.Statuses {
		if !s.Valid() {
			t.Errorf("status %s not valid", s)
		}
	}
	if store.Role("king").Valid() || store.Status("done").Valid() || store.Role("").Valid() {
		t.Error("an unknown role or status is valid")
	}
}
