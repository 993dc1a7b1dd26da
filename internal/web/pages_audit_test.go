package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestPages_AuditLedgerInWords: the audit trail of a bank statement's
// import, its reconciliation and a manual match, a credit program, a loan
// and its repayment names every field in the reader's language and writes
// amounts as rupiah, days as dates and times in the office's zone: no
// "closing_balance", "-4809845.00", "2024-03-05" or JSON.
func TestPages_AuditLedgerInWords(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	own := permCell{role: "officer", user: e.w.Officer, side: e.w.Agency, clerk: e.w.Officer}
	loan := m.loan(own)
	m.api(e.w.Officer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/repayments", loan), map[string]any{"paid_on": "2024-04-10", "amount": "500000"})
	_, probable := m.reconciliation(own, true)
	_ = probable
	rc, match := m.manualMatch(own)
	m.api(e.w.Reviewer, "POST", fmt.Sprintf("/api/v1/reconciliations/%d/matches", rc), match)

	rawKey := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$|[a-z][A-Z]|ID$`)
	rawValue := regexp.MustCompile(`^-?\d+\.\d{2}$|\d{4}-\d{2}-\d{2}|^[\[{]`)
	for _, lang := range []string{"id", "en"} {
		id, err := e.w.Store.CreateSession(e.w.Ctx(e.w.Auditor), e.w.Auditor)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, "/audit?limit=200", nil)
		req.AddCookie(&http.Cookie{Name: "pilar_session", Value: id})
		req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
		rec := serve(e, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", lang, rec.Code)
		}
		rows := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" })
		if len(rows) < 20 {
			t.Fatalf("%s: %d changes in the ledger", lang, len(rows))
		}
		seen := map[string]bool{}
		for _, r := range rows {
			var cells []string
			for c := r.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.Data == "td" {
					cells = append(cells, strings.TrimSpace(text(c)))
				}
			}
			if len(cells) != 3 {
				continue
			}
			field := cells[0]
			if rawKey.MatchString(field) && !seen[field] {
				seen[field] = true
				t.Errorf("%s: the field %q is not named in words (%q)", lang, field, cells[2])
			}
			for _, v := range cells[1:] {
				if rawValue.MatchString(v) && !seen[field+v] {
					seen[field+v] = true
					t.Errorf("%s: %s reads %q", lang, field, v)
				}
			}
		}
	}
}
