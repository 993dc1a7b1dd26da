package web_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestPages_BudgetRevision(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("DAK-REV-2024", "1000.00")), 201)
	d := e.draftVia(t, "DAK-REV-2024", "300.00")
	e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 200)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/approve", nil), 200)
	const page = "/programs/DAK-REV-2024"
	revisionForms := func(body string) int {
		return len(elements(t, body, func(n *html.Node) bool {
			return n.Data == "form" && attr(n, "action") == page+"/budget-revisions"
		}))
	}
	t.Run("OfficerSeesNoForm", func(t *testing.T) {
		rec := m.send(e.w.Officer, "GET", page, nil)
		if rec.Code != 200 || revisionForms(rec.Body.String()) != 0 {
			t.Fatalf("%d, %d forms", rec.Code, revisionForms(rec.Body.String()))
		}
		if rec := m.send(e.w.Officer, "POST", page+"/budget-revisions", url.Values{"budget": {"2000"}, "reason": {"x"}}); rec.Code != 403 {
			t.Fatalf("officer revising: %d", rec.Code)
		}
	})
	t.Run("BelowCommittedStaysOnThePage", func(t *testing.T) {
		rec := m.send(e.w.Reviewer, "POST", page+"/budget-revisions", url.Values{"budget": {"299.99"}, "reason": {"APBD-P"}})
		body := rec.Body.String()
		if rec.Code != 422 || revisionForms(body) != 1 || inputValue(t, body, "budget") != "299.99" || !strings.Contains(body, "sudah mengikat Rp300;") {
			t.Fatalf("%d: %.1500s", rec.Code, body)
		}
	})
	t.Run("ReviewerRevises", func(t *testing.T) {
		rec := m.send(e.w.Reviewer, "POST", page+"/budget-revisions", url.Values{"budget": {"1.500,50"}, "reason": {"APBD-Perubahan 2024"}})
		if rec.Code != 303 || rec.Header().Get("Location") != page {
			t.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		rows := elements(t, m.send(e.w.Reviewer, "GET", page, nil).Body.String(), func(n *html.Node) bool {
			return n.Data == "tr" && strings.Contains(text(n), "APBD-Perubahan 2024")
		})
		if len(rows) != 1 || !strings.Contains(text(rows[0]), "Rp1.000") || !strings.Contains(text(rows[0]), "Rp1.500,50") ||
			!strings.Contains(text(rows[0]), e.w.Reviewer.Name) || strings.Contains(text(rows[0]), e.w.Reviewer.Email) {
			t.Fatalf("history rows: %d", len(rows))
		}
		p := e.expect(t, e.do(t, e.w.Reviewer, "GET", "/api/v1/programs/DAK-REV-2024", nil), 200)
		if p["budget"] != "1500.50" || p["original_budget"] != "1000.00" || p["remaining"] != "1200.50" {
			t.Fatalf("program after revision: %v", p)
		}
	})
}

// TestPages_ProgramSizeClasses: the program page lists the eligible size
// classes by name with commas between them, as the audit trail does.
func TestPages_ProgramSizeClasses(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	p := programBody("DAK-SIZES-2024", "1000.00")
	p["eligible_size_classes"] = []string{"mikro", "kecil"}
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", p), 201)
	body := m.send(e.w.Officer, "GET", "/programs/DAK-SIZES-2024", nil).Body.String()
	var got string
	for _, dt := range elements(t, body, func(n *html.Node) bool { return n.Data == "dt" && text(n) == "Kelas usaha yang berhak" }) {
		for dd := dt.NextSibling; dd != nil; dd = dd.NextSibling {
			if dd.Type == html.ElementNode {
				got = text(dd)
				break
			}
		}
	}
	if got != "Mikro, Kecil" {
		t.Errorf("eligible size classes read %q, want %q", got, "Mikro, Kecil")
	}
}
