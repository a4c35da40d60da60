package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"

	"fugong/internal/apperror"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// deadlock runs two transactions that lock rows 1 and 2 in opposite order,
// each waiting for the other to hold its first row before asking for its
// second: InnoDB must abort one with 1213, the error a Galera certification
// conflict also gives. run wraps each transaction (plain, or in
// store.Retry); it returns both results and how often each body ran.
func deadlock(t *testing.T, db *store.DB, run func(ctx context.Context, body func(ctx context.Context) error) error) ([2]error, [2]int32) {
	t.Helper()
	ctx := context.Background()
	g := db.Gorm()
	if err := g.Exec("CREATE TABLE deadlock_probe (id INT PRIMARY KEY, n INT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := g.Exec("INSERT INTO deadlock_probe (id, n) VALUES (1, 0), (2, 0)").Error; err != nil {
		t.Fatal(err)
	}
	var holds [2]chan struct{}
	for i := range holds {
		holds[i] = make(chan struct{})
	}
	var errs [2]error
	var runs [2]int32
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		first, second := 1+i, 2-i
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = run(ctx, func(ctx context.Context) error {
				attempt := atomic.AddInt32(&runs[i], 1)
				return db.Tx(ctx, func(tx *store.DB) error {
					if err := tx.Gorm().Exec("UPDATE deadlock_probe SET n = n + 1 WHERE id = ?", first).Error; err != nil {
						return err
					}
					if attempt == 1 {
						close(holds[i])
						<-holds[1-i]
					}
					return tx.Gorm().Exec("UPDATE deadlock_probe SET n = n + 1 WHERE id = ?", second).Error
				})
			})
		}()
	}
	wg.Wait()
	return errs, runs
}

// TestDeadlockIsRetriedAsAWhole: a real deadlock between two transactions;
// the one the server aborts is run again as a whole by store.Retry and both
// changes land exactly once.
func TestDeadlockIsRetriedAsAWhole(t *testing.T) {
	db := storetest.MustOpen(t, "mysql")
	errs, runs := deadlock(t, db, func(ctx context.Context, body func(context.Context) error) error {
		_, err := store.Retry(ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, body(ctx) })
		return err
	})
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("errors after retry: %v, %v", errs[0], errs[1])
	}
	if runs[0]+runs[1] != 3 {
		t.Fatalf("bodies ran %d and %d times, want one of them twice", runs[0], runs[1])
	}
	var ns []int
	if err := db.Gorm().Raw("SELECT n FROM deadlock_probe ORDER BY id").Scan(&ns).Error; err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 || ns[0] != 2 || ns[1] != 2 {
		t.Fatalf("rows %v, want [2 2]: each transaction applied exactly once", ns)
	}
}

// TestDeadlockWithoutRetryIsConflict: a transaction that is not safe to
// repeat is not retried; its deadlock is a 409 (apperror.Conflict), still
// recognisable as retryable, never an internal error.
func TestDeadlockWithoutRetryIsConflict(t *testing.T) {
	db := storetest.MustOpen(t, "mysql")
	errs, _ := deadlock(t, db, func(ctx context.Context, body func(context.Context) error) error { return body(ctx) })
	failed := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		failed++
		if apperror.CodeOf(err) != apperror.Conflict || !store.IsRetryable(err) {
			t.Fatalf("deadlock victim: %v (code %s), want a retryable conflict", err, apperror.CodeOf(err))
		}
	}
	if failed != 1 {
		t.Fatalf("%d transactions failed, want exactly the deadlock victim: %v", failed, errs)
	}
}

// TestRetryIsBounded: a conflict that never clears is tried a bounded number
// of times and answered apperror.Conflict; any other error is not retried.
func TestRetryIsBounded(t *testing.T) {
	ctx := context.Background()
	calls := 0
	_, err := store.RetryWith(ctx, store.RetryPolicy{Attempts: 3}, func(context.Context) (int, error) {
		calls++
		return 0, &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found"}
	})
	if calls != 3 || apperror.CodeOf(err) != apperror.Conflict {
		t.Fatalf("%d calls, err %v; want 3 calls and a conflict", calls, err)
	}
	calls = 0
	_, err = store.Retry(ctx, func(context.Context) (int, error) {
		calls++
		return 0, apperror.New(apperror.Invalid, "bad")
	})
	if calls != 1 || apperror.CodeOf(err) != apperror.Invalid {
		t.Fatalf("%d calls, err %v; want 1 call and the error unchanged", calls, err)
	}
}
