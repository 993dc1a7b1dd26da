package report

import (
	"context"

	"pilar/internal/finance"
	"pilar/internal/money"
)

// KindReconciliation is the reconciliation report (issue 11).
const KindReconciliation = "reconciliation"

// ReconFigures are the reconciliation sums of one group: paid (ever paid,
// returned or not), matched to a bank line (reconciled), unmatched
// (paid - matched), waiting on an amount mismatch, returned, and returned
// but neither deposited to the treasury nor paid again.
type ReconFigures struct {
	Paid              money.Amount `json:"paid"`
	Matched           money.Amount `json:"matched"`
	Unmatched         money.Amount `json:"unmatched"`
	Mismatched        money.Amount `json:"mismatched"`
	Returned          money.Amount `json:"returned"`
	ReturnedNotClosed money.Amount `json:"returned_not_closed"`
}

// Add adds a row's figures to the totals.
func (f *ReconFigures) Add(o ReconFigures) {
	f.Paid, f.Matched, f.Unmatched = f.Paid.Add(o.Paid), f.Matched.Add(o.Matched), f.Unmatched.Add(o.Unmatched)
	f.Mismatched, f.Returned, f.ReturnedNotClosed = f.Mismatched.Add(o.Mismatched), f.Returned.Add(o.Returned), f.ReturnedNotClosed.Add(o.ReturnedNotClosed)
}

func (f ReconFigures) cells() []any {
	return []any{f.Paid, f.Matched, f.Unmatched, f.Mismatched, f.Returned, f.ReturnedNotClosed}
}

// ReconRow is one program or agency of the reconciliation report.
type ReconRow struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	ReconFigures
}

// Reconciliation is the reconciliation report of a year per program or
// agency, with the returned money not yet closed listed with its age.
type Reconciliation struct {
	Year        int                   `json:"year"`
	GroupBy     string                `json:"group_by"`
	Agency      string                `json:"agency"`
	Rows        []ReconRow            `json:"rows"`
	Totals      ReconFigures          `json:"totals"`
	OpenReturns []*finance.OpenReturn `json:"open_returns"`
}

// Heading of the reconciliation report.
func (r *Reconciliation) Heading() Heading {
	return Heading{Year: r.Year, Agency: r.Agency, GroupBy: r.GroupBy}
}

// ReconService builds the reconciliation report; the store implements it.
type ReconService interface {
	// ReconciliationReport is the reconciliation report. Errors as Realization.
	ReconciliationReport(ctx context.Context, f Filter) (*Reconciliation, error)
}

func init() {
	Kinds = append(Kinds, &Kind{
		Name:    KindReconciliation,
		Summary: "Reconciliation per program or agency: paid, matched, unmatched, mismatched, returned and not closed, as json, csv or xlsx; unknown group_by or format: 400",
		Groups:  []string{"program", "agency"},
		Formats: []string{"json", "csv", "xlsx"},
		Schema:  "ReconciliationReport", Result: Reconciliation{},
		Build: func(ctx context.Context, svc Service, f Filter) (any, error) {
			rs, ok := svc.(ReconService)
			if !ok {
				return nil, finance.Errorf(finance.EInternal, "the reconciliation report is not available")
			}
			return rs.ReconciliationReport(ctx, f)
		},
		Table: table("report.sheet.reconciliation", []Column{
			{"key", "report.col.key", CellText}, {"label", "report.col.label", CellText},
			{"paid", "report.col.recon_paid", CellMoney}, {"matched", "report.col.recon_matched", CellMoney},
			{"unmatched", "report.col.recon_unmatched", CellMoney}, {"mismatched", "report.col.recon_mismatched", CellMoney},
			{"returned", "report.col.recon_returned", CellMoney}, {"returned_not_closed", "report.col.recon_not_closed", CellMoney},
		}, func(r *Reconciliation, emit func([]any) error) error {
			for _, row := range r.Rows {
				if err := emit(append([]any{row.Key, row.Label}, row.cells()...)); err != nil {
					return err
				}
			}
			return nil
		}, func(r *Reconciliation) []any { return append([]any{"", ""}, r.Totals.cells()...) }),
	})
}
