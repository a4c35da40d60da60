package idempotency

import "fugong/internal/msg"

// The messages of package idempotency (see internal/msg).
var (
	msgIdempotencyKeyTooLongMax       = msg.New("idempotency.idempotency_key_too_long_max", "Idempotency-Key 过长", "Idempotency-Key too long (max 128)")
	msgIdempotencyKeyWasUsedDifferent = msg.New("idempotency.idempotency_key_was_used_different", "同一 Idempotency-Key 用于了不同的请求", "this Idempotency-Key was used with a different body")
	msgSameRequestStillBeingProcessed = msg.New("idempotency.same_request_still_being_processed", "相同请求仍在处理中", "the same request is still being processed")
)
