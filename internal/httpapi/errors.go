package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/msg"
)

// statusOf is the one place application error codes become HTTP statuses.
var statusOf = map[apperror.Code]int{
	apperror.Malformed:    http.StatusBadRequest,
	apperror.Unauthorized: http.StatusUnauthorized,
	apperror.Forbidden:    http.StatusForbidden,
	apperror.NotFound:     http.StatusNotFound,
	apperror.Conflict:     http.StatusConflict,
	apperror.TooLarge:     http.StatusRequestEntityTooLarge,
	apperror.Unsupported:  http.StatusUnsupportedMediaType,
	apperror.Invalid:      http.StatusUnprocessableEntity,
	apperror.RateLimited:  http.StatusTooManyRequests,
	apperror.Unavailable:  http.StatusServiceUnavailable,
	apperror.Internal:     http.StatusInternalServerError,
}

// retryAfterUnavailable is the Retry-After (seconds) of every 503: about
// the time a load balancer needs to take a failed replica or database node
// out of rotation (docs/deploy.md).
const retryAfterUnavailable = "2"

// codeOfStatus names the errors Fiber and fasthttp raise themselves
// (unknown route, wrong method, body too large, timeouts).
var codeOfStatus = map[int]apperror.Code{
	http.StatusBadRequest:            apperror.Malformed,
	http.StatusUnauthorized:          apperror.Unauthorized,
	http.StatusForbidden:             apperror.Forbidden,
	http.StatusNotFound:              apperror.NotFound,
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusRequestTimeout:        "timeout",
	http.StatusConflict:              apperror.Conflict,
	http.StatusRequestEntityTooLarge: apperror.TooLarge,
	http.StatusUnsupportedMediaType:  apperror.Unsupported,
	http.StatusUnprocessableEntity:   apperror.Invalid,
	http.StatusTooManyRequests:       apperror.RateLimited,
	http.StatusServiceUnavailable:    apperror.Unavailable,
	// fasthttp answers 431 when the request headers overflow its read buffer.
	http.StatusRequestHeaderFieldsTooLarge: "headers_too_large",
}

// errorBody is the JSON error shape of docs/api.md §1.
type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code    apperror.Code     `json:"code"`
	Message string            `json:"message"`
	Details []apperror.Detail `json:"details,omitempty"`
}

// fiberMessages gives Fiber's own errors a catalog message.
var fiberMessages = map[int]msg.Message{
	http.StatusNotFound:                    msgNotFound,
	http.StatusMethodNotAllowed:            msgMethodNotAllowed,
	http.StatusRequestEntityTooLarge:       msgBodyTooLarge,
	http.StatusRequestTimeout:              msgTimedOut,
	http.StatusBadRequest:                  msgMalformedRequest,
	http.StatusRequestHeaderFieldsTooLarge: msgHeadersTooLarge,
}

// errorHandler maps every error a handler or middleware returns to the JSON
// shape and status of docs/api.md §1. Internal errors are logged with the request id
// and shown only as "internal error".
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	status := http.StatusInternalServerError
	l := lang(c)
	body := errorPayload{Code: apperror.Internal, Message: msgInternalError.In(l)}

	var fe *fiber.Error
	if ae := apperror.As(err); ae != nil {
		if st, ok := statusOf[ae.Code]; ok {
			status = st
		}
		// A busy parser (or any cause that knows) says when to come back.
		var ra interface{ RetryAfterSeconds() int }
		if errors.As(err, &ra) {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ra.RetryAfterSeconds()))
		}
		if ae.Code != apperror.Internal {
			body = errorPayload{Code: ae.Code, Message: ae.MessageIn(l), Details: ae.DetailsIn(l)}
		}
		if ae.Code == apperror.Unavailable {
			// A part of a cluster is down or rejoining: the client (or the
			// load balancer) should try again shortly, not give up. A cause
			// that knows better (a busy parser) has set its own.
			if len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
				c.Set(fiber.HeaderRetryAfter, retryAfterUnavailable)
			}
			s.log.Warn("backing service unavailable", "request_id", requestID(c), "err", err)
		}
	} else if errors.As(err, &fe) {
		status = fe.Code
		code, ok := codeOfStatus[fe.Code]
		if !ok && fe.Code >= 400 && fe.Code < 500 {
			code = apperror.Malformed // a client error is never "internal"
		} else if !ok {
			code = apperror.Internal
		}
		text := fe.Message
		if m, ok := fiberMessages[fe.Code]; ok {
			text = m.In(l)
		}
		if code != apperror.Internal {
			body = errorPayload{Code: code, Message: text}
		}
	}
	if status >= 500 && body.Code == apperror.Internal {
		s.log.Error("internal error", "request_id", requestID(c), "method", c.Method(), "path", c.Path(), "err", err)
	}
	if status == http.StatusMethodNotAllowed {
		c.Set(fiber.HeaderAllow, allowHeader(s.app, c.Path()))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(errorBody{Error: body})
}

// lang is the caller's language, from Accept-Language (Chinese by default).
func lang(c *fiber.Ctx) msg.Lang { return msg.Negotiate(c.Get(fiber.HeaderAcceptLanguage)) }

// allowHeader lists the methods registered for path (best effort).
func allowHeader(app *fiber.App, path string) string {
	seen := map[string]bool{}
	var out string
	for _, r := range app.GetRoutes(true) {
		if r.Path == path && !seen[r.Method] && r.Method != fiber.MethodHead {
			seen[r.Method] = true
			if out != "" {
				out += ", "
			}
			out += r.Method
		}
	}
	return out
}
