// Package finance is Pilar's domain: agencies, programs, recipients,
// disbursements and users, the rules that govern them, and the service
// interfaces the store implements. It imports neither GORM nor Echo.
package finance

import (
	"encoding/json"
	"pilar/internal/i18n"
	"pilar/internal/money"

	"errors"
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

// Msg is a message for users: a key and its arguments. The key is the
// English text as a fmt format ("program %s is %s; …"), so the English
// rendering needs no catalog; internal/i18n holds the Indonesian text of
// every key (a test finds each key in the code and checks that it does),
// and internal/web translates a Msg into the reader's language.
type Msg struct {
	Key  string
	Args []any
}

// M is the message with key and args.
func M(key string, args ...any) Msg { return Msg{key, args} }

// In is the message in lang ("id" or "en"): the text of its key in
// internal/i18n (an English key without an entry is its own English),
// formatted with its arguments; an argument that is a Msg (a status, a
// month) is said in lang too.
func (m Msg) In(lang string) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		// A message, or a value written each language's way (i18n.Day).
		if am, ok := a.(interface{ In(string) string }); ok {
			a = am.In(lang)
		}
		args[i] = a
	}
	return i18n.T(lang, m.Key, args...)
}

// String is the message in English.
func (m Msg) String() string { return m.In("en") }

// MarshalJSON writes the message as a JSON string in English: report data
// carries messages (labels, reasons), and the JSON API speaks English.
func (m Msg) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// Error is the one domain error: a code, a message meant for users and, for
// validation failures, a message per field.
type Error struct {
	Code   string
	Msg    Msg
	Fields map[string]Msg
}

// Message is the error's message in English.
func (e *Error) Message() string { return e.Msg.String() }

// FieldText is the message of each field in English.
func (e *Error) FieldText() map[string]string {
	if len(e.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.Fields))
	for k, m := range e.Fields {
		out[k] = m.String()
	}
	return out
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message()
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + e.Fields[k].String()
	}
	return e.Code + ": " + e.Message() + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf returns an *Error with the given code and message: key is the
// message's English format and its key (see Msg), args its arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Msg: Msg{key, args}}
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
type Fields map[string]Msg

// Add records the message key (with args, see Msg) for field unless the
// field already has a message.
func (f Fields) Add(field, key string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = Msg{key, args}
	}
}

// AddMsg records m for field unless the field already has a message.
func (f Fields) AddMsg(field string, m Msg) {
	if _, ok := f[field]; !ok {
		f[field] = m
	}
}

// Err returns a validation_failed *Error carrying the fields, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EValidation, Msg: M("some fields are invalid"), Fields: f}
}

// FieldError is a validation_failed *Error for one field: key and args are
// its message (see Msg).
func FieldError(field, key string, args ...any) error {
	return Fields{field: Msg{key, args}}.Err()
}

// AmountMsg is the message of an amount refused by money.Parse or
// money.ParseLocal: its reason is a message key with arguments
// (money.ErrAmount).
func AmountMsg(err error) Msg {
	var ea *money.ErrAmount
	if errors.As(err, &ea) {
		return Msg{Key: ea.Reason, Args: ea.Args}
	}
	return Msg{Key: err.Error()}
}
