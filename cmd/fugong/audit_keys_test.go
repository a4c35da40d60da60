package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fugong/internal/pii"
)

// TestAuditKeyRotationCommand follows the documented rotation
// (docs/security.md §4): `fugong audit new-key` prints the next
// generation's entry; with it added to FUGONG_DATA_KEY, new entries use it,
// `fugong audit verify` still finds the whole chain intact, and a second
// rotation gives generation 2. Without the entry again (a replica not yet
// updated), verify reports the entries it cannot check.
func TestAuditKeyRotationCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"FUGONG_DATABASE_DSN": filepath.Join(dir, "f.db"), "FUGONG_DATA_KEY": pii.GenerateKey(),
		"FUGONG_BLOB_LOCAL_ROOT": filepath.Join(dir, "uploads"), "FUGONG_DATA_DIR": filepath.Join(dir, "data")}
	create := func(u string) {
		t.Helper()
		if code, _, errOut := runWith(env, "user", "create", "--role", "admin", "--username", u, "--password", "long-enough-pw"); code != 0 {
			t.Fatalf("user create: %d %s", code, errOut)
		}
	}
	create("a1")
	old := env["FUGONG_DATA_KEY"]
	env["FUGONG_DATA_KEY"] = "0:" + old // a bare key is written with its id (pii.BareKeyID) in a list
	for gen, user := range []string{"a2", "a3"} {
		code, out, errOut := runWith(env, "audit", "new-key")
		entry := strings.TrimSpace(out)
		if code != 0 || !strings.HasPrefix(entry, pii.AuditKeyPrefix+string(rune('1'+gen))+":") {
			t.Fatalf("new-key: exit %d %q %q", code, out, errOut)
		}
		env["FUGONG_DATA_KEY"] = entry + "," + env["FUGONG_DATA_KEY"]
		create(user)
		want := fmt.Sprintf("%d entries checked", gen+2)
		if code, out, errOut := runWith(env, "audit", "verify"); code != 0 || !strings.Contains(out, "intact") || !strings.Contains(out, want) {
			t.Fatalf("after rotation %d: exit %d %q %q", gen+1, code, out, errOut)
		}
	}
	env["FUGONG_DATA_KEY"] = "0:" + old
	if code, out, _ := runWith(env, "audit", "verify"); code != 1 || !strings.Contains(out, "not configured") {
		t.Fatalf("without the new generations: exit %d %q", code, out)
	}
}
