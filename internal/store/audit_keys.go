package store

import (
	"fmt"
	"strconv"
	"strings"

	"fugong/internal/apperror"
)

// Audit key rotation (docs/security.md §4). The chain's MAC key has
// generations: 0 is the key SetAuditKey sets (derived from the data
// keyring's blind-index material, the only key before rotation existed),
// and each rotation adds the next. An entry names the generation that
// MACed it in its hash — generation 0 as the bare 64 hex digits it always
// had, generation N as "N:" and the MAC's first 64-len("N:") hex digits
// (HMAC-SHA256 truncated, still over 240 bits) — so the column keeps its
// size and the entries written before rotation verify unchanged. Along a
// chain the generation never goes back: after the first entry under a new
// key, an entry under an older one is a break, so a retired key that leaked
// cannot extend the log unnoticed (and cannot rewrite what precedes the
// newer entries, whose MACs cover their links).

// AuditKey is one generation of the audit chain's MAC key.
type AuditKey struct {
	Gen int
	Key []byte
}

// SetAuditKeys sets every generation of the audit chain's MAC key; the
// highest is current. Keys must not be stored in the database. It replaces
// SetAuditKey (which sets generation 0 alone). Call it once after Open,
// before any append.
func (db *DB) SetAuditKeys(keys []AuditKey) {
	db.auditKeys = map[int][]byte{}
	db.auditGen = 0
	for _, k := range keys {
		db.auditKeys[k.Gen] = append([]byte(nil), k.Key...)
		if k.Gen == 0 {
			db.auditKey = db.auditKeys[0]
		}
		db.auditGen = max(db.auditGen, k.Gen)
	}
	if db.auditKey == nil && len(keys) > 0 {
		db.auditKey = db.auditKeys[db.auditGen] // marks the chain keyed
	}
}

// auditKeyOf returns the key of generation gen.
func (db *DB) auditKeyOf(gen int) ([]byte, bool) {
	if db.auditKeys == nil {
		return db.auditKey, gen == 0
	}
	k, ok := db.auditKeys[gen]
	return k, ok
}

// auditGenOf returns the key generation a chain value names.
func auditGenOf(hash string) (int, bool) {
	i := strings.IndexByte(hash, ':')
	if i < 0 {
		return 0, true
	}
	n, err := strconv.Atoi(hash[:i])
	return n, err == nil && n > 0 && strconv.Itoa(n) == hash[:i]
}

// sealWith is e's chain value under key generation gen.
func sealWith(e *AuditEntry, gen int, key []byte) string {
	mac := e.mac(key)
	if gen == 0 {
		return mac
	}
	p := strconv.Itoa(gen) + ":"
	return p + mac[:len(mac)-len(p)]
}

// auditSeal returns e's chain value for an append after head (the MAC of
// the chain's last entry): under this process's current key, or under the
// head's when that is newer (another replica already rotated); a head under
// a generation this process does not know is apperror.Unavailable, since
// appending under an older key would break the chain.
func (db *DB) auditSeal(e *AuditEntry, head string) (string, error) {
	gen := db.auditGen
	if hg, ok := auditGenOf(head); ok && hg > gen {
		gen = hg
	}
	key, ok := db.auditKeyOf(gen)
	if !ok {
		return "", apperror.Msg(apperror.Unavailable, msgAuditKeyNotConfigured, gen, gen)
	}
	return sealWith(e, gen, key), nil
}

// auditKeyWalk checks the key generations along one chain.
type auditKeyWalk struct {
	db  *DB
	gen int // generation of the last entry checked
}

// auditKeyWalk starts a walk after the entry whose chain value is prev.
func (db *DB) auditKeyWalk(prev string) *auditKeyWalk {
	gen, _ := auditGenOf(prev)
	return &auditKeyWalk{db: db, gen: gen}
}

// check returns why e's MAC does not verify, or "" when it does.
func (w *auditKeyWalk) check(e *AuditEntry) string {
	gen, ok := auditGenOf(e.Hash)
	if !ok {
		return "the entry does not match its MAC (changed)"
	}
	key, known := w.db.auditKeyOf(gen)
	if !known {
		return fmt.Sprintf("the entry is under audit key generation %d, which is not configured", gen)
	}
	if sealWith(e, gen, key) != e.Hash {
		return "the entry does not match its MAC (changed)"
	}
	if gen < w.gen {
		return fmt.Sprintf("the entry is under audit key generation %d after entries under generation %d (a retired key)", gen, w.gen)
	}
	w.gen = gen
	return ""
}
