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
