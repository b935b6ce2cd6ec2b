// Package meldwijzer holds the domain types and errors that every part of Meldwijzer shares. It
// imports no adapter (no AWS, no HTTP): adapters point inward to it.
package meldwijzer

import (
	"errors"
	"fmt"
)

// Error codes. They are the machine codes that clients see in {"error":{"code"}}; each maps to
// one HTTP status in api.statusOf.
const (
	EINVALID      = "invalid"           // bad input: wrong field, type, value or id in the body
	ELANG         = "invalid_lang"      // a language code other than nl or en
	EJSON         = "invalid_json"      // the body is not one JSON object
	EMEDIA        = "unsupported_media" // a Content-Type other than JSON
	ETOOLARGE     = "too_large"         // the body is over the route's limit
	ENOTFOUND     = "not_found"         // unknown institution, node, report or path
	EMETHOD       = "method_not_allowed"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ERATELIMIT    = "rate_limited"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
	EHOST         = "misdirected" // a Host header the server does not answer for
	// ENOTIMPLEMENTED: this server does not do it (a self-hosted server has no role directory).
	ENOTIMPLEMENTED = "not_implemented"
)

// Error is an error meant for the person who made the request: Code for programs, Message for
// people. Anything else is an internal error that is logged and never shown.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("meldwijzer: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is or wraps an *Error, else EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of err if it is or wraps an *Error. Internal errors get a
// fixed text: their details stay in the log.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Er ging iets mis aan onze kant. Probeer het later opnieuw. / Something went wrong on our side. Please try again later."
}
