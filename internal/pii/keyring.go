// Package pii owns personal data at rest: encryption of ID numbers and other
// personal fields with rotating keys (AES-256-GCM), a blind index so equality
// lookups work without decrypting, masking for display, and a Secret type
// that never prints its value into logs or JSON by accident.
package pii

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"fugong/internal/apperror"

	"golang.org/x/crypto/hkdf"
)

// KeySize is the length in bytes of every data key (AES-256).
const KeySize = 32

// BareKeyID is the key id given to a key written without an id (the
// FUGONG_DATA_KEY form that is just base64). Writing "KEY" today and
// "NEW:KEY2,0:KEY" after a rotation keeps old ciphertexts readable.
const BareKeyID = "0"

// IndexKeyID is the reserved id of an optional entry used only to derive the
// blind-index key ("index:BASE64"). It never encrypts anything.
const IndexKeyID = "index"

// formatVersion is the first byte of every ciphertext; a new layout gets a
// new number so old data stays readable.
const formatVersion = 1

const nonceSize = 12

// blindIndexInfo is the HKDF info string: it separates the HMAC key from the
// AES key derived from the same secret, and versions the index.
const blindIndexInfo = "fugong blind index v1"

// The sentinel causes wrapped by Decrypt's errors; test with errors.Is.
var (
	// ErrUnknownKey means the ciphertext names a key id the keyring lacks
	// (a key was removed from FUGONG_DATA_KEY too early, or renamed).
	ErrUnknownKey = errors.New("pii: unknown key id")
	// ErrTampered means authentication failed: the ciphertext, its header or
	// its associated data changed, or the key under that id is not the one
	// that encrypted it.
	ErrTampered = errors.New("pii: ciphertext failed authentication")
	// ErrMalformed means the bytes are not a ciphertext of this package.
	ErrMalformed = errors.New("pii: malformed ciphertext")
)

// Keyring holds the data keys. The first key encrypts; every key decrypts
// data that names its id. A Keyring is immutable and safe for concurrent use.
type Keyring struct {
	current  string
	aeads    map[string]cipher.AEAD
	ids      []string // in configuration order, current first
	indexKey []byte
	audit    map[int][]byte // material of the "audit-N" entries (auditkeys.go), by N
}

// ParseKeyring parses FUGONG_DATA_KEY: either one standard-base64 32-byte key
// (its id is BareKeyID) or a comma-separated list "id1:BASE64,id2:BASE64"
// where id1 is the current key and later entries are older keys kept for
// decryption. Rotation = prepend a new entry, keep the rest.
//
// The blind-index key is derived (HKDF-SHA256) from the entry with id
// IndexKeyID if present, otherwise from the LAST entry, i.e. the first-ever
// key: rotating encryption keys therefore leaves every blind index valid as
// long as the oldest key stays at the end of the list (or an explicit
// "index:" entry is kept). Changing the index key means recomputing every
// stored index from the decrypted values.
//
// It returns an *apperror.Error (code Invalid) naming the bad entry, never
// echoing key material.
func ParseKeyring(s string) (*Keyring, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, apperror.Msg(apperror.Invalid, msgDataKeyEmpty)
	}
	k := &Keyring{aeads: make(map[string]cipher.AEAD)}
	var indexMaterial []byte
	entries := strings.Split(s, ",")
	for i, e := range entries {
		e = strings.TrimSpace(e)
		id, b64 := BareKeyID, e
		if j := strings.IndexByte(e, ':'); j >= 0 {
			id, b64 = strings.TrimSpace(e[:j]), strings.TrimSpace(e[j+1:])
		} else if len(entries) > 1 {
			return nil, apperror.Msg(apperror.Invalid, msgDataKeyEntryHasNo, i+1)
		}
		if !validKeyID(id) {
			return nil, apperror.Msg(apperror.Invalid, msgDataKeyEntryHasInvalid, i+1)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != KeySize {
			return nil, apperror.Msg(apperror.Invalid, msgDataKeyNotBaseBytes, id)
		}
		if gen, ok := auditKeyGen(id); ok {
			if k.audit == nil {
				k.audit = map[int][]byte{}
			}
			if _, dup := k.audit[gen]; dup {
				return nil, apperror.Msg(apperror.Invalid, msgDuplicateDataKeyId, id)
			}
			k.audit[gen] = raw
			continue
		}
		if id == IndexKeyID {
			if indexMaterial != nil {
				return nil, apperror.Msg(apperror.Invalid, msgDuplicateDataKeyId, id)
			}
			indexMaterial = raw
			continue
		}
		if _, dup := k.aeads[id]; dup {
			return nil, apperror.Msg(apperror.Invalid, msgDuplicateDataKeyId, id)
		}
		block, _ := aes.NewCipher(raw) // 32 bytes: cannot fail
		aead, _ := cipher.NewGCM(block)
		k.aeads[id] = aead
		k.ids = append(k.ids, id)
	}
	if len(k.ids) == 0 {
		return nil, apperror.Msg(apperror.Invalid, msgDataKeyListHasNo)
	}
	k.current = k.ids[0]
	if indexMaterial == nil {
		// The last entry is the oldest: see the doc comment. Audit key
		// entries (auditkeys.go) are not data keys and do not count.
		last := entries[len(entries)-1]
		for i := len(entries) - 1; i >= 0; i-- {
			if j := strings.IndexByte(entries[i], ':'); j < 0 || !isAuditKeyID(strings.TrimSpace(entries[i][:j])) {
				last = entries[i]
				break
			}
		}
		if j := strings.IndexByte(last, ':'); j >= 0 {
			last = last[j+1:]
		}
		indexMaterial, _ = base64.StdEncoding.DecodeString(strings.TrimSpace(last))
	}
	k.indexKey = make([]byte, KeySize)
	if _, err := io.ReadFull(hkdf.New(sha256.New, indexMaterial, nil, []byte(blindIndexInfo)), k.indexKey); err != nil {
		return nil, apperror.WrapMsg(err, apperror.Internal, msgCannotDeriveIndexKey)
	}
	return k, nil
}

func validKeyID(id string) bool {
	if len(id) == 0 || len(id) > 32 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// CurrentKeyID returns the id of the key that Encrypt uses.
func (k *Keyring) CurrentKeyID() string { return k.current }

// KeyIDs returns the ids of all encryption keys, current first.
func (k *Keyring) KeyIDs() []string { return append([]string(nil), k.ids...) }

// Encrypt seals plaintext with the current key (AES-256-GCM, random 96-bit
// nonce). aad is authenticated but not stored: pass the same aad to Decrypt
// (for example the row's table and id, so a ciphertext cannot be moved to
// another row). The output is
//
//	version(1) | len(keyID)(1) | keyID | nonce(12) | ciphertext+tag(16)
//
// and the header is authenticated too. It returns an error only if the
// system random source fails.
func (k *Keyring) Encrypt(plaintext, aad []byte) ([]byte, error) {
	aead := k.aeads[k.current]
	hl := 2 + len(k.current)
	out := make([]byte, hl+nonceSize, hl+nonceSize+len(plaintext)+aead.Overhead())
	out[0] = formatVersion
	out[1] = byte(len(k.current))
	copy(out[2:], k.current)
	nonce := out[hl : hl+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, apperror.WrapMsg(err, apperror.Internal, msgRandomSourceFailed)
	}
	return aead.Seal(out, nonce, plaintext, additionalData(out[:hl], aad)), nil
}

// Decrypt opens a ciphertext made by Encrypt with any key of the keyring,
// chosen by the id in its header. Errors are *apperror.Error with code
// Internal (stored data is the server's responsibility) wrapping
// ErrMalformed, ErrUnknownKey or ErrTampered.
func (k *Keyring) Decrypt(ciphertext, aad []byte) ([]byte, error) {
	if len(ciphertext) < 2 || ciphertext[0] != formatVersion {
		return nil, apperror.WrapMsg(ErrMalformed, apperror.Internal, msgMalformedCiphertext)
	}
	hl := 2 + int(ciphertext[1])
	if len(ciphertext) < hl+nonceSize+16 {
		return nil, apperror.WrapMsg(ErrMalformed, apperror.Internal, msgCiphertextTooShort)
	}
	id := string(ciphertext[2:hl])
	aead, ok := k.aeads[id]
	if !ok {
		return nil, apperror.WrapMsg(ErrUnknownKey, apperror.Internal, msgCiphertextUsesUnknownKeyId, id)
	}
	pt, err := aead.Open(nil, ciphertext[hl:hl+nonceSize], ciphertext[hl+nonceSize:], additionalData(ciphertext[:hl], aad))
	if err != nil {
		return nil, apperror.WrapMsg(ErrTampered, apperror.Internal, msgCiphertextFailedAuthenticationTamperedWrong)
	}
	return pt, nil
}

// additionalData binds the header to the caller's aad. The header has its
// own length, so header||aad is unambiguous.
func additionalData(header, aad []byte) []byte {
	if len(aad) == 0 {
		return header
	}
	ad := make([]byte, 0, len(header)+len(aad))
	return append(append(ad, header...), aad...)
}

// BlindIndex returns a deterministic keyed hash (HMAC-SHA256, lowercase hex,
// 64 chars) of s after trimming spaces and upper-casing (so "…123x" and
// "…123X" match), for equality lookups on encrypted columns. It does not
// depend on the current encryption key: see ParseKeyring for rotation. It
// cannot fail.
func (k *Keyring) BlindIndex(s string) string {
	m := hmac.New(sha256.New, k.indexKey)
	m.Write([]byte(strings.ToUpper(strings.TrimSpace(s))))
	return hex.EncodeToString(m.Sum(nil))
}
