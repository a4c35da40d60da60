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
		return "", false, apperror.Wrap(err, apperror.Internal, "无法创建密钥目录 / cannot create the key directory %s", dir)
	}
	tmp, err := os.CreateTemp(dir, ".datakey-*")
	if err != nil {
		return "", false, apperror.Wrap(err, apperror.Internal, "无法写入密钥文件 / cannot write the key file in %s", dir)
	}
	defer os.Remove(tmp.Name()) // after the link it is a second name; drop it either way
	key = GenerateKey()
	// CreateTemp makes the file 0600 already; Chmod states the intent and
	// guards against an unusual umask-free platform default.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", false, apperror.Wrap(err, apperror.Internal, "无法设置密钥文件权限 / cannot set key file mode")
	}
	if _, err := tmp.WriteString(key + "\n"); err != nil {
		tmp.Close()
		return "", false, apperror.Wrap(err, apperror.Internal, "无法写入密钥文件 / cannot write the key file")
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", false, apperror.Wrap(err, apperror.Internal, "无法写入密钥文件 / cannot sync the key file")
	}
	if err := tmp.Close(); err != nil {
		return "", false, apperror.Wrap(err, apperror.Internal, "无法写入密钥文件 / cannot close the key file")
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created it first: use its key.
			key, err = readKeyFile(path)
			return key, false, err
		}
		return "", false, apperror.Wrap(err, apperror.Internal, "无法创建密钥文件 / cannot create the key file %s", path)
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
		return "", apperror.Wrap(err, apperror.Internal, "无法读取密钥文件 / cannot read the key file %s", path)
	}
	key := strings.TrimSpace(string(b))
	if _, err := ParseKeyring(key); err != nil {
		return "", apperror.Wrap(err, apperror.Invalid, "密钥文件 %s 无效 / the key file %s is invalid", path, path)
	}
	return key, nil
}
