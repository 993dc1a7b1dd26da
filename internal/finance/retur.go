package finance

import (
	"context"
	"time"

	"pilar/internal/money"
)

// How returned money is closed.
const (
	ClosureDeposit   = "deposit"   // paid back to the treasury (setoran ke kas negara / kas daerah)
	ClosureRepayment = "repayment" // paid again to the recipient, by another paid disbursement
)

// Treasuries a deposit goes to.
var Treasuries = []string{"kas_negara", "kas_daerah"}

// ReturClosure records how a returned disbursement's money was closed.
type ReturClosure struct {
	ID             int64        `json:"id"`
	DisbursementID int64        `json:"disbursement_id"`
	Kind           string       `json:"kind"`
	Treasury       string       `json:"treasury"`
	ClosedOn       string       `json:"closed_on"`
	Reference      string       `json:"reference"`
	Amount         money.Amount `json:"amount"`
	RepaymentID    *int64       `json:"repayment_id"`
	Note           string       `json:"note"`
	CreatedByID    int64        `json:"-"`
	CreatedBy      string       `json:"created_by" gorm:"->"`
	CreatedAt      time.Time    `json:"created_at"`
}

// ReturClosureInput records a deposit (kind, treasury, closed_on,
// reference, amount) or a re-payment (kind, repayment_id).
type ReturClosureInput struct {
	Kind        *string    `json:"kind"`
	Treasury    *string    `json:"treasury"`
	ClosedOn    *string    `json:"closed_on"`
	Reference   *string    `json:"reference"`
	Amount      *money.Raw `json:"amount"`
	RepaymentID *int64     `json:"repayment_id"`
	Note        *string    `json:"note"`
}

// OpenReturn is returned money not yet deposited or paid again.
type OpenReturn struct {
	DisbursementID int64        `json:"disbursement_id"`
	Program        string       `json:"program"`
	AgencyID       int64        `json:"-"`
	Agency         string       `json:"agency"`
	RecipientID    int64        `json:"recipient_id"`
	RecipientName  string       `json:"recipient_name"`
	Amount         money.Amount `json:"amount"`
	ReturnedOn     string       `json:"returned_on"`
	AgeDays        int          `json:"age_days"`
	// BackInAccount says a credit line (retur) of a statement shows the money back.
	BackInAccount bool `json:"back_in_account"`
}

// ReturService closes returned money.
type ReturService interface {
	// CloseReturn records the deposit or re-payment of a returned
	// disbursement. Errors: not_found, forbidden, invalid_transition (not
	// returned), conflict (closed already), validation_failed.
	CloseReturn(ctx context.Context, disbursementID int64, in ReturClosureInput) (*ReturClosure, error)
	// FindReturClosure returns how a disbursement's return was closed, or nil. Errors: not_found, forbidden.
	FindReturClosure(ctx context.Context, disbursementID int64) (*ReturClosure, error)
	// OpenReturns lists returned money not yet closed, oldest first, with its age.
	OpenReturns(ctx context.Context) ([]*OpenReturn, error)
}
