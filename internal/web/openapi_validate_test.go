package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// TestOpenAPI_ValidAndTrue checks /openapi.json with a real OpenAPI
// validator (kin-openapi) and then real responses of the server against
// it: successes, lists, reports with negative month amounts, and errors of
// each kind, so that the document cannot drift from what the server sends.
func TestOpenAPI_ValidAndTrue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	router := openAPIRouter(t, e)
	// A paid and returned disbursement makes a negative month.
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-OAS-2024", "1000.00")), 201)
	d := e.draftVia(t, "PEN-OAS-2024", "600.00")
	e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 200)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/approve", nil), 200)
	e.expect(t, e.do(t, e.w.Officer, "POST", d+"/pay", map[string]any{"paid_on": "2024-04-02"}), 200)
	e.expect(t, e.do(t, e.w.Officer, "POST", d+"/return", map[string]any{"returned_on": "2024-05-09"}), 200)
	for _, c := range []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"ProgramList", "GET", "/api/v1/programs?year=2024", nil, 200},
		{"Program", "GET", "/api/v1/programs/PEN-OAS-2024", nil, 200},
		{"Disbursement", "GET", d, nil, 200},
		{"RealizationByMonth", "GET", "/api/v1/reports/realization?year=2024&group_by=month", nil, 200},
		{"Coverage", "GET", "/api/v1/reports/coverage?year=2024", nil, 200},
		{"Overlaps", "GET", "/api/v1/reports/overlaps?year=2024", nil, 200},
		{"Audit", "GET", "/api/v1/audit?limit=5", nil, 200},
		{"NotFound", "GET", "/api/v1/programs/NOPE", nil, 404},
		{"Validation", "POST", "/api/v1/recipients", map[string]any{"kind": "umkm"}, 422},
		{"Conflict", "POST", d + "/submit", nil, 409},
		{"BadRequest", "GET", "/api/v1/reports/realization?group_by=sex", nil, 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := e.do(t, e.w.Admin, c.method, c.path, c.body)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body.String())
			}
			validateResponse(t, router, c.method, c.path, c.body != nil, rec)
		})
	}
}

// openAPIRouter loads the server's /openapi.json, checks it is valid
// OpenAPI, and returns a router over its operations.
func openAPIRouter(t *testing.T, e *env) routers.Router {
	t.Helper()
	spec := e.do(t, nil, "GET", "/openapi.json", nil)
	doc, err := openapi3.NewLoader().LoadFromData(spec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return router
}

// validateResponse checks a response to method path against the document.
func validateResponse(t *testing.T, router routers.Router, method, path string, hasBody bool, rec *httptest.ResponseRecorder) {
	t.Helper()
	var body io.Reader = http.NoBody
	if hasBody {
		body = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, path, body)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("no operation in the document: %v", err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("the response does not match the document: %v\n%.600s", err, rec.Body.String())
	}
}
