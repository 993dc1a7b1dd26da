package finance

import (
	"context"
	"io"
	"time"

	"pilar/internal/money"
	"pilar/internal/recon"
)

// ActReconcile covers uploading statements and reconciling them: admin,
// and officers and reviewers for their own agency; auditors read.
const ActReconcile Act = "reconcile"

func init() {
	allowed[ActReconcile] = []string{RoleAdmin, RoleReviewer, RoleOfficer}
}

// Statement is one account's bank statement for one period, as imported.
type Statement struct {
	ID               int64            `json:"id"`
	AgencyID         int64            `json:"-"`
	Agency           string           `json:"agency" gorm:"->;column:agency_code"`
	Account          string           `json:"account"`
	Currency         string           `json:"currency"`
	Format           string           `json:"format"`
	Number           string           `json:"number"`
	PeriodFrom       string           `json:"period_from"`
	PeriodTo         string           `json:"period_to"`
	OpeningBalance   money.Amount     `json:"opening_balance"`
	ClosingBalance   money.Amount     `json:"closing_balance"`
	Balanced         bool             `json:"balanced" gorm:"-"`
	Difference       money.Amount     `json:"difference"`
	LineCount        int              `json:"line_count"`
	Problems         []recon.Problem  `json:"problems" gorm:"-"`
	ProblemsJSON     string           `json:"-" gorm:"column:problems"`
	Fingerprint      string           `json:"-"`
	ReconciliationID *int64           `json:"reconciliation_id" gorm:"->"`
	CreatedByID      int64            `json:"-"`
	CreatedBy        string           `json:"created_by" gorm:"->"`
	CreatedAt        time.Time        `json:"created_at"`
	Lines            []*StatementLine `json:"lines,omitempty" gorm:"-"`
}

// StatementLine is one booked movement; Amount is signed, money out negative.
type StatementLine struct {
	ID                  int64        `json:"id"`
	StatementID         int64        `json:"-"`
	Seq                 int          `json:"-"`
	SourceLine          int          `json:"source_line"`
	BookingDate         string       `json:"booking_date"`
	ValueDate           string       `json:"value_date"`
	Amount              money.Amount `json:"amount"`
	Reference           string       `json:"reference"`
	CounterpartyAccount string       `json:"counterparty_account"`
	CounterpartyName    string       `json:"counterparty_name"`
	Description         string       `json:"description"`
}

// Mask hides the counterparty account from roles that see masked data.
func (l *StatementLine) Mask(a *Actor) {
	if a == nil || !a.SeesPersonalData() {
		l.CounterpartyAccount = maskAllButLast4(l.CounterpartyAccount)
	}
}

// StatementUpload describes an uploaded statement file.
type StatementUpload struct {
	Format   string // csv, mt940, camt053
	Account  string // the paying account
	Currency string // expected; IDR when empty
	Agency   string // the agency's code; officers and reviewers: their own (may be empty)
	Profile  recon.CSVProfile
	Name     string // the file's name, for the audit trail
}

// StatementImport is the answer to an upload: the statements created, and
// those already imported before (same account, period and lines).
type StatementImport struct {
	Statements []*Statement   `json:"statements"`
	Duplicates []StatementDup `json:"duplicates"`
}

// StatementDup names a statement of the file that was imported before.
type StatementDup struct {
	ID      int64  `json:"id"`
	Account string `json:"account"`
	From    string `json:"period_from"`
	To      string `json:"period_to"`
	Message string `json:"message"`
}

// StatementFilter narrows the statement list.
type StatementFilter struct {
	Account string
	Page
}

// Reconciliation is the result of matching a statement, in API.md's shape.
type Reconciliation struct {
	ID                     int64             `json:"id"`
	StatementID            int64             `json:"statement_id"`
	WindowDays             int               `json:"window_days"`
	Balanced               bool              `json:"balanced"`
	Matched                []*Match          `json:"matched"`
	UnmatchedDisbursements []int64           `json:"unmatched_disbursements"`
	UnmatchedLines         []int64           `json:"unmatched_lines"`
	AmountMismatches       []*AmountMismatch `json:"amount_mismatches"`
	Ambiguous              []Ambiguity       `json:"ambiguous"`
	Totals                 ReconTotals       `json:"totals"`
	CreatedBy              string            `json:"created_by"`
	CreatedAt              time.Time         `json:"created_at"`
	// AmbiguousLimited is set when more lines were open than ambiguous
	// proposes candidates for.
	AmbiguousLimited *SuggestLimits `json:"ambiguous_limited,omitempty"`
}

// SuggestLimits bound a reconciliation's suggestions (its ambiguous list):
// candidates are proposed for the first Lines open lines, by line id, at
// most Candidates for each.
type SuggestLimits struct {
	Lines      int `json:"lines"`
	Candidates int `json:"candidates"`
}

// SuggestLines is how many open lines a result proposes candidates for: a
// reviewer works through a few thousand, not a million.
const SuggestLines = 5000

// ReconciliationSink takes a reconciliation's result a piece at a time, so
// that a result of a million matches is never held whole: Begin with the
// fields known before the lists (the lists empty), then Item for each
// element of each list in the struct's order, a list whole before the
// next, then End with the whole but the lists (totals included).
type ReconciliationSink interface {
	Begin(head *Reconciliation) error
	// Item gets v, a *Match, int64, *AmountMismatch or Ambiguity, for the
	// list named by its JSON key (matched, unmatched_disbursements, ...).
	Item(list string, v any) error
	End(r *Reconciliation) error
}

// Match pairs a disbursement with a statement line, by a rule.
type Match struct {
	ID             int64        `json:"match_id"`
	DisbursementID int64        `json:"disbursement_id"`
	LineID         int64        `json:"line_id"`
	Rule           string       `json:"rule"`
	Kind           string       `json:"kind"` // payment or retur
	Confirmed      bool         `json:"confirmed"`
	Difference     money.Amount `json:"difference"`
	CreatedBy      string       `json:"created_by"`
	ConfirmedBy    *string      `json:"confirmed_by"`
	// ConfirmedByName is that person's name, for pages.
	ConfirmedByName *string    `json:"-" gorm:"->"`
	CreatedAt       time.Time  `json:"created_at"`
	ConfirmedAt     *time.Time `json:"confirmed_at"`
	BookingDate     string     `json:"booking_date"`
	StatementID     int64      `json:"statement_id"`
}

// AmountMismatch is a line whose reference names a disbursement of another
// amount; Difference is the bank amount (money out positive) minus the
// disbursement's.
type AmountMismatch struct {
	MatchID        int64        `json:"match_id"`
	DisbursementID int64        `json:"disbursement_id"`
	LineID         int64        `json:"line_id"`
	Difference     money.Amount `json:"difference"`
	Confirmed      bool         `json:"confirmed"`
	BookingDate    string       `json:"booking_date"` // the line's
}

// Ambiguity is an unmatched line with the disbursements it could be.
type Ambiguity struct {
	LineID     int64   `json:"line_id"`
	Candidates []int64 `json:"candidates"`
}

// ReconTotals are API.md's totals of a reconciliation.
type ReconTotals struct {
	Paid           money.Amount `json:"paid"`
	Matched        money.Amount `json:"matched"`
	Unmatched      money.Amount `json:"unmatched"`
	UnmatchedLines money.Amount `json:"unmatched_lines"`
	Mismatched     money.Amount `json:"mismatched"`
}

// ReconcileInput starts a reconciliation.
type ReconcileInput struct {
	StatementID int64 `json:"statement_id"`
	WindowDays  int   `json:"-"`
}

// ManualMatchInput pairs a disbursement and a line by hand.
type ManualMatchInput struct {
	DisbursementID int64 `json:"disbursement_id"`
	LineID         int64 `json:"line_id"`
}

// DisbursementReconciliation says whether, when, by which line and rule a
// disbursement was reconciled.
type DisbursementReconciliation struct {
	Reconciled bool     `json:"reconciled"`
	Matches    []*Match `json:"matches"`
	// Closure is how returned money was closed; nil while open or never returned.
	Closure *ReturClosure `json:"closure"`
}

// StatementService imports statements and reconciles them.
type StatementService interface {
	// ImportStatements reads a file and stores each statement in it.
	// Errors: forbidden, validation_failed (unreadable file, other currency,
	// unknown agency or format).
	ImportStatements(ctx context.Context, up StatementUpload, r io.Reader) (*StatementImport, error)
	// FindStatements lists the statements the actor may see.
	FindStatements(ctx context.Context, f StatementFilter) ([]*Statement, string, error)
	// FindStatementByID returns a statement without its lines. Errors: not_found, forbidden.
	FindStatementByID(ctx context.Context, id int64) (*Statement, error)
	// EachStatementLine calls fn with a statement's lines in the file's
	// order, from the one after position after, at most limit (0: all);
	// fn must not keep the line it is given. Errors: not_found, forbidden.
	EachStatementLine(ctx context.Context, id int64, after, limit int, fn func(*StatementLine) error) error
	// StatementLinesByID returns the statement's lines that ids name, by id.
	// Errors: not_found, forbidden.
	StatementLinesByID(ctx context.Context, statementID int64, ids []int64) (map[int64]*StatementLine, error)
	// Reconcile matches a statement's lines with the agency's paid and
	// returned disbursements. Errors: not_found, forbidden, conflict (already reconciled).
	// The result goes to sink. Errors, before sink gets anything: not_found,
	// forbidden, conflict (already reconciled).
	ReconcileTo(ctx context.Context, in ReconcileInput, sink ReconciliationSink) error
	// FindReconciliationByID returns a reconciliation's result, whole: for
	// small ones. Errors: not_found, forbidden.
	FindReconciliationByID(ctx context.Context, id int64, windowDays int) (*Reconciliation, error)
	// EachReconciliation gives a reconciliation's result to sink, read from
	// the database as it goes. Errors, before sink gets anything: not_found, forbidden.
	EachReconciliation(ctx context.Context, id int64, sink ReconciliationSink) error
	// MatchManually pairs a disbursement and a line. Errors: not_found,
	// forbidden, validation_failed, conflict (either already matched).
	MatchManually(ctx context.Context, reconciliationID int64, in ManualMatchInput) (*Match, error)
	// ConfirmMatch confirms a probable, mismatched or manual match; a
	// manual match of different amounts needs a second person. Errors:
	// not_found, forbidden, conflict (already confirmed).
	ConfirmMatch(ctx context.Context, reconciliationID, matchID int64) (*Match, error)
	// Unmatch undoes a match. Errors: not_found, forbidden.
	Unmatch(ctx context.Context, reconciliationID, matchID int64) error
	// DisbursementReconciliation says how a disbursement was reconciled. Errors: not_found, forbidden.
	DisbursementReconciliation(ctx context.Context, disbursementID int64) (*DisbursementReconciliation, error)
}
