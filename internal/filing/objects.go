package filing

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"fugong/internal/blob"
	"fugong/internal/store"
)

// Object keys. Every object filing writes holds personal data (a roster
// lists ID numbers and phones; a plan may name staff), so it is sealed
// (blob.Sealed: a per-object data key under the keyring) and addressed by a
// keyed hash of its plaintext: the same file uploaded twice is stored once,
// but a listing of the object store cannot confirm a guessed file.
const (
	sealedPrefix = "obj/"
	legacyPrefix = "sha256/"
)

// SealedObjectKey is where the sealed object whose plaintext has keyed hash
// mac (lowercase hex) lives.
func SealedObjectKey(mac string) string { return sealedPrefix + mac[:2] + "/" + mac }

// contentAddress reads r once and returns the keyed hash of the plaintext
// (kept in the row as its content hash, and binding the encrypted roster
// rows to their file) and the object key made of it. No plain hash is
// kept anywhere: it would let whoever reads the database confirm a guessed
// file.
func (s *Service) contentAddress(r io.Reader) (mac, key string, err error) {
	m := s.keys.ContentHash()
	if _, err := io.Copy(m, r); err != nil {
		return "", "", fmt.Errorf("filing: hash upload: %w", err)
	}
	mac = hex.EncodeToString(m.Sum(nil))
	return mac, SealedObjectKey(mac), nil
}

// ObjectKeyFor returns the key under which an upload of content is
// stored (the keyed hash of its plaintext). Its error is the hash's.
func (s *Service) ObjectKeyFor(content []byte) (string, error) {
	_, key, err := s.contentAddress(bytes.NewReader(content))
	return key, err
}

// objectStore is the store to read key from: legacy keys hold plaintext.
func (s *Service) objectStore(key string) blob.Store {
	if strings.HasPrefix(key, legacyPrefix) {
		return s.raw
	}
	return s.blobs
}

// ObjectKeyPrefixes are the prefixes under which filing keeps objects (the
// sweeper's and the re-encryption's scope).
func ObjectKeyPrefixes() []string { return []string{sealedPrefix, legacyPrefix} }

// ReencryptReport counts what Reencrypt did.
type ReencryptReport struct {
	Sealed    int // legacy plaintext objects encrypted and moved to a sealed key
	Rehashed  int // attachment rows whose plain SHA-256 was replaced by the keyed hash
	Rewrapped int // sealed objects whose data key was re-sealed with the current key
	Current   int // sealed objects already under the current key
	Orphans   int // legacy objects no row references (left for the sweeper)
}

// Reencrypt brings every stored object under the keyring's current key:
// legacy plaintext objects are sealed under their keyed-hash key, their rows
// repointed, and the plaintext deleted; sealed objects under an older key get
// their data key re-sealed (blob.Sealed.Rewrap). Run it after prepending a
// new key to FUGONG_DATA_KEY; once it reports nothing left under an old key,
// that key may be removed. It is safe to rerun and to interrupt: each object
// is replaced atomically and a row is repointed only after its sealed copy is
// stored. Errors are the object store's or the database's.
func (s *Service) Reencrypt(ctx context.Context) (ReencryptReport, error) {
	var rep ReencryptReport
	legacy, err := s.raw.List(ctx, legacyPrefix)
	if err != nil {
		return rep, err
	}
	for _, o := range legacy {
		used, err := s.db.ObjectKeyReferenced(ctx, o.Key)
		if err != nil {
			return rep, err
		}
		if !used {
			rep.Orphans++
			continue
		}
		if err := s.sealLegacy(ctx, o); err != nil {
			return rep, err
		}
		rep.Sealed++
	}
	sealed, err := s.raw.List(ctx, sealedPrefix)
	if err != nil {
		return rep, err
	}
	if rep.Rehashed, err = s.rehash(ctx); err != nil {
		return rep, err
	}
	sb := s.blobs.(*blob.Sealed)
	for _, o := range sealed {
		changed, err := sb.Rewrap(ctx, o.Key)
		if err != nil {
			return rep, err
		}
		if changed {
			rep.Rewrapped++
		} else {
			rep.Current++
		}
	}
	return rep, nil
}

// sealLegacy streams a legacy object twice (hash, then seal): no copy of it
// is held in memory or written to disk in clear.
func (s *Service) sealLegacy(ctx context.Context, o blob.Info) error {
	rc, info, err := s.raw.Get(ctx, o.Key)
	if err != nil {
		return err
	}
	mac, key, err := s.contentAddress(rc)
	rc.Close()
	if err != nil {
		return err
	}
	rc, _, err = s.raw.Get(ctx, o.Key)
	if err != nil {
		return err
	}
	_, err = s.blobs.Put(ctx, key, rc, info.Size, "")
	rc.Close()
	if err != nil {
		return err
	}
	if err := s.db.RepointObjectHashed(ctx, o.Key, key, mac); err != nil {
		return err
	}
	return s.raw.Delete(ctx, o.Key)
}

// rehash converts the attachment rows that still keep the plain SHA-256 of
// their file (rows from before migration 13; those of legacy objects once
// sealLegacy gave them a keyed hash): a roster's encrypted rows are
// re-encrypted bound to the keyed hash, and the plain hash is dropped, in
// one transaction per attachment. It returns how many it converted.
func (s *Service) rehash(ctx context.Context) (int, error) {
	n := 0
	for {
		atts, err := s.db.AttachmentsWithPlainHash(ctx, 100)
		if err != nil || len(atts) == 0 {
			return n, err
		}
		for i := range atts {
			a := &atts[i]
			var entries []store.RosterEntry
			if a.Kind == KindRoster {
				if entries, err = s.db.RosterEntries(ctx, a.ID); err != nil {
					return n, err
				}
				keyed := *a
				keyed.SHA256 = ""
				for j := range entries {
					plain, err := s.keys.Decrypt(entries[j].Data, rosterAAD(a))
					if err != nil {
						return n, fmt.Errorf("filing: rehash attachment %d row %d: %w", a.ID, entries[j].RowNumber, err)
					}
					if entries[j].Data, err = s.keys.Encrypt(plain, rosterAAD(&keyed)); err != nil {
						return n, err
					}
					clear(plain)
				}
			}
			done, err := s.db.RehashAttachment(ctx, a, entries)
			if err != nil {
				return n, err
			}
			if done {
				n++
			}
		}
	}
}
