package pii

import "fugong/internal/msg"

// Catalog messages of package pii (see internal/msg).
var (
	msgMalformed = msg.New("pii.malformed", "密文格式错误", "malformed ciphertext")
)
