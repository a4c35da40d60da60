package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"fugong/internal/apperror"
	"fugong/internal/blob"
	"fugong/internal/blob/blobtest"
)

// TestContract runs the same expectations against every backend.
func TestContract(t *testing.T) {
	t.Parallel()
	blobtest.Each(t, func(t *testing.T, s blob.Store) {
		ctx := context.Background()
		data := make([]byte, 3<<20+17)
		rand.Read(data)

		t.Run("put get stat", func(t *testing.T) {
			info, err := s.Put(ctx, "sha256/ab/abcdef", bytes.NewReader(data), int64(len(data)), "application/pdf")
			if err != nil {
				t.Fatal(err)
			}
			if info.Size != int64(len(data)) || info.Key != "sha256/ab/abcdef" {
				t.Fatalf("info %+v", info)
			}
			rc, got, err := s.Get(ctx, "sha256/ab/abcdef")
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil || !bytes.Equal(b, data) || got.Size != int64(len(data)) {
				t.Fatalf("read back %d bytes (err %v), want %d identical", len(b), err, len(data))
			}
			st, err := s.Stat(ctx, "sha256/ab/abcdef")
			if err != nil || st.Size != int64(len(data)) {
				t.Fatalf("stat %+v %v", st, err)
			}
		})

		t.Run("overwrite replaces", func(t *testing.T) {
			if _, err := s.Put(ctx, "k/over", strings.NewReader("first"), 5, "text/plain"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Put(ctx, "k/over", strings.NewReader("second!"), 7, "text/plain"); err != nil {
				t.Fatal(err)
			}
			rc, _, err := s.Get(ctx, "k/over")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if string(b) != "second!" {
				t.Fatalf("got %q", b)
			}
		})

		t.Run("missing is not found", func(t *testing.T) {
			_, err := s.Stat(ctx, "nope/x")
			if !blob.IsNotFound(err) || apperror.CodeOf(err) != apperror.NotFound {
				t.Fatalf("stat missing: %v", err)
			}
			if _, _, err := s.Get(ctx, "nope/x"); !blob.IsNotFound(err) {
				t.Fatalf("get missing: %v", err)
			}
			if err := s.Delete(ctx, "nope/x"); err != nil {
				t.Fatalf("delete missing: %v", err)
			}
		})

		t.Run("short stream leaves nothing", func(t *testing.T) {
			_, err := s.Put(ctx, "k/short", bytes.NewReader(data[:100]), 200, "")
			if err == nil {
				t.Fatal("short stream accepted")
			}
			if _, err := s.Stat(ctx, "k/short"); !blob.IsNotFound(err) {
				t.Fatalf("half object visible after failed put: %v", err)
			}
		})

		t.Run("long stream leaves nothing", func(t *testing.T) {
			_, err := s.Put(ctx, "k/long", bytes.NewReader(data[:300]), 200, "")
			if !errors.Is(err, blob.ErrSizeMismatch) {
				t.Fatalf("long stream: got %v, want size mismatch", err)
			}
			if _, err := s.Stat(ctx, "k/long"); !blob.IsNotFound(err) {
				t.Fatalf("object visible after failed put: %v", err)
			}
		})

		t.Run("reader error leaves nothing", func(t *testing.T) {
			r := io.MultiReader(bytes.NewReader(data[:1000]), iotest.ErrReader(errors.New("client went away")))
			if _, err := s.Put(ctx, "k/broken", r, 5000, ""); err == nil {
				t.Fatal("broken stream accepted")
			}
			if _, err := s.Stat(ctx, "k/broken"); !blob.IsNotFound(err) {
				t.Fatalf("object visible after failed put: %v", err)
			}
		})

		t.Run("cancelled context leaves nothing", func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := s.Put(cctx, "k/cancel", bytes.NewReader(data), int64(len(data)), ""); err == nil {
				t.Fatal("put with cancelled context succeeded")
			}
			if _, err := s.Stat(ctx, "k/cancel"); !blob.IsNotFound(err) {
				t.Fatalf("object visible after cancelled put: %v", err)
			}
		})

		t.Run("empty object", func(t *testing.T) {
			if _, err := s.Put(ctx, "k/empty", bytes.NewReader(nil), 0, ""); err != nil {
				t.Fatal(err)
			}
			st, err := s.Stat(ctx, "k/empty")
			if err != nil || st.Size != 0 {
				t.Fatalf("%+v %v", st, err)
			}
		})

		t.Run("list by prefix and delete", func(t *testing.T) {
			for _, k := range []string{"list/a/1", "list/a/2", "list/b/1"} {
				if _, err := s.Put(ctx, k, strings.NewReader(k), int64(len(k)), ""); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.List(ctx, "list/a/")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Key != "list/a/1" || got[1].Key != "list/a/2" || got[0].Size != 8 {
				t.Fatalf("list: %+v", got)
			}
			if err := s.Delete(ctx, "list/a/1"); err != nil {
				t.Fatal(err)
			}
			got, _ = s.List(ctx, "list/")
			if len(got) != 2 {
				t.Fatalf("after delete: %+v", got)
			}
		})

		t.Run("keys that escape are refused", func(t *testing.T) {
			for _, k := range []string{"../etc/passwd", "/abs", "a/../../b", "a//b", "", `a\b`, "a/./b", ".hidden", "a/b/"} {
				if _, err := s.Put(ctx, k, strings.NewReader("x"), 1, ""); apperror.CodeOf(err) != apperror.Invalid {
					t.Errorf("key %q: got %v, want invalid", k, err)
				}
			}
		})

		t.Run("ping", func(t *testing.T) {
			if err := s.Ping(ctx); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func TestMinIODownIsUnavailable(t *testing.T) {
	t.Parallel()
	cfg := blobtest.MinIOConfig(t)
	cfg.Endpoint = "127.0.0.1:1" // nothing listens on port 1
	s, err := blob.NewMinIO(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Ping(ctx); apperror.CodeOf(err) != apperror.Unavailable {
		t.Fatalf("ping: got %v, want unavailable", err)
	}
	if _, err := s.Put(ctx, "k", strings.NewReader("x"), 1, ""); apperror.CodeOf(err) != apperror.Unavailable {
		t.Fatalf("put: got %v, want unavailable", err)
	}
}

func TestValidKey(t *testing.T) {
	t.Parallel()
	for k, want := range map[string]bool{
		"sha256/ab/cd": true, "a": true, "a-b_c.d": true,
		"..": false, "a/..": false, "../a": false, "/a": false, "a b": false, "键": false,
	} {
		if got := blob.ValidKey(k); got != want {
			t.Errorf("ValidKey(%q) = %v, want %v", k, got, want)
		}
	}
}
