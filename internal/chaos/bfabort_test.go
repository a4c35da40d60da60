//go:build cluster

package chaos

import (
	"context"
	"os"
	"strings"
	"testing"

	"fugong/internal/config"
	"fugong/internal/store"
)

// TestBrutForceAbortFailsTheWholeTransaction: a transaction on one Galera
// node is aborted by a conflicting write set from another node (a
// "brute force abort") between two of its statements. What follows must not
// persist: the transaction fails as a whole, retryable, and nothing of it is
// in the database.
func TestBruteForceAbortFailsTheWholeTransaction(t *testing.T) {
	ctx := context.Background()
	dsns := strings.Fields(env(t, "FUGONG_CLUSTER_GALERA_DSNS"))
	open := func(dsn string) *store.DB {
		cfg := config.Default().Database
		cfg.Driver, cfg.DSN = "mysql", dsn+os.Getenv("BF_DSN_SUFFIX")
		db, err := store.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(dsns[0]), open(dsns[1])
	g := a.Gorm()
	g.Exec("DROP TABLE IF EXISTS bf_probe")
	g.Exec("DROP TABLE IF EXISTS bf_probe_log")
	if err := g.Exec("CREATE TABLE bf_probe (id INT PRIMARY KEY, n INT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := g.Exec("CREATE TABLE bf_probe_log (id INT PRIMARY KEY AUTO_INCREMENT, note VARCHAR(32) NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Exec("DROP TABLE bf_probe"); g.Exec("DROP TABLE bf_probe_log") })
	if err := g.Exec("INSERT INTO bf_probe VALUES (1, 0)").Error; err != nil {
		t.Fatal(err)
	}
	err := a.Tx(ctx, func(tx *store.DB) error {
		if err := tx.Gorm().Exec("UPDATE bf_probe SET n = 1 WHERE id = 1").Error; err != nil {
			return err
		}
		// Another node commits a conflicting write; its write set aborts ours.
		if err := b.Gorm().Exec("UPDATE bf_probe SET n = 2 WHERE id = 1").Error; err != nil {
			return err
		}
		var ns []int
		if err := tx.Gorm().Raw("SELECT n FROM bf_probe").Scan(&ns).Error; err != nil {
			return err
		}
		if err := tx.Gorm().Exec("INSERT INTO bf_probe_log (note) VALUES ('after abort')").Error; err != nil {
			return err
		}
		return tx.Gorm().Exec("INSERT INTO bf_probe_log (note) VALUES ('last')").Error
	})
	var n, logged int
	g.Raw("SELECT n FROM bf_probe WHERE id = 1").Scan(&n)
	g.Raw("SELECT COUNT(*) FROM bf_probe_log").Scan(&logged)
	t.Logf("tx error: %v; row n=%d; log rows %d", err, n, logged)
	if err == nil || !store.IsRetryable(err) {
		t.Errorf("the aborted transaction answered %v, want a retryable conflict", err)
	}
	if logged != 0 {
		t.Errorf("%d statements of the aborted transaction persisted", logged)
	}
}
