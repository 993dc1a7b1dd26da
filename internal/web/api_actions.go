package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// actOnDisbursement is POST /disbursements/:id/:action; the body is optional.
func (s *Server) actOnDisbursement(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in finance.ActionInput
	if c.Request().ContentLength != 0 {
		if err := decode(c, &in); err != nil {
			return err
		}
	}
	d, err := s.svc.ActOnDisbursement(c.Request().Context(), id, c.Param("action"), in)
	return reply(c, http.StatusOK, d, err)
}

func (s *Server) createBudgetRevision(c echo.Context) error {
	var in finance.BudgetRevisionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.svc.ReviseBudget(c.Request().Context(), c.Param("code"), in)
	return reply(c, http.StatusCreated, r, err)
}

func (s *Server) listBudgetRevisions(c echo.Context) error {
	items, err := s.svc.FindBudgetRevisions(c.Request().Context(), c.Param("code"))
	return list(c, items, "", err)
}

// bulkResult is one row of a bulk action's answer: the disbursement's new
// status, or the error that refused it.
type bulkResult struct {
	ID     int64          `json:"id"`
	Status finance.Status `json:"status,omitempty"`
	Error  *errorDetail   `json:"error,omitempty"`
}

// actOnDisbursements is POST /disbursements/bulk: one action on many
// disbursements, each done or refused on its own; it answers 200 with a
// result per id (a role that may never take the action gets a 403).
func (s *Server) actOnDisbursements(c echo.Context) error {
	var in finance.BulkActionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	results, err := s.svc.ActOnDisbursements(c.Request().Context(), in.IDs, in.Action, in.ActionInput)
	if err != nil {
		return err
	}
	out := make([]bulkResult, len(results))
	for i, r := range results {
		out[i].ID = r.ID
		if r.Err != nil {
			detail := classify(r.Err).detail(apiLang(c))
			out[i].Error = &detail
		} else {
			out[i].Status = r.Disbursement.Status
		}
	}
	return list(c, out, "", nil)
}
