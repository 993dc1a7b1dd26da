package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/money"
)

// loanInput reads the disbursement form's loan terms; nil when none was
// typed (a disbursement that does not lend).
func loanInput(f *formInput) *finance.LoanInput {
	typed := false
	for _, k := range []string{"loan.tenor_months", "loan.interest_rate", "loan.first_due_on"} {
		typed = typed || strings.TrimSpace(f.form.Get(k)) != ""
	}
	if !typed {
		return nil
	}
	in := &finance.LoanInput{TenorMonths: f.int("loan.tenor_months"), FirstDueOn: f.str("loan.first_due_on")}
	if v := f.str("loan.interest_rate"); v != nil {
		// A rate may be typed with a decimal comma (6,5).
		r := money.Raw(strings.Replace(strings.TrimSpace(*v), ",", ".", 1))
		in.InterestRate = &r
	}
	return in
}

// creditProgramInput reads the program form's credit fields into in: only
// a credit program has them (the others' would be refused), so they are
// read only when the kind chosen is credit.
func creditProgramInput(f *formInput, in *finance.ProgramInput) {
	if f.form.Get("kind") != finance.KindCredit {
		return
	}
	in.ScheduleKind = f.str("schedule_kind")
	if r := strings.Replace(strings.TrimSpace(f.form.Get("subsidy_rate")), ",", ".", 1); r != "" {
		raw := money.Raw(r)
		in.SubsidyRate = &raw
	}
	revolving := f.form.Get("revolving") != ""
	in.Revolving = &revolving
}

// recordRepaymentPage is the repayment form of a loan's page: it records
// the repayment and shows the loan again, or the refusal.
func (s *Server) recordRepaymentPage(c echo.Context) error {
	id, f, err := idForm(c)
	if err != nil {
		return err
	}
	in := finance.RepaymentInput{PaidOn: f.str("paid_on"), Amount: f.raw("amount"), Reference: f.str("reference")}
	if len(f.fields) > 0 { // an amount the form cannot read
		return s.renderDisbursementForm(c, http.StatusUnprocessableEntity, id, f.form, f.fields)
	}
	_, err = s.credit.RecordRepayment(c.Request().Context(), id, in)
	if finance.ErrorCode(err) == finance.EConflict { // out of date order, or already repaid
		return s.renderDisbursementForm(c, http.StatusConflict, id, f.form, map[string]finance.Msg{formError: err.(*finance.Error).Msg})
	}
	if status, msgs, ok := refusal(err); ok {
		return s.renderDisbursementForm(c, status, id, f.form, msgs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/disbursements/"+strconv.FormatInt(id, 10)+"?repaid=1#loan")
}
