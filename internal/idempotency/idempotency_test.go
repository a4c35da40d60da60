package idempotency_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"

	"fugong/internal/apperror"
	"fugong/internal/idempotency"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

func mustUser(t *testing.T, db *store.DB, name string) *store.User {
	t.Helper()
	u := &store.User{Username: name, PasswordHash: "x", Role: store.RoleEnterprise}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// auditCount is how many entries the log has for object.
func auditCount(t *testing.T, db *store.DB, object string) int64 {
	t.Helper()
	_, n, err := db.ListAudit(context.Background(), store.AuditFilter{Object: object, Page: store.NormalPage(1, 10)})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConflictIsRetriedAsAWhole: the database aborts the request's
// transaction for a conflict (a Galera certification failure is MySQL error
// 1213) twice; Do runs the claim, the work and its audit entry again, and
// the third attempt's answer is the one kept. The aborted attempts left
// nothing — no audit entry, no claim — and a retry of the request with the
// same key replays the kept answer without running the work.
func TestConflictIsRetriedAsAWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := idempotency.New(db, nil)
		u := mustUser(t, db, "ent")
		calls := 0
		work := func(ctx context.Context) (int, []byte, error) {
			calls++
			if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "ent", Action: "create", Object: "filing:1"}); err != nil {
				return 0, nil, err
			}
			if calls <= 2 {
				return 0, nil, fmt.Errorf("commit: %w", &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"})
			}
			return 201, []byte(fmt.Sprintf(`{"attempt":%d}`, calls)), nil
		}
		replay, err := svc.Do(ctx, u.ID, "k1", []byte(`{}`), work)
		if err != nil || replay != nil || calls != 3 {
			t.Fatalf("Do: replay %v, err %v, work ran %d times (want 3)", replay, err, calls)
		}
		if n := auditCount(t, db, "filing:1"); n != 1 {
			t.Fatalf("%d audit entries, want the committed attempt's only", n)
		}
		replay, err = svc.Do(ctx, u.ID, "k1", []byte(`{}`), work)
		if err != nil || replay == nil || replay.Status != 201 || string(replay.Body) != `{"attempt":3}` || calls != 3 {
			t.Fatalf("repeat: replay %+v, err %v, work ran %d times", replay, err, calls)
		}
		if bad, err := db.VerifyAuditChain(ctx); err != nil || bad != 0 {
			t.Fatalf("audit chain broken at %d: %v", bad, err)
		}
	})
}

// TestConflictOutlastingRetriesIs409: a conflict on every attempt ends as
// apperror.Conflict after a bounded number of attempts, with nothing kept,
// so the client may retry later with the same key.
func TestConflictOutlastingRetriesIs409(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := idempotency.New(db, nil)
		u := mustUser(t, db, "ent")
		calls := 0
		_, err := svc.Do(ctx, u.ID, "k", []byte(`{}`), func(ctx context.Context) (int, []byte, error) {
			calls++
			return 0, nil, &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found"}
		})
		if apperror.CodeOf(err) != apperror.Conflict || calls != store.DefaultRetry.Attempts {
			t.Fatalf("err %v (code %s) after %d attempts, want conflict after %d", err, apperror.CodeOf(err), calls, store.DefaultRetry.Attempts)
		}
		// Nothing was kept: the next attempt with the key does the work.
		replay, err := svc.Do(ctx, u.ID, "k", []byte(`{}`), func(ctx context.Context) (int, []byte, error) { return 201, []byte(`{}`), nil })
		if err != nil || replay != nil {
			t.Fatalf("after the conflicts: replay %v, err %v", replay, err)
		}
		// Other errors are not retried.
		calls = 0
		boom := errors.New("boom")
		if _, err := svc.Do(ctx, u.ID, "k2", []byte(`{}`), func(ctx context.Context) (int, []byte, error) {
			calls++
			return 0, nil, boom
		}); !errors.Is(err, boom) || calls != 1 {
			t.Fatalf("a plain error: %v after %d attempts", err, calls)
		}
	})
}

// TestRealDeadlockIsRetried: two requests with audited work lock two rows
// in opposite orders on MariaDB (SQLite has one writer at a time); InnoDB aborts one of them (1213, as Galera
// aborts the loser of a certification conflict) and Do runs it again, so
// both requests succeed, each with its one audit entry, and the chain
// verifies.
func TestRealDeadlockIsRetried(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t, "mysql")
	svc := idempotency.New(db, nil)
	a, b := mustUser(t, db, "a"), mustUser(t, db, "b")
	// Each request's first attempt takes its first row, then waits until
	// the other has taken its own first row before taking the second.
	var first sync.WaitGroup
	first.Add(2)
	var calls [2]int
	var mu sync.Mutex
	work := func(i int, rows [2]int64) idempotency.Work {
		return func(ctx context.Context) (int, []byte, error) {
			mu.Lock()
			calls[i]++
			attempt := calls[i]
			mu.Unlock()
			if err := db.SetUserDisabled(ctx, rows[0], false); err != nil {
				return 0, nil, err
			}
			if attempt == 1 {
				first.Done()
				first.Wait()
			}
			if err := db.SetUserDisabled(ctx, rows[1], false); err != nil {
				return 0, nil, err
			}
			// Last: the audit segment's head row would otherwise order the
			// two before they reach their second row.
			if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "t", Action: "deadlock", Object: fmt.Sprint("req:", i)}); err != nil {
				return 0, nil, err
			}
			return 201, []byte(`{}`), nil
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, rows := range [][2]int64{{a.ID, b.ID}, {b.ID, a.ID}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = svc.Do(ctx, a.ID, fmt.Sprint("key", i), []byte(`{}`), work(i, rows))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if n := auditCount(t, db, fmt.Sprint("req:", i)); n != 1 {
			t.Fatalf("request %d: %d audit entries, want 1", i, n)
		}
	}
	if calls[0]+calls[1] < 3 {
		t.Fatalf("attempts %v: the deadlock did not happen, so nothing was retried", calls)
	}
	if bad, err := db.VerifyAuditChain(ctx); err != nil || bad != 0 {
		t.Fatalf("audit chain broken at %d: %v", bad, err)
	}
}
