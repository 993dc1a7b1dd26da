package store_test

import (
	"fmt"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/report"
)

func creditProgram(t *testing.T, w *dbtest.World, code, budget string, revolving bool) *finance.Program {
	t.Helper()
	p, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
		Code: ptr(code), Name: ptr("Kredit " + code), Kind: ptr("credit"), FundingSource: ptr("BI"),
		Agency: ptr(w.Agency.Code), FiscalYear: ptr(2024), Budget: raw(budget),
		StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"),
		SubsidyRate: raw("6"), Revolving: ptr(revolving),
	})
	if err != nil {
		t.Fatalf("CreateProgram: %v", err)
	}
	return p
}

// loanDraft records a draft loan of amount over 3 months at 12 %, first due 10 February 2024.
func loanDraft(t *testing.T, w *dbtest.World, p *finance.Program, amount string) *finance.Disbursement {
	t.Helper()
	d, err := w.Store.CreateDisbursement(w.Ctx(w.Officer), finance.DisbursementInput{
		Program: ptr(p.Code), RecipientID: ptr(newRecipient(t, w).ID), Amount: raw(amount), DisbursedOn: ptr("2024-01-10"),
		Loan: &finance.LoanInput{TenorMonths: ptr(3), InterestRate: raw("12"), FirstDueOn: ptr("2024-02-10")},
	})
	if err != nil {
		t.Fatalf("CreateDisbursement: %v", err)
	}
	return d
}

// paidLoan is loanDraft submitted, approved and paid on 10 January 2024.
func paidLoan(t *testing.T, w *dbtest.World, p *finance.Program, amount string) *finance.Disbursement {
	t.Helper()
	d := act(t, w, w.Reviewer, act(t, w, w.Officer, loanDraft(t, w, p, amount), "submit"), "approve")
	d, err := w.Store.ActOnDisbursement(w.Ctx(w.Reviewer), d.ID, "pay", finance.ActionInput{PaidOn: ptr("2024-01-10")})
	if err != nil {
		t.Fatalf("pay: %v", err)
	}
	return d
}

func repay(t *testing.T, w *dbtest.World, id int64, on, amount string) (*finance.Repayment, error) {
	t.Helper()
	return w.Store.RecordRepayment(w.Ctx(w.Officer), id, finance.RepaymentInput{PaidOn: ptr(on), Amount: raw(amount), Reference: ptr("TRX-" + on)})
}

func TestCreditService_Repayments(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)

	t.Run("LoanTerms", func(t *testing.T) {
		p := creditProgram(t, w, "KUR-LT-2024", "100000000", false)
		if p.ScheduleKind != "annuity" || p.SubsidyRate.String() != "6.00" {
			t.Fatalf("program %+v", p)
		}
		d := loanDraft(t, w, p, "10000000")
		got, err := w.Store.FindDisbursementByID(w.Ctx(w.Officer), d.ID)
		if err != nil || got.Loan == nil || got.Loan.TenorMonths != 3 || got.Loan.InterestRate.String() != "12.00" || got.Loan.FirstDueOn != "2024-02-10" {
			t.Fatalf("loan %+v, %v", got.Loan, err)
		}
		v, err := w.Store.FindSchedule(w.Ctx(w.Auditor), d.ID)
		if err != nil || len(v.Schedule) != 3 || v.Schedule[2].Total.String() != "3400221.13" {
			t.Fatalf("schedule %+v, %v", v, err)
		}
		// Loan terms on a grant are refused.
		g := newProgram(t, w, "GRANT-LT-2024", "1000000")
		_, err = w.Store.CreateDisbursement(w.Ctx(w.Officer), finance.DisbursementInput{
			Program: ptr(g.Code), RecipientID: ptr(newRecipient(t, w).ID), Amount: raw("1000"), DisbursedOn: ptr("2024-01-10"),
			Loan: &finance.LoanInput{TenorMonths: ptr(3), InterestRate: raw("12"), FirstDueOn: ptr("2024-02-10")},
		})
		if e, ok := err.(*finance.Error); !ok || e.Fields["loan"].Key == "" {
			t.Fatalf("loan on a grant: %v", err)
		}
		// A plain disbursement is not a loan.
		plain := draft(t, w, g, "100")
		if _, err := w.Store.FindSchedule(w.Ctx(w.Officer), plain.ID); finance.ErrorCode(err) != finance.ENotFound {
			t.Fatalf("schedule of a grant: %v", err)
		}
	})

	t.Run("SplitAndEarlyRepayment", func(t *testing.T) {
		p := creditProgram(t, w, "KUR-SE-2024", "100000000", false)
		d := paidLoan(t, w, p, "10000000")
		for _, c := range []struct{ on, amount, interest, principal, excess string }{
			{"2024-02-10", "3400221.11", "100000.00", "3300221.11", "0.00"},
			{"2024-03-05", "1000000", "66997.79", "933002.21", "0.00"},
			{"2024-03-20", "5900000", "33665.56", "5766776.68", "99557.76"},
		} {
			r, err := repay(t, w, d.ID, c.on, c.amount)
			if err != nil {
				t.Fatalf("%s: %v", c.on, err)
			}
			if r.Interest.String() != c.interest || r.Principal.String() != c.principal || r.Excess.String() != c.excess || r.CreatedBy != w.Officer.Email {
				t.Fatalf("%s: %+v", c.on, r)
			}
		}
		if _, err := repay(t, w, d.ID, "2024-03-21", "1"); finance.ErrorCode(err) != finance.EConflict {
			t.Fatalf("a repayment after the loan is repaid: %v", err)
		}
		if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Reviewer), d.ID, "return", finance.ActionInput{}); finance.ErrorCode(err) != finance.EInvalidTransition {
			t.Fatalf("a repaid loan returned: %v", err)
		}
		v, err := w.Store.FindSchedule(w.Ctx(w.Officer), d.ID)
		if err != nil || len(v.Repayments) != 3 || !v.Position.Outstanding.IsZero() || v.Position.RepaidOn != "2024-03-20" {
			t.Fatalf("%+v %v", v, err)
		}
		prog, _ := w.Store.FindProgramByCode(w.Ctx(w.Officer), p.Code)
		if prog.PrincipalRepaid.String() != "10000000.00" {
			t.Fatalf("principal repaid %s", prog.PrincipalRepaid)
		}
		noDrift(t, w) // program_totals holds the principal repaid as summed
		// Its loans' schedules stand: the schedule kind no longer changes.
		if _, err := w.Store.UpdateProgram(w.Ctx(w.Admin), p.Code, finance.ProgramInput{ScheduleKind: ptr("flat")}); finance.ErrorCode(err) != finance.EConflict {
			t.Fatalf("schedule kind changed under loans: %v", err)
		}
		if _, err := w.Store.UpdateProgram(w.Ctx(w.Admin), p.Code, finance.ProgramInput{SubsidyRate: raw("5.5")}); err != nil {
			t.Fatalf("subsidy rate: %v", err)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		p := creditProgram(t, w, "KUR-RF-2024", "100000000", false)
		d := loanDraft(t, w, p, "10000000")
		n := auditCount(t, w)
		if _, err := repay(t, w, d.ID, "2024-02-10", "100"); finance.ErrorCode(err) != finance.EConflict {
			t.Fatalf("a draft repaid: %v", err)
		}
		paid := paidLoan(t, w, p, "10000000")
		n = auditCount(t, w)
		for _, c := range []struct {
			on, amount, code string
		}{
			{"2024-01-09", "100", finance.EValidation},   // before the loan was paid out
			{"2024-02-10", "0", finance.EValidation},     // zero
			{"2024-02-10", "1.001", finance.EValidation}, // three decimals
			{"2999-01-01", "100", finance.EValidation},   // after today
		} {
			if _, err := repay(t, w, paid.ID, c.on, c.amount); finance.ErrorCode(err) != c.code {
				t.Fatalf("%s %s: %v", c.on, c.amount, err)
			}
		}
		if _, err := repay(t, w, paid.ID, "2024-03-01", "100"); err != nil {
			t.Fatal(err)
		}
		if _, err := repay(t, w, paid.ID, "2024-02-28", "100"); finance.ErrorCode(err) != finance.EConflict {
			t.Fatalf("out of date order: %v", err)
		}
		if _, err := w.Store.RecordRepayment(w.Ctx(w.Auditor), paid.ID, finance.RepaymentInput{Amount: raw("100")}); finance.ErrorCode(err) != finance.EForbidden {
			t.Fatalf("auditor: %v", err)
		}
		if got := auditCount(t, w); got != n+1 {
			t.Fatalf("%d audit entries, want %d: refused repayments wrote", got, n+1)
		}
	})
}

// TestCreditService_RevolvingBudget: principal repaid returns to a
// revolving fund, and two approvals racing for what is available never
// both pass, raceRounds times on each engine.
func TestCreditService_RevolvingBudget(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	reviewer := w.Ctx(w.Reviewer)
	// setup: a fund of 1.000,00 that lent 600,00 and got it all back (606,00
	// with the first month's interest).
	setup := func(t *testing.T, code string, revolving bool) *finance.Program {
		p := creditProgram(t, w, code, "1000.00", revolving)
		first := paidLoan(t, w, p, "600.00")
		r, err := repay(t, w, first.ID, "2024-01-15", "606.00")
		if err != nil || r.Principal.String() != "600.00" || r.Interest.String() != "6.00" {
			t.Fatalf("repay: %+v %v", r, err)
		}
		return p
	}
	t.Run("NotRevolving", func(t *testing.T) {
		p := setup(t, "KUR-NR-2024", false)
		d := act(t, w, w.Officer, loanDraft(t, w, p, "600.00"), "submit")
		if _, err := w.Store.ActOnDisbursement(reviewer, d.ID, "approve", finance.ActionInput{}); finance.ErrorCode(err) != finance.EBudgetExceeded {
			t.Fatalf("approve: %v", err)
		}
	})
	t.Run("Available", func(t *testing.T) {
		p := setup(t, "DANA-AV-2024", true)
		got, _ := w.Store.FindProgramByCode(reviewer, p.Code)
		if got.Committed.String() != "600.00" || got.PrincipalRepaid.String() != "600.00" || got.Available.String() != "1000.00" || got.Remaining.String() != "400.00" {
			t.Fatalf("committed %s, repaid %s, available %s, remaining %s", got.Committed, got.PrincipalRepaid, got.Available, got.Remaining)
		}
		// The fund holds nothing now: its budget may be cut below what it once committed.
		if _, err := w.Store.ReviseBudget(w.Ctx(w.Admin), p.Code, finance.BudgetRevisionInput{Budget: raw("100.00"), Reason: ptr("efisiensi")}); err != nil {
			t.Fatalf("revise: %v", err)
		}
	})
	t.Run("ConcurrentApprovals", func(t *testing.T) {
		firstWon := 0
		defer func() { t.Logf("%d rounds: the first approval won %d", raceRounds, firstWon) }()
		for round := range raceRounds {
			p := setup(t, "DANA-RACE-"+itoa(int64(round)), true)
			a := act(t, w, w.Officer, loanDraft(t, w, p, "600.00"), "submit")
			b := act(t, w, w.Officer, loanDraft(t, w, p, "600.00"), "submit")
			var errA, errB error
			race(func() {
				_, errA = w.Store.ActOnDisbursement(reviewer, a.ID, "approve", finance.ActionInput{})
			}, func() {
				_, errB = w.Store.ActOnDisbursement(reviewer, b.ID, "approve", finance.ActionInput{})
			})
			if (errA == nil) == (errB == nil) {
				t.Fatalf("round %d: approvals %v and %v: exactly one must pass", round, errA, errB)
			}
			for _, err := range []error{errA, errB} {
				if err != nil && finance.ErrorCode(err) != finance.EBudgetExceeded {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if errA == nil {
				firstWon++
			}
			got, _ := w.Store.FindProgramByCode(reviewer, p.Code)
			if used := got.Committed.Sub(got.PrincipalRepaid); used.Cmp(got.Budget) > 0 || got.Committed.String() != "1200.00" {
				t.Fatalf("round %d: committed %s, repaid %s of %s", round, got.Committed, got.PrincipalRepaid, got.Budget)
			}
		}
	})
}

// TestCreditReport: a loan repaid early and one never repaid, as of 30
// June 2024, against hand-computed figures (finance's tests derive each).
func TestCreditReport(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := creditProgram(t, w, "KUR-REP-2024", "100000000", true)
	early := paidLoan(t, w, p, "10000000")
	for _, r := range [][2]string{{"2024-02-10", "3400221.11"}, {"2024-03-05", "1000000"}, {"2024-03-20", "5900000"}} {
		if _, err := repay(t, w, early.ID, r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	paidLoan(t, w, p, "10000000") // never repaid: 141 days past due on 30 June, kolektibilitas 4
	loanDraft(t, w, p, "5000000") // a draft lends nothing
	build := func(t *testing.T, groupBy string) *report.Credit {
		c, err := w.Store.CreditReport(w.Ctx(w.Reviewer), report.Filter{Year: 2024, AsOf: "2024-06-30", GroupBy: groupBy})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Run("Program", func(t *testing.T) {
		c := build(t, "program")
		if len(c.Rows) != 1 {
			t.Fatalf("rows %+v", c.Rows)
		}
		r := c.Rows[0]
		got := []string{fmt.Sprint(r.Loans), r.Disbursed.String(), r.Outstanding.String(), r.NPL.String(), string(r.NPLPct),
			r.PrincipalRepaid.String(), r.InterestRepaid.String(), r.Subsidy.String(), r.Available.String()}
		// available: 100.000.000 − 20.000.000 committed + 10.000.000 repaid (revolving).
		want := []string{"2", "20000000.00", "10000000.00", "10000000.00", "100.00", "10000000.00", "200663.35", "246216.07", "90000000.00"}
		if fmt.Sprint(got) != fmt.Sprint(want) || !r.Revolving || c.Totals.Subsidy.String() != "246216.07" {
			t.Fatalf("row %v, want %v", got, want)
		}
		var claims []string
		for _, cl := range c.SubsidyClaims {
			claims = append(claims, fmt.Sprintf("%s %s %d %s", cl.Program, cl.Month, cl.Loans, cl.Subsidy))
		}
		wantClaims := []string{"KUR-REP-2024 2024-01 2 73333.34", "KUR-REP-2024 2024-02 2 85665.93",
			"KUR-REP-2024 2024-03 2 70550.13", "KUR-REP-2024 2024-04 1 16666.67"}
		if fmt.Sprint(claims) != fmt.Sprint(wantClaims) {
			t.Fatalf("claims %v, want %v", claims, wantClaims)
		}
	})
	t.Run("Kolektibilitas", func(t *testing.T) {
		c := build(t, "kolektibilitas")
		var got []string
		for _, r := range c.Rows {
			got = append(got, fmt.Sprintf("%s:%d:%s", r.Key, r.Loans, r.Outstanding))
		}
		want := "[1:1:0.00 2:0:0.00 3:0:0.00 4:1:10000000.00 5:0:0.00]"
		if fmt.Sprint(got) != want || c.Totals.NPLPct != "100.00" {
			t.Fatalf("rows %v, want %s", got, want)
		}
	})
	t.Run("BeforeTheLoans", func(t *testing.T) {
		c, err := w.Store.CreditReport(w.Ctx(w.Reviewer), report.Filter{Year: 2024, AsOf: "2024-01-09", GroupBy: "region"})
		if err != nil || len(c.Rows) != 0 || c.Totals.Loans != 0 || len(c.SubsidyClaims) != 0 {
			t.Fatalf("%+v %v", c, err)
		}
	})
	t.Run("OtherAgency", func(t *testing.T) {
		c, err := w.Store.CreditReport(w.Ctx(w.OtherReviewer), report.Filter{Year: 2024, AsOf: "2024-06-30"})
		if err != nil || len(c.Rows) != 0 {
			t.Fatalf("another agency sees %+v %v", c, err)
		}
	})
}
