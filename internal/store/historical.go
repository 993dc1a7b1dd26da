package store

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"pilar/internal/finance"
)

// ImportHistoricalSet enters a set of past payments directly as paid,
// approved by the importing admin, with the flags each would have had,
// inside the transaction in ctx; it writes no audit entry of its own
// (FinishHistoricalImport writes the import's one) and does not enforce
// the budget. A payment the recipient already has (same program,
// tranche, amount and date, an earlier row of the set included) is
// skipped. It gives one outcome or refusal per row, in order, as if the
// rows were entered one after the other: an earlier row of the set is a
// paid disbursement for a later one's flags (another program of the year)
// and holds its tranche. The set's recipients, programs, held tranches
// and flag facts are read once, and the payments go in with multi-row
// INSERTs. Row errors: validation_failed, duplicate. Errors:
// unauthorized, forbidden, and internal errors, which fail the whole set.
func (s *Store) ImportHistoricalSet(ctx context.Context, rows []finance.DisbursementRow) ([]finance.RowOutcome, error) {
	actor, err := finance.Authorize(ctx, finance.ActImportHistory, nil)
	if err != nil {
		return nil, err
	}
	out := make([]finance.RowOutcome, len(rows))
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.raiseCache(ctx, sqliteImportCache); err != nil {
			return err
		}
		if err := s.deferTotals(ctx); err != nil {
			return err
		}
		// Without holding the programs: history need not find them
		// active, and their budget is not enforced.
		var b *importBatch
		err := s.customPlans(ctx, func() (err error) {
			b, err = s.loadImportBatch(ctx, rows, false)
			return err
		})
		if err != nil {
			return err
		}
		// First what each row's own checks say, then, in order, what the
		// rows before it change: its tranche and its flags.
		ds := make([]*finance.Disbursement, len(rows))
		var recipients []int64
		var years []int
		for i, row := range rows {
			rid, err := b.recipient(row)
			if err != nil {
				out[i].Err = err
				continue
			}
			d, err := row.NewHistorical(rid, actor)
			if err != nil {
				out[i].Err = err
				continue
			}
			p := b.programs[d.Program]
			if p == nil {
				out[i].Err = finance.Fields{"program_code": finance.M("no program has this code")}.Err()
				continue
			}
			if err := d.CheckHistorical(p); err != nil {
				out[i].Err = err
				continue
			}
			d.ProgramID = p.ID
			ds[i] = d
			recipients, years = append(recipients, rid), append(years, p.FiscalYear)
		}
		var facts *flagFactSet
		err = s.customPlans(ctx, func() (err error) {
			facts, err = s.readFlagFacts(ctx, distinct(recipients), distinct(years))
			return err
		})
		if err != nil {
			return err
		}
		var pending []*finance.Disbursement // checked, not yet inserted
		var at []int                        // their rows
		flush := func() error {
			if _, err := s.insertSet(ctx, pending, at, out, b, disbursementColumns); err != nil {
				return err
			}
			for k, d := range pending {
				if out[at[k]].Err == nil {
					out[at[k]].Flags = d.Flags
				}
			}
			pending, at = pending[:0], at[:0]
			return nil
		}
		for i, d := range ds {
			if d == nil {
				continue
			}
			k := trancheKey{d.ProgramID, d.RecipientID, d.Tranche}
			if h, ok := b.held[k]; ok && h.ID == 0 { // held by a row of this set not yet written
				if err := flush(); err != nil {
					return err
				}
			}
			if h, ok := b.held[k]; ok {
				if h.Amount.Equal(d.Amount) && h.DisbursedOn == d.DisbursedOn {
					out[i].Outcome = finance.ImportSkipped
				} else {
					if out[i].Err = trancheTaken(s.conn(ctx), d, h.ID, true); finance.ErrorCode(out[i].Err) == finance.EInternal {
						return out[i].Err
					}
				}
				continue
			}
			p := b.programs[d.Program]
			f, ok := facts.of(d.RecipientID, p)
			if !ok {
				return translate(gorm.ErrRecordNotFound, "recipient")
			}
			d.Flags = finance.ComputeFlags(d, f)
			d.FlagPaidAfterEnd(p)
			if len(d.Flags) > 0 {
				d.OverrideReason = "historical import: paid before Pilar recorded it"
			}
			now := s.Now()
			d.CreatedAt, d.UpdatedAt = now, now
			b.held[k] = d
			facts.paid(d.RecipientID, p)
			pending, at = append(pending, d), append(at, i)
		}
		return flush()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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
