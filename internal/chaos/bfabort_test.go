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

// TestBruteForceAbortFailsTheWholeTransaction: a transaction on one Galera
// node is aborted by a conflicting write set from another node (a "brute
// force abort") between two of its statements. The transaction must fail as
// a whole, retryable, and none of its statements may persist (or, if it
// commits, all of them). Repeated, since the abort races with the
// statements.
//
//	source "$(scripts/cluster.sh env)"; go test -tags cluster -run TestBruteForce ./internal/chaos/
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
	for _, ddl := range []string{
		"CREATE TABLE IF NOT EXISTS bf_probe (id INT PRIMARY KEY, n INT NOT NULL)",
		"CREATE TABLE IF NOT EXISTS bf_probe_log (id INT PRIMARY KEY AUTO_INCREMENT, round INT NOT NULL)",
	} {
		if err := g.Exec(ddl).Error; err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { g.Exec("DROP TABLE bf_probe"); g.Exec("DROP TABLE bf_probe_log") })
	g.Exec("DELETE FROM bf_probe_log")
	g.Exec("REPLACE INTO bf_probe VALUES (1, 0)")
	bad, overwritten := 0, 0
	for round := 1; round <= 20; round++ {
		err := a.Tx(ctx, func(tx *store.DB) error {
			if err := tx.Gorm().Exec("UPDATE bf_probe SET n = ? WHERE id = 1", -round).Error; err != nil {
				return err
			}
			// Another node commits a conflicting write; its write set aborts ours.
			if err := b.Gorm().Exec("UPDATE bf_probe SET n = ? WHERE id = 1", round).Error; err != nil {
				return err
			}
			var ns []int
			if err := tx.Gorm().Raw("SELECT n FROM bf_probe").Scan(&ns).Error; err != nil {
				return err
			}
			if err := tx.Gorm().Exec("INSERT INTO bf_probe_log (round) VALUES (?)", round).Error; err != nil {
				return err
			}
			return tx.Gorm().Exec("INSERT INTO bf_probe_log (round) VALUES (?)", round).Error
		})
		var n, logged int
		g.Raw("SELECT n FROM bf_probe WHERE id = 1").Scan(&n)
		g.Raw("SELECT COUNT(*) FROM bf_probe_log WHERE round = ?", round).Scan(&logged)
		switch {
		case err != nil && (!store.IsRetryable(err) || logged != 0):
			bad++
			t.Logf("round %d: failed with %v but %d of its statements persisted", round, err, logged)
		case err == nil && (logged != 2 || n != -round):
			bad++
			t.Logf("round %d: answered success but only %d statements persisted, n=%d", round, logged, n)
		case err == nil:
			// Serializable (as if the other node's blind write came
			// first), but not first-committer-wins: seen in about 1 round
			// of 100 on MariaDB 10.11.19 + galera-4 26.4.23, always the
			// first round on fresh connections. Recorded, not failed; see
			// docs/deploy.md.
			overwritten++
		}
	}
	t.Logf("%d of 20 rounds: the transaction committed over the other node's earlier blind write", overwritten)
	if bad > 0 {
		t.Errorf("%d of 20 rounds broke the atomicity of the transaction", bad)
	}
}
