package filing

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"fugong/internal/blob"
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

// contentAddress reads r once and returns the plaintext's sha256 (kept in
// the row, and binding the encrypted roster rows to their file) and the
// object key from the keyed hash.
func (s *Service) contentAddress(r io.Reader) (sha, key string, err error) {
	h, m := sha256.New(), s.keys.ContentHash()
	if _, err := io.Copy(io.MultiWriter(h, m), r); err != nil {
		return "", "", fmt.Errorf("filing: hash upload: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), SealedObjectKey(hex.EncodeToString(m.Sum(nil))), nil
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
	_, key, err := s.contentAddress(rc)
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
	if err := s.db.RepointObject(ctx, o.Key, key); err != nil {
		return err
	}
	return s.raw.Delete(ctx, o.Key)
}
