// Package apperror owns fugong's one error type: every failure that should
// reach a client carries a Code, and the HTTP layer maps codes to statuses in
// one place (httpapi's error handler). Domain packages return *Error (or wrap
// one with %w); anything else is an internal error.
package apperror

import (
	"errors"
	"fmt"
)

// Code is a stable, snake_case error code shown to clients.
type Code string

// The codes fugong uses. The HTTP status of each is decided by httpapi.
const (
	Internal     Code = "internal"
	Invalid      Code = "invalid"      // 422: content that does not validate
	Malformed    Code = "malformed"    // 400: body or query that cannot be parsed
	Unauthorized Code = "unauthorized" // 401
	Forbidden    Code = "forbidden"    // 403
	NotFound     Code = "not_found"    // 404, also for another tenant's object
	Conflict     Code = "conflict"     // 409: wrong state
	TooLarge     Code = "too_large"    // 413
	Unsupported  Code = "unsupported"  // 415: unsupported file type
	RateLimited  Code = "rate_limited" // 429
	Unavailable  Code = "unavailable"  // 503: a backing service is down
)

// Detail points at one bad field of a JSON body, or one bad cell of a file.
// Row is numbered as a spreadsheet shows it (header = row 1); Column is the
// header as written in the file.
type Detail struct {
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Error is an application error with a code, a human message (zh-CN first,
// English beside it) and optional details.
type Error struct {
	Code    Code
	Message string
	Details []Detail
	Err     error // the wrapped cause, never shown to clients
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error with code and a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithDetails returns an *Error with code, message and details.
func WithDetails(code Code, msg string, details []Detail) *Error {
	return &Error{Code: code, Message: msg, Details: details}
}

// Wrap returns an *Error with code and message whose cause is err.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal
// (nil gives "").
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
