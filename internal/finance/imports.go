package finance

import "context"

// ImportOutcome is what importing one row did to the registry.
type ImportOutcome int

// The outcomes of an imported row; a refused row is an error instead.
const (
	ImportCreated ImportOutcome = iota + 1
	ImportUpdated
	ImportSkipped // already present: nothing written
)

// DisbursementRow is one row of a disbursement file: the recipient is
// named by NIK, else by NIB, and the rest is a draft's input.
type DisbursementRow struct {
	RecipientNIK string
	RecipientNIB string
	Input        DisbursementInput
	PaidOn       *string // historical imports: the day it was paid
	draft        *prepared[*Disbursement]
}

// prepared is what a row's input makes, or why it does not, made by a
// row's Prepare as the importer reads the row.
type prepared[T any] struct {
	v   T
	err error
}

// Prepare makes the row's draft, as NewDisbursement does, before the
// store looks the recipient up: the importer prepares rows as it reads
// them, beside the transaction that enters them. A row is entered once.
func (r *DisbursementRow) Prepare() {
	in := r.Input
	var recipient int64 // set by NewDraft; NewDisbursement only requires one
	in.RecipientID = &recipient
	d, err := NewDisbursement(in)
	r.draft = &prepared[*Disbursement]{d, err}
}

// NewDraft is NewDisbursement of the row's input for the recipient the
// store found: the draft Prepare made, or a new one. Errors: those of
// NewDisbursement.
func (r DisbursementRow) NewDraft(recipientID int64) (*Disbursement, error) {
	if r.draft == nil {
		in := r.Input
		in.RecipientID = &recipientID
		return NewDisbursement(in)
	}
	r.draft.v.RecipientID = recipientID
	return r.draft.v, r.draft.err
}

// RecipientRow is one row of a recipients file: the input of a recipient.
type RecipientRow struct {
	Input     RecipientInput
	recipient *prepared[*Recipient]
}

// Prepare makes the row's recipient, as NewRecipient does, before the
// store looks it up: the importer prepares rows as it reads them, beside
// the transaction that enters them. A row is entered once.
func (r *RecipientRow) Prepare() {
	v, err := NewRecipient(r.Input)
	r.recipient = &prepared[*Recipient]{v, err}
}

// NewRecipient is NewRecipient of the row's input: the recipient Prepare
// made, or a new one. Errors: those of NewRecipient.
func (r RecipientRow) NewRecipient() (*Recipient, error) {
	if r.recipient == nil {
		return NewRecipient(r.Input)
	}
	return r.recipient.v, r.recipient.err
}

// ImportService takes imported rows (recipients and disbursements a set at a time), inside transactions the
// importer opens with InTx (a batch, or the whole file when atomic). A
// refused row leaves nothing behind, even inside a batch.
type ImportService interface {
	// InTx runs fn in one transaction; a nested call joins it.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// ImportRecipients registers a set of recipients, skipping each row
	// whose recipient has the same identity (umkm: NIK; koperasi: legal
	// number; kelompok: name and NIK) as one registered or an earlier row
	// of the set, or with update changing that one, and says per row, in
	// order, what it did or why it refused it (validation_failed,
	// duplicate). Errors: unauthorized, forbidden, and internal ones,
	// which write nothing of the set.
	ImportRecipients(ctx context.Context, rows []RecipientRow, update bool) ([]RowOutcome, error)
	// ImportFigures records a recipient's yearly figures from a date in its
	// history (and on the recipient when they are its latest), or skips the
	// row when the history holds them already on that date. Errors:
	// unauthorized, forbidden, validation_failed (a bad value, an unknown
	// recipient, identifiers naming different recipients).
	ImportFigures(ctx context.Context, row FiguresRow) (ImportOutcome, error)
	// ImportDisbursements records a batch of drafts (submitted with
	// submit), skipping each row whose recipient already has the same one
	// in that program and tranche, and says per row, in order, what it did
	// or why it refused it (validation_failed, forbidden, conflict,
	// duplicate: a different disbursement holds the tranche). Errors:
	// unauthorized, forbidden, and internal ones, which write nothing of
	// the batch.
	ImportDisbursements(ctx context.Context, rows []DisbursementRow, submit bool) ([]RowOutcome, error)
	// ReserveLookups sets aside, for an import by an actor who sees masked
	// data, what is left of the hour's identifier lookups (ImportLookups),
	// carried by the context it gives; release, once the import's
	// transactions have ended, counts those its rows made and gives back
	// the rest. Others get ctx as it is. Errors: internal.
	ReserveLookups(ctx context.Context) (_ context.Context, release func() error, _ error)
}

// RepaymentRow is one row of a repayments file: the loan by its id
// (loan_id, the disbursement's), else by its recipient's NIK or NIB and
// optionally its program, which must then name one paid loan.
type RepaymentRow struct {
	LoanID       int64
	RecipientNIK string
	RecipientNIB string
	Program      string
	Input        RepaymentInput
}

// RepaymentImportService takes imported repayments one row at a time, in
// the importer's transactions (ImportService.InTx).
type RepaymentImportService interface {
	// ImportRepayment records a repayment, or skips it when the loan
	// already has one of the same date, amount and reference. Errors:
	// unauthorized, forbidden, validation_failed, not_found, conflict.
	ImportRepayment(ctx context.Context, row RepaymentRow) (ImportOutcome, error)
}

// RowOutcome is what importing one row of a batch did, or why it was refused.
type RowOutcome struct {
	Outcome ImportOutcome
	Err     error
	Flags   Flags // a historical row's, when entered
}
