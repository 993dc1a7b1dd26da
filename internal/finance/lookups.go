package finance

import (
	"context"
	"errors"
	"time"
)

// DefaultLookupLimit is how many full-identifier lookups a user who sees
// masked data may make per hour (config privacy.lookup_limit). A lookup is
// a search or exact filter by NIK, NIB, account number or phone, or a
// create refused because the NIK is taken: each answers "is this one
// registered?", and enough of them recover a masked NIK (UU 27/2022).
const DefaultLookupLimit = 60

// LookupWindow is the span over which lookups are counted: a clock hour.
const LookupWindow = time.Hour

// LookupExcess is a user who went past the lookup limit in one window.
type LookupExcess struct {
	UserID  int64     `json:"user_id"`
	Email   string    `json:"email"`
	Role    string    `json:"role"`
	Window  time.Time `json:"window"` // start of the hour
	Lookups int       `json:"lookups"`
}

// LookupService shows admins who hit the lookup limit.
type LookupService interface {
	// FindLookupExcesses lists, newest first, the users and hours in
	// which the limit was passed in the last 30 days (admin, auditor).
	// Errors: forbidden.
	FindLookupExcesses(ctx context.Context) ([]*LookupExcess, error)
}

// retryAfter is an error with a hint of when to try again.
type retryAfter struct {
	err   error
	after time.Duration
}

func (r *retryAfter) Error() string { return r.err.Error() }
func (r *retryAfter) Unwrap() error { return r.err }

// WithRetryAfter adds to err the time after which the request may succeed,
// sent as Retry-After by the web layer.
func WithRetryAfter(err error, after time.Duration) error {
	return &retryAfter{err, after}
}

// RetryAfterOf is the hint WithRetryAfter added to err, if any.
func RetryAfterOf(err error) (time.Duration, bool) {
	var r *retryAfter
	if errors.As(err, &r) {
		return r.after, true
	}
	return 0, false
}
