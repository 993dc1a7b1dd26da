package report

import (
	"pilar/internal/finance"
	"pilar/internal/money"
)

// Figures are the budget figures of a realization row or of its totals:
// committed = approved + paid, realized = paid, remaining = budget -
// committed, realized % = realized / budget x 100. PrincipalRepaid is the
// loan principal repaid on the row's credit programs; Available is
// remaining plus the part of it that returns to the budget
// (finance.Relendable: a revolving program's), so a grant or a
// non-revolving credit program has available = remaining.
type Figures struct {
	OriginalBudget money.Amount `json:"original_budget"`
	Budget         money.Amount `json:"budget"`
	Committed      money.Amount `json:"committed"`
	Realized       money.Amount `json:"realized"`
	RealizedPct    Pct          `json:"realized_pct"`
	Remaining      money.Amount `json:"remaining"`
	// OverUnder is the LRA's Lebih/(Kurang): realized - budget, negative
	// while the budget is not yet spent.
	OverUnder       money.Amount `json:"over_under"`
	PrincipalRepaid money.Amount `json:"principal_repaid"`
	Available       money.Amount `json:"available"`
	// Relendable is the part of PrincipalRepaid of revolving programs.
	Relendable money.Amount `json:"-"`
}

// Finish computes the derived figures: remaining, available and realized %.
func (f *Figures) Finish() {
	f.Remaining = f.Budget.Sub(f.Committed)
	f.Available = f.Remaining.Add(f.Relendable)
	f.RealizedPct = Percent(f.Realized, f.Budget)
	f.OverUnder = f.Realized.Sub(f.Budget)
}

// Add adds the sums of another row (not the derived figures).
func (f *Figures) Add(o Figures) {
	f.OriginalBudget = f.OriginalBudget.Add(o.OriginalBudget)
	f.Budget = f.Budget.Add(o.Budget)
	f.Committed = f.Committed.Add(o.Committed)
	f.Realized = f.Realized.Add(o.Realized)
	f.PrincipalRepaid = f.PrincipalRepaid.Add(o.PrincipalRepaid)
	f.Relendable = f.Relendable.Add(o.Relendable)
}

// RealizationRow is one group of the realization report: a program, a
// funding source, an agency, a region, a month ("2024-07") or a quarter
// ("2024-Q3").
type RealizationRow struct {
	Key   string      `json:"key"`
	Label finance.Msg `json:"label"` // in English in JSON, in the reader's language on pages and files
	Figures
}

// Realization is the budget realization report (Laporan Realisasi
// Anggaran). In a month or quarter grouping the budget fields of each row
// carry the annual figures, committed and realized what happened in that
// period, realized % and remaining are cumulative to the period's end.
type Realization struct {
	Year    int              `json:"year"`
	GroupBy string           `json:"group_by"`
	Agency  string           `json:"agency"` // the agency's name when one is in scope, else ""
	Region  string           `json:"-"`      // the agency's region code, for the PDF's place line
	Rows    []RealizationRow `json:"rows"`
	Totals  Figures          `json:"totals"`
}

// CoverageFigures are the counts and amounts of a coverage row or totals:
// reached counts distinct recipients paid; female and male split them by
// the owner's NIK (recipients without a NIK count in neither).
type CoverageFigures struct {
	Target  int64        `json:"target"`
	Reached int64        `json:"reached"`
	Female  int64        `json:"female"`
	Male    int64        `json:"male"`
	Amount  money.Amount `json:"amount"`
	Average money.Amount `json:"average"`
}

// CoverageRow is one group of the coverage report.
type CoverageRow struct {
	Key   string      `json:"key"`
	Label finance.Msg `json:"label"`
	CoverageFigures
}

// Coverage is the coverage report: target against reached recipients and
// the average amount per recipient. The totals count each recipient once,
// so with group_by=program they may be less than the sum of the rows.
type Coverage struct {
	Year    int             `json:"year"`
	GroupBy string          `json:"group_by"`
	Agency  string          `json:"agency"`
	Rows    []CoverageRow   `json:"rows"`
	Totals  CoverageFigures `json:"totals"`
}

// Flag is one red flag: the recipients involved and, where it applies, the
// programs, the disbursements and why.
type Flag struct {
	RecipientIDs    []int64     `json:"recipient_ids"`
	Programs        []string    `json:"programs,omitempty"`
	DisbursementIDs []int64     `json:"disbursement_ids,omitempty"`
	Reason          finance.Msg `json:"reason"`
	// For the flagged list: the disbursement's flags, whether it was
	// approved despite them and why, and the exclusion lists it matched.
	Flags          []finance.Flag `json:"flags,omitempty"`
	Overridden     *bool          `json:"overridden,omitempty"`
	OverrideReason string         `json:"override_reason,omitempty"`
	ExclusionLists []int64        `json:"exclusion_lists,omitempty"`
}

// Overlaps is the overlaps and red flags report of one year.
type Overlaps struct {
	Year           int    `json:"year"`
	Agency         string `json:"agency"`
	SharedNIK      []Flag `json:"shared_nik"`
	SharedNIB      []Flag `json:"shared_nib"`
	SharedAccount  []Flag `json:"shared_account"`
	MultiProgram   []Flag `json:"multi_program"`
	Ineligible     []Flag `json:"ineligible"`
	AmountMismatch []Flag `json:"amount_mismatch"`
	// ReturnedNotClosed is returned money (dana retur) neither deposited to
	// the treasury nor paid again, with its age.
	ReturnedNotClosed []Flag `json:"returned_not_closed"`
	// Flagged lists every live disbursement flagged at submit, approve or
	// pay, and whether and why it was approved all the same.
	Flagged []Flag `json:"flagged"`
}

// OverlapKinds are the lists of Overlaps in the order reports show them.
var OverlapKinds = []string{"shared_nik", "shared_nib", "shared_account", "multi_program", "ineligible", "amount_mismatch", "returned_not_closed", "flagged"}
