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
}

// ImportService takes imported rows one at a time, inside transactions the
// importer opens with InTx (a batch, or the whole file when atomic). A
// refused row leaves nothing behind, even inside a batch.
type ImportService interface {
	// InTx runs fn in one transaction; a nested call joins it.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// ImportRecipient registers a recipient, or skips it when one with the
	// same identity (umkm: NIK; koperasi: legal number; kelompok: name and
	// NIK) exists, or with update changes that one. Errors: unauthorized,
	// forbidden, validation_failed, duplicate.
	ImportRecipient(ctx context.Context, in RecipientInput, update bool) (ImportOutcome, error)
	// ImportDisbursement records a draft (submitted with submit), or skips
	// it when the recipient already has the same one in that program and
	// tranche. Errors: unauthorized, forbidden, validation_failed, conflict,
	// duplicate (a different disbursement holds the tranche).
	ImportDisbursement(ctx context.Context, row DisbursementRow, submit bool) (ImportOutcome, error)
	// ImportFigures records a recipient's yearly figures from a date in its
	// history (and on the recipient when they are its latest), or skips the
	// row when the history holds them already on that date. Errors:
	// unauthorized, forbidden, validation_failed (a bad value, an unknown
	// recipient, identifiers naming different recipients).
	ImportFigures(ctx context.Context, row FiguresRow) (ImportOutcome, error)
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
