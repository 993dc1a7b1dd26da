package finance

import "context"

// ActImportHistory enters past payments directly as paid (admin only, CLI).
const ActImportHistory Act = "import_history"

func init() { allowed[ActImportHistory] = []string{RoleAdmin} }

// NewHistorical builds the row's past payment for the recipient the store
// found, from the draft Prepare made (or a new one): paid on the row's
// paid_on and approved by the importing admin a, who is also its
// recorder. Errors: validation_failed.
func (r DisbursementRow) NewHistorical(recipientID int64, a *Actor) (*Disbursement, error) {
	d, err := r.NewDraft(recipientID)
	f := Fields{}
	if e, ok := err.(*Error); ok {
		f = e.Fields
	} else if err != nil {
		return nil, err
	}
	switch paidOn := r.PaidOn; {
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
	d.PaidOn, d.ApprovedOn = r.PaidOn, r.PaidOn
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
	// ImportHistoricalSet enters a set of past payments as paid, without
	// audit entries of their own, and says per row, in order, what it did
	// (with the flags of the rows it entered) or why it refused it
	// (validation_failed, duplicate); an earlier row of the set counts for
	// a later one as a paid disbursement does. Errors: unauthorized,
	// forbidden (not an admin), and internal ones.
	ImportHistoricalSet(ctx context.Context, rows []DisbursementRow) ([]RowOutcome, error)
	// FinishHistoricalImport lists the budget overruns of the programs the
	// import touched and writes the import's one audit entry. Errors:
	// unauthorized, forbidden.
	FinishHistoricalImport(ctx context.Context, h *HistoricalImport, programs []string) error
}
