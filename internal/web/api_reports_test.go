package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"pilar/internal/finance"
)

func TestReportsAPI(t *testing.T) {
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("BPUM-2024", "2400000.00")), http.StatusCreated)
	t.Run("JSON", func(t *testing.T) {
		m := e.expect(t, e.do(t, e.w.Reviewer, "GET", "/api/v1/reports/realization?year=2024", nil), http.StatusOK)
		rows := m["rows"].([]any)
		if len(rows) != 1 || rows[0].(map[string]any)["realized_pct"] != "0.00" {
			t.Errorf("rows %v", rows)
		}
		tot := m["totals"].(map[string]any)
		if tot["budget"] != "2400000.00" || tot["remaining"] != "2400000.00" || tot["committed"] != "0.00" {
			t.Errorf("totals %v", tot)
		}
	})
	t.Run("EmptyYear", func(t *testing.T) {
		for _, kind := range []string{"realization", "coverage"} {
			m := e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/reports/"+kind+"?year=2030", nil), http.StatusOK)
			if len(m["rows"].([]any)) != 0 || m["totals"] == nil {
				t.Errorf("%s: %v", kind, m)
			}
		}
		m := e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/reports/overlaps?year=2030", nil), http.StatusOK)
		if flags, ok := m["shared_nik"].([]any); !ok || len(flags) != 0 {
			t.Errorf("overlaps %v", m)
		}
	})
	t.Run("Files", func(t *testing.T) {
		for _, c := range []struct{ path, ctype, prefix string }{
			{"/api/v1/reports/realization?year=2024&format=csv", "text/csv; charset=utf-8", "\uFEFFkey,label"},
			{"/api/v1/reports/coverage?year=2024&format=csv&group_by=sex", "text/csv; charset=utf-8", "\uFEFFkey,label,target"},
			{"/api/v1/reports/overlaps?year=2024&format=xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
			{"/api/v1/reports/realization?year=2024&format=pdf&group_by=quarter", "application/pdf", "%PDF"},
		} {
			rec := e.do(t, e.w.Officer, "GET", c.path, nil)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != c.ctype || !strings.HasPrefix(rec.Body.String(), c.prefix) ||
				!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment;") {
				t.Errorf("%s: %d %q %q", c.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()[:min(20, rec.Body.Len())])
			}
		}
	})
	t.Run("Errors", func(t *testing.T) {
		for _, c := range []struct {
			name, path string
			u          *finance.User
			status     int
			code       string
		}{
			{"ErrGroupBy", "/api/v1/reports/realization?group_by=sex", e.w.Admin, 400, "bad_request"},
			{"ErrFormat", "/api/v1/reports/coverage?format=ods", e.w.Admin, 400, "bad_request"},
			{"ErrCoveragePDF", "/api/v1/reports/coverage?format=pdf", e.w.Admin, 400, "bad_request"},
			{"ErrHTML", "/api/v1/reports/coverage?format=html", e.w.Admin, 400, "bad_request"},
			{"ErrYear", "/api/v1/reports/overlaps?year=abc", e.w.Admin, 400, "bad_request"},
			{"ErrOtherAgency", "/api/v1/reports/realization?agency=" + e.w.OtherAgency.Code, e.w.Officer, 403, "forbidden"},
			{"ErrUnknownAgency", "/api/v1/reports/realization?agency=NOPE", e.w.Auditor, 422, "validation_failed"},
			{"ErrNoToken", "/api/v1/reports/realization", nil, 401, "unauthorized"},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := errorCode(e.expect(t, e.do(t, c.u, "GET", c.path, nil), c.status)); got != c.code {
					t.Errorf("code %q, want %q", got, c.code)
				}
			})
		}
	})
}

func TestReportPages(t *testing.T) {
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("BPUM-2024", "2400000.00")), http.StatusCreated)
	session, err := e.w.Store.CreateSession(context.Background(), e.w.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: "pilar_session", Value: session})
		rec := httptest.NewRecorder()
		e.srv.Echo.ServeHTTP(rec, req)
		return rec
	}
	for _, c := range []struct {
		path   string
		charts int
	}{
		{"/reports/realization?year=2024", 2}, {"/reports/realization?year=2024&group_by=month", 1},
		{"/reports/coverage?year=2024", 1}, {"/reports/overlaps?year=2024", 0},
	} {
		t.Run(c.path, func(t *testing.T) {
			rec := get(c.path)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			doc, err := html.Parse(bytes.NewReader(rec.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			var svgs, titled, styled int
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					for _, a := range n.Attr {
						if a.Key == "style" {
							styled++
						}
					}
					if n.Data == "svg" {
						svgs++
						for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
							if ch.Data == "title" && ch.FirstChild != nil && ch.NextSibling != nil && ch.NextSibling.Data == "desc" {
								titled++
							}
						}
					}
				}
				for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
					walk(ch)
				}
			}
			walk(doc)
			if svgs != c.charts || titled != c.charts || styled != 0 {
				t.Errorf("%d charts (%d with title and desc), %d style attributes; want %d charts", svgs, titled, styled, c.charts)
			}
		})
	}
	t.Run("Download", func(t *testing.T) {
		rec := get("/reports/realization?year=2024&format=xlsx")
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "PK") {
			t.Errorf("status %d", rec.Code)
		}
	})
	t.Run("ErrOtherAgency", func(t *testing.T) {
		if rec := get("/reports/coverage?agency=" + e.w.OtherAgency.Code); rec.Code != http.StatusForbidden {
			t.Errorf("status %d", rec.Code)
		}
	})
}

// TestAPI_ReportLabelsInEnglish: report data carries messages, so the JSON
// API's month labels are English (they were "Juli 2024").
func TestAPI_ReportLabelsInEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/reports/realization?year=2024&group_by=month", nil), http.StatusOK)
	rows := m["rows"].([]any)
	if got := rows[6].(map[string]any)["label"]; got != "July 2024" {
		t.Fatalf("July's label %q", got)
	}
	m = e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/reports/coverage?year=2024&group_by=program", nil), http.StatusOK)
	if rows := m["rows"].([]any); len(rows) != 0 {
		t.Fatalf("rows %v", rows)
	}
}
