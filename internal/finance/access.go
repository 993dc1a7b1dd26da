package finance

import "context"

// Act names something an actor may want to do; Authorize decides.
type Act string

// The acts of API.md's permission table.
const (
	ActManageAdmin        Act = "manage_admin" // agencies, users, tokens
	ActReadAdmin          Act = "read_admin"
	ActEditProgram        Act = "edit_program"
	ActReviseBudget       Act = "revise_budget"
	ActEditRecipient      Act = "edit_recipient"
	ActRecordDisbursement Act = "record_disbursement" // create, edit drafts, import, submit, delete drafts
	ActApprove            Act = "approve"             // approve, reject
	ActPay                Act = "pay"                 // pay, return
	ActCancel             Act = "cancel"
	ActRecordRepayment    Act = "record_repayment" // record and import a loan's repayments
	ActReadAudit          Act = "read_audit"
)

var allowed = map[Act][]string{
	ActManageAdmin:        {RoleAdmin},
	ActReadAdmin:          {RoleAdmin, RoleAuditor},
	ActEditProgram:        {RoleAdmin, RoleReviewer},
	ActReviseBudget:       {RoleAdmin, RoleReviewer},
	ActEditRecipient:      {RoleAdmin, RoleReviewer, RoleOfficer},
	ActRecordDisbursement: {RoleAdmin, RoleOfficer},
	ActApprove:            {RoleAdmin, RoleReviewer},
	ActPay:                {RoleAdmin, RoleReviewer, RoleOfficer},
	ActCancel:             {RoleAdmin, RoleReviewer, RoleOfficer},
	ActRecordRepayment:    {RoleAdmin, RoleReviewer, RoleOfficer},
	ActReadAudit:          {RoleAdmin, RoleAuditor},
}

// Can reports whether the actor's role may ever do the act.
func (a *Actor) Can(act Act) bool {
	if a == nil {
		return false
	}
	for _, r := range allowed[act] {
		if r == a.Role {
			return true
		}
	}
	return false
}

// Authorize returns the actor in ctx if its role may do act, for records of
// agencyID when that is not nil. Errors: unauthorized (no actor), forbidden.
func Authorize(ctx context.Context, act Act, agencyID *int64) (*Actor, error) {
	a := ActorFrom(ctx)
	if a == nil {
		return nil, Errorf(EUnauthorized, "sign in first")
	}
	if !a.Can(act) {
		return nil, Errorf(EForbidden, "your role (%s) may not do this", RoleName(a.Role))
	}
	if agencyID != nil && !a.InAgency(*agencyID) {
		return nil, Errorf(EForbidden, "this belongs to another agency")
	}
	return a, nil
}

// AuthorizeRead returns the actor in ctx if it may read records of agencyID
// (nil: records shared by all agencies). Errors: unauthorized, forbidden.
func AuthorizeRead(ctx context.Context, agencyID *int64) (*Actor, error) {
	a := ActorFrom(ctx)
	if a == nil {
		return nil, Errorf(EUnauthorized, "sign in first")
	}
	if agencyID != nil && !a.InAgency(*agencyID) {
		return nil, Errorf(EForbidden, "this belongs to another agency")
	}
	return a, nil
}

// RoleName is a role in words, as a message argument: "reviewer" ->
// "Reviu keuangan" / "Finance reviewer" (i18n "role.<role>").
func RoleName(role string) Msg { return M("role." + role) }
