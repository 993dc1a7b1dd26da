package finance

import (
	"context"
	"strings"
)

// Roles, as in PRODUCT.md.
const (
	RoleAdmin    = "admin"
	RoleAuditor  = "auditor"
	RoleReviewer = "reviewer"
	RoleOfficer  = "officer"
)

// Roles lists every role in the order pages show them.
var Roles = []string{RoleAdmin, RoleAuditor, RoleReviewer, RoleOfficer}

// Actor is the signed-in user on whose behalf a service call runs.
type Actor struct {
	UserID     int64
	Email      string
	Name       string // the person's name, for pages
	Role       string
	AgencyID   *int64 // officers and reviewers belong to one agency
	AgencyCode string
}

// SeesAllAgencies reports whether the actor's role spans every agency.
func (a *Actor) SeesAllAgencies() bool {
	return a.Role == RoleAdmin || a.Role == RoleAuditor
}

// InAgency reports whether the actor may see records of the agency.
func (a *Actor) InAgency(agencyID int64) bool {
	return a.SeesAllAgencies() || (a.AgencyID != nil && *a.AgencyID == agencyID)
}

// SeesPersonalData reports whether full NIK, phone and account numbers are
// shown to the actor (UU 27/2022: only admin and auditor).
func (a *Actor) SeesPersonalData() bool { return a.SeesAllAgencies() }

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// SystemEmail is the email of the user row (named "Sistem", inactive, with
// no password) that migration 00050 creates for work no person started.
const SystemEmail = "system"

// System is the actor for work that no user started (migrations, demo
// data) where no store is at hand; it carries no user id, so whatever it
// records names no user. The command line acts as store.SystemActor instead,
// which is the real user row.
var System = &Actor{Email: SystemEmail, Role: RoleAdmin}

// DropMaskedEcho removes from a change the personal-data fields that merely
// send back the masked form of the stored value, as a client shown masked
// data does when it returns the whole record: the stored NIK, phone or
// account number then stays as it is instead of being overwritten.
func DropMaskedEcho(current *Recipient, in *RecipientInput) {
	for _, f := range []struct {
		sent   **string
		masked string
	}{
		{&in.NIK, maskMiddle(current.NIK)},
		{&in.Phone, maskAllButLast4(current.Phone)},
		{&in.AccountNo, maskAllButLast4(current.AccountNo)},
	} {
		if *f.sent != nil && **f.sent != "" && strings.Contains(**f.sent, "*") && **f.sent == f.masked {
			*f.sent = nil
		}
	}
}
