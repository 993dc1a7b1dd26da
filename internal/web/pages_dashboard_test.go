package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestPages_DashboardSumsAndPercent: the dashboard's tiles sum every
// program (from the store, not the page of programs shown, which has a
// next link), and the program page, the dashboard and the realization
// report give one percentage, by the report's half-up rule.
func TestPages_DashboardSumsAndPercent(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("DASH-A-2024", "3000.00")), http.StatusCreated)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("DASH-B-2024", "1000.00")), http.StatusCreated)
	d := e.draftVia(t, "DASH-A-2024", "1000.00") // 1000/3000 = 33.333...%
	e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 200)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/approve", nil), 200)
	e.expect(t, e.do(t, e.w.Officer, "POST", d+"/pay", map[string]any{"paid_on": "2024-04-02"}), 200)

	t.Run("TilesSumEveryProgram", func(t *testing.T) {
		rec := m.send(e.w.Admin, "GET", "/?limit=1", nil)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "Rp4.000") || !strings.Contains(body, "Rp1.000") {
			t.Fatalf("%d: %.3000s", rec.Code, body)
		}
		if strings.Contains(body, "DASH-B-2024") || !regexp.MustCompile(`href="/\?cursor=\d+&amp;limit=1"`).MatchString(body) {
			t.Fatalf("want one program and a next link: %.3000s", body)
		}
	})
	t.Run("OnePercentage", func(t *testing.T) {
		rep := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/reports/realization?year=2024", nil), http.StatusOK)
		var pct any
		for _, r := range rep["rows"].([]any) {
			if r.(map[string]any)["key"] == "DASH-A-2024" {
				pct = r.(map[string]any)["realized_pct"]
			}
		}
		if pct != "33.33" {
			t.Fatalf("report realized_pct %v; want 33.33 (rows %v)", pct, rep["rows"])
		}
		for _, page := range []string{"/programs/DASH-A-2024", "/"} {
			if body := m.send(e.w.Admin, "GET", page, nil).Body.String(); !strings.Contains(body, "33,33%") {
				t.Errorf("%s does not show 33,33%%: %.3000s", page, body)
			}
		}
		if body := m.send(e.w.Admin, "GET", "/reports/realization?year=2024", nil).Body.String(); !strings.Contains(body, "33,33") {
			t.Errorf("the realization page does not show 33,33: %.3000s", body)
		}
	})
}
