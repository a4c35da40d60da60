package pii

import (
	"bytes"
	"testing"
)

// TestAuditKeysInTheKeyring: "audit-N" entries are audit key generations,
// not data keys: wherever they stand in the list, the current data key and
// the blind index stay those of the data keys alone, generation 0 is the
// derived key used before rotation, and a repeated generation is refused.
func TestAuditKeysInTheKeyring(t *testing.T) {
	k, a1, a2 := GenerateKey(), GenerateKey(), GenerateKey()
	base, err := ParseKeyring("0:" + k)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"audit-2:" + a2 + ",audit-1:" + a1 + ",0:" + k, "0:" + k + ",audit-1:" + a1 + ",audit-2:" + a2} {
		r, err := ParseKeyring(s)
		if err != nil {
			t.Fatalf("%q: %v", s[:20], err)
		}
		if r.CurrentKeyID() != "0" || r.BlindIndex("510104199001011234") != base.BlindIndex("510104199001011234") {
			t.Fatalf("audit entries changed the data keys: current %q", r.CurrentKeyID())
		}
		keys := r.AuditKeys()
		if len(keys) != 3 || keys[0].Gen != 0 || keys[0].ID != "" || keys[2].Gen != 2 || keys[2].ID != "audit-2" {
			t.Fatalf("audit keys %+v", keys)
		}
		if !bytes.Equal(keys[0].MAC, base.AuditKey()) || bytes.Equal(keys[1].MAC, keys[2].MAC) || bytes.Equal(keys[1].MAC, keys[1].Seed) {
			t.Fatal("generation keys are not distinct or generation 0 changed")
		}
	}
	if _, err := ParseKeyring("audit-1:" + a1 + ",audit-1:" + a2 + ",0:" + k); err == nil {
		t.Fatal("a repeated audit generation was accepted")
	}
	if _, err := ParseKeyring("audit-1:" + a1); err == nil {
		t.Fatal("a keyring with no data key was accepted")
	}
}
