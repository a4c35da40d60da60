package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fugong/internal/config"
	"fugong/internal/pii"
	"fugong/internal/store"
)

// TestAuditVerifyCommand: `fugong audit verify` exits 0 on an intact chain
// and 1, naming the problem, once an entry is edited in the database.
func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "FUGONG_DATA_KEY": pii.GenerateKey(),
		"FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "uploads"), "FUGONG_DATA_DIR": filepath.Join(dir, "data")}
	for _, u := range []string{"a1", "a2"} {
		if code, _, errOut := runWith(env, "user", "create", "--role", "admin", "--username", u, "--password", "long-enough-pw"); code != 0 {
			t.Fatalf("user create: %d %s", code, errOut)
		}
	}
	code, out, errOut := runWith(env, "audit", "verify")
	if code != 0 || !strings.Contains(out, "intact") || !strings.Contains(out, "2 entries checked") {
		t.Fatalf("intact: exit %d %q %q", code, out, errOut)
	}
	cfg := config.Default().Database
	cfg.DSN = env["FUGONG_DATABASE_DSN"]
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Gorm().Exec("UPDATE audit_log SET object = 'user:mallory' WHERE seq = 1")
	db.Close()
	code, out, _ = runWith(env, "audit", "verify")
	if code != 1 || !strings.Contains(out, "BROKEN") {
		t.Fatalf("edited: exit %d %q", code, out)
	}
}
