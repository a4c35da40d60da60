package pii

import (
	"crypto/sha256"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/crypto/hkdf"
)

// AuditKeyPrefix starts the id of a keyring entry that keys the audit log
// rather than personal data: "audit-N:BASE64", N a generation number from
// 1. The chain's MAC key and the Ed25519 seed of its checkpoints are
// derived (HKDF) from the entry's material. Generation 0 is the key derived
// from the blind-index material (AuditKey, AuditCheckpointSeed), used before
// any audit entry existed; it stays known so old entries keep verifying.
// Rotation = add "audit-<N+1>:KEY" anywhere in FUGONG_DATA_KEY and keep the
// older entries (docs/security.md §4).
const AuditKeyPrefix = "audit-"

// AuditKey is one generation of the audit log's keys.
type AuditKey struct {
	Gen  int    // 0: derived from the blind-index material
	ID   string // "audit-N", "" for generation 0
	MAC  []byte // key of the chain's HMAC-SHA256
	Seed []byte // Ed25519 seed that signs checkpoints
}

// auditKeyGen parses "audit-N" (N ≥ 1, no leading zeros).
func auditKeyGen(id string) (int, bool) {
	s, ok := strings.CutPrefix(id, AuditKeyPrefix)
	if !ok || s == "" || s[0] == '0' || len(s) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// isAuditKeyID reports whether id names an audit key entry, well formed
// or not (a malformed one is a data key id, refused or not as such).
func isAuditKeyID(id string) bool { _, ok := auditKeyGen(id); return ok }

// AuditKeys returns every generation of the audit keys the keyring holds,
// oldest first: generation 0, then each "audit-N" entry by N. The last is
// current: new entries and checkpoints use it. It cannot fail.
func (k *Keyring) AuditKeys() []AuditKey {
	out := []AuditKey{{Gen: 0, MAC: k.AuditKey(), Seed: k.AuditCheckpointSeed()}}
	gens := make([]int, 0, len(k.audit))
	for g := range k.audit {
		gens = append(gens, g)
	}
	slices.Sort(gens)
	for _, g := range gens {
		out = append(out, AuditKey{Gen: g, ID: AuditKeyPrefix + strconv.Itoa(g),
			MAC: hkdfKey(k.audit[g], auditMACInfo), Seed: hkdfKey(k.audit[g], auditCheckpointInfo)})
	}
	return out
}

func hkdfKey(material []byte, info string) []byte {
	key := make([]byte, KeySize)
	io.ReadFull(hkdf.New(sha256.New, material, nil, []byte(info)), key) // HKDF of 32 bytes cannot fail
	return key
}
