package bwvoice

/*
#include <stdlib.h>
#include "bwvoice.h"
*/
import "C"

import (
	"errors"
	"time"
)

// Status is the library's result code, the C bw_status. Its values are
// stable and never reused.
//
// The non-zero constants double as sentinel errors for errors.Is:
//
//	if errors.Is(err, bwvoice.ErrNotFound) { /* the call already ended */ }
type Status int32

// The BW_ERR_* codes of bwvoice.h.
const (
	// ErrInvalidArgument: an argument failed validation; nothing was sent.
	// Error.Field names it.
	ErrInvalidArgument Status = C.BW_ERR_INVALID_ARGUMENT
	// ErrUnauthorized: HTTP 401, or the OAuth2 token endpoint refused the
	// client credentials.
	ErrUnauthorized Status = C.BW_ERR_UNAUTHORIZED
	// ErrForbidden: HTTP 403, the credentials may not act on this account or call.
	ErrForbidden Status = C.BW_ERR_FORBIDDEN
	// ErrNotFound: HTTP 404, the call (or conference, or member) is unknown
	// or has already ended.
	ErrNotFound Status = C.BW_ERR_NOT_FOUND
	// ErrConflict: HTTP 409, the call cannot be modified in its current state
	// (e.g. not yet answered).
	ErrConflict Status = C.BW_ERR_CONFLICT
	// ErrRateLimited: HTTP 429; Error.RetryAfter says when to try again.
	ErrRateLimited Status = C.BW_ERR_RATE_LIMITED
	// ErrBadRequest: HTTP 400 and any other 4xx (405, 415, ...).
	ErrBadRequest Status = C.BW_ERR_BAD_REQUEST
	// ErrServer: HTTP 5xx.
	ErrServer Status = C.BW_ERR_SERVER
	// ErrTimeout: the connect timeout or the call's time budget expired.
	ErrTimeout Status = C.BW_ERR_TIMEOUT
	// ErrConnect: DNS failure, connection refused or unreachable, or the
	// connection closed before a response.
	ErrConnect Status = C.BW_ERR_CONNECT
	// ErrTLS: TLS certificate or handshake failure.
	ErrTLS Status = C.BW_ERR_TLS
	// ErrProtocol: a malformed or oversized response.
	ErrProtocol Status = C.BW_ERR_PROTOCOL
	// ErrInternal: a bug inside the library, caught at the API boundary.
	ErrInternal Status = C.BW_ERR_INTERNAL
	// ErrBusy: the client's queue of calls waiting for a library thread is
	// full (Options.MaxQueued); nothing was queued or sent.
	ErrBusy Status = C.BW_ERR_BUSY
	// ErrCancelled: the library cancelled the call before it completed
	// (bw_cancel). A method whose context is cancelled returns ctx.Err()
	// instead, so a caller does not normally see it.
	ErrCancelled Status = C.BW_ERR_CANCELLED
)

// ErrClosed is returned by every method of a Client after Close.
var ErrClosed = errors.New("bwvoice: client is closed")

// String returns the C name of the status, e.g. "BW_ERR_NOT_FOUND", or
// "BW_ERR_UNKNOWN" for a value the library does not know (bw_status_str).
func (s Status) String() string {
	return C.GoString(C.bw_status_str(C.bw_status(s)))
}

// Error makes every Status usable as a sentinel error; it returns String().
func (s Status) Error() string { return s.String() }

// Error is the error returned by every failing operation except for a
// closed client (ErrClosed) or a context that was already done (ctx.Err()).
// It mirrors the C bw_error.
//
// Match it by category with errors.Is(err, bwvoice.ErrNotFound) and read the
// details with errors.As(err, &e) where e is a *bwvoice.Error.
type Error struct {
	// Status is the category: one of the Err* constants.
	Status Status
	// HTTPStatus is the HTTP status of the final response; 0 if there was none.
	HTTPStatus int
	// Type is Bandwidth's error type (e.g. "validation"), if the server sent one.
	Type string
	// Description is Bandwidth's error description, if the server sent one.
	Description string
	// ID is Bandwidth's error id, if the server sent a non-empty one.
	ID string
	// RetryAfter is the server's Retry-After (capped at 30 s); 0 if absent.
	RetryAfter time.Duration
	// Field names the offending argument for ErrInvalidArgument, as named in
	// bwvoice.h (e.g. "redirect_url", "account_id", "client_secret").
	Field string
	// Attempts is the number of HTTP attempts made, retries included; 0 if
	// nothing was sent.
	Attempts int
	// Message is a readable explanation, suitable for logs. It never
	// contains a credential or token.
	Message string
	// MaybeApplied reports that the call failed but the request may have
	// reached the server and taken effect (a timeout or connection reset
	// after it was sent, a 5xx other than 503; for CreateCall a 503 too):
	// repeating it yourself may repeat its effect, e.g. fire the redirect
	// webhook twice or ring a second phone. It is false when the request
	// certainly had no effect (nothing sent, 4xx, 429, 503 except for
	// CreateCall).
	MaybeApplied bool

	// ctxErr is context.DeadlineExceeded when the budget that ran out was
	// the context's deadline.
	ctxErr error
}

// Error returns the message.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Status.String()
	}
	return e.Message
}

// Is reports whether target is this error's Status, so that
// errors.Is(err, bwvoice.ErrTimeout) works.
func (e *Error) Is(target error) bool {
	s, ok := target.(Status)
	return ok && s == e.Status
}

// Unwrap returns context.DeadlineExceeded when an ErrTimeout was caused by
// the context's deadline (so errors.Is(err, context.DeadlineExceeded) holds
// too), and nil otherwise.
func (e *Error) Unwrap() error { return e.ctxErr }

// newError copies a filled-in C bw_error into a Go *Error.
func newError(status C.bw_status, ce *C.bw_error) *Error {
	e := &Error{
		Status:       Status(status),
		HTTPStatus:   int(ce.http_status),
		Type:         C.GoString(&ce.error_type[0]),
		Description:  C.GoString(&ce.description[0]),
		ID:           C.GoString(&ce.error_id[0]),
		Field:        C.GoString(&ce.field[0]),
		Attempts:     int(ce.attempts),
		Message:      C.GoString(&ce.message[0]),
		MaybeApplied: bool(ce.maybe_applied),
	}
	if ms := int64(ce.retry_after_ms); ms > 0 {
		e.RetryAfter = time.Duration(ms) * time.Millisecond
	}
	return e
}

// invalidArgument is the error for a Go value C cannot represent (a string
// containing NUL, a negative duration); it is returned before calling C.
func invalidArgument(field, message string) *Error {
	return &Error{Status: ErrInvalidArgument, Field: field, Message: message}
}
