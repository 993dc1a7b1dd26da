package finance

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"pilar/internal/i18n"
	"pilar/internal/money"
)

// Disbursement is one payment or benefit from a program to a recipient.
type Disbursement struct {
	ID            int64        `json:"id"`
	ProgramID     int64        `json:"-"`
	Program       string       `json:"program" gorm:"->;column:program_code"`
	AgencyID      int64        `json:"-" gorm:"->"`
	RecipientID   int64        `json:"recipient_id"`
	RecipientName string       `json:"recipient_name" gorm:"->"`
	Amount        money.Amount `json:"amount"`
	Tranche       int          `json:"tranche"`
	Form          string       `json:"form"`
	Status        Status       `json:"status"`
	DisbursedOn   string       `json:"disbursed_on"`
	ApprovedOn    *string      `json:"approved_on"`
	PaidOn        *string      `json:"paid_on"`
	ReturnedOn    *string      `json:"returned_on"`
	PaymentRef    string       `json:"payment_ref"`
	Note          string       `json:"note"`
	CreatedByID   int64        `json:"-"`
	CreatedBy     string       `json:"created_by" gorm:"->"`
	SubmittedByID *int64       `json:"-"`
	ApprovedByID  *int64       `json:"-"`
	ApprovedBy    *string      `json:"approved_by" gorm:"->"`
	// CreatedByName and ApprovedByName are the people's names, for pages.
	CreatedByName  string  `json:"-" gorm:"->"`
	ApprovedByName *string `json:"-" gorm:"->"`
	Reconciled     bool    `json:"reconciled"`
	// Flags are computed at submit and approve (and pay, for a payment
	// after the program's end); OverrideReason says why a flagged one was approved.
	Flags          Flags  `json:"flags"`
	OverrideReason string `json:"override_reason"`
	// Loan is the terms it lends on, for a credit program's loan (credit.go).
	Loan      *Loan     `json:"loan,omitempty" gorm:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DisbursementInput is what a client sends to record or change a draft
// disbursement; on a change, nil fields stay as they are.
type DisbursementInput struct {
	Program     *string    `json:"program"`
	RecipientID *int64     `json:"recipient_id"`
	Amount      *money.Raw `json:"amount"`
	Tranche     *int       `json:"tranche"`
	Form        *string    `json:"form"`
	DisbursedOn *string    `json:"disbursed_on"`
	PaymentRef  *string    `json:"payment_ref"`
	Note        *string    `json:"note"`
	Loan        *LoanInput `json:"loan"`
}

// NewDisbursement builds a draft from input; the program and recipient are
// resolved by the caller, which then calls CheckAgainst. Errors: validation_failed.
func NewDisbursement(in DisbursementInput) (*Disbursement, error) {
	d := &Disbursement{Status: StatusDraft, Tranche: 1, Form: "transfer"}
	f := Fields{}
	f.checkInput(in)
	if in.Program == nil {
		f.Add("program", "is required")
	}
	if in.RecipientID == nil {
		f.Add("recipient_id", "is required")
	}
	if in.Amount == nil {
		f.Add("amount", "is required")
	}
	if in.DisbursedOn == nil {
		f.Add("disbursed_on", "is required")
	}
	d.apply(in, f)
	return d, f.Err()
}

// Patch changes a draft with the fields present in the input. Errors:
// invalid_transition (no longer a draft), validation_failed.
func (d *Disbursement) Patch(in DisbursementInput) error {
	if d.Status != StatusDraft {
		return Errorf(EInvalidTransition, "only a draft can be changed; this disbursement is %s", d.Status)
	}
	f := Fields{}
	f.checkInput(in)
	if in.Program != nil && str(in.Program) != d.Program {
		f.Add("program", "cannot be changed; delete the draft and record a new one")
	}
	d.apply(in, f)
	return f.Err()
}

func (d *Disbursement) apply(in DisbursementInput, f Fields) {
	if in.Program != nil {
		d.Program = str(in.Program)
	}
	if in.RecipientID != nil {
		d.RecipientID = *in.RecipientID
	}
	if in.Amount != nil {
		a, err := money.Parse(string(*in.Amount))
		if err != nil {
			f.AddMsg("amount", AmountMsg(err))
		}
		d.Amount = a
	}
	if in.Tranche != nil {
		d.Tranche = *in.Tranche
	}
	if in.Form != nil {
		d.Form = str(in.Form)
	}
	if in.DisbursedOn != nil {
		d.DisbursedOn = str(in.DisbursedOn)
	}
	if in.PaymentRef != nil {
		d.PaymentRef = str(in.PaymentRef)
	}
	if in.Note != nil {
		d.Note = str(in.Note)
	}
	if d.Tranche < 1 || d.Tranche > 99 {
		f.Add("tranche", "must be between 1 and 99")
	}
	oneOf(f, "form", d.Form, Forms)
	if msg := ValidDate(d.DisbursedOn); msg != "" {
		f.Add("disbursed_on", msg)
	}
	if utf8.RuneCountInString(d.Note) > MaxNoteLength {
		f.Add("note", "must be at most 2000 characters")
	}
	if in.Loan != nil {
		l, err := NewLoan(*in.Loan, d.DisbursedOn)
		var e *Error
		if errors.As(err, &e) {
			for k, m := range e.Fields {
				f.AddMsg(k, m)
			}
		}
		l.DisbursementID = d.ID
		d.Loan = l
	} else if d.Loan != nil && d.Loan.FirstDueOn <= d.DisbursedOn {
		f.Add("loan.first_due_on", "must be after the disbursement date %s", i18n.Day(d.DisbursedOn))
	}
}

// CheckAgainst applies the rules that need the program: it must be active,
// disbursed_on must fall in its period, and a fixed amount per recipient
// must be met when the program is strict about it (otherwise a different
// amount is accepted and flagged). Errors: conflict, validation_failed.
func (d *Disbursement) CheckAgainst(p *Program) error {
	if p.Status != "active" {
		return Errorf(EConflict, "program %s is %s; only an active program takes disbursements", p.Code, p.Status)
	}
	f := Fields{}
	if d.DisbursedOn < p.StartsOn || d.DisbursedOn > p.EndsOn {
		f.Add("disbursed_on", "must be within the program's period, %s to %s", i18n.Day(p.StartsOn), i18n.Day(p.EndsOn))
	}
	if d.Loan != nil && p.Kind != KindCredit {
		f.Add("loan", "only a disbursement of a credit program carries loan terms")
	}
	if p.AmountPerRecipientStrict && p.AmountPerRecipient != nil && !d.Amount.Equal(*p.AmountPerRecipient) {
		f.Add("amount", "must be %s, the program's fixed amount per recipient", p.AmountPerRecipient.String())
	}
	return f.Err()
}

// TrancheTaken is the refusal of a disbursement because its recipient
// already has disbursement holder in the program and tranche. It names the
// recipient by business name and the program by name, as people know them,
// and nothing personal (no NIK, phone or account), so every role may read
// it. differs says the holder has another amount or date (an import skips
// a row equal to its holder). Error: duplicate.
func TrancheTaken(recipient, program string, tranche int, holder int64, differs bool) error {
	if differs {
		return Errorf(EDuplicate, "%s already has disbursement #%d in program %s, tranche %d, with another amount or date",
			recipient, holder, program, tranche)
	}
	return Errorf(EDuplicate, "%s already has disbursement #%d in program %s, tranche %d", recipient, holder, program, tranche)
}

// DisbursementFilter narrows a disbursement list.
type DisbursementFilter struct {
	Program     string
	RecipientID int64
	Status      Status
	From, To    string // disbursed_on range, inclusive
	Agency      string // the program's agency, by code
	Region      string // the recipient's region, or a region inside it
	Q           string // part of the recipient's name
	Page
}

// DisbursementService records disbursements.
type DisbursementService interface {
	// CreateDisbursement records a draft. Errors: forbidden, validation_failed,
	// conflict (program not active), duplicate (same recipient, program, tranche).
	CreateDisbursement(ctx context.Context, in DisbursementInput) (*Disbursement, error)
	// FindDisbursementByID returns one disbursement. Errors: not_found, forbidden.
	FindDisbursementByID(ctx context.Context, id int64) (*Disbursement, error)
	// FindDisbursements lists the disbursements the actor may see, and the next cursor.
	FindDisbursements(ctx context.Context, filter DisbursementFilter) ([]*Disbursement, string, error)
	// TotalDisbursements counts those FindDisbursements would list on
	// every page. Errors: unauthorized.
	TotalDisbursements(ctx context.Context, filter DisbursementFilter) (int64, error)
	// UpdateDisbursement changes a draft. Errors: not_found, forbidden,
	// invalid_transition, validation_failed, duplicate.
	UpdateDisbursement(ctx context.Context, id int64, in DisbursementInput) (*Disbursement, error)
	// DeleteDisbursement deletes a draft. Errors: not_found, forbidden, invalid_transition.
	DeleteDisbursement(ctx context.Context, id int64) error
	// ExportDisbursements calls emit with every disbursement the actor may
	// see that passes the filter (its page ignored), by id, masked per role,
	// one row at a time. Errors: unauthorized, those of emit.
	ExportDisbursements(ctx context.Context, filter DisbursementFilter, emit func(*DisbursementLine) error) error
}

// DisbursementLine is one line of a disbursement export: the disbursement
// with the recipient's identifiers a payment office needs.
type DisbursementLine struct {
	Disbursement
	RecipientNIK   string
	RecipientPhone string
	BankCode       string
	AccountNo      string
}

// Mask hides the recipient's personal data as Recipient.Mask does: NIK
// keeps its first and last 4 digits, phone and account their last 4.
func (r *DisbursementLine) Mask() {
	r.RecipientNIK = maskMiddle(r.RecipientNIK)
	r.RecipientPhone = maskAllButLast4(r.RecipientPhone)
	r.AccountNo = maskAllButLast4(r.AccountNo)
}

// DisbursementCount is the number of the disbursements of one program
// kind in one status (the metrics read them; amounts stay in the exact
// reports, not in float metrics).
type DisbursementCount struct {
	ProgramKind string
	Status      string
	Count       int64
}
