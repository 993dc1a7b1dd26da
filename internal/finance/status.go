package finance

import "slices"

// Status is the state of a disbursement in its life cycle (lifecycle.go).
type Status string

// Disbursement statuses.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusApproved  Status = "approved"
	StatusPaid      Status = "paid"
	StatusReturned  Status = "returned"
	StatusRejected  Status = "rejected"
	StatusCancelled Status = "cancelled"
)

// Statuses lists every disbursement status in life-cycle order.
var Statuses = StatusSet{StatusDraft, StatusSubmitted, StatusApproved, StatusPaid, StatusReturned, StatusRejected, StatusCancelled}

// StatusSet is a named meaning of several statuses. The sets below are the
// one place that says which statuses count as committed, realized or live;
// the store binds them as query arguments (store.statusArg) and the partial
// unique index of migration 00001 repeats Void as a literal.
type StatusSet []Status

var (
	// Committed money is held against the budget: approved and paid.
	Committed = StatusSet{StatusApproved, StatusPaid}
	// Realized money has left the treasury and stayed out: paid.
	Realized = StatusSet{StatusPaid}
	// EverPaid disbursements were paid at some time, returned or not; their
	// payment enters the month of paid_on.
	EverPaid = StatusSet{StatusPaid, StatusReturned}
	// EverApproved disbursements were approved at some time; their
	// commitment enters the month of approved_on.
	EverApproved = StatusSet{StatusApproved, StatusPaid, StatusReturned}
	// Returned money came back after payment.
	Returned = StatusSet{StatusReturned}
	// Void disbursements were rejected or cancelled: they hold no tranche
	// and count for nothing.
	Void = StatusSet{StatusRejected, StatusCancelled}
	// Live disbursements are all that are not Void.
	Live = Statuses.Without(Void)
)

// Has reports whether st is in the set.
func (s StatusSet) Has(st Status) bool { return slices.Contains(s, st) }

// Without is the set minus the statuses of other.
func (s StatusSet) Without(other StatusSet) StatusSet {
	var out StatusSet
	for _, st := range s {
		if !other.Has(st) {
			out = append(out, st)
		}
	}
	return out
}

// Strings is the set as plain strings, for binding as a query argument.
func (s StatusSet) Strings() []string {
	out := make([]string, len(s))
	for i, st := range s {
		out[i] = string(st)
	}
	return out
}
