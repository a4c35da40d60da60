package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"fugong/internal/audit"
	"fugong/internal/blob/blobtest"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

var seed = bytes.Repeat([]byte{7}, 32)

// TestCheckpointsCatchARewrittenTail: entries removed from the tail with the
// head row moved back verify in the database alone (every link and MAC
// holds); the signed checkpoint in the object store contradicts them. On
// SQLite + local store and MariaDB + MinIO.
func TestCheckpointsCatchARewrittenTail(t *testing.T) {
	for _, env := range []struct{ driver, backend string }{{"sqlite", "local"}, {"mysql", "minio"}} {
		t.Run(env.driver+"+"+env.backend, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.MustOpen(t, env.driver)
			objects := blobtest.MustOpen(t, env.backend)
			svc := audit.New(db, objects, seed, nil, nil)
			metrics := svc.Collectors()
			for i := range 10 {
				if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "u", Action: "test", Object: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			v, err := svc.Check(ctx)
			if err != nil || !v.OK || v.Heads.Entries() != 10 {
				t.Fatalf("check: %+v %v", v, err)
			}
			if cps, _ := objects.List(ctx, audit.CheckpointPrefix); len(cps) != 1 {
				t.Fatalf("%d checkpoints, want 1", len(cps))
			}
			if got := gauge(metrics[0]); got != 1 {
				t.Fatalf("intact metric %v", got)
			}
			if rep, err := svc.Verify(ctx); err != nil || !rep.OK || rep.Checkpoints != 1 {
				t.Fatalf("verify intact: %+v %v", rep, err)
			}

			// Someone with the database deletes entries 8..10 of the
			// segment and moves its head back to entry 7.
			var w string
			for _, h := range v.Heads {
				if h.Seq == 10 {
					w = h.Writer
				}
			}
			h7, err := db.AuditHashAt(ctx, w, 7)
			if err != nil {
				t.Fatal(err)
			}
			g := db.Gorm()
			if err := g.Exec("DELETE FROM audit_log WHERE writer = ? AND seq > 7", w).Error; err != nil {
				t.Fatal(err)
			}
			if err := g.Exec("UPDATE audit_segments SET seq = 7, hash = ? WHERE writer = ?", h7, w).Error; err != nil {
				t.Fatal(err)
			}
			if v, err := db.VerifyAudit(ctx, nil); err != nil || !v.OK {
				t.Fatalf("the database alone should not see it (that is why checkpoints exist): %+v %v", v, err)
			}
			rep, err := svc.Verify(ctx)
			if err != nil || rep.OK || !strings.Contains(strings.Join(rep.Problems, ";"), "past the head") {
				t.Fatalf("verify after the rewrite: %+v %v", rep, err)
			}
			fresh := audit.New(db, objects, seed, nil, nil) // another replica, no memory of the chain
			freshMetrics := fresh.Collectors()
			if v, err := fresh.Check(ctx); err != nil || v.OK {
				t.Fatalf("periodic check after the rewrite: %+v %v", v, err)
			}
			if got := gauge(freshMetrics[0]); got != 0 {
				t.Fatalf("intact metric after the rewrite: %v", got)
			}
			if st := fresh.Status(); !st.Checked || st.Intact {
				t.Fatalf("status: %+v", st)
			}

			// A forged checkpoint (wrong signer) is not trusted.
			forger := audit.New(db, objects, bytes.Repeat([]byte{8}, 32), nil, nil)
			if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "u", Action: "x"}); err != nil {
				t.Fatal(err)
			}
			forger.Check(ctx)
			rep, _ = svc.Verify(ctx)
			if rep.OK || !strings.Contains(strings.Join(rep.Problems, ";"), "signature") {
				t.Fatalf("a forged checkpoint: %+v", rep)
			}
		})
	}
}

func gauge(c prometheus.Collector) float64 {
	var m dto.Metric
	c.(prometheus.Metric).Write(&m)
	return m.GetGauge().GetValue()
}

// TestCheckpointsCatchARemovedSegment: two writers append their own
// segments; a checkpoint anchors both heads. Someone with the database
// removes one writer's whole segment, head row included: the database alone
// is consistent again, the checkpoint is not. On SQLite + local store and
// MariaDB + MinIO.
func TestCheckpointsCatchARemovedSegment(t *testing.T) {
	for _, env := range []struct{ driver, backend string }{{"sqlite", "local"}, {"mysql", "minio"}} {
		t.Run(env.driver+"+"+env.backend, func(t *testing.T) {
			ctx := context.Background()
			cfg := storetest.Config(t, env.driver)
			objects := blobtest.MustOpen(t, env.backend)
			var pools []*store.DB
			for _, w := range []string{"node-a", "node-b"} {
				db, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				db.SetAuditKey(storetest.AuditKey)
				db.SetAuditWriter(w)
				pools = append(pools, db)
			}
			for i := range 4 {
				for _, db := range pools {
					if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "u", Action: "test", Object: fmt.Sprint(i)}); err != nil {
						t.Fatal(err)
					}
				}
			}
			svc := audit.New(pools[0], objects, seed, nil, nil)
			if v, err := svc.Check(ctx); err != nil || !v.OK || v.Heads.Entries() != 8 {
				t.Fatalf("check: %+v %v", v, err)
			}
			if rep, err := svc.Verify(ctx); err != nil || !rep.OK || rep.Checkpoints != 1 || len(rep.Latest.Heads) != 3 {
				t.Fatalf("verify intact: %+v %v", rep, err)
			}
			g := pools[0].Gorm()
			for _, q := range []string{"DELETE FROM audit_log WHERE writer = 'node-b'", "DELETE FROM audit_segments WHERE writer = 'node-b'"} {
				if err := g.Exec(q).Error; err != nil {
					t.Fatal(err)
				}
			}
			if v, err := pools[0].VerifyAudit(ctx, nil); err != nil || !v.OK {
				t.Fatalf("the database alone is consistent after removing a whole segment: %+v %v", v, err)
			}
			rep, err := svc.Verify(ctx)
			if err != nil || rep.OK || !strings.Contains(strings.Join(rep.Problems, ";"), `segment "node-b"`) {
				t.Fatalf("verify after removing a segment: %+v %v", rep, err)
			}
			fresh := audit.New(pools[1], objects, seed, nil, nil)
			if v, err := fresh.Check(ctx); err != nil || v.OK {
				t.Fatalf("periodic check after removing a segment: %+v %v", v, err)
			}
		})
	}
}

// TestCheckpointsOfTheSingleChain: a checkpoint written before segments
// (v1: one seq and MAC, signed as such) is read as a checkpoint of segment
// "" and still holds the chain to it: a cut of that segment's tail with
// its head moved back shows.
func TestCheckpointsOfTheSingleChain(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpen(t, "sqlite") // SQLite appends to segment ""
	objects := blobtest.MustOpen(t, "local")
	for i := range 5 {
		if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "u", Action: "test", Object: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	h5, err := db.AuditHashAt(ctx, "", 5)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	sig := ed25519.Sign(ed25519.NewKeyFromSeed(seed), []byte(fmt.Sprintf("fugong audit checkpoint v1\n%d\n%s\n%s", 5, h5, at.Format(time.RFC3339Nano))))
	b, _ := json.Marshal(map[string]any{"seq": 5, "hash": h5, "at": at, "sig": base64.StdEncoding.EncodeToString(sig)})
	if _, err := objects.Put(ctx, fmt.Sprintf("%s%020d.json", audit.CheckpointPrefix, 5), bytes.NewReader(b), int64(len(b)), "application/json"); err != nil {
		t.Fatal(err)
	}
	svc := audit.New(db, objects, seed, nil, nil)
	if rep, err := svc.Verify(ctx); err != nil || !rep.OK || rep.Checkpoints != 1 || rep.Latest.Seq != 5 {
		t.Fatalf("a v1 checkpoint: %+v %v", rep, err)
	}
	h3, _ := db.AuditHashAt(ctx, "", 3)
	g := db.Gorm()
	if err := g.Exec("DELETE FROM audit_log WHERE seq > 3").Error; err != nil {
		t.Fatal(err)
	}
	if err := g.Exec("UPDATE audit_segments SET seq = 3, hash = ? WHERE writer = ''", h3).Error; err != nil {
		t.Fatal(err)
	}
	if rep, err := svc.Verify(ctx); err != nil || rep.OK || !strings.Contains(strings.Join(rep.Problems, ";"), "past the head") {
		t.Fatalf("a cut tail against a v1 checkpoint: %+v %v", rep, err)
	}
}
