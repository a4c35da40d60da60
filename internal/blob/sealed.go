package blob

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"fugong/internal/apperror"
)

// KeyWrapper seals and opens the per-object data keys; *pii.Keyring
// implements it. Encrypt uses the current key and records its id in the
// ciphertext; Decrypt opens a ciphertext sealed by any key it holds.
type KeyWrapper interface {
	Encrypt(plaintext, aad []byte) ([]byte, error)
	Decrypt(ciphertext, aad []byte) ([]byte, error)
	CurrentKeyID() string
}

// Sealed is a Store that encrypts every object it writes (envelope
// encryption) and decrypts what it reads, over another Store that only ever
// sees ciphertext. Each object gets its own random AES-256 data key, sealed
// with the keyring's current key (whose id the sealed key carries) and bound
// to the object's key; the content is encrypted in 64 KiB chunks with
// AES-256-GCM in the STREAM construction (a chunk counter and a last-chunk
// flag in each nonce), so reordered, dropped or truncated chunks fail
// authentication and neither Put nor Get ever holds more than one chunk.
//
// The layout is a fixed 128-byte header followed by the chunks:
//
//	magic "FGSEAL\x00\x01" (8) | len(sealed key) (1) | sealed key | zero padding to 128
//	chunk i: AES-GCM(data key, nonce = 0(7) | i (4, big endian) | last (1), plaintext i (≤ 64 KiB)) + tag (16)
//
// The ciphertext size is a function of the plaintext size (SealedSize), so a
// Put streams with a known length and Stat reports the plaintext size without
// reading the object. Sizes, keys and List order are those of the plaintext.
type Sealed struct {
	inner Store
	keys  KeyWrapper
}

const (
	sealedMagic     = "FGSEAL\x00\x01"
	sealedHeaderLen = 128
	sealedChunk     = 64 << 10
	sealedTag       = 16
	dataKeySize     = 32
)

// ErrNotSealed means an object read through a Sealed store is not in the
// sealed format (written by something else, or corrupted).
var ErrNotSealed = errors.New("blob: object is not sealed")

// ErrSealBroken means a sealed object failed authentication: a chunk was
// changed, reordered, dropped or the object was truncated.
var ErrSealBroken = errors.New("blob: sealed object failed authentication")

// NewSealed returns a Sealed store over inner whose data keys are sealed with
// keys.
func NewSealed(inner Store, keys KeyWrapper) *Sealed { return &Sealed{inner: inner, keys: keys} }

// Inner returns the store holding the ciphertext.
func (s *Sealed) Inner() Store { return s.inner }

// SealedSize is the stored size of a plaintext of n bytes.
func SealedSize(n int64) int64 {
	chunks := (n + sealedChunk - 1) / sealedChunk
	if chunks == 0 {
		chunks = 1 // an empty object still has its one (final) chunk and tag
	}
	return sealedHeaderLen + n + chunks*sealedTag
}

// plainSize inverts SealedSize; ok is false for a size no sealed object has.
func plainSize(stored int64) (n int64, chunks int64, ok bool) {
	body := stored - sealedHeaderLen
	if body < sealedTag {
		return 0, 0, false
	}
	chunks = (body + sealedChunk + sealedTag - 1) / (sealedChunk + sealedTag)
	n = body - chunks*sealedTag
	if n < 0 || SealedSize(n) != stored {
		return 0, 0, false
	}
	return n, chunks, true
}

func dataKeyAAD(key string) []byte { return []byte("fugong object data key:" + key) }

// Put implements Store: r's size bytes are encrypted on the fly.
func (s *Sealed) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, err
	}
	if size < 0 {
		return Info{}, apperror.New(apperror.Invalid, "blob: size must be known")
	}
	dk := make([]byte, dataKeySize)
	if _, err := rand.Read(dk); err != nil {
		return Info{}, fmt.Errorf("blob: data key: %w", err)
	}
	hdr, err := s.header(key, dk)
	if err != nil {
		return Info{}, err
	}
	aead := newAEAD(dk)
	enc := &sealReader{src: &sizeReader{r: r, left: size}, aead: aead, left: size, chunks: max(1, (size+sealedChunk-1)/sealedChunk)}
	info, err := s.inner.Put(ctx, key, io.MultiReader(bytes.NewReader(hdr), enc), SealedSize(size), "application/octet-stream")
	if err != nil {
		return Info{}, err
	}
	info.Size = size
	info.ContentType = contentType
	return info, nil
}

// header builds the 128-byte header holding dk sealed with the current key.
func (s *Sealed) header(key string, dk []byte) ([]byte, error) {
	wrapped, err := s.keys.Encrypt(dk, dataKeyAAD(key))
	if err != nil {
		return nil, fmt.Errorf("blob: seal data key: %w", err)
	}
	if len(sealedMagic)+1+len(wrapped) > sealedHeaderLen {
		return nil, fmt.Errorf("blob: sealed data key of %d bytes does not fit the header", len(wrapped))
	}
	hdr := make([]byte, sealedHeaderLen)
	copy(hdr, sealedMagic)
	hdr[len(sealedMagic)] = byte(len(wrapped))
	copy(hdr[len(sealedMagic)+1:], wrapped)
	return hdr, nil
}

// openHeader reads the header from r and returns the data key and the
// sealed data key (which names the keyring key that sealed it).
func (s *Sealed) openHeader(key string, r io.Reader) (dk, wrapped []byte, err error) {
	hdr := make([]byte, sealedHeaderLen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, nil, s.broken(key, ErrNotSealed)
	}
	if string(hdr[:len(sealedMagic)]) != sealedMagic {
		return nil, nil, s.broken(key, ErrNotSealed)
	}
	n := int(hdr[len(sealedMagic)])
	if len(sealedMagic)+1+n > sealedHeaderLen {
		return nil, nil, s.broken(key, ErrNotSealed)
	}
	wrapped = hdr[len(sealedMagic)+1 : len(sealedMagic)+1+n]
	dk, err = s.keys.Decrypt(wrapped, dataKeyAAD(key))
	if err != nil {
		return nil, nil, fmt.Errorf("blob: open data key of %s: %w", key, err)
	}
	if len(dk) != dataKeySize {
		return nil, nil, s.broken(key, ErrSealBroken)
	}
	return dk, wrapped, nil
}

func (s *Sealed) broken(key string, cause error) error {
	return apperror.Wrap(cause, apperror.Internal, "blob: %s", key)
}

// Get implements Store; the reader fails with ErrSealBroken (wrapped) at the
// first chunk that does not authenticate, so a caller copying it to a client
// stops before sending unauthenticated bytes of that chunk.
func (s *Sealed) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	rc, info, err := s.inner.Get(ctx, key)
	if err != nil {
		return nil, Info{}, err
	}
	n, chunks, ok := plainSize(info.Size)
	if !ok {
		rc.Close()
		return nil, Info{}, s.broken(key, ErrNotSealed)
	}
	dk, _, err := s.openHeader(key, rc)
	if err != nil {
		rc.Close()
		return nil, Info{}, err
	}
	info.Size = n
	info.ContentType = ""
	return &openReader{src: rc, aead: newAEAD(dk), chunks: chunks, key: key}, info, nil
}

// Stat implements Store with the plaintext size.
func (s *Sealed) Stat(ctx context.Context, key string) (Info, error) {
	info, err := s.inner.Stat(ctx, key)
	if err != nil {
		return Info{}, err
	}
	n, _, ok := plainSize(info.Size)
	if !ok {
		return Info{}, s.broken(key, ErrNotSealed)
	}
	info.Size = n
	info.ContentType = ""
	return info, nil
}

// Delete implements Store.
func (s *Sealed) Delete(ctx context.Context, key string) error { return s.inner.Delete(ctx, key) }

// List implements Store; an object whose size no sealed object can have is
// listed with size -1.
func (s *Sealed) List(ctx context.Context, prefix string) ([]Info, error) {
	objs, err := s.inner.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	for i := range objs {
		if n, _, ok := plainSize(objs[i].Size); ok {
			objs[i].Size = n
		} else {
			objs[i].Size = -1
		}
	}
	return objs, nil
}

// Ping implements Store.
func (s *Sealed) Ping(ctx context.Context) error { return s.inner.Ping(ctx) }

// KeyID returns the id of the keyring key that sealed key's data key.
func (s *Sealed) KeyID(ctx context.Context, key string) (string, error) {
	rc, _, err := s.inner.Get(ctx, key)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	_, wrapped, err := s.openHeader(key, rc)
	if err != nil {
		return "", err
	}
	return wrappedKeyID(wrapped), nil
}

// wrappedKeyID reads the key id from a pii ciphertext header
// (version | len(id) | id | ...), which openHeader has already authenticated.
func wrappedKeyID(wrapped []byte) string {
	if len(wrapped) < 2 || len(wrapped) < 2+int(wrapped[1]) {
		return ""
	}
	return string(wrapped[2 : 2+int(wrapped[1])])
}

// Rewrap re-seals key's data key with the keyring's current key, leaving the
// encrypted content as it is (it streams the object back unchanged after a
// new header: a rotation re-encrypts 32 bytes per object, not the object).
// It reports whether the object needed it. The Put replaces the object
// atomically, so a failure leaves the old, still readable object.
func (s *Sealed) Rewrap(ctx context.Context, key string) (bool, error) {
	rc, info, err := s.inner.Get(ctx, key)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	dk, wrapped, err := s.openHeader(key, rc)
	if err != nil {
		return false, err
	}
	if wrappedKeyID(wrapped) == s.keys.CurrentKeyID() {
		return false, nil
	}
	hdr, err := s.header(key, dk)
	if err != nil {
		return false, err
	}
	if _, err := s.inner.Put(ctx, key, io.MultiReader(bytes.NewReader(hdr), rc), info.Size, "application/octet-stream"); err != nil {
		return false, err
	}
	return true, nil
}

func newAEAD(dk []byte) cipher.AEAD {
	block, _ := aes.NewCipher(dk) // 32 bytes: cannot fail
	aead, _ := cipher.NewGCM(block)
	return aead
}

func chunkNonce(i int64, last bool) []byte {
	nonce := make([]byte, 12)
	binary.BigEndian.PutUint32(nonce[7:11], uint32(i))
	if last {
		nonce[11] = 1
	}
	return nonce
}

// sealReader encrypts src chunk by chunk.
type sealReader struct {
	src    io.Reader
	aead   cipher.AEAD
	left   int64 // plaintext bytes still to read
	chunks int64
	next   int64 // index of the next chunk to seal
	buf    []byte
	out    []byte // sealed bytes not yet returned
}

func (e *sealReader) Read(p []byte) (int, error) {
	for len(e.out) == 0 {
		if e.next == e.chunks {
			// Let src report extra bytes (sizeReader fails on them).
			var one [1]byte
			if n, err := e.src.Read(one[:]); n > 0 || (err != nil && err != io.EOF) {
				if err == nil {
					err = ErrSizeMismatch
				}
				return 0, err
			}
			return 0, io.EOF
		}
		if e.buf == nil {
			e.buf = make([]byte, sealedChunk, sealedChunk+sealedTag)
		}
		n := int64(sealedChunk)
		if e.left < n {
			n = e.left
		}
		if _, err := io.ReadFull(e.src, e.buf[:n]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		e.left -= n
		last := e.next == e.chunks-1
		e.out = e.aead.Seal(e.buf[:0], chunkNonce(e.next, last), e.buf[:n], nil)
		e.next++
	}
	n := copy(p, e.out)
	e.out = e.out[n:]
	return n, nil
}

// openReader decrypts and authenticates chunk by chunk.
type openReader struct {
	src    io.ReadCloser
	aead   cipher.AEAD
	chunks int64
	next   int64
	buf    []byte
	out    []byte
	err    error
	key    string
}

func (d *openReader) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.next == d.chunks {
			return 0, io.EOF
		}
		if d.buf == nil {
			d.buf = make([]byte, sealedChunk+sealedTag)
		}
		n, err := io.ReadFull(d.src, d.buf)
		last := d.next == d.chunks-1
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			if !last {
				d.err = apperror.Wrap(ErrSealBroken, apperror.Internal, "blob: %s truncated", d.key)
				return 0, d.err
			}
		} else if err != nil {
			d.err = err
			return 0, err
		}
		pt, oerr := d.aead.Open(d.buf[:0], chunkNonce(d.next, last), d.buf[:n], nil)
		if oerr != nil {
			d.err = apperror.Wrap(ErrSealBroken, apperror.Internal, "blob: %s chunk %d", d.key, d.next)
			return 0, d.err
		}
		d.out = pt
		d.next++
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

func (d *openReader) Close() error { return d.src.Close() }
