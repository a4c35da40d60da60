// Package spool keeps an upload on local disk for the length of a request
// without writing it in clear: parsers of XLSX and DOCX need random access,
// so an upload cannot be parsed as it streams, but a roster on the disk of
// a replica is personal data at rest. Each spooled file is encrypted with a
// key of its own, drawn from crypto/rand and held only in memory, in chunks
// of 64 KiB sealed with AES-256-GCM (the chunk's index is its nonce, which a
// fresh key per file makes safe), so a read at any offset decrypts one or
// two chunks and nothing is held whole in memory. The file is unlinked as
// soon as it is created where the system allows it (Linux does), so a crash
// leaves no name behind, and its content was never readable without the key.
package spool

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// ChunkSize is the plaintext size of one sealed chunk.
const ChunkSize = 64 << 10

// ErrTooLarge is returned by Write once more than the Writer's limit has
// been written.
var ErrTooLarge = errors.New("spool: file exceeds its size limit")

// Writer encrypts what is written to it into a spool file. It is not safe
// for concurrent use.
type Writer struct {
	f     *os.File
	aead  cipher.AEAD
	buf   []byte // the plaintext of the chunk being filled
	out   []byte // sealed chunk scratch
	chunk uint64 // index of the chunk being filled
	size  int64
	max   int64
	name  string
	err   error
}

// Create starts a spool file in dir ("" for the system temp directory) that
// accepts at most max bytes. Its errors are the file system's or
// crypto/rand's.
func Create(dir string, max int64) (*Writer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("spool: key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "fugong-spool-*")
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	w := &Writer{f: f, aead: aead, buf: make([]byte, 0, ChunkSize), max: max, name: f.Name()}
	// Unlinked at once where the system allows it: the open descriptor
	// keeps the data until Close, and a crash leaves nothing named.
	if os.Remove(f.Name()) == nil {
		w.name = ""
	}
	return w, nil
}

// Write encrypts p into the spool. Past the limit it fails with ErrTooLarge.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.size+int64(len(p)) > w.max {
		w.err = ErrTooLarge
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		k := min(len(p), ChunkSize-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p, n = p[k:], n+k
		w.size += int64(k)
		if len(w.buf) == ChunkSize {
			if err := w.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	w.out = w.aead.Seal(w.out[:0], nonce(w.chunk), w.buf, nil)
	if _, err := w.f.WriteAt(w.out, int64(w.chunk)*sealedChunk); err != nil {
		w.err = fmt.Errorf("spool: write: %w", err)
		return w.err
	}
	clear(w.buf)
	w.buf = w.buf[:0]
	w.chunk++
	return nil
}

// Finish seals the last chunk and returns the spooled file for reading. On
// error (a failed write, or ErrTooLarge) the spool is removed.
func (w *Writer) Finish() (*File, error) {
	if w.err == nil {
		w.flush()
	}
	if w.err != nil {
		w.Abort()
		return nil, w.err
	}
	return &File{f: w.f, aead: w.aead, size: w.size, name: w.name}, nil
}

// Abort removes the spool without finishing it.
func (w *Writer) Abort() {
	w.f.Close()
	if w.name != "" {
		os.Remove(w.name)
	}
}

// sealedChunk is the size of one chunk on disk: plaintext plus GCM's tag.
const sealedChunk = ChunkSize + 16

func nonce(i uint64) []byte {
	var n [12]byte
	binary.BigEndian.PutUint64(n[4:], i)
	return n[:]
}

// File is a finished spool: an io.ReaderAt over the plaintext. ReadAt is
// safe for concurrent use. Close removes it.
type File struct {
	f    *os.File
	aead cipher.AEAD
	size int64
	name string

	mu     sync.Mutex
	cached int64 // index of the chunk in plain, -1 for none
	plain  []byte
	sealed []byte
}

// Size is the plaintext size.
func (s *File) Size() int64 { return s.size }

// Reader returns a reader (and seeker) over the whole plaintext.
func (s *File) Reader() *io.SectionReader { return io.NewSectionReader(s, 0, s.size) }

// ReadAt implements io.ReaderAt. A chunk that fails authentication (the
// spool was changed on disk) is an error, never silently wrong bytes.
func (s *File) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("spool: negative offset")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for len(p) > 0 {
		if off >= s.size {
			return n, io.EOF
		}
		i := off / ChunkSize
		if err := s.load(i); err != nil {
			return n, err
		}
		k := copy(p, s.plain[off-i*ChunkSize:])
		p, n, off = p[k:], n+k, off+int64(k)
	}
	return n, nil
}

// load decrypts chunk i into s.plain unless it is there already.
func (s *File) load(i int64) error {
	if s.plain != nil && s.cached == i {
		return nil
	}
	plainLen := min(ChunkSize, s.size-i*ChunkSize)
	if cap(s.sealed) < sealedChunk {
		s.sealed = make([]byte, sealedChunk)
	}
	buf := s.sealed[:plainLen+16]
	if _, err := s.f.ReadAt(buf, i*sealedChunk); err != nil && !(errors.Is(err, io.EOF) && plainLen < ChunkSize) {
		return fmt.Errorf("spool: read: %w", err)
	}
	plain, err := s.aead.Open(s.plain[:0], nonce(uint64(i)), buf, nil)
	if err != nil {
		s.plain = nil
		return fmt.Errorf("spool: chunk %d: %w", i, err)
	}
	s.plain, s.cached = plain, i
	return nil
}

// Close removes the spool. It is safe to call more than once.
func (s *File) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.plain)
	s.plain = nil
	err := s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
		s.name = ""
	}
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}
