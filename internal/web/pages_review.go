package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// disbursementView is a disbursement with the actions the signed-in user
// may take on it now, for the buttons.
type disbursementView struct {
	*finance.Disbursement
	Actions []string
	CanEdit bool // a draft the user may change or delete
	// Recon says whether, when, by which line and rule it was reconciled.
	Recon *finance.DisbursementReconciliation
	// Loan is a credit loan's schedule, repayments and position today;
	// CanRepay: the user may record a repayment on it now.
	Loan     *finance.LoanView
	CanRepay bool
}

func (v disbursementView) pageTitle(lang string) string {
	return disbursementTitle(lang, v.Disbursement)
}

func (s *Server) disbursementPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderDisbursement(c, http.StatusOK, id, nil)
}

// renderDisbursement shows one disbursement and its action buttons, with
// fields' messages from a refused action.
func (s *Server) renderDisbursement(c echo.Context, status int, id int64, fields map[string]finance.Msg) error {
	return s.renderDisbursementForm(c, status, id, nil, fields)
}

// renderDisbursementForm is renderDisbursement showing the form that was
// refused with what was typed in it (the repayment form: its date, amount
// and reference are not lost to a mistyped amount).
func (s *Server) renderDisbursementForm(c echo.Context, status int, id int64, form url.Values, fields map[string]finance.Msg) error {
	d, err := s.disbursements.FindDisbursementByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	a := finance.ActorFrom(c.Request().Context())
	v := disbursementView{Disbursement: d, Actions: d.AllowedActions(a),
		CanEdit: d.Status == finance.StatusDraft && a.Can(finance.ActRecordDisbursement) && a.InAgency(d.AgencyID)}
	v.Recon, _ = s.statements.DisbursementReconciliation(c.Request().Context(), id)
	if d.Loan != nil {
		if v.Loan, err = s.credit.FindSchedule(c.Request().Context(), id); err != nil {
			return err
		}
		v.CanRepay = d.Status == finance.StatusPaid && v.Loan.Position.RepaidOn == "" && a.Can(finance.ActRecordRepayment) && a.InAgency(d.AgencyID)
	}
	return s.renderForm(c, status, "disbursement", "nav.disbursements", v, form, fields)
}

// actOnDisbursementPage is the form behind a disbursement's buttons: it
// takes the action and shows the disbursement again, or the refusal.
func (s *Server) actOnDisbursementPage(c echo.Context) error {
	id, f, err := idForm(c)
	if err != nil {
		return err
	}
	in := finance.ActionInput{Note: f.str("note"), Reason: f.str("reason"), PaidOn: f.str("paid_on"), PaymentRef: f.str("payment_ref"),
		ReturnedOn: f.str("returned_on"), OverrideReason: f.str("override_reason")}
	_, err = s.lifecycle.ActOnDisbursement(c.Request().Context(), id, c.Param("action"), in)
	if status, msgs, ok := refusal(err); ok {
		return s.renderDisbursement(c, status, id, msgs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/disbursements/"+strconv.FormatInt(id, 10)+"?acted=1")
}

// rejectReason is the reason of the latest rejection in a disbursement's
// note (the life cycle writes each action's note as "reject: ..."), or "".
func rejectReason(note string) string {
	lines := strings.Split(note, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if r, ok := strings.CutPrefix(lines[i], finance.ActionReject+": "); ok {
			return r
		}
	}
	return ""
}

// refusal turns a domain refusal of an action on a page (a step not allowed
// now, over budget, a bad field, not this person) into the status and the
// messages to show next to the form; other errors go to the error page.
func refusal(err error) (int, map[string]finance.Msg, bool) {
	var fe *finance.Error
	if !errors.As(err, &fe) {
		return 0, nil, false
	}
	switch fe.Code {
	case finance.EValidation:
		return http.StatusUnprocessableEntity, fe.Fields, true
	case finance.EInvalidTransition, finance.EBudgetExceeded, finance.EForbidden:
		return statusOf[fe.Code], map[string]finance.Msg{formError: fe.Msg}, true
	}
	return 0, nil, false
}

// reviewResult is one row of a bulk decision: the disbursement and, when
// it was refused, why.
type reviewResult struct {
	ID      int64
	Status  finance.Status
	Message string
}

type reviewData struct {
	Action  string
	Results []reviewResult
	Queue   []*finance.Disbursement
	Next    string // the next page of the queue, or ""
}

// reviewPage is a reviewer's approval queue: the submitted disbursements of
// their agency (every agency for an admin).
func (s *Server) reviewPage(c echo.Context) error {
	page, err := pageListPage(c)
	if err != nil {
		return err
	}
	return s.renderReview(c, page, reviewData{}, nil, nil)
}

// renderReview shows the queue at page (read by the caller before it acts,
// so that a bad ?limit= or ?cursor= is refused before anything changes).
func (s *Server) renderReview(c echo.Context, page finance.Page, data reviewData, form url.Values, fields map[string]finance.Msg) error {
	queue, next, err := s.disbursements.FindDisbursements(c.Request().Context(), finance.DisbursementFilter{
		Status: finance.StatusSubmitted, Page: page})
	if err != nil {
		return err
	}
	data.Queue, data.Next = queue, nextURL(c, next)
	status := http.StatusOK
	if fields != nil {
		status = http.StatusUnprocessableEntity
	}
	return s.renderForm(c, status, "review", "review.title", data, form, fields)
}

// reviewDecide approves or rejects every selected disbursement and shows
// each one's result; one refused (say, over budget) does not stop the rest.
func (s *Server) reviewDecide(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	page, err := pageListPage(c)
	if err != nil {
		return err
	}
	action := f.form.Get("action")
	if action != finance.ActionApprove && action != finance.ActionReject {
		return finance.Errorf(finance.EBadRequest, "choose approve or reject")
	}
	ids := make([]int64, 0, len(f.form["id"]))
	for _, v := range f.form["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return finance.Errorf(finance.EBadRequest, "a selected disbursement id is not a number")
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return s.renderReview(c, page, reviewData{}, f.form, map[string]finance.Msg{formError: finance.M("review.nothing")})
	}
	in := finance.ActionInput{Note: f.str("note"), Reason: f.str("reason"), OverrideReason: f.str("override_reason")}
	// A rejection without a reason is refused once, before any row is tried.
	if _, msgs, ok := refusal(finance.CheckReason(action, in)); ok {
		return s.renderReview(c, page, reviewData{}, f.form, msgs)
	}
	results, err := s.lifecycle.ActOnDisbursements(c.Request().Context(), ids, action, in)
	if err != nil {
		return err
	}
	data := reviewData{Action: action}
	for _, r := range results {
		row := reviewResult{ID: r.ID}
		if r.Err != nil {
			d := classify(r.Err).detail(langOf(c, s.cfg.Lang))
			row.Message = d.Message
			// A flagged approval without a reason: say which field and why.
			if msg, ok := d.Fields["override_reason"]; ok {
				row.Message = d.Message + ": " + msg
			}
		} else {
			row.Status = r.Disbursement.Status
		}
		data.Results = append(data.Results, row)
	}
	return s.renderReview(c, page, data, nil, nil)
}
