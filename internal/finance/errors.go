// Package finance is Pilar's domain: agencies, programs, recipients,
// disbursements and users, the rules that govern them, and the service
// interfaces the store implements. It imports neither GORM nor Echo.
package finance

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes, as documented in API.md. The web layer maps each to a status.
const (
	EBadRequest        = "bad_request"
	EUnauthorized      = "unauthorized"
	EForbidden         = "forbidden"
	ENotFound          = "not_found"
	EConflict          = "conflict"
	EDuplicate         = "duplicate"
	EInvalidTransition = "invalid_transition"
	EBudgetExceeded    = "budget_exceeded"
	ETooLarge          = "payload_too_large"
	EValidation        = "validation_failed"
	ETooManyRequests   = "too_many_requests"
	EUnavailable       = "unavailable" // the database is busy (SQLite's write lock); retry after Retry-After
	EInternal          = "internal"
)

// Error is the one domain error: a code, a message meant for users and, for
// validation failures, a message per field.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + e.Fields[k]
	}
	return e.Code + ": " + e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error, "" for nil, or EInternal
// for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// Fields collects validation messages per field; Err returns nil when empty.
type Fields map[string]string

// Add records msg for field unless the field already has a message.
func (f Fields) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns a validation_failed *Error carrying the fields, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EValidation, Message: "some fields are invalid", Fields: f}
}
