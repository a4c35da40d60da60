package filing

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// sealedResponsePrefix marks an encrypted replay body; a stored body
// without it was written in clear by an earlier version.
const sealedResponsePrefix = "sealed:v1:"

func responseAAD(userID int64, key string) []byte {
	return []byte("idempotency:" + strconv.FormatInt(userID, 10) + ":" + key)
}

// SealResponse encrypts a response kept for Idempotency-Key replays (it
// holds the contact phone and whatever else the filing view shows), bound
// to the user and key. Its error is the keyring's.
func (s *Service) SealResponse(userID int64, key string, body []byte) (string, error) {
	ct, err := s.keys.Encrypt(body, responseAAD(userID, key))
	if err != nil {
		return "", fmt.Errorf("filing: seal replay: %w", err)
	}
	return sealedResponsePrefix + base64.StdEncoding.EncodeToString(ct), nil
}

// OpenResponse decrypts what SealResponse stored (a body stored in clear by
// an earlier version is returned as it is). Errors are apperror.Internal.
func (s *Service) OpenResponse(userID int64, key, stored string) ([]byte, error) {
	b64, ok := strings.CutPrefix(stored, sealedResponsePrefix)
	if !ok {
		return []byte(stored), nil
	}
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("filing: replay body: %w", err)
	}
	return s.keys.Decrypt(ct, responseAAD(userID, key))
}
