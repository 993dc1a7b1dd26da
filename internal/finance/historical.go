package finance

import "context"

// ActImportHistory enters past payments directly as paid (admin only, CLI).
const ActImportHistory Act = "import_history"

func init() { allowed[ActImportHistory] = []string{RoleAdmin} }

// NewHistoricalDisbursement builds a past payment from a file row: paid on
// paidOn and approved by the importing admin a, who is also its recorder.
// Errors: validation_failed.
func NewHistoricalDisbursement(in DisbursementInput, paidOn *string, a *Actor) (*Disbursement, error) {
	d, err := NewDisbursement(in)
	f := Fields{}
	if e, ok := err.(*Error); ok {
		f = e.Fields
	} else if err != nil {
		return nil, err
	}
	switch {
	case paidOn == nil || *paidOn == "":
		f.Add("paid_on", "is required in a historical import: the day it was paid")
	case ValidDate(*paidOn) != "":
		f.Add("paid_on", ValidDate(*paidOn))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	id := a.UserID
	d.Status = StatusPaid
	d.PaidOn, d.ApprovedOn = paidOn, paidOn
	d.CreatedByID, d.SubmittedByID, d.ApprovedByID = id, &id, &id
	return d, nil
}

// CheckHistorical applies the rules of a program to a past payment: the
// program's period and a strict fixed amount hold; the program need not be
// active any more and its budget is not enforced (what happened is
// recorded; overruns are reported). Errors: validation_failed.
func (d *Disbursement) CheckHistorical(p *Program) error {
	q := *p
	q.Status = "active"
	return d.CheckAgainst(&q)
}

// HistoricalImport is what the one audit entry of a historical import
// records: the file, its SHA-256, the counts, and the programs whose
// budget the import pushed over.
type HistoricalImport struct {
	File     string   `json:"file"`
	SHA256   string   `json:"sha256"`
	Rows     int      `json:"rows"`
	Created  int      `json:"created"`
	Skipped  int      `json:"skipped"`
	Failed   int      `json:"failed"`
	Flagged  int      `json:"flagged"`
	Overruns []string `json:"overruns"`
}

// HistoricalImportService enters past payments.
type HistoricalImportService interface {
	// ImportHistorical enters one past payment as paid, without an audit
	// entry of its own, and returns its flags. Errors: unauthorized,
	// forbidden (not an admin), validation_failed, duplicate.
	ImportHistorical(ctx context.Context, row DisbursementRow) (ImportOutcome, Flags, error)
	// FinishHistoricalImport lists the budget overruns of the programs the
	// import touched and writes the import's one audit entry. Errors:
	// unauthorized, forbidden.
	FinishHistoricalImport(ctx context.Context, h *HistoricalImport, programs []string) error
}
