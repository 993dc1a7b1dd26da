package finance

import (
	"context"
	"errors"
	"sync"
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

// ImportLookups is what one import by an actor who sees masked data may
// still ask of the registry this hour. A row refused because no recipient
// has its NIK has answered "is this NIK registered?" as a search by NIK
// does, and counts as one lookup. Once none is left, every row naming a
// NIK is refused alike, found or not, so that the rest of the file learns
// nothing: otherwise a file of guessed NIKs, or an atomic import that
// writes nothing, would recover a masked NIK unseen.
type ImportLookups struct {
	mu    sync.Mutex
	left  int
	used  int
	limit int
	next  time.Time // when the next hour's lookups begin
}

// NewImportLookups is an import's share: left of limit, until next.
func NewImportLookups(left, limit int, next time.Time) *ImportLookups {
	return &ImportLookups{left: max(left, 0), limit: limit, next: next}
}

// Used is how many lookups the import's rows made.
func (l *ImportLookups) Used() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.used
}

// Unused is how many of the import's share its rows did not need.
func (l *ImportLookups) Unused() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.left
}

// Answer is what a row naming a recipient by NIK in field is told: nil
// when found, "no recipient has this NIK" at the cost of one lookup, or,
// with none left, the same refusal whether found or not. A nil l (an actor
// who sees the data) answers every row.
func (l *ImportLookups) Answer(found bool, field string) error {
	if l != nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.left == 0 {
			return FieldError(field, "the NIK lookups of this hour are used up (%d); the row was not checked. Try again after %s, or ask an admin",
				l.limit, l.next.UTC().Format("15:04 UTC"))
		}
		if !found {
			l.left--
			l.used++
		}
	}
	if !found {
		return FieldError(field, "no recipient has this NIK; import or register the recipient first")
	}
	return nil
}

// Spend takes n lookups at once if that many are left, and says whether
// it did: the counts of a refused atomic recipients import answer, for
// each row it looked up, whether its NIK is registered. A nil l (an actor
// who sees the data) always can.
func (l *ImportLookups) Spend(n int) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if n > l.left {
		return false
	}
	l.left -= n
	l.used += n
	return true
}

type importLookupsKey struct{}

// WithImportLookups carries an import's share of lookups in ctx.
func WithImportLookups(ctx context.Context, l *ImportLookups) context.Context {
	return context.WithValue(ctx, importLookupsKey{}, l)
}

// ImportLookupsOf is the share ctx carries, nil if none.
func ImportLookupsOf(ctx context.Context) *ImportLookups {
	l, _ := ctx.Value(importLookupsKey{}).(*ImportLookups)
	return l
}
