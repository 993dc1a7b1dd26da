package store

import (
	"context"

	"pilar/internal/finance"
)

// flagDisbursement computes d's flags for action from what the database
// knows (finance.ComputeFlags holds the rules) at submit and approve, and
// adds "paid after the program ended" at pay. Errors: validation_failed
// (approving a flagged disbursement without override_reason).
func (s *Store) flagDisbursement(ctx context.Context, d *finance.Disbursement, action string, in finance.ActionInput) error {
	switch action {
	case finance.ActionSubmit, finance.ActionApprove:
		p, err := s.programByCode(ctx, d.Program)
		if err != nil {
			return err
		}
		facts, err := s.flagFacts(ctx, d, p)
		if err != nil {
			return err
		}
		return d.ApplyFlags(action, finance.ComputeFlags(d, facts), in)
	case finance.ActionPay:
		p, err := s.programByCode(ctx, d.Program)
		if err != nil {
			return err
		}
		d.FlagPaidAfterEnd(p)
	}
	return nil
}

// flagFacts gathers what finance.ComputeFlags needs about d in program p.
func (s *Store) flagFacts(ctx context.Context, d *finance.Disbursement, p *finance.Program) (finance.FlagFacts, error) {
	f := finance.FlagFacts{Program: p}
	var err error
	if f.Recipient, err = s.recipientByID(ctx, d.RecipientID); err != nil {
		return f, err
	}
	db := s.conn(ctx)
	err = db.Raw(`SELECT DISTINCT p.code FROM disbursements d JOIN programs p ON p.id = d.program_id
		WHERE d.recipient_id = ? AND d.status IN ? AND p.fiscal_year = ? AND p.id <> ? ORDER BY p.code`,
		d.RecipientID, statusArg(finance.Realized), f.Program.FiscalYear, f.Program.ID).Scan(&f.OtherPrograms).Error
	if err != nil {
		return f, err
	}
	r := f.Recipient
	shared := func(dst *[]int64, where string, args ...any) error {
		return db.Model(&finance.Recipient{}).Where("id <> ?", r.ID).Where(where, args...).Order("id").Limit(20).Pluck("id", dst).Error
	}
	if r.NIK != "" {
		if err := shared(&f.SharedNIK, "nik = ?", r.NIK); err != nil {
			return f, err
		}
	}
	if r.NIB != "" {
		if err := shared(&f.SharedNIB, "nib = ?", r.NIB); err != nil {
			return f, err
		}
	}
	if r.AccountNo != "" {
		if err := shared(&f.SharedAccount, "account_no = ? AND bank_code = ?", r.AccountNo, r.BankCode); err != nil {
			return f, err
		}
	}
	f.Exclusions, err = s.exclusionMatches(ctx, r)
	return f, err
}
