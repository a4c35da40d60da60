package filing

import "fugong/internal/store"

// Status is where a filing stands (store owns the type; callers of filing
// need not import the store).
type Status = store.Status

// The statuses of a filing.
const (
	StatusDraft     = store.StatusDraft
	StatusSubmitted = store.StatusSubmitted
	StatusApproved  = store.StatusApproved
	StatusReturned  = store.StatusReturned
	StatusRejected  = store.StatusRejected
)
