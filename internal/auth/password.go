// Package auth owns accounts, passwords, sessions, roles and the scoping of
// what each caller may see.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"fugong/internal/apperror"
)

// Argon2id parameters: RFC 9106's second recommended option (64 MiB, 3
// passes) is too heavy for 2-core machines serving bursts of logins, so we
// take OWASP's 19 MiB / 2 passes / 1 lane minimum.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// HashPassword returns an encoded argon2id hash of password
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash). A password that is too short
// or too long is apperror.Invalid.
func HashPassword(password string) (string, error) {
	if err := CheckPasswordStrength(password); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPasswordStrength rejects passwords shorter than MinPasswordLength
// characters or longer than 256 bytes, as apperror.Invalid.
func CheckPasswordStrength(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return apperror.WithText(apperror.Invalid, msgPasswordTooShort.With(MinPasswordLength),
			[]apperror.Detail{apperror.FieldMsg("password", msgPasswordTooShort, MinPasswordLength)})
	}
	if len(password) > 256 {
		return &apperror.Error{Code: apperror.Invalid, Text: msgPasswordTooLong.With(),
			Details: []apperror.Detail{{Field: "password", Message: "too long"}}}
	}
	return nil
}

// VerifyPassword reports whether password matches encoded. A malformed
// encoding never matches.
func VerifyPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 20 || p == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when a username does not exist, so unknown
// users and wrong passwords take the same time.
var dummyHash = func() string {
	h, _ := HashPassword("not-a-real-password-0")
	return h
}()

// VerifyAgainstDummy spends the time of one verification and returns false.
func VerifyAgainstDummy(password string) bool {
	VerifyPassword(dummyHash, password)
	return false
}
