package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
	"fugong/internal/pii"
)

func mustKeyring(t testing.TB, spec string) *pii.Keyring {
	t.Helper()
	k, err := pii.ParseKeyring(spec)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSealed checks, on the local store and MinIO, that a sealed object reads
// back identical, is stored as ciphertext of the computed size, and that
// changed, truncated or moved ciphertext fails instead of yielding bytes.
func TestSealed(t *testing.T) {
	blobtest.Each(t, func(t *testing.T, inner blob.Store) {
		ctx := context.Background()
		keys := mustKeyring(t, pii.GenerateKey())
		s := blob.NewSealed(inner, keys)
		marker := []byte("510104199001011234,13812345678;")
		for _, n := range []int{0, 1, 65535, 65536, 65537, 3<<20 + 17} {
			data := make([]byte, n)
			rng := rand.NewChaCha8([32]byte{byte(n)})
			rng.Read(data)
			for i := 0; i+len(marker) <= n; i += 4096 {
				copy(data[i:], marker)
			}
			key := "obj/t/" + string(rune('a'+n%26)) + "x"
			info, err := s.Put(ctx, key, iotest.HalfReader(bytes.NewReader(data)), int64(n), "text/csv")
			if err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			if info.Size != int64(n) {
				t.Fatalf("n=%d: put size %d", n, info.Size)
			}
			raw, rinfo, err := inner.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := io.ReadAll(raw)
			raw.Close()
			if rinfo.Size != blob.SealedSize(int64(n)) || int64(len(stored)) != rinfo.Size {
				t.Fatalf("n=%d: stored %d bytes, want %d", n, len(stored), blob.SealedSize(int64(n)))
			}
			if n >= len(marker) && bytes.Contains(stored, marker[:18]) {
				t.Fatalf("n=%d: the ID number is in clear in the stored object", n)
			}
			rc, got, err := s.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(b, data) || got.Size != int64(n) {
				t.Fatalf("n=%d: read back %d bytes (%v), size %d", n, len(b), err, got.Size)
			}
			if st, err := s.Stat(ctx, key); err != nil || st.Size != int64(n) {
				t.Fatalf("n=%d: stat %+v %v", n, st, err)
			}
			if n < 65537 {
				continue
			}
			// Tamper: flip a byte in the second chunk; drop the last chunk.
			evil := bytes.Clone(stored)
			evil[128+65536+16+5] ^= 1
			putRaw(t, inner, key, evil)
			if _, err := readAll(s, key); !errors.Is(err, blob.ErrSealBroken) {
				t.Fatalf("flipped byte: %v", err)
			}
			putRaw(t, inner, key, stored[:128+65536+16])
			if _, err := readAll(s, key); err == nil {
				t.Fatal("truncated object read without error")
			}
			// Moved to another key: the data key is bound to the object key.
			putRaw(t, inner, "obj/t/moved", stored)
			if _, err := readAll(s, "obj/t/moved"); err == nil {
				t.Fatal("an object moved to another key opened")
			}
		}
		// Size mismatch: no object appears.
		if _, err := s.Put(ctx, "obj/t/short", bytes.NewReader(make([]byte, 10)), 11, ""); err == nil {
			t.Fatal("short stream accepted")
		}
		if _, err := s.Put(ctx, "obj/t/long", bytes.NewReader(make([]byte, 12)), 11, ""); err == nil {
			t.Fatal("long stream accepted")
		}
		for _, k := range []string{"obj/t/short", "obj/t/long"} {
			if _, err := inner.Stat(ctx, k); !blob.IsNotFound(err) {
				t.Fatalf("%s exists after a failed put: %v", k, err)
			}
		}
		// A plaintext object is refused, not served.
		putRaw(t, inner, "obj/t/plain", []byte("510104199001011234"))
		if _, err := readAll(s, "obj/t/plain"); !errors.Is(err, blob.ErrNotSealed) {
			t.Fatalf("plaintext object: %v", err)
		}
	})
}

// TestSealedRewrap rotates the keyring: Rewrap re-seals the data key with
// the new current key, the old key can then be dropped, and the content is
// unchanged.
func TestSealedRewrap(t *testing.T) {
	blobtest.Each(t, func(t *testing.T, inner blob.Store) {
		ctx := context.Background()
		oldKey := "old:" + pii.GenerateKey()
		s1 := blob.NewSealed(inner, mustKeyring(t, oldKey))
		data := bytes.Repeat([]byte("13812345678,"), 20000)
		if _, err := s1.Put(ctx, "obj/r/1", bytes.NewReader(data), int64(len(data)), ""); err != nil {
			t.Fatal(err)
		}
		rotated := blob.NewSealed(inner, mustKeyring(t, "new:"+pii.GenerateKey()+","+oldKey))
		if id, err := rotated.KeyID(ctx, "obj/r/1"); err != nil || id != "old" {
			t.Fatalf("key id before: %q %v", id, err)
		}
		changed, err := rotated.Rewrap(ctx, "obj/r/1")
		if err != nil || !changed {
			t.Fatalf("rewrap: %v %v", changed, err)
		}
		if changed, err := rotated.Rewrap(ctx, "obj/r/1"); err != nil || changed {
			t.Fatalf("second rewrap: %v %v", changed, err)
		}
		if id, err := rotated.KeyID(ctx, "obj/r/1"); err != nil || id != "new" {
			t.Fatalf("key id after: %q %v", id, err)
		}
		// Only the old key: no longer readable.
		if _, err := readAll(s1, "obj/r/1"); err == nil {
			t.Fatal("old key still opens the rewrapped object")
		}
		b, err := readAll(rotated, "obj/r/1")
		if err != nil || !bytes.Equal(b, data) {
			t.Fatalf("after rewrap: %d bytes, %v", len(b), err)
		}
	})
}

func putRaw(t *testing.T, s blob.Store, key string, b []byte) {
	t.Helper()
	if _, err := s.Put(context.Background(), key, bytes.NewReader(b), int64(len(b)), ""); err != nil {
		t.Fatal(err)
	}
}

func readAll(s blob.Store, key string) ([]byte, error) {
	rc, _, err := s.Get(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
