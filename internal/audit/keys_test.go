package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"fugong/internal/audit"
	"fugong/internal/blob/blobtest"
	"fugong/internal/store"
	"fugong/internal/store/storetest"
)

// TestCheckpointKeyRotation: after a new audit key generation, checkpoints
// are signed by it and name it, those signed before keep verifying, and
// the whole log with both checkpoints verifies; a verifier that does not
// know the new generation reports its checkpoint (and entries) as broken.
// On SQLite + local store and MariaDB + MinIO.
func TestCheckpointKeyRotation(t *testing.T) {
	for _, env := range []struct{ driver, backend string }{{"sqlite", "local"}, {"mysql", "minio"}} {
		t.Run(env.driver+"+"+env.backend, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.MustOpen(t, env.driver)
			objects := blobtest.MustOpen(t, env.backend)
			gen0 := []audit.CheckpointKey{{ID: "", Seed: seed}}
			gen1 := append(gen0, audit.CheckpointKey{ID: "audit-1", Seed: bytes.Repeat([]byte{8}, 32)})
			appendN := func(n int) {
				for i := range n {
					if err := db.AppendAudit(ctx, &store.AuditEntry{Actor: "u", Action: "test", Object: fmt.Sprint(i)}); err != nil {
						t.Fatal(err)
					}
				}
			}
			appendN(3)
			if v, err := audit.New(db, objects, seed, nil, nil).WithKeys(gen0).Check(ctx); err != nil || !v.OK {
				t.Fatalf("check before rotation: %+v %v", v, err)
			}
			db.SetAuditKeys([]store.AuditKey{{Gen: 0, Key: storetest.AuditKey}, {Gen: 1, Key: bytes.Repeat([]byte{9}, 32)}})
			appendN(3)
			svc := audit.New(db, objects, seed, nil, nil).WithKeys(gen1)
			if v, err := svc.Check(ctx); err != nil || !v.OK {
				t.Fatalf("check after rotation: %+v %v", v, err)
			}
			cps, _ := objects.List(ctx, audit.CheckpointPrefix)
			if len(cps) != 2 {
				t.Fatalf("%d checkpoints, want 2", len(cps))
			}
			var keys []string
			for _, o := range cps {
				rc, _, err := objects.Get(ctx, o.Key)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(rc)
				rc.Close()
				var c audit.Checkpoint
				json.Unmarshal(b, &c)
				keys = append(keys, c.Key)
			}
			if keys[0] != "" || keys[1] != "audit-1" {
				t.Fatalf("checkpoint keys %q, want the old one unnamed (generation 0) and the new one audit-1", keys)
			}
			if rep, err := svc.Verify(ctx); err != nil || !rep.OK || rep.Checkpoints != 2 {
				t.Fatalf("verify with both generations: %+v %v", rep, err)
			}
			db.SetAuditKeys([]store.AuditKey{{Gen: 0, Key: storetest.AuditKey}})
			if rep, err := audit.New(db, objects, seed, nil, nil).WithKeys(gen0).Verify(ctx); err != nil || rep.OK || rep.Checkpoints != 1 {
				t.Fatalf("verify without generation 1: %+v %v, want broken with one valid checkpoint", rep, err)
			}
		})
	}
}
