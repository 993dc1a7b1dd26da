package store

import (
	"context"

	"pilar/internal/finance"
)

// ImportFigures records one row of a yearly figures file in the
// recipient's history on the row's date: the values the history holds on
// that date (or, before its first row, from that row), changed by the
// row's, checked by the recipient's own rules. When the date is the
// recipient's latest, the recipient itself takes the figures too, and
// today's capital and annual sales must agree with the size class. A row
// whose figures the history already holds on that date is skipped, so a
// file imported again changes nothing; one that changes them replaces them
// (updated). Each written row has its audit entry.
// Errors: unauthorized, forbidden, validation_failed, duplicate (another
// write of the same recipient and date got there first).
func (s *Store) ImportFigures(ctx context.Context, row finance.FiguresRow) (finance.ImportOutcome, error) {
	if _, err := finance.Authorize(ctx, finance.ActEditRecipient, nil); err != nil {
		return 0, err
	}
	if err := row.Check(); err != nil {
		return 0, err
	}
	var out finance.ImportOutcome
	err := s.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.importFigures(ctx, row)
		return err
	})
	return out, err
}

// importFigures is ImportFigures inside its transaction: the recipient is
// held (PostgreSQL: FOR UPDATE; SQLite's write lock holds the database)
// from reading its history to writing the row, so two imports of the same
// recipient cannot both take a date for the latest.
func (s *Store) importFigures(ctx context.Context, row finance.FiguresRow) (finance.ImportOutcome, error) {
	id, err := s.recipientForFigures(ctx, row)
	if err != nil {
		return 0, err
	}
	if s.driver == "postgres" {
		if err := s.conn(ctx).Exec("SELECT id FROM recipients WHERE id = ? FOR UPDATE", id).Error; err != nil {
			return 0, err
		}
	}
	r, err := s.recipientByID(ctx, id)
	if err != nil {
		return 0, err
	}
	var hist []HistoryRow
	if err := s.conn(ctx).Raw("SELECT * FROM recipient_history WHERE recipient_id = ? ORDER BY valid_from", id).Scan(&hist).Error; err != nil {
		return 0, err
	}
	base, held := (*HistoryRow)(nil), (*HistoryRow)(nil)
	for i := range hist {
		if hist[i].ValidFrom <= row.ValidFrom || base == nil {
			base = &hist[i]
		}
		if hist[i].ValidFrom == row.ValidFrom {
			held = &hist[i]
		}
	}
	latest := len(hist) == 0 || row.ValidFrom >= hist[len(hist)-1].ValidFrom
	at := *r
	if base != nil {
		at.SizeClass, at.Active, at.Members, at.LastRATYear = base.SizeClass, base.Active, base.Members, base.LastRATYear
		at.BusinessVolume, at.Assets, at.Workforce = base.BusinessVolume, base.Assets, base.Workforce
	}
	if !latest {
		// Today's capital and sales say nothing about an earlier year's class.
		at.Capital, at.AnnualSales = nil, nil
	}
	if err := at.Patch(row.Input()); err != nil {
		return 0, err
	}
	h := s.historyOf(ctx, &at, &row.ValidFrom)
	if held != nil && sameFigures(*held, h) {
		return finance.ImportSkipped, nil
	}
	err = s.importRow(ctx, func(ctx context.Context) error {
		if err := s.recordHistory(ctx, &at, &row.ValidFrom); err != nil {
			return err
		}
		if latest {
			err := s.conn(ctx).Exec(`UPDATE recipients SET size_class = ?, active = ?, members = ?, last_rat_year = ?,
  business_volume = ?, assets = ?, workforce = ?, updated_at = ? WHERE id = ?`,
				at.SizeClass, at.Active, at.Members, at.LastRATYear, at.BusinessVolume, at.Assets, at.Workforce, s.now(ctx), id).Error
			if err != nil {
				return err
			}
		}
		var before any
		if held != nil {
			held.ID = 0 // the replaced row's id says nothing to a reader
			before = held
		}
		return s.audit(ctx, "import_figures", "recipient", id, before, h)
	})
	if err != nil {
		return 0, translate(err, "figures of this recipient on this date")
	}
	if held != nil {
		return finance.ImportUpdated, nil
	}
	return finance.ImportCreated, nil
}

// recipientForFigures finds the recipient a figures row names; every
// identifier given must name the same one. Errors: validation_failed.
func (s *Store) recipientForFigures(ctx context.Context, row finance.FiguresRow) (int64, error) {
	id, by := int64(0), ""
	if row.RecipientID != nil {
		var n int64
		if err := s.conn(ctx).Model(&finance.Recipient{}).Where("id = ?", *row.RecipientID).Count(&n).Error; err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, finance.FieldError("recipient_id", "no recipient has this id")
		}
		id, by = *row.RecipientID, "recipient_id"
	}
	for _, c := range []struct{ column, value string }{{"legal_number", row.LegalNumber}, {"nik", row.NIK}, {"nib", row.NIB}} {
		if c.value == "" {
			continue
		}
		found, err := s.recipientNamed(ctx, c.column, c.value, c.column)
		if err != nil {
			return 0, err
		}
		if id != 0 && found != id {
			return 0, finance.FieldError(c.column, "names another recipient than the %s does", by)
		}
		id, by = found, c.column
	}
	return id, nil
}
