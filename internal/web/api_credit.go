package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/importer"
)

func init() {
	schemas["Repayment"] = finance.Repayment{}
	schemas["RepaymentInput"] = finance.RepaymentInput{}
	schemas["LoanSchedule"] = finance.LoanView{}
}

// creditRoutes are the routes of credit programs' loans.
func (s *Server) creditRoutes() []apiRoute {
	return []apiRoute{
		{"GET", "/disbursements/:id/schedule", "A loan's terms, repayment schedule, repayments and position today (credit programs)", nil, "", "LoanSchedule", false, 200, s.getSchedule},
		{"GET", "/disbursements/:id/repayments", "A loan's repayments by date, each split into interest, principal and excess", nil, "", "Repayment", true, 200, s.listRepayments},
		{"POST", "/disbursements/:id/repayments", "Record a repayment on a paid loan (paid_on defaults to today)", nil, "Repayment", "Repayment", false, 201, s.createRepayment},
		{"GET", "/repayments/import/template", "The repayments import template: the columns and one example row, ?format=csv (dialect=excel-id: ';') or xlsx", []string{"format", "dialect"}, "", "", false, 200, s.importTemplateAPI(importer.Repayments)},
		{"POST", "/repayments/import", "Import repayments from CSV or XLSX (multipart field file): loan_id or recipient_nik/recipient_nib (and program_code), paid_on, amount, reference", []string{"atomic"}, "", "ImportResult", false, 200, s.importRepayments},
	}
}

func (s *Server) getSchedule(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.credit.FindSchedule(c.Request().Context(), id)
	return reply(c, http.StatusOK, v, err)
}

func (s *Server) listRepayments(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.credit.FindRepayments(c.Request().Context(), id)
	return list(c, items, "", err)
}

func (s *Server) createRepayment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in finance.RepaymentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.credit.RecordRepayment(c.Request().Context(), id, in)
	return reply(c, http.StatusCreated, r, err)
}

func (s *Server) importRepayments(c echo.Context) error {
	return s.importAPI(c, importer.Options{Kind: importer.Repayments})
}
