package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestPages_Reconciliation walks a reviewer through a reconciliation page:
// totals, open items side by side with candidates, match in place, confirm
// and reject, and the disbursement page saying how it was reconciled.
func TestPages_Reconciliation(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	own := permCell{role: "officer", user: e.w.Officer, side: e.w.Agency, clerk: e.w.Officer}
	// two open disbursements of the same amount: a line of that amount has two candidates
	d1, amount := m.paid(own)
	body := m.disbursementBody(own)
	body["amount"] = fmt.Sprint(amount)
	d2 := int64(m.api(e.w.Officer, "POST", "/api/v1/disbursements", body)["id"].(float64))
	m.api(e.w.Officer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/submit", d2), map[string]any{})
	m.api(e.w.Admin, "POST", fmt.Sprintf("/api/v1/disbursements/%d/approve", d2), map[string]any{"override_reason": "test: shared account"})
	m.api(e.w.Admin, "POST", fmt.Sprintf("/api/v1/disbursements/%d/pay", d2), map[string]any{"paid_on": "2024-03-06"})
	st := m.statement(own, fmt.Sprintf("2024-03-06,-%d", amount))
	rec := m.send(e.w.Reviewer, "POST", fmt.Sprintf("/statements/%d/reconcile", st), url.Values{})
	if rec.Code != 303 {
		t.Fatalf("reconcile: %d %s", rec.Code, rec.Body.String())
	}
	page := rec.Header().Get("Location")
	rec = m.send(e.w.Reviewer, "GET", page, nil)
	b := rec.Body.String()
	cands := elements(t, b, func(n *html.Node) bool { return n.Data == "div" && attr(n, "class") == "candidate" })
	if rec.Code != 200 || len(cands) != 2 || !strings.Contains(b, "recon-totals") {
		t.Fatalf("%d, %d candidates: %.3000s", rec.Code, len(cands), b)
	}
	// filter by amount as people type it
	rec = m.send(e.w.Reviewer, "GET", page+"?q=nothing-like-this", nil)
	if n := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "div" && attr(n, "class") == "candidate" }); len(n) != 0 {
		t.Errorf("filter kept %d candidates", len(n))
	}
	// match the first candidate in place
	var form *html.Node
	for _, f := range elements(t, b, func(n *html.Node) bool { return n.Data == "form" && strings.HasSuffix(attr(n, "action"), "/matches") }) {
		form = f
		break
	}
	vals := url.Values{}
	walk(form, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") != "_csrf" {
			vals.Set(attr(n, "name"), attr(n, "value"))
		}
	})
	if rec := m.send(e.w.Reviewer, "POST", attr(form, "action"), vals); rec.Code != 303 {
		t.Fatalf("match in place: %d %s", rec.Code, rec.Body.String())
	}
	rec = m.send(e.w.Officer, "GET", fmt.Sprintf("/disbursements/%s", vals.Get("disbursement_id")), nil)
	if !strings.Contains(rec.Body.String(), "Sudah direkonsiliasi") || !strings.Contains(rec.Body.String(), "aturan: manual") {
		t.Errorf("disbursement page: %.3000s", rec.Body.String())
	}
	// reject it: the line is open again
	rec = m.send(e.w.Reviewer, "GET", page, nil)
	rejects := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "form" && strings.HasSuffix(attr(n, "action"), "/delete") })
	if len(rejects) != 1 {
		t.Fatalf("%d reject buttons", len(rejects))
	}
	if rec := m.send(e.w.Reviewer, "POST", attr(rejects[0], "action"), url.Values{}); rec.Code != 303 {
		t.Fatalf("reject: %d", rec.Code)
	}
	rec = m.send(e.w.Officer, "GET", fmt.Sprintf("/disbursements/%d", d1), nil)
	if !strings.Contains(rec.Body.String(), "Belum direkonsiliasi") {
		t.Errorf("after reject: %.2000s", rec.Body.String())
	}
	// the auditor reads the page without buttons
	rec = m.send(e.w.Auditor, "GET", page, nil)
	if rec.Code != 200 || len(elements(t, rec.Body.String(), func(n *html.Node) bool {
		return n.Data == "form" && strings.Contains(attr(n, "action"), "/matches")
	})) != 0 {
		t.Errorf("auditor: %d", rec.Code)
	}
}

// TestPages_ReturClosure: a returned disbursement's page offers the
// closure form; a wrong amount is refused next to the field, the whole
// amount closes it and the open list empties.
func TestPages_ReturClosure(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	own := permCell{role: "officer", user: e.w.Officer, side: e.w.Agency, clerk: e.w.Officer}
	id := m.disbursement(own, "submit", "approve", "pay", "return")
	page := fmt.Sprintf("/disbursements/%d", id)
	rec := m.send(e.w.Officer, "GET", page, nil)
	if rec.Code != 200 || len(elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == page+"/return-closure" })) != 1 {
		t.Fatalf("%d: %.3000s", rec.Code, rec.Body.String())
	}
	if rec := m.send(e.w.Officer, "GET", "/returns", nil); !strings.Contains(rec.Body.String(), page) {
		t.Errorf("open list: %.2000s", rec.Body.String())
	}
	form := url.Values{"kind": {"deposit"}, "treasury": {"kas_daerah"}, "closed_on": {"2099-01-02"}, "reference": {"NTPN 77"}, "amount": {"1.000"}}
	rec = m.send(e.w.Officer, "POST", page+"/return-closure", form)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "returns are whole") {
		t.Fatalf("wrong amount: %d %.2000s", rec.Code, rec.Body.String())
	}
	form.Set("amount", "2.400.000")
	if rec := m.send(e.w.Officer, "POST", page+"/return-closure", form); rec.Code != 303 {
		t.Fatalf("close: %d %s", rec.Code, rec.Body.String())
	}
	rec = m.send(e.w.Officer, "GET", page, nil)
	if !strings.Contains(rec.Body.String(), "Setoran ke kas") || !strings.Contains(rec.Body.String(), "NTPN 77") {
		t.Errorf("closed page: %.3000s", rec.Body.String())
	}
	if rec := m.send(e.w.Officer, "GET", "/returns", nil); strings.Contains(rec.Body.String(), page) {
		t.Error("still in the open list")
	}
}

// TestPages_ReconciliationMismatchDate: a line whose reference names a
// disbursement of another amount waits among the matches with its booking
// date, like every other match.
func TestPages_ReconciliationMismatchDate(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	body := m.disbursementBody(permCell{side: e.w.Agency})
	body["payment_ref"] = "TRX-SELISIH-1"
	id := int64(m.api(e.w.Officer, "POST", "/api/v1/disbursements", body)["id"].(float64))
	m.api(e.w.Officer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/submit", id), map[string]any{})
	m.api(e.w.Admin, "POST", fmt.Sprintf("/api/v1/disbursements/%d/approve", id), map[string]any{"override_reason": "test"})
	m.api(e.w.Admin, "POST", fmt.Sprintf("/api/v1/disbursements/%d/pay", id), map[string]any{"paid_on": "2024-03-05"})
	// the bank took a transfer fee of Rp2.500
	req := multipartRequest(t, "POST", "/api/v1/statements?format=csv&account=0123456789", "st.csv",
		"booking_date,amount,reference\n2024-03-06,-2397500,TRX-SELISIH-1\n")
	req.Header.Set("Authorization", "Bearer "+e.tokens[e.w.Officer])
	rec := serve(e, req)
	var out struct {
		Statements []struct{ ID int64 } `json:"statements"`
	}
	decodeJSON(t, rec.Body.Bytes(), &out)
	rc := m.api(e.w.Officer, "POST", "/api/v1/reconciliations", map[string]any{"statement_id": out.Statements[0].ID})
	if n := len(rc["amount_mismatches"].([]any)); n != 1 {
		t.Fatalf("%d amount mismatches: %v", n, rc)
	}
	page := m.send(e.w.Officer, "GET", fmt.Sprintf("/reconciliations/%d", int64(rc["id"].(float64))), nil).Body.String()
	rows := elements(t, page, func(n *html.Node) bool { return n.Data == "tr" && strings.HasPrefix(attr(n, "id"), "match-") })
	if len(rows) != 1 {
		t.Fatalf("%d match rows: %.3000s", len(rows), page)
	}
	if got := text(rows[0]); !strings.Contains(got, "6 Maret 2024") || !strings.Contains(got, "selisih jumlah") {
		t.Errorf("the mismatch reads %q, want its booking date 6 Maret 2024", got)
	}
}

// TestPages_StatementFormatNames: the statement pages name the formats as
// banks do (CSV, MT940, camt.053), not by their codes.
func TestPages_StatementFormatNames(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	st := m.statement(permCell{clerk: e.w.Officer}, "")
	body := m.send(e.w.Officer, "GET", fmt.Sprintf("/statements/%d", st), nil).Body.String()
	if !strings.Contains(body, "<dd>CSV ") {
		t.Errorf("the statement's format is not named CSV: %.2000s", body)
	}
	list := m.send(e.w.Officer, "GET", "/statements", nil).Body.String()
	var options []string
	for _, o := range elements(t, list, func(n *html.Node) bool {
		return n.Data == "option" && n.Parent != nil && attr(n.Parent, "name") == "format"
	}) {
		options = append(options, text(o))
	}
	if got := strings.Join(options, " "); got != "CSV MT940 camt.053" {
		t.Errorf("format choices %q", got)
	}
}
