// Package blob owns object storage: one small interface over two backends, a
// local directory (the embedded default, uploads/) and MinIO. Keys are chosen
// by the server, never by users; both backends refuse keys that could escape
// their root.
package blob

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"time"

	"fugong/internal/apperror"
)

// Info describes a stored object.
type Info struct {
	Key          string
	Size         int64
	ContentType  string
	LastModified time.Time
}

// Store is an object store. Implementations are safe for concurrent use.
type Store interface {
	// Put stores exactly size bytes read from r under key, atomically: on any
	// error (including r yielding fewer or more than size bytes) no object
	// appears under key. Overwriting an existing key replaces it.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error)
	// Get opens the object; the caller closes it. A missing key is ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the object; a missing key is ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List returns every object whose key starts with prefix, in key order.
	List(ctx context.Context, prefix string) ([]Info, error)
	// Ping checks that the store answers (and, for MinIO, that the bucket
	// exists, creating it if missing); its error is apperror.Unavailable.
	Ping(ctx context.Context) error
}

// ErrNotFound is returned (wrapped in an apperror.NotFound) for missing keys.
var ErrNotFound = errors.New("blob: object not found")

func notFound(key string) error {
	return &apperror.Error{Code: apperror.NotFound, Text: msgObjectNotFound.With(), Err: ErrNotFound}
}

// IsNotFound reports whether err means the object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// keyPattern allows the keys fugong generates: lower-case path segments of
// letters, digits, dot, dash and underscore.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$`)

// ValidKey reports whether key is acceptable to every backend: relative, no
// empty, "." or ".." segment, no backslash, at most 512 bytes.
func ValidKey(key string) bool {
	if len(key) == 0 || len(key) > 512 || !keyPattern.MatchString(key) {
		return false
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

func checkKey(key string) error {
	if !ValidKey(key) {
		return apperror.New(apperror.Invalid, "invalid object key %q", key)
	}
	return nil
}

// sizeReader yields exactly n bytes of r and fails if r has fewer or more, so
// a short or over-long stream never completes a Put.
type sizeReader struct {
	r    io.Reader
	left int64
}

// ErrSizeMismatch means the stream did not match the declared size.
var ErrSizeMismatch = errors.New("blob: stream length does not match declared size")

func (s *sizeReader) Read(p []byte) (int, error) {
	if s.left == 0 {
		// Probe for extra bytes: a longer stream is an error, not a truncation.
		var one [1]byte
		for {
			n, err := s.r.Read(one[:])
			if n > 0 {
				return 0, ErrSizeMismatch
			}
			if err != nil {
				return 0, err // io.EOF: exactly size bytes
			}
		}
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	if err == io.EOF {
		if s.left > 0 {
			return n, io.ErrUnexpectedEOF
		}
		err = nil
	}
	return n, err
}
