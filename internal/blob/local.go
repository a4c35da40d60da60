package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fugong/internal/apperror"
)

// Local stores objects as files under a root directory. A Put writes a temp
// file, fsyncs it, renames it into place and fsyncs the directory, so a crash
// leaves either the whole old object or the whole new one, never half.
type Local struct {
	root string
}

const tmpDir = ".tmp" // never a valid key segment start, so List never shows it

// NewLocal returns a Local store rooted at root, creating it (0700) if needed.
func NewLocal(root string) (*Local, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("blob: local root: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, tmpDir), 0o700); err != nil {
		return nil, fmt.Errorf("blob: local root: %w", err)
	}
	return &Local{root: abs}, nil
}

func (l *Local) path(key string) string {
	return filepath.Join(l.root, filepath.FromSlash(key))
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, err
	}
	if size < 0 {
		return Info{}, apperror.New(apperror.Invalid, "blob: size must be known")
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(l.root, tmpDir, hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return Info{}, l.unavailable(err)
	}
	cleanup := func() { f.Close(); os.Remove(tmp) }
	if _, err := io.Copy(f, &ctxReader{ctx: ctx, r: &sizeReader{r: r, left: size}}); err != nil {
		cleanup()
		return Info{}, fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := f.Sync(); err != nil {
		cleanup()
		return Info{}, l.unavailable(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return Info{}, l.unavailable(err)
	}
	dst := l.path(key)
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		os.Remove(tmp)
		return Info{}, l.unavailable(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return Info{}, l.unavailable(err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return l.Stat(ctx, key)
}

// Get implements Store.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := checkKey(key); err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(l.path(key))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, Info{}, notFound(key)
		}
		return nil, Info{}, l.unavailable(err)
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, Info{}, notFound(key)
	}
	return f, Info{Key: key, Size: st.Size(), LastModified: st.ModTime().UTC()}, nil
}

// Stat implements Store.
func (l *Local) Stat(ctx context.Context, key string) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, err
	}
	st, err := os.Stat(l.path(key))
	if err != nil || st.IsDir() {
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			return Info{}, notFound(key)
		}
		return Info{}, l.unavailable(err)
	}
	return Info{Key: key, Size: st.Size(), LastModified: st.ModTime().UTC()}, nil
}

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := os.Remove(l.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return l.unavailable(err)
	}
	return nil
}

// List implements Store.
func (l *Local) List(ctx context.Context, prefix string) ([]Info, error) {
	var out []Info
	err := filepath.WalkDir(l.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(l.root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == tmpDir {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(rel, prefix) || !ValidKey(rel) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed while walking
		}
		out = append(out, Info{Key: rel, Size: info.Size(), LastModified: info.ModTime().UTC()})
		return nil
	})
	if err != nil {
		return nil, l.unavailable(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Ping implements Store: the root must exist and be writable.
func (l *Local) Ping(ctx context.Context) error {
	f, err := os.CreateTemp(filepath.Join(l.root, tmpDir), "ping-*")
	if err != nil {
		return l.unavailable(err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

func (l *Local) unavailable(err error) error {
	return apperror.Wrap(err, apperror.Unavailable, "object store unavailable")
}

// ctxReader stops a copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
