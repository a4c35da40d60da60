package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"io"

	"fugong/internal/apperror"

	"golang.org/x/crypto/hkdf"
)

// contentAddressInfo separates the content-address key from the blind-index
// key derived from the same material.
const contentAddressInfo = "fugong content address v1"

// ContentHash returns a new keyed hash (HMAC-SHA256 under a key derived from
// the blind-index material) for content-addressing stored objects: the same
// plaintext gets the same address, so an upload is stored once, but someone
// who can list the object store cannot confirm a guessed file by hashing it.
// Like BlindIndex it survives rotation of the encryption keys. It cannot fail.
func (k *Keyring) ContentHash() hash.Hash {
	return hmac.New(sha256.New, k.derive(contentAddressInfo))
}

// KeyIDOf returns the id of the key that sealed a ciphertext made by
// Encrypt, without decrypting it. A ciphertext too short to hold its header
// is ErrMalformed (wrapped in an *apperror.Error with code Internal).
func KeyIDOf(ciphertext []byte) (string, error) {
	if len(ciphertext) < 2 || ciphertext[0] != formatVersion || len(ciphertext) < 2+int(ciphertext[1]) {
		return "", errMalformed()
	}
	return string(ciphertext[2 : 2+int(ciphertext[1])]), nil
}

func errMalformed() error {
	return apperror.WrapMsg(ErrMalformed, apperror.Internal, msgMalformed)
}

// HKDF info strings of the audit keys.
const (
	auditMACInfo        = "fugong audit chain v1"
	auditCheckpointInfo = "fugong audit checkpoint v1"
)

// AuditKey returns the key of the audit log's MAC chain, derived (HKDF) from
// the blind-index material, so it lives where the data key lives (outside
// the database) and survives rotation of the encryption keys. It cannot fail.
func (k *Keyring) AuditKey() []byte { return k.derive(auditMACInfo) }

// AuditCheckpointSeed returns the 32-byte Ed25519 seed that signs the audit
// chain's checkpoints, derived like AuditKey. It cannot fail.
func (k *Keyring) AuditCheckpointSeed() []byte { return k.derive(auditCheckpointInfo) }

func (k *Keyring) derive(info string) []byte {
	key := make([]byte, KeySize)
	io.ReadFull(hkdf.New(sha256.New, k.indexKey, nil, []byte(info)), key) // HKDF of 32 bytes cannot fail
	return key
}
