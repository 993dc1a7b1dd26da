package store

import (
	"context"
	"fmt"
	"slices"

	"pilar/internal/finance"
)

// ImportHistorical enters one past payment directly as paid, approved by
// the importing admin, with the flags it would have had; it writes no audit
// entry of its own (FinishHistoricalImport writes the import's one) and
// does not enforce the budget. The same payment again is skipped.
// Errors: unauthorized, forbidden, validation_failed, duplicate.
func (s *Store) ImportHistorical(ctx context.Context, row finance.DisbursementRow) (finance.ImportOutcome, finance.Flags, error) {
	actor, err := finance.Authorize(ctx, finance.ActImportHistory, nil)
	if err != nil {
		return 0, nil, err
	}
	rid, err := s.recipientForImport(ctx, row)
	if err != nil {
		return 0, nil, err
	}
	in := row.Input
	in.RecipientID = &rid
	d, err := finance.NewHistoricalDisbursement(in, row.PaidOn, actor)
	if err != nil {
		return 0, nil, err
	}
	// Without the budget figures: summing them per row would make a large
	// import quadratic, and the budget is not enforced on history.
	var p finance.Program
	if err := s.conn(ctx).Raw(`SELECT p.*, a.code AS agency_code FROM programs p JOIN agencies a ON a.id = p.agency_id WHERE p.code = ?`,
		d.Program).Take(&p).Error; err != nil {
		return 0, nil, finance.Fields{"program_code": finance.M("no program has this code")}.Err()
	}
	if err := d.CheckHistorical(&p); err != nil {
		return 0, nil, err
	}
	d.ProgramID = p.ID
	var held []finance.Disbursement
	err = s.conn(ctx).Raw(`SELECT d.id, d.amount, d.disbursed_on FROM disbursements d
		WHERE d.program_id = ? AND d.recipient_id = ? AND d.tranche = ? AND d.status NOT IN ?`,
		p.ID, rid, d.Tranche, statusArg(finance.Void)).Scan(&held).Error
	if err != nil {
		return 0, nil, err
	}
	if len(held) > 0 {
		if h := held[0]; h.Amount.Equal(d.Amount) && h.DisbursedOn == d.DisbursedOn {
			return finance.ImportSkipped, nil, nil
		}
		return 0, nil, finance.Errorf(finance.EDuplicate, "recipient %d already has disbursement %d in program %s, tranche %d, with another amount or date",
			rid, held[0].ID, d.Program, d.Tranche)
	}
	facts, err := s.flagFacts(ctx, d, &p)
	if err != nil {
		return 0, nil, err
	}
	d.Flags = finance.ComputeFlags(d, facts)
	d.FlagPaidAfterEnd(&p)
	if len(d.Flags) > 0 {
		d.OverrideReason = "historical import: paid before Pilar recorded it"
	}
	d.CreatedAt, d.UpdatedAt = s.Now(), s.Now()
	if err := s.deferTotals(ctx); err != nil {
		return 0, nil, err
	}
	err = s.importRow(ctx, func(ctx context.Context) error {
		return s.conn(ctx).Omit("ReturnedOn").Create(d).Error
	})
	if err != nil {
		return 0, nil, s.trancheConflict(ctx, err, d)
	}
	return finance.ImportCreated, d.Flags, nil
}

// FinishHistoricalImport lists the programs whose committed money now
// exceeds their budget and writes the import's one audit entry, named by
// the file's SHA-256. Errors: unauthorized, forbidden.
func (s *Store) FinishHistoricalImport(ctx context.Context, h *finance.HistoricalImport, programs []string) error {
	if _, err := finance.Authorize(ctx, finance.ActImportHistory, nil); err != nil {
		return err
	}
	slices.Sort(programs)
	programs = slices.Compact(programs)
	if err := s.recomputeTotals(ctx, programs); err != nil {
		return err
	}
	h.Overruns = []string{}
	for _, code := range programs {
		p, err := s.programByCode(ctx, code)
		if err != nil {
			continue
		}
		if p.Committed.Cmp(p.Budget) > 0 {
			h.Overruns = append(h.Overruns, fmt.Sprintf("program %s: committed %s exceeds its budget of %s by %s",
				p.Code, p.Committed, p.Budget, p.Committed.Sub(p.Budget)))
		}
	}
	return s.audit(ctx, "historical_import", "import", h.SHA256, nil, h)
}
