// Package models holds the shop's domain types, their validation rules and the
// error codes that the rest of the application speaks in. It has no I/O.
package models

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error so that one place (the HTTP error handler) can map it
// to a status code and a message a user may see.
type Code string

// Error codes. Anything that is not a *Error is treated as EINTERNAL.
const (
	EINVALID      Code = "invalid"      // input failed validation: 422
	EUNAUTHORIZED Code = "unauthorized" // bad credentials: 422 on the login form
	EFORBIDDEN    Code = "forbidden"    // a refused request (CSRF token, cross-site): 403; never "not yours"
	ENOTFOUND     Code = "not_found"    // no such thing, or not the caller's (NotFound): 404
	ECONFLICT     Code = "conflict"     // a concurrent change got there first (edited meanwhile, sold out): 409
	ETHROTTLED    Code = "throttled"    // too many attempts: 429
	EUNAVAILABLE  Code = "unavailable"  // a dependency is down: 503
	EINTERNAL     Code = "internal"     // a bug or unexpected failure: 500
)

// Error is an application error whose Message is safe to show to a user.
type Error struct {
	Code    Code
	Message string
	// Fields holds per-field messages for EINVALID, keyed by form field name.
	Fields map[string]string
	// RetryAfter tells the client when to try again (ETHROTTLED, EUNAVAILABLE).
	RetryAfter time.Duration
	// Err is the underlying cause; it is logged, never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted, user-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error carrying per-field messages.
func Invalid(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: "Please correct the errors below.", Fields: fields}
}

// NotFound says that what (a "product", an "order") does not exist. It is also
// the answer for a thing that exists but is not the caller's (another seller's
// product): both give the same 404 page with the same words, so that ids of
// other people's things cannot be told from unknown ones. A refused request
// (CSRF) is EFORBIDDEN instead, which says nothing about any thing.
func NotFound(what string) *Error {
	return Errorf(ENOTFOUND, "We could not find that %s.", what)
}

// Conflict says that the operation lost to a concurrent change (the product was
// edited meanwhile, the last item was sold); message tells the user what changed.
func Conflict(message string) *Error {
	return &Error{Code: ECONFLICT, Message: message}
}

// Unavailable wraps a dependency failure as EUNAVAILABLE.
func Unavailable(what string, err error) *Error {
	return &Error{
		Code:       EUNAVAILABLE,
		Message:    "The shop is temporarily unavailable. Please try again in a moment.",
		RetryAfter: 5 * time.Second,
		Err:        fmt.Errorf("%s: %w", what, err),
	}
}

// ErrorCode returns the code of err, or EINTERNAL for errors that carry none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err; internal details never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}

// FieldErrors returns the per-field messages of an EINVALID error, or nil.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
