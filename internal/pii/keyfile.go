package pii

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fugong/internal/apperror"
)

// GenerateKey returns a new random data key as standard base64 of KeySize
// bytes, the bare FUGONG_DATA_KEY form. It cannot fail: crypto/rand.Read
// never returns an error on supported platforms (Go ≥ 1.24 crashes the
// program instead of returning weak randomness).
func GenerateKey() string {
	b := make([]byte, KeySize)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// LoadOrCreateKeyFile returns the key stored at path, creating it first if
// it does not exist: the directory with mode 0700, the file with 0600, its
// content a GenerateKey value. created is true when this call wrote the file;
// the caller should then warn that a generated key guards personal data and
// must be backed up. Creation is atomic and never overwrites: the key is
// written to a temporary file, synced, then hard-linked into place, so two
// replicas starting together end up with the same key and a crash never
// leaves a half-written key file.
//
// The returned string is validated with ParseKeyring (so a file may also
// hold a rotation list). Errors are *apperror.Error: Invalid for a file that
// does not hold a valid key, Internal for file-system failures.
func LoadOrCreateKeyFile(path string) (key string, created bool, err error) {
	key, err = readKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", false, apperror.WrapMsg(err, apperror.Internal, msgCannotCreateKeyDirectory, dir)
	}
	tmp, err := os.CreateTemp(dir, ".datakey-*")
	if err != nil {
		return "", false, apperror.WrapMsg(err, apperror.Internal, msgCannotWriteKeyFile, dir)
	}
	defer os.Remove(tmp.Name()) // after the link it is a second name; drop it either way
	key = GenerateKey()
	// CreateTemp makes the file 0600 already; Chmod states the intent and
	// guards against an unusual umask-free platform default.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", false, apperror.WrapMsg(err, apperror.Internal, msgCannotSetKeyFileMode)
	}
	if _, err := tmp.WriteString(key + "\n"); err != nil {
		tmp.Close()
		return "", false, apperror.WrapMsg(err, apperror.Internal, msgCannotWriteKeyFile2)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", false, apperror.WrapMsg(err, apperror.Internal, msgCannotSyncKeyFile)
	}
	if err := tmp.Close(); err != nil {
		return "", false, apperror.WrapMsg(err, apperror.Internal, msgCannotCloseKeyFile)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created it first: use its key.
			key, err = readKeyFile(path)
			return key, false, err
		}
		return "", false, apperror.WrapMsg(err, apperror.Internal, msgCannotCreateKeyFile, path)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the new name durable; best effort on platforms that refuse
		d.Close()
	}
	return key, true, nil
}

func readKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		return "", apperror.WrapMsg(err, apperror.Internal, msgCannotReadKeyFile, path)
	}
	key := strings.TrimSpace(string(b))
	if _, err := ParseKeyring(key); err != nil {
		return "", apperror.WrapMsg(err, apperror.Invalid, msgKeyFileInvalid, path)
	}
	return key, nil
}
