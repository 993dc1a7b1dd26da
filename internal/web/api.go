package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/importer"
)

// apiRoute is one JSON API route; the same table registers the routes and
// writes the OpenAPI document, so the two cannot drift apart.
type apiRoute struct {
	Method  string
	Path    string // Echo form, relative to /api/v1: /programs/:code
	Summary string
	Query   []string // query parameters
	Body    string   // request schema in components, "" for none
	Result  string   // response schema; "" for 204
	List    bool     // the response is a page of Result
	Status  int      // success status
	Handler echo.HandlerFunc
}

// apiRoutes is the whole JSON API.
func (s *Server) apiRoutes() []apiRoute {
	listQ := []string{"limit", "cursor"}
	return slices.Concat([]apiRoute{
		{"GET", "/agencies", "List agencies", nil, "", "Agency", true, 200, s.listAgencies},
		{"POST", "/agencies", "Create an agency (admin)", nil, "Agency", "Agency", false, 201, s.createAgency},
		{"GET", "/programs", "List programs", append([]string{"year", "agency", "funding_source", "kind", "status"}, listQ...), "", "Program", true, 200, s.listPrograms},
		{"POST", "/programs", "Create a program", nil, "Program", "Program", false, 201, s.createProgram},
		{"GET", "/programs/:code", "Get a program", nil, "", "Program", false, 200, s.getProgram},
		{"PATCH", "/programs/:code", "Change a program (not its budget)", nil, "Program", "Program", false, 200, s.patchProgram},
		{"GET", "/recipients", "List recipients", append([]string{"q", "nik", "nib", "region", "size_class", "kind"}, listQ...), "", "Recipient", true, 200, s.listRecipients},
		{"POST", "/recipients", "Register a recipient", nil, "Recipient", "Recipient", false, 201, s.createRecipient},
		{"POST", "/recipients/import", "Import recipients from CSV or XLSX (multipart field file)", []string{"atomic", "update"}, "", "ImportResult", false, 200, s.importRecipients},
		{"GET", "/recipients/import/template", "The recipients import template: the columns and one example row, ?format=csv (dialect=excel-id: ';') or xlsx", []string{"format", "dialect"}, "", "", false, 200, s.importTemplateAPI(importer.Recipients)},
		{"POST", "/recipients/figures/import", "Import recipients' yearly figures (size class, status, members, business volume, assets, workforce, RAT year) from CSV or XLSX, each row with the date it holds from (multipart field file)", []string{"atomic"}, "", "ImportResult", false, 200, s.importFigures},
		{"GET", "/recipients/figures/import/template", "The yearly figures import template: the columns and one example row, ?format=csv (dialect=excel-id: ';') or xlsx", []string{"format", "dialect"}, "", "", false, 200, s.importTemplateAPI(importer.Figures)},
		{"GET", "/recipients/:id", "Get a recipient", nil, "", "Recipient", false, 200, s.getRecipient},
		{"PATCH", "/recipients/:id", "Change a recipient", nil, "Recipient", "Recipient", false, 200, s.patchRecipient},
		{"GET", "/disbursements", "List disbursements", append(slices.Clone(disbursementQuery), listQ...), "", "Disbursement", true, 200, s.listDisbursements},
		{"GET", "/disbursements/export", "Export every disbursement the list's filters select, streamed as CSV (default; dialect=excel-id: ';' and decimal comma) or XLSX; NIK, phone and account masked as for recipients", append(slices.Clone(disbursementQuery), "format", "dialect"), "", fileResult, false, 200, s.exportDisbursements},
		{"POST", "/disbursements", "Record a draft disbursement", nil, "Disbursement", "Disbursement", false, 201, s.createDisbursement},
		{"POST", "/disbursements/import", "Import draft disbursements from CSV or XLSX (multipart field file)", []string{"atomic", "submit"}, "", "ImportResult", false, 200, s.importDisbursements},
		{"GET", "/disbursements/import/template", "The disbursements import template: the columns and one example row, ?format=csv (dialect=excel-id: ';') or xlsx", []string{"format", "dialect"}, "", "", false, 200, s.importTemplateAPI(importer.Disbursements)},
		{"GET", "/disbursements/:id", "Get a disbursement", nil, "", "Disbursement", false, 200, s.getDisbursement},
		{"PATCH", "/disbursements/:id", "Change a draft disbursement", nil, "Disbursement", "Disbursement", false, 200, s.patchDisbursement},
		{"DELETE", "/disbursements/:id", "Delete a draft disbursement", nil, "", "", false, 204, s.deleteDisbursement},
		{"POST", "/disbursements/bulk", "Take one life-cycle action on many disbursements; a result per id", nil, "BulkAction", "BulkResult", true, 200, s.actOnDisbursements},
		{"POST", "/disbursements/:id/:action", "Take a life-cycle action: submit, approve, reject, cancel, pay, return", nil, "Action", "Disbursement", false, 200, s.actOnDisbursement},
		{"POST", "/programs/:code/budget-revisions", "Revise a program's budget (admin, reviewer)", nil, "BudgetRevision", "BudgetRevision", false, 201, s.createBudgetRevision},
		{"GET", "/programs/:code/budget-revisions", "List a program's budget revisions", nil, "", "BudgetRevision", true, 200, s.listBudgetRevisions},
		{"GET", "/exclusion-lists", "List exclusion lists and their counts (admin, reviewer, auditor)", nil, "", "ExclusionList", true, 200, s.listExclusionLists},
		{"POST", "/exclusion-lists", "Upload an exclusion list of NIKs and/or NIBs, kept only as keyed hashes (multipart file, kind, source, as_of, optional replaces; admin)", []string{"kind", "source", "as_of", "replaces"}, "", "ExclusionUpload", false, 201, s.createExclusionList},
		{"DELETE", "/exclusion-lists/:id", "Withdraw an exclusion list (admin)", nil, "", "", false, 204, s.withdrawExclusionList},
		{"GET", "/audit", "Read the audit trail (auditor, admin)", append([]string{"entity", "entity_id"}, listQ...), "", "AuditEntry", true, 200, s.listAudit},
	}, s.reportRoutes(), s.reconRoutes(), s.creditRoutes())
}

func (s *Server) registerAPI() {
	s.routes = s.apiRoutes()
	g := s.Echo.Group("/api/v1", s.authToken, s.idempotent)
	for _, r := range s.routes {
		g.Add(r.Method, r.Path, r.Handler)
	}
	g.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
}

// authToken puts the owner of the bearer token in the request's context.
func (s *Server) authToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get("Authorization")
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || secret == "" {
			return finance.Errorf(finance.EUnauthorized, "send an API token as Authorization: Bearer <token>")
		}
		u, err := s.users.UserByToken(c.Request().Context(), strings.TrimSpace(secret))
		if err != nil {
			if finance.ErrorCode(err) == finance.EUnauthorized {
				s.Metrics.SignInFailed("token", false)
			}
			return err
		}
		c.SetRequest(c.Request().WithContext(finance.WithActor(c.Request().Context(), u.Actor())))
		return next(c)
	}
}

// decode reads a JSON body into v and applies finance.CheckInput to it.
// Errors: bad_request (not JSON, not UTF-8), validation_failed (a field of
// the wrong type, a NUL character, too long, an int out of range),
// payload_too_large.
func decode(c echo.Context, v any) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	if mt != "application/json" {
		return finance.Errorf(finance.EBadRequest, "send the body as application/json")
	}
	body, err := io.ReadAll(c.Request().Body)
	if err == nil && !utf8.Valid(body) {
		// encoding/json would quietly put U+FFFD in place of the bad bytes.
		return finance.Errorf(finance.EBadRequest, "the JSON body is not UTF-8 text")
	}
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(body))
		if err = dec.Decode(v); err == nil && dec.More() {
			err = errors.New("more than one JSON value")
		}
	}
	var typeErr *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		// Every text field: no NUL, no over-long text, ints that fit (finance's rules).
		return finance.CheckInput(v)
	case errors.As(err, &tooBig):
		return finance.Errorf(finance.ETooLarge, "the JSON body is larger than %d bytes", tooBig.Limit)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return finance.FieldError(typeErr.Field, "must be %s", jsonType(typeErr.Type.String()))
	case errors.Is(err, io.EOF):
		return finance.Errorf(finance.EBadRequest, "the request body is empty; send a JSON object")
	}
	return finance.Errorf(finance.EBadRequest, "malformed JSON: %v", err)
}

func jsonType(goType string) string {
	switch strings.TrimLeft(goType, "*") {
	case "int", "int64":
		return "an integer"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "[]string":
		return "an array of strings"
	}
	return "of another type"
}

// pageOf reads ?limit= and ?cursor=. Errors: bad_request.
func pageOf(c echo.Context) (finance.Page, error) {
	var p finance.Page
	var err error
	if v := c.QueryParam("limit"); v != "" {
		if p.Limit, err = strconv.Atoi(v); err != nil || p.Limit < 1 || p.Limit > 1<<30 {
			return p, finance.Errorf(finance.EBadRequest, "limit must be a positive whole number")
		}
	}
	if v := c.QueryParam("cursor"); v != "" {
		if p.Cursor, err = strconv.ParseInt(v, 10, 64); err != nil || p.Cursor < 0 {
			return p, finance.Errorf(finance.EBadRequest, "cursor is not one this API gave out")
		}
	}
	return p, nil
}

// intQuery reads an optional whole-number query parameter between min and
// max, so that nothing out of a column's range reaches the database.
// Errors: bad_request.
func intQuery(c echo.Context, name string, min, max int64) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		return 0, finance.Errorf(finance.EBadRequest, "%s must be a whole number from %d to %d", name, min, max)
	}
	return n, nil
}

// Bounds of integer query parameters.
const (
	minYear, maxYear = 1, 9999
	maxID            = 1<<63 - 1
)

// pathID reads a numeric id from the path; anything else names nothing (404).
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id < 1 {
		return 0, finance.Errorf(finance.ENotFound, "no %s has this id", name)
	}
	return id, nil
}

type listBody[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func list[T any](c echo.Context, items []T, next string, err error) error {
	if err != nil {
		return err
	}
	if items == nil {
		items = []T{}
	}
	return c.JSON(http.StatusOK, listBody[T]{items, next})
}

func reply(c echo.Context, status int, v any, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(status, v)
}
