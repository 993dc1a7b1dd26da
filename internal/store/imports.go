package store

import (
	"context"
	"reflect"

	"pilar/internal/finance"
)

// importRow runs one imported row's writes under a savepoint of the
// transaction in ctx, so that a refused row leaves nothing behind while the
// rest of its batch stays (PostgreSQL would otherwise abort the whole
// transaction on the first failed statement).
func (s *Store) importRow(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if err := tx.SavePoint("import_row").Error; err != nil {
			return err
		}
		if err := fn(ctx); err != nil {
			if rerr := tx.RollbackTo("import_row").Error; rerr != nil {
				return rerr
			}
			return err
		}
		return tx.Exec("RELEASE SAVEPOINT import_row").Error
	})
}

// ImportRecipient registers one imported recipient, skips it when the
// registry already holds it (umkm: same NIK; koperasi: same legal number;
// kelompok: same name and NIK), or with update changes the one it holds.
// Errors: unauthorized, forbidden, validation_failed, duplicate.
func (s *Store) ImportRecipient(ctx context.Context, in finance.RecipientInput, update bool) (finance.ImportOutcome, error) {
	if _, err := finance.Authorize(ctx, finance.ActEditRecipient, nil); err != nil {
		return 0, err
	}
	// Validate first, so a bad row is refused before any lookup.
	r, err := finance.NewRecipient(in)
	if err != nil {
		return 0, err
	}
	var ids []int64
	q := s.conn(ctx).Model(&finance.Recipient{}).Where("kind = ?", r.Kind)
	switch r.Kind {
	case "umkm":
		q = q.Where("nik = ?", r.NIK)
	case "koperasi":
		q = q.Where("legal_number = ?", r.LegalNumber)
	default:
		q = q.Where("name = ? AND nik = ?", r.Name, r.NIK)
	}
	if err := q.Order("id").Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		err := s.importRow(ctx, func(ctx context.Context) error { _, err := s.CreateRecipient(ctx, in); return err })
		return finance.ImportCreated, err
	}
	if !update {
		return finance.ImportSkipped, nil
	}
	old, err := s.recipientByID(ctx, ids[0])
	if err != nil {
		return 0, err
	}
	changed := *old
	if err := changed.Patch(in); err != nil {
		return 0, err
	}
	changed.UpdatedAt = old.UpdatedAt
	if reflect.DeepEqual(*old, changed) {
		return finance.ImportSkipped, nil
	}
	err = s.importRow(ctx, func(ctx context.Context) error { _, err := s.UpdateRecipient(ctx, ids[0], in); return err })
	return finance.ImportUpdated, err
}

// ImportDisbursement records one imported disbursement as a draft (and
// submits it with submit), or skips it when the recipient already has the
// same disbursement (amount and date) in that program and tranche.
// Errors: unauthorized, forbidden, validation_failed, conflict,
// duplicate (a different disbursement holds the tranche), and those of the
// submit action.
func (s *Store) ImportDisbursement(ctx context.Context, row finance.DisbursementRow, submit bool) (finance.ImportOutcome, error) {
	if _, err := finance.Authorize(ctx, finance.ActRecordDisbursement, nil); err != nil {
		return 0, err
	}
	rid, err := s.recipientForImport(ctx, row)
	if err != nil {
		return 0, err
	}
	in := row.Input
	in.RecipientID = &rid
	d, err := finance.NewDisbursement(in)
	if err != nil {
		return 0, err
	}
	var held []finance.Disbursement
	err = s.conn(ctx).Raw(`SELECT d.id, d.amount, d.disbursed_on FROM disbursements d JOIN programs p ON p.id = d.program_id
		WHERE p.code = ? AND d.recipient_id = ? AND d.tranche = ? AND d.status NOT IN ?`,
		d.Program, rid, d.Tranche, statusArg(finance.Void)).Scan(&held).Error
	if err != nil {
		return 0, err
	}
	if len(held) > 0 {
		h := held[0]
		if h.Amount.Equal(d.Amount) && h.DisbursedOn == d.DisbursedOn {
			return finance.ImportSkipped, nil
		}
		return 0, finance.Errorf(finance.EDuplicate, "recipient %d already has disbursement %d in program %s, tranche %d, with another amount or date",
			rid, h.ID, d.Program, d.Tranche)
	}
	err = s.importRow(ctx, func(ctx context.Context) error {
		created, err := s.CreateDisbursement(ctx, in)
		if err != nil || !submit {
			return err
		}
		_, err = s.ActOnDisbursement(ctx, created.ID, finance.ActionSubmit, finance.ActionInput{})
		return err
	})
	return finance.ImportCreated, err
}

// recipientForImport finds the recipient a disbursement row names: by NIK
// (an umkm first), else by NIB, which must then name one recipient only.
// Errors: validation_failed.
func (s *Store) recipientForImport(ctx context.Context, row finance.DisbursementRow) (int64, error) {
	switch {
	case row.RecipientNIK != "":
		if msg := finance.ValidNIK(row.RecipientNIK); msg != "" {
			return 0, finance.FieldError("recipient_nik", msg)
		}
		return s.recipientNamed(ctx, "nik", row.RecipientNIK, "recipient_nik")
	case row.RecipientNIB != "":
		if msg := finance.ValidNIB(row.RecipientNIB); msg != "" {
			return 0, finance.FieldError("recipient_nib", msg)
		}
		return s.recipientNamed(ctx, "nib", row.RecipientNIB, "recipient_nib")
	}
	return 0, finance.FieldError("recipient_nik", "give recipient_nik or recipient_nib")
}

// recipientNamed finds the one recipient an identifier names: a nik (an
// umkm first), a nib (which must name one recipient only) or a koperasi's
// legal_number; field is the file's column, for the error.
// Errors: validation_failed.
func (s *Store) recipientNamed(ctx context.Context, column, value, field string) (int64, error) {
	var ids []int64
	q := s.conn(ctx).Model(&finance.Recipient{})
	switch column {
	case "nik":
		q = q.Where("nik = ?", value).Order("CASE WHEN kind = 'umkm' THEN 0 ELSE 1 END, id").Limit(1)
	case "nib":
		q = q.Where("nib = ?", value).Order("id").Limit(2)
	default:
		q = q.Where("kind = 'koperasi' AND legal_number = ?", value).Order("id").Limit(1)
	}
	if err := q.Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	switch {
	case len(ids) == 0 && column == "nik":
		return 0, finance.FieldError(field, "no recipient has this NIK; import or register the recipient first")
	case len(ids) == 0 && column == "nib":
		return 0, finance.FieldError(field, "no recipient has this NIB; import or register the recipient first")
	case len(ids) == 0:
		return 0, finance.FieldError(field, "no koperasi has this legal number; import or register the koperasi first")
	case len(ids) == 2 && field == "recipient_nib":
		return 0, finance.FieldError(field, "several recipients share this NIB; give the recipient_nik instead")
	case len(ids) == 2:
		return 0, finance.FieldError(field, "several recipients share this NIB; give the nik, legal_number or recipient_id instead")
	}
	return ids[0], nil
}
