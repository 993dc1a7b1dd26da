package finance

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"pilar/internal/money"
)

// Actions on a disbursement, as named in POST /disbursements/{id}/{action}.
const (
	ActionSubmit  = "submit"
	ActionApprove = "approve"
	ActionReject  = "reject"
	ActionCancel  = "cancel"
	ActionPay     = "pay"
	ActionReturn  = "return"
)

// Actions lists every action in the order pages show their buttons.
var Actions = []string{ActionSubmit, ActionApprove, ActionReject, ActionPay, ActionReturn, ActionCancel}

// step is one edge of the life cycle: the states an action starts from,
// the state it leads to and the act a role needs for it.
type step struct {
	from []Status
	to   Status
	act  Act
}

// lifecycle is the life cycle of PRODUCT.md, the one place it is written:
//
//	draft -> submitted -> approved -> paid -> returned
//	            \-> rejected
//	cancelled from draft, submitted or approved
var lifecycle = map[string]step{
	ActionSubmit:  {[]Status{StatusDraft}, StatusSubmitted, ActRecordDisbursement},
	ActionApprove: {[]Status{StatusSubmitted}, StatusApproved, ActApprove},
	ActionReject:  {[]Status{StatusSubmitted}, StatusRejected, ActApprove},
	ActionCancel:  {[]Status{StatusDraft, StatusSubmitted, StatusApproved}, StatusCancelled, ActCancel},
	ActionPay:     {[]Status{StatusApproved}, StatusPaid, ActPay},
	ActionReturn:  {[]Status{StatusPaid}, StatusReturned, ActPay},
}

// CheckAction refuses a name that is not one of Actions. Errors: not_found.
func CheckAction(name string) error {
	if _, ok := lifecycle[name]; !ok {
		return Errorf(ENotFound, "there is no action %q; use one of %s", name, strings.Join(Actions, ", "))
	}
	return nil
}

// ActOf is the act a role needs to take action. Errors: not_found.
func ActOf(action string) (Act, error) {
	if err := CheckAction(action); err != nil {
		return "", err
	}
	return lifecycle[action].act, nil
}

// NextStatus returns the state that action leads to from status. Errors:
// not_found (no such action), invalid_transition (not allowed from status).
func NextStatus(status Status, action string) (Status, error) {
	if err := CheckAction(action); err != nil {
		return "", err
	}
	st := lifecycle[action]
	for _, f := range st.from {
		if f == status {
			return st.to, nil
		}
	}
	return "", Errorf(EInvalidTransition, "a disbursement that is %s cannot be %s", M(string(status)), M(pastTense[action]))
}

var pastTense = map[string]string{
	ActionSubmit: "submitted", ActionApprove: "approved", ActionReject: "rejected",
	ActionCancel: "cancelled", ActionPay: "paid", ActionReturn: "returned",
}

// ActionInput is the optional body of an action: a note for every action,
// paid_on and payment_ref for pay, returned_on for return, override_reason
// for approving a flagged disbursement, and the reason a rejection needs
// (a note serves as one).
type ActionInput struct {
	Note           *string `json:"note"`
	Reason         *string `json:"reason"`
	PaidOn         *string `json:"paid_on"`
	PaymentRef     *string `json:"payment_ref"`
	ReturnedOn     *string `json:"returned_on"`
	OverrideReason *string `json:"override_reason"`
}

// MayAct checks that actor a may take action on d, apart from d's state:
// the role's act and agency, four eyes for approve and reject (whoever
// created or submitted d never decides on it), and an officer cancelling
// only drafts and their own submissions. Errors: not_found, unauthorized, forbidden.
func (d *Disbursement) MayAct(a *Actor, action string) error {
	st, ok := lifecycle[action]
	switch {
	case !ok:
		return CheckAction(action)
	case a == nil:
		return Errorf(EUnauthorized, "sign in first")
	case !a.Can(st.act):
		return Errorf(EForbidden, "your role (%s) may not %s a disbursement", RoleName(a.Role), M(action))
	case !a.InAgency(d.AgencyID):
		return Errorf(EForbidden, "this disbursement belongs to another agency")
	}
	return d.mayAsPerson(a, action)
}

// mayAsPerson holds the rules about who, beyond the role, may act.
func (d *Disbursement) mayAsPerson(a *Actor, action string) error {
	switch {
	case (action == ActionApprove || action == ActionReject) &&
		(d.CreatedByID == a.UserID || (d.SubmittedByID != nil && *d.SubmittedByID == a.UserID)):
		return Errorf(EForbidden, "you recorded or submitted this disbursement; another person must decide on it")
	case action == ActionCancel && a.Role == RoleOfficer && d.Status != StatusDraft &&
		!(d.Status == StatusSubmitted && d.SubmittedByID != nil && *d.SubmittedByID == a.UserID):
		return Errorf(EForbidden, "an officer may cancel only drafts and their own submissions")
	}
	return nil
}

// AllowedActions lists the actions actor a may take on d now, for buttons.
func (d *Disbursement) AllowedActions(a *Actor) []string {
	var out []string
	for _, action := range Actions {
		if _, err := NextStatus(d.Status, action); err == nil && d.MayAct(a, action) == nil {
			out = append(out, action)
		}
	}
	return out
}

// Act moves d through action as actor a on day today (YYYY-MM-DD). The
// role is checked first (403), then the step (409), then the person (403),
// then the input (422); the caller checks the budget when approving.
// Errors: not_found, unauthorized, forbidden, invalid_transition, validation_failed.
func (d *Disbursement) Act(a *Actor, action string, in ActionInput, today string) error {
	st, ok := lifecycle[action]
	if ok && a != nil && !a.Can(st.act) {
		return d.MayAct(a, action)
	}
	next, err := NextStatus(d.Status, action)
	if err != nil {
		return err
	}
	if err := d.MayAct(a, action); err != nil {
		return err
	}
	f := Fields{}
	f.checkInput(in)
	f.checkReason(action, in)
	switch action {
	case ActionSubmit:
		id := a.UserID
		d.SubmittedByID = &id
	case ActionApprove:
		id := a.UserID
		d.ApprovedByID, d.ApprovedOn = &id, &today
	case ActionPay:
		d.PaidOn = dateOr(in.PaidOn, today, "paid_on", f)
		if in.PaymentRef != nil {
			d.PaymentRef = strings.TrimSpace(*in.PaymentRef)
		}
		if utf8.RuneCountInString(d.PaymentRef) > 100 {
			f.Add("payment_ref", "must be at most 100 characters")
		}
	case ActionReturn:
		d.ReturnedOn = dateOr(in.ReturnedOn, today, "returned_on", f)
		if d.PaidOn != nil && *d.ReturnedOn < *d.PaidOn {
			f.Add("returned_on", "must not be before the day it was paid (%s)", *d.PaidOn)
		}
	}
	if text := in.noteText(action); text != "" {
		line := action + ": " + text
		if d.Note != "" {
			line = d.Note + "\n" + line
		}
		if utf8.RuneCountInString(line) > MaxNoteLength {
			f.Add("note", "makes the disbursement's note longer than 2000 characters")
		}
		d.Note = line
	}
	if err := f.Err(); err != nil {
		return err
	}
	d.Status = next
	return nil
}

// CheckReason refuses a rejection without a reason, on the field reason,
// so a page can say so before acting on many at once; Act checks the same.
// Errors: validation_failed.
func CheckReason(action string, in ActionInput) error {
	f := Fields{}
	f.checkReason(action, in)
	return f.Err()
}

func (f Fields) checkReason(action string, in ActionInput) {
	if action == ActionReject && in.noteText(action) == "" {
		f.Add("reason", "is required when rejecting: write why, so the officer knows what to fix")
	}
}

// noteText is what an action adds to the disbursement's note: the note, and
// for a rejection the reason before it.
func (in ActionInput) noteText(action string) string {
	var parts []string
	if action == ActionReject && in.Reason != nil && strings.TrimSpace(*in.Reason) != "" {
		parts = append(parts, strings.TrimSpace(*in.Reason))
	}
	if in.Note != nil && strings.TrimSpace(*in.Note) != "" {
		parts = append(parts, strings.TrimSpace(*in.Note))
	}
	return strings.Join(parts, "; ")
}

// dateOr is the date sent, or today when none was; a bad date is a field error.
func dateOr(sent *string, today, field string, f Fields) *string {
	if sent == nil || strings.TrimSpace(*sent) == "" {
		return &today
	}
	v := strings.TrimSpace(*sent)
	if msg := ValidDate(v); msg != "" {
		f.Add(field, msg)
	}
	return &v
}

// CheckBudget refuses approving amount in p when committed (approved +
// paid) would then exceed the current budget; in a revolving program the
// principal repaid returns to the fund, so committed − principal repaid
// must stay within it. Errors: budget_exceeded.
func CheckBudget(p *Program, amount money.Amount) error {
	used := p.Used()
	after := used.Add(amount)
	if after.Cmp(p.Budget) > 0 {
		return Errorf(EBudgetExceeded, "approving %s would commit %s of program %s's budget of %s (%s remaining)",
			amount, after, p.Code, p.Budget, p.Budget.Sub(used))
	}
	return nil
}

// BulkActionInput asks for one action on many disbursements.
type BulkActionInput struct {
	Action string  `json:"action"`
	IDs    []int64 `json:"ids"`
	ActionInput
}

// ActionResult is the outcome of one disbursement in a bulk action: the
// changed disbursement, or the error that refused it.
type ActionResult struct {
	ID           int64
	Disbursement *Disbursement
	Err          error
}

// LifecycleService moves disbursements through their life cycle.
type LifecycleService interface {
	// ActOnDisbursement takes one action on a disbursement. Errors:
	// unauthorized, not_found, forbidden, invalid_transition, budget_exceeded, validation_failed.
	ActOnDisbursement(ctx context.Context, id int64, action string, in ActionInput) (*Disbursement, error)
	// ActOnDisbursements takes the same action on each disbursement, each in
	// its own transaction, and reports every outcome; one refusal does not
	// stop the others. Errors (of the whole call): unauthorized, not_found
	// (no such action), forbidden (a role that may never take it).
	ActOnDisbursements(ctx context.Context, ids []int64, action string, in ActionInput) ([]ActionResult, error)
}

// BudgetRevision is one change of a program's budget, with its reason and
// the person who approved it.
type BudgetRevision struct {
	ID             int64        `json:"id"`
	ProgramID      int64        `json:"-"`
	Program        string       `json:"program" gorm:"->;column:program_code"`
	PreviousBudget money.Amount `json:"previous_budget"`
	Budget         money.Amount `json:"budget"`
	Reason         string       `json:"reason"`
	ApprovedByID   int64        `json:"-"`
	ApprovedBy     string       `json:"approved_by" gorm:"->"`
	ApprovedByName string       `json:"-" gorm:"->"` // for pages
	CreatedAt      time.Time    `json:"created_at"`
}

// BudgetRevisionInput is what a client sends to revise a budget.
type BudgetRevisionInput struct {
	Budget *money.Raw `json:"budget"`
	Reason *string    `json:"reason"`
}

// NewBudgetRevision builds the revision of p's budget that in asks for; a
// budget below what p has committed is refused. Errors: validation_failed, budget_exceeded.
func NewBudgetRevision(p *Program, in BudgetRevisionInput) (*BudgetRevision, error) {
	r := &BudgetRevision{ProgramID: p.ID, Program: p.Code, PreviousBudget: p.Budget, Reason: strings.TrimSpace(str(in.Reason))}
	f := Fields{}
	f.checkInput(in)
	if in.Budget == nil {
		f.Add("budget", "is required")
	} else if b, err := money.Parse(string(*in.Budget)); err != nil {
		f.AddMsg("budget", AmountMsg(err))
	} else {
		r.Budget = b
	}
	switch {
	case r.Reason == "":
		f.Add("reason", "is required: say why the budget changes (such as APBD-Perubahan)")
	case utf8.RuneCountInString(r.Reason) > MaxAddressLength:
		f.Add("reason", "must be at most 500 characters")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if r.Budget.Cmp(p.Used()) < 0 {
		return nil, Errorf(EBudgetExceeded, "program %s has already committed %s; the budget cannot go below that", p.Code, p.Used().Rupiah())
	}
	return r, nil
}

// BudgetRevisionService revises program budgets and keeps their history.
type BudgetRevisionService interface {
	// ReviseBudget sets a program's current budget. Errors: unauthorized,
	// not_found, forbidden, validation_failed, budget_exceeded (below committed).
	ReviseBudget(ctx context.Context, code string, in BudgetRevisionInput) (*BudgetRevision, error)
	// FindBudgetRevisions lists a program's revisions, oldest first. Errors:
	// unauthorized, not_found, forbidden.
	FindBudgetRevisions(ctx context.Context, code string) ([]*BudgetRevision, error)
}
