package spool

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestSpoolRoundTrip: whatever the size, what is read back at any offset is
// what was written, and the disk holds none of it in clear.
func TestSpoolRoundTrip(t *testing.T) {
	marker := []byte("510104199001011234 13812345678 ")
	for _, size := range []int{0, 1, len(marker), ChunkSize - 1, ChunkSize, ChunkSize + 1, 3*ChunkSize + 5} {
		dir := t.TempDir()
		plain := bytes.Repeat(marker, size/len(marker)+1)[:size]
		w, err := Create(dir, int64(size))
		if err != nil {
			t.Fatal(err)
		}
		// Odd write sizes cross chunk boundaries.
		for p := plain; len(p) > 0; {
			k := min(len(p), 1000+rand.IntN(70000))
			if _, err := w.Write(p[:k]); err != nil {
				t.Fatal(err)
			}
			p = p[k:]
		}
		// Before Finish and after, nothing in the directory holds the data
		// in clear (on Linux the file has no name at all).
		assertNoClear(t, dir, marker, w.f)
		f, err := w.Finish()
		if err != nil {
			t.Fatal(err)
		}
		assertNoClear(t, dir, marker, f.f)
		if f.Size() != int64(size) {
			t.Fatalf("size %d, want %d", f.Size(), size)
		}
		got, err := io.ReadAll(f.Reader())
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("size %d: read back %d bytes (%v), want the %d written", size, len(got), err, size)
		}
		for range 50 {
			if size == 0 {
				break
			}
			off := rand.IntN(size)
			n := rand.IntN(size-off) + 1
			buf := make([]byte, n)
			if _, err := f.ReadAt(buf, int64(off)); err != nil && !(errors.Is(err, io.EOF) && off+n == size) {
				t.Fatalf("ReadAt(%d, %d): %v", off, n, err)
			}
			if !bytes.Equal(buf, plain[off:off+n]) {
				t.Fatalf("ReadAt(%d, %d) differs", off, n)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("%d files left after Close", len(ents))
		}
	}
}

// assertNoClear fails when any file in dir, or the spool's own content,
// holds marker.
func assertNoClear(t *testing.T, dir string, marker []byte, f *os.File) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if bytes.Contains(b, marker[:18]) {
			t.Fatalf("%s holds the ID number in clear", e.Name())
		}
	}
	st, _ := f.Stat()
	raw := make([]byte, st.Size())
	f.ReadAt(raw, 0)
	if bytes.Contains(raw, marker[:18]) || bytes.Contains(raw, marker[19:30]) {
		t.Fatal("the spool file holds personal data in clear")
	}
}

// TestSpoolLimitAndTampering: a write past the limit fails with ErrTooLarge
// and leaves nothing; a chunk changed on disk fails to read.
func TestSpoolLimitAndTampering(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, 11)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
	if _, err := w.Finish(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Finish: %v, want ErrTooLarge", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("%d files left after a refused spool", len(ents))
	}

	w, _ = Create(dir, 1<<20)
	w.Write(bytes.Repeat([]byte("x"), 2*ChunkSize))
	f, err := w.Finish()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.f.WriteAt([]byte{0xff}, sealedChunk+10) // inside the second chunk
	if _, err := f.ReadAt(make([]byte, 10), 0); err != nil {
		t.Fatalf("first chunk: %v", err)
	}
	if _, err := f.ReadAt(make([]byte, 10), ChunkSize+5); err == nil {
		t.Fatal("a tampered chunk was read without error")
	}
}
