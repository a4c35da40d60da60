// Package apperror owns fugong's one error type: every failure that should
// reach a client carries a Code, and the HTTP layer maps codes to statuses in
// one place (httpapi's error handler). Domain packages return *Error (or wrap
// one with %w); anything else is an internal error.
package apperror

import (
	"errors"
	"fmt"

	"fugong/internal/msg"
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
//
// Text, when set, is the catalog message (internal/msg); the HTTP layer
// renders it into Message in the caller's language and puts its code in
// Code. Message alone is the older, pre-rendered form.
type Detail struct {
	Row     int      `json:"row,omitempty"`
	Column  string   `json:"column,omitempty"`
	Field   string   `json:"field,omitempty"`
	Code    string   `json:"code,omitempty"`
	Message string   `json:"message"`
	Text    msg.Text `json:"-"`
}

// Localized returns d with Message rendered in l and Code set from its
// catalog message (unchanged when d has no Text).
func (d Detail) Localized(l msg.Lang) Detail {
	if d.Text.IsZero() {
		return d
	}
	d.Message = d.Text.In(l)
	d.Code = d.Text.Code()
	return d
}

// Error is an application error with a code, a human message (zh-CN first,
// English beside it) and optional details.
// Text, when set, is the catalog message rendered per request (see
// internal/msg); Message is the older pre-rendered form.
type Error struct {
	Code    Code
	Message string
	Text    msg.Text
	Details []Detail
	Err     error // the wrapped cause, never shown to clients
}

// Error implements error. Logs read it, so a catalog message is rendered in
// English there.
func (e *Error) Error() string {
	m := e.Message
	if !e.Text.IsZero() {
		m = e.Text.In(msg.EN)
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, m, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, m)
}

// MessageIn renders e's message in l.
func (e *Error) MessageIn(l msg.Lang) string {
	if !e.Text.IsZero() {
		return e.Text.In(l)
	}
	return e.Message
}

// DetailsIn renders e's details in l.
func (e *Error) DetailsIn(l msg.Lang) []Detail {
	if len(e.Details) == 0 {
		return nil
	}
	out := make([]Detail, len(e.Details))
	for i, d := range e.Details {
		out[i] = d.Localized(l)
	}
	return out
}

// Msg returns an *Error with code and the catalog message m bound to args.
func Msg(code Code, m msg.Message, args ...any) *Error {
	return &Error{Code: code, Text: m.With(args...), Message: m.In(msg.ZH, args...)}
}

// WrapMsg returns an *Error with code and catalog message whose cause is err.
func WrapMsg(err error, code Code, m msg.Message, args ...any) *Error {
	e := Msg(code, m, args...)
	e.Err = err
	return e
}

// WithText returns an *Error with code, a catalog message and details.
func WithText(code Code, t msg.Text, details []Detail) *Error {
	return &Error{Code: code, Text: t, Message: t.In(msg.ZH), Details: details}
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

// FieldMsg returns the detail of a bad field with the catalog message m
// bound to args (rendered per request; Message holds the Chinese for
// readers that do not render).
func FieldMsg(field string, m msg.Message, args ...any) Detail {
	t := m.With(args...)
	return Detail{Field: field, Code: m.Code(), Message: t.In(msg.ZH), Text: t}
}
