package audit

import (
	"crypto/ed25519"
	"strconv"
)

// CheckpointKey is one generation of the key that signs checkpoints
// (pii.Keyring.AuditKeys): ID "" is generation 0.
type CheckpointKey struct {
	ID   string
	Seed []byte
}

// WithKeys makes s sign new checkpoints with the last of keys (the current
// generation) and accept checkpoints signed by any of them, each naming its
// key, so checkpoints written before a rotation keep verifying. It returns
// s. Without it s signs and verifies with the seed given to New alone.
func (s *Service) WithKeys(keys []CheckpointKey) *Service {
	if len(keys) == 0 {
		return s
	}
	s.pubs = make(map[string]ed25519.PublicKey, len(keys))
	for _, k := range keys {
		priv := ed25519.NewKeyFromSeed(k.Seed)
		s.pubs[k.ID] = priv.Public().(ed25519.PublicKey)
		s.priv, s.pub, s.keyID = priv, s.pubs[k.ID], k.ID
	}
	return s
}

// keyedBytes is what a checkpoint's signature covers: signedBytes, and the
// key's id when it is not generation 0 (whose checkpoints stay as they were).
func (c Checkpoint) keyedBytes() []byte {
	if c.Key == "" {
		return c.signedBytes()
	}
	return append([]byte("fugong audit key "+strconv.Quote(c.Key)+"\n"), c.signedBytes()...)
}

// verifySig checks c's signature with the key it names.
func (s *Service) verifySig(c *Checkpoint, sig []byte) bool {
	pub := s.pub
	if s.pubs != nil {
		var ok bool
		if pub, ok = s.pubs[c.Key]; !ok {
			return false
		}
	} else if c.Key != "" {
		return false
	}
	return ed25519.Verify(pub, c.keyedBytes(), sig)
}
