package store

import (
	"context"
	"slices"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/report"
)

// putLoan writes d's loan terms (replacing any), in the transaction in ctx.
func (s *Store) putLoan(ctx context.Context, d *finance.Disbursement) error {
	if d.Loan == nil {
		return nil
	}
	d.Loan.DisbursementID = d.ID
	db := s.conn(ctx)
	if err := db.Exec("DELETE FROM loans WHERE disbursement_id = ?", d.ID).Error; err != nil {
		return err
	}
	return db.Create(d.Loan).Error
}

// checkLoanReturn applies finance.CheckLoanReturn to d, counting its repayments.
func (s *Store) checkLoanReturn(ctx context.Context, d *finance.Disbursement) error {
	var n int64
	if err := s.conn(ctx).Raw("SELECT COUNT(*) FROM repayments WHERE disbursement_id = ?", d.ID).Scan(&n).Error; err != nil {
		return err
	}
	return finance.CheckLoanReturn(d, int(n))
}

// loadLoans fills the Loan of each disbursement that lends, in one query.
func (s *Store) loadLoans(ctx context.Context, ds []*finance.Disbursement) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	var loans []*finance.Loan
	if err := s.conn(ctx).Where("disbursement_id IN ?", ids).Find(&loans).Error; err != nil {
		return err
	}
	byID := make(map[int64]*finance.Loan, len(loans))
	for _, l := range loans {
		byID[l.DisbursementID] = l
	}
	for _, d := range ds {
		d.Loan = byID[d.ID]
	}
	return nil
}

// repaymentsOf are a loan's repayments in the order they apply: by date,
// then as recorded.
func (s *Store) repaymentsOf(ctx context.Context, disbursementID int64) ([]finance.Repayment, error) {
	var out []finance.Repayment
	err := s.conn(ctx).Raw(`SELECT rp.*, u.email AS created_by, u.name AS created_by_name FROM repayments rp JOIN users u ON u.id = rp.created_by_id
		WHERE rp.disbursement_id = ? ORDER BY rp.paid_on, rp.id`, disbursementID).Scan(&out).Error
	return out, err
}

// loanOf reads disbursement id as a loan the actor may see: its program
// and terms. Errors: unauthorized, forbidden, not_found (also when it does
// not lend).
func (s *Store) loanOf(ctx context.Context, id int64) (*finance.Disbursement, *finance.Program, error) {
	d, err := s.FindDisbursementByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if d.Loan == nil {
		return nil, nil, finance.Errorf(finance.ENotFound, "disbursement %d is not a loan", id)
	}
	p, err := s.programByCode(ctx, d.Program)
	return d, p, err
}

// FindSchedule returns a loan's terms, schedule, repayments and its
// position as of today. Errors: unauthorized, forbidden, not_found.
func (s *Store) FindSchedule(ctx context.Context, id int64) (*finance.LoanView, error) {
	d, p, err := s.loanOf(ctx, id)
	if err != nil {
		return nil, err
	}
	reps, err := s.repaymentsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	t := finance.TermsOf(d, p, d.Loan)
	v := &finance.LoanView{DisbursementID: d.ID, Program: p.Code, Principal: d.Amount, ScheduleKind: t.Kind,
		SubsidyRate: p.SubsidyRate, Loan: *d.Loan, Schedule: finance.Schedule(t), Repayments: reps}
	if v.Repayments == nil {
		v.Repayments = []finance.Repayment{}
	}
	if finance.Realized.Has(d.Status) {
		v.Position = finance.Position(t, reps, s.today(ctx))
	} else {
		v.Position = finance.LoanPosition{AsOf: s.today(ctx), Kolektibilitas: 1, Maturity: finance.DueDate(t.FirstDueOn, t.TenorMonths-1)}
	}
	return v, nil
}

// FindRepayments lists a loan's repayments by date. Errors: unauthorized,
// forbidden, not_found.
func (s *Store) FindRepayments(ctx context.Context, id int64) ([]finance.Repayment, error) {
	if _, _, err := s.loanOf(ctx, id); err != nil {
		return nil, err
	}
	out, err := s.repaymentsOf(ctx, id)
	if out == nil {
		out = []finance.Repayment{}
	}
	return out, err
}

// RecordRepayment records one repayment on a paid loan, split into
// interest, principal and excess by the loan's ledger (finance.Ledger), in
// one transaction holding the program and the disbursement
// (lockDisbursement), so that two repayments of one loan split one after
// the other and a revolving program's approvals see the principal
// repaid only once committed. The audit entry is the repayment as written.
// Errors: unauthorized, forbidden, not_found, validation_failed, conflict.
func (s *Store) RecordRepayment(ctx context.Context, id int64, in finance.RepaymentInput) (*finance.Repayment, error) {
	actor, err := finance.Authorize(ctx, finance.ActRecordRepayment, nil)
	if err != nil {
		return nil, err
	}
	ctx = s.stamp(ctx)
	r, err := finance.NewRepayment(in, s.today(ctx))
	if err != nil {
		return nil, err
	}
	var rid int64
	err = s.InTx(ctx, func(ctx context.Context) error {
		d, err := s.lockDisbursement(ctx, id)
		if err != nil {
			return err
		}
		if _, err := finance.Authorize(ctx, finance.ActRecordRepayment, &d.AgencyID); err != nil {
			return err
		}
		if d.Loan == nil {
			return finance.Errorf(finance.ENotFound, "disbursement %d is not a loan", id)
		}
		if !finance.Realized.Has(d.Status) {
			return finance.Errorf(finance.EConflict, "only a paid loan is repaid; this disbursement is %s", d.Status)
		}
		p, err := s.programByCode(ctx, d.Program)
		if err != nil {
			return err
		}
		reps, err := s.repaymentsOf(ctx, id)
		if err != nil {
			return err
		}
		l := finance.NewLedger(finance.TermsOf(d, p, d.Loan))
		for _, x := range reps {
			l.Apply(x.PaidOn, x.Amount)
		}
		if err := l.CheckRepayment(r); err != nil {
			return err
		}
		r.Interest, r.Principal, r.Excess = l.Apply(r.PaidOn, r.Amount)
		r.DisbursementID, r.CreatedByID, r.CreatedBy, r.CreatedByName, r.CreatedAt = id, actor.UserID, actor.Email, actor.Name, s.now(ctx)
		if err := s.conn(ctx).Omit("CreatedBy", "CreatedByName").Create(r).Error; err != nil {
			return err
		}
		rid = r.ID
		return s.audit(ctx, "create", "repayment", r.ID, nil, r)
	})
	if err != nil {
		return nil, err
	}
	reps, err := s.repaymentsOf(ctx, id)
	for i := range reps {
		if reps[i].ID == rid {
			return &reps[i], nil
		}
	}
	return r, err
}

// ImportRepayment records one imported repayment (RecordRepayment) in a
// savepoint of the importer's batch, or skips it when the loan already has
// a repayment of the same date, amount and reference. Errors:
// unauthorized, forbidden, validation_failed, not_found, conflict.
func (s *Store) ImportRepayment(ctx context.Context, row finance.RepaymentRow) (finance.ImportOutcome, error) {
	if _, err := finance.Authorize(ctx, finance.ActRecordRepayment, nil); err != nil {
		return 0, err
	}
	id, err := s.loanForImport(ctx, row)
	if err != nil {
		return 0, err
	}
	r, err := finance.NewRepayment(row.Input, s.today(ctx))
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.conn(ctx).Raw("SELECT COUNT(*) FROM repayments WHERE disbursement_id = ? AND paid_on = ? AND amount = ? AND reference = ?",
		id, r.PaidOn, r.Amount, r.Reference).Scan(&n).Error
	if err != nil || n > 0 {
		return finance.ImportSkipped, err
	}
	err = s.importRow(ctx, func(ctx context.Context) error {
		_, err := s.RecordRepayment(ctx, id, row.Input)
		return err
	})
	return finance.ImportCreated, err
}

// loanForImport finds the loan a repayments row names: by loan_id, else the
// one paid loan of the recipient named by NIK or NIB (in program_code, when
// given). Errors: validation_failed.
func (s *Store) loanForImport(ctx context.Context, row finance.RepaymentRow) (int64, error) {
	if row.LoanID != 0 {
		return row.LoanID, nil
	}
	rid, err := s.recipientForImport(ctx, finance.DisbursementRow{RecipientNIK: row.RecipientNIK, RecipientNIB: row.RecipientNIB})
	if err != nil {
		return 0, err
	}
	q := `SELECT d.id FROM disbursements d JOIN loans l ON l.disbursement_id = d.id JOIN programs p ON p.id = d.program_id
		WHERE d.recipient_id = ? AND d.status IN ?`
	args := []any{rid, statusArg(finance.Realized)}
	if row.Program != "" {
		q += " AND p.code = ?"
		args = append(args, row.Program)
	}
	var ids []int64
	if err := s.conn(ctx).Raw(q+" ORDER BY d.id LIMIT 2", args...).Scan(&ids).Error; err != nil {
		return 0, err
	}
	switch len(ids) {
	case 0:
		return 0, finance.FieldError("loan_id", "this recipient has no paid loan; give the loan_id")
	case 2:
		return 0, finance.FieldError("loan_id", "this recipient has several paid loans; give the loan_id or program_code")
	}
	return ids[0], nil
}

// creditLoanRow is a paid loan read for the credit report.
type creditLoanRow struct {
	ID           int64
	Amount       money.Amount
	DisbursedOn  string
	PaidOn       *string
	ProgramCode  string
	RegionCode   string
	TenorMonths  int
	InterestRate finance.Rate
	FirstDueOn   string
	ScheduleKind string
	SubsidyRate  finance.Rate
}

// CreditReport is the credit report of the credit programs in scope (the
// year, the actor's agency or ?agency=, ?funding_source=) as of f.AsOf
// (default today): the store reads the programs, their paid loans and the
// loans' repayments, and report.BuildCredit computes by finance's rules.
// Errors: unauthorized, forbidden, bad_request, validation_failed.
func (s *Store) CreditReport(ctx context.Context, f report.Filter) (*report.Credit, error) {
	sc, err := s.reportScope(ctx, report.KindCredit, &f)
	if err != nil {
		return nil, err
	}
	if f.AsOf == "" {
		f.AsOf = s.today(ctx)
	}
	asOf, _, err := report.AsOfDates(f, s.now(ctx))
	if err != nil {
		return nil, err
	}
	where := "p.kind = ? AND " + sc.where
	args := append([]any{finance.KindCredit}, sc.args...)
	loanWhere := where + " AND d.status IN ?"
	loanArgs := append(slices.Clone(args), statusArg(finance.Realized))
	var progs []*finance.Program
	var rows []creditLoanRow
	var reps []finance.Repayment
	// The programs' funds, their loans and the repayments, on one snapshot.
	err = s.readTogether(ctx,
		func(ctx context.Context) error {
			return s.conn(ctx).Raw(programSelect+" WHERE "+where+" ORDER BY p.code", args...).Scan(&progs).Error
		},
		func(ctx context.Context) error {
			return s.conn(ctx).Raw(`SELECT d.id, d.amount, d.disbursed_on, d.paid_on, p.code AS program_code, r.region_code,
  l.tenor_months, l.interest_rate, l.first_due_on, p.schedule_kind, p.subsidy_rate
FROM disbursements d JOIN loans l ON l.disbursement_id = d.id JOIN programs p ON p.id = d.program_id
JOIN recipients r ON r.id = d.recipient_id WHERE `+loanWhere+` ORDER BY d.id`, loanArgs...).Scan(&rows).Error
		},
		func(ctx context.Context) error {
			return s.conn(ctx).Raw(`SELECT rp.* FROM repayments rp JOIN disbursements d ON d.id = rp.disbursement_id
JOIN programs p ON p.id = d.program_id WHERE `+loanWhere+` ORDER BY rp.disbursement_id, rp.paid_on, rp.id`, loanArgs...).Scan(&reps).Error
		})
	if err != nil {
		return nil, err
	}
	programs := make([]report.CreditProgram, len(progs))
	for i, p := range progs {
		p.ComputeRemaining()
		programs[i] = report.CreditProgram{Code: p.Code, Name: p.Name, Revolving: p.Revolving, Available: p.Available}
	}
	byLoan := map[int64][]finance.Repayment{}
	for _, r := range reps {
		byLoan[r.DisbursementID] = append(byLoan[r.DisbursementID], r)
	}
	loans := make([]report.CreditLoan, len(rows))
	for i, r := range rows {
		d := &finance.Disbursement{Amount: r.Amount, DisbursedOn: r.DisbursedOn, PaidOn: r.PaidOn}
		p := &finance.Program{ScheduleKind: r.ScheduleKind, SubsidyRate: r.SubsidyRate}
		l := &finance.Loan{TenorMonths: r.TenorMonths, InterestRate: r.InterestRate, FirstDueOn: r.FirstDueOn}
		loans[i] = report.CreditLoan{Program: r.ProgramCode, RegionCode: r.RegionCode, Terms: finance.TermsOf(d, p, l), Repayments: byLoan[r.ID]}
	}
	return report.BuildCredit(f, asOf.Format("2006-01-02"), sc.agencyName(), programs, loans), nil
}
