package web

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/recon"
)

func init() {
	schemas["Statement"] = finance.Statement{}
	schemas["StatementImport"] = finance.StatementImport{}
	schemas["Reconciliation"] = finance.Reconciliation{}
	schemas["ReconcileInput"] = finance.ReconcileInput{}
	schemas["Match"] = finance.Match{}
	schemas["ManualMatchInput"] = finance.ManualMatchInput{}
	schemas["DisbursementReconciliation"] = finance.DisbursementReconciliation{}
	schemas["ReturClosure"] = finance.ReturClosure{}
	schemas["ReturClosureInput"] = finance.ReturClosureInput{}
	schemas["OpenReturn"] = finance.OpenReturn{}
}

// reconRoutes are the bank statement and reconciliation routes (issue 11).
func (s *Server) reconRoutes() []apiRoute {
	return []apiRoute{
		{"GET", "/statements", "List bank statements", []string{"account", "limit", "cursor"}, "", "Statement", true, 200, s.listStatements},
		{"POST", "/statements", "Upload a bank statement (multipart: file, format csv|mt940|camt053, account, currency, profile, agency); 201 with the statements created, 200 when all were imported before", nil, "", "StatementImport", false, 201, s.uploadStatement},
		{"GET", "/statements/:id", "Get a bank statement with its lines", nil, "", "Statement", false, 200, s.getStatement},
		{"POST", "/reconciliations", "Reconcile a statement: match its lines to the agency's paid and returned disbursements", nil, "Reconcile", "Reconciliation", false, 201, s.createReconciliation},
		{"GET", "/reconciliations/:id", "Get a reconciliation's result", nil, "", "Reconciliation", false, 200, s.getReconciliation},
		{"POST", "/reconciliations/:id/matches", "Match a disbursement and a line by hand", nil, "ManualMatch", "Match", false, 201, s.createMatch},
		{"POST", "/reconciliations/:id/matches/:match_id/confirm", "Confirm a probable, mismatched or manual match", nil, "", "Match", false, 200, s.confirmMatch},
		{"DELETE", "/reconciliations/:id/matches/:match_id", "Undo a match", nil, "", "", false, 204, s.deleteMatch},
		{"POST", "/disbursements/:id/return-closure", "Close returned money: a deposit to kas negara or kas daerah, or a re-payment", nil, "ReturClosure", "ReturClosure", false, 201, s.closeReturn},
		{"GET", "/returns/open", "Returned money not yet deposited or paid again, oldest first, with its age", nil, "", "OpenReturn", true, 200, s.listOpenReturns},
		{"GET", "/disbursements/:id/reconciliation", "Whether, when, by which line and rule a disbursement was reconciled", nil, "", "DisbursementReconciliation", false, 200, s.getDisbursementReconciliation},
	}
}

func (s *Server) listStatements(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	items, next, err := s.statements.FindStatements(c.Request().Context(), finance.StatementFilter{Account: c.QueryParam("account"), Page: page})
	return list(c, items, next, err)
}

// statementUpload reads the upload's fields (or, for scripts, the same
// names as query parameters); profile names a bank's CSV columns in
// statements.csv_profiles. Errors: validation_failed.
func (s *Server) statementUpload(fields, query map[string][]string, name string) (finance.StatementUpload, error) {
	get := func(k string) string {
		if v := fields[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		if v := query[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	up := finance.StatementUpload{Format: strings.ToLower(get("format")), Account: get("account"), Currency: get("currency"),
		Agency: get("agency"), Name: name}
	if up.Format == "" {
		return up, finance.FieldError("format", "is required: csv, mt940 or camt053")
	}
	if p := strings.ToLower(get("profile")); p != "" && p != "default" {
		prof, ok := s.cfg.Statements.CSVProfiles[p]
		if !ok {
			prof, ok = recon.BankProfiles[p]
		}
		if !ok {
			return up, finance.FieldError("profile", "no CSV profile has this name; see statements.csv_profiles in config.yaml")
		}
		up.Profile = prof
	}
	return up, nil
}

func (s *Server) uploadStatement(c echo.Context) error {
	res, err := s.importStatement(c)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if len(res.Statements) == 0 {
		status = http.StatusOK // every statement was imported before: nothing created
	}
	return c.JSON(status, res)
}

func (s *Server) importStatement(c echo.Context) (*finance.StatementImport, error) {
	f, fields, err := spoolUpload(c)
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	name := ""
	if form := c.Request().MultipartForm; form != nil && len(form.File["file"]) > 0 {
		name = form.File["file"][0].Filename
	}
	up, err := s.statementUpload(fields, c.QueryParams(), name)
	if err != nil {
		return nil, err
	}
	return s.statements.ImportStatements(c.Request().Context(), up, f)
}

func (s *Server) getStatement(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	st, err := s.statements.FindStatementByID(ctx, id)
	if err != nil {
		return err
	}
	head, err := json.Marshal(st) // without lines: they follow, one at a time
	if err != nil {
		return err
	}
	r := c.Response()
	r.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	r.WriteHeader(http.StatusOK)
	w := bufio.NewWriterSize(r, 1<<16)
	w.Write(head[:len(head)-1])
	w.WriteString(`,"lines":[`)
	n := 0
	err = s.statements.EachStatementLine(ctx, id, 0, 0, func(l *finance.StatementLine) error {
		b, err := json.Marshal(l)
		if n++; n > 1 {
			w.WriteByte(',')
		}
		w.Write(b)
		return err
	})
	if err != nil {
		s.log.Error("statement answer cut short", "statement", id, "err", err)
		return nil
	}
	w.WriteString("]}")
	return w.Flush()
}

func (s *Server) windowDays() int {
	return int(s.cfg.Reconciliation.WindowDays)
}

func (s *Server) createReconciliation(c echo.Context) error {
	var in finance.ReconcileInput
	if err := decode(c, &in); err != nil {
		return err
	}
	in.WindowDays = s.windowDays()
	j := &reconJSON{c: c, status: http.StatusCreated}
	_, err := s.reconcile(c, in, j)
	return s.streamed(j, err)
}

func (s *Server) getReconciliation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	j := &reconJSON{c: c, status: http.StatusOK}
	return s.streamed(j, s.statements.EachReconciliation(c.Request().Context(), id, j))
}

func (s *Server) createMatch(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in finance.ManualMatchInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.statements.MatchManually(c.Request().Context(), id, in)
	return reply(c, http.StatusCreated, m, err)
}

func (s *Server) matchIDs(c echo.Context) (int64, int64, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, 0, err
	}
	mid, err := pathID(c, "match_id")
	return id, mid, err
}

func (s *Server) confirmMatch(c echo.Context) error {
	id, mid, err := s.matchIDs(c)
	if err != nil {
		return err
	}
	m, err := s.statements.ConfirmMatch(c.Request().Context(), id, mid)
	return reply(c, http.StatusOK, m, err)
}

func (s *Server) deleteMatch(c echo.Context) error {
	id, mid, err := s.matchIDs(c)
	if err != nil {
		return err
	}
	if err := s.statements.Unmatch(c.Request().Context(), id, mid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) getDisbursementReconciliation(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.statements.DisbursementReconciliation(c.Request().Context(), id)
	return reply(c, http.StatusOK, r, err)
}

func (s *Server) closeReturn(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in finance.ReturClosureInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.returs.CloseReturn(c.Request().Context(), id, in)
	return reply(c, http.StatusCreated, r, err)
}

func (s *Server) listOpenReturns(c echo.Context) error {
	items, err := s.returs.OpenReturns(c.Request().Context())
	return list(c, items, "", err)
}
