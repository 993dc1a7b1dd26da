package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestPages_CreditRepaymentFormErrors: the repayment form of a loan's page,
// sent with what people mistype, answers with the loan again (never a 500):
// every refused field says why next to it, in the reader's language, with
// days written as people read them, and the form keeps what was typed so
// that only the mistake is typed again.
func TestPages_CreditRepaymentFormErrors(t *testing.T) {
	m := newMatrix(t)
	e := m.e
	id, _ := paidLoanAPI(t, e, "annuity") // lent on 10 January 2024
	page := "/disbursements/" + itoa64(id)
	action := page + "/repayments"
	cases := []struct {
		name, paidOn, amount, ref, field string
		msg                              map[string]string
	}{
		{"Empty", "", "", "", "amount", map[string]string{"id": "wajib diisi", "en": "is required"}},
		{"Letters", "2024-02-10", "dua juta", "TRX-A", "amount",
			map[string]string{"id": "harus bilangan desimal biasa seperti 2.400.000", "en": "must be a plain decimal number such as 2.400.000"}},
		{"Negative", "2024-02-10", "-5.000", "TRX-N", "amount", map[string]string{"id": "harus lebih dari nol", "en": "must be greater than zero"}},
		{"BeforeTheLoan", "2024-01-09", "3.400.221,13", "TRX-B", "paid_on",
			map[string]string{"id": "tidak boleh sebelum pinjaman dicairkan (10 Januari 2024)", "en": "must not be before the loan was paid out (10 January 2024)"}},
	}
	for _, c := range cases {
		for _, lang := range []string{"id", "en"} {
			t.Run(c.name+"/"+lang, func(t *testing.T) {
				sent := url.Values{"paid_on": {c.paidOn}, "amount": {c.amount}, "reference": {c.ref}}
				rec := m.sendIn(lang, e.w.Officer, "POST", action, sent)
				body := rec.Body.String()
				if rec.Code != http.StatusUnprocessableEntity {
					t.Fatalf("status %d: %.2000s", rec.Code, body)
				}
				got := formErrorsOf(t, body, "")
				if got.fields[c.field] != c.msg[lang] || len(got.fields) != 1 {
					t.Errorf("fields %v, want %s: %q", got.fields, c.field, c.msg[lang])
				}
				kept := formValues(t, body, action)
				for _, k := range []string{"paid_on", "amount", "reference"} {
					if kept.Get(k) != sent.Get(k) {
						t.Errorf("%s: the form shows %q, %q was typed", k, kept.Get(k), sent.Get(k))
					}
				}
			})
		}
	}
}

// TestPages_CreditRepaymentsNameWhoRecorded: the loan page's repayments
// say who recorded each by name, as the disbursement's facts do, not by
// sign-in email.
func TestPages_CreditRepaymentsNameWhoRecorded(t *testing.T) {
	m := newMatrix(t)
	e := m.e
	id, _ := paidLoanAPI(t, e, "annuity")
	page := "/disbursements/" + itoa64(id)
	if rec := m.send(e.w.Officer, "POST", page+"/repayments", url.Values{"paid_on": {"2024-02-10"}, "amount": {"3.400.221,13"}, "reference": {"TRX-1"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("repay: %d %.2000s", rec.Code, rec.Body.String())
	}
	body := m.send(e.w.Auditor, "GET", page, nil).Body.String()
	rows := elements(t, body, func(n *html.Node) bool {
		return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" && hasAncestorClass(n, "repayments")
	})
	if len(rows) != 1 {
		t.Fatalf("%d repayments: %.3000s", len(rows), body)
	}
	var last *html.Node
	for c := rows[0].FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "td" {
			last = c
		}
	}
	if who := strings.TrimSpace(text(last)); who != e.w.Officer.Name || strings.Contains(text(rows[0]), e.w.Officer.Email) {
		t.Errorf("recorded by %q, want %q", who, e.w.Officer.Name)
	}
}

// TestPages_CreditFiguresInTheReadersNotation: a loan's rates and the
// credit report's NPL ratio are written with the reader's decimal mark
// ("12,00% per tahun", "12.00% a year"), the loan's kolektibilitas is
// labelled as a title, and the credit report's wide table scrolls in its
// own box instead of pushing the page sideways.
func TestPages_CreditFiguresInTheReadersNotation(t *testing.T) {
	m := newMatrix(t)
	e := m.e
	id, _ := paidLoanAPI(t, e, "annuity") // 12 % a year, unpaid since 2024: macet
	page := "/disbursements/" + itoa64(id)
	want := map[string][]string{
		"id": {"12,00% per tahun · anuitas", "6,00% per tahun", "Kolektibilitas", "100,00"},
		"en": {"12.00% a year · annuity", "6.00% a year", "Collectability", "100.00"},
	}
	for lang, w := range want {
		body := m.sendIn(lang, e.w.Auditor, "GET", page, nil).Body.String()
		facts := texts(t, body, func(n *html.Node) bool { return n.Data == "dd" || n.Data == "dt" })
		for _, s := range w[:3] {
			if !contains(facts, s) {
				t.Errorf("%s: the loan's facts %q lack %q", lang, facts, s)
			}
		}
		rec := m.sendIn(lang, e.w.Auditor, "GET", "/reports/credit?year=2024", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s report: %d", lang, rec.Code)
		}
		tables := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "table" && attr(n.Parent, "class") != "scroll" })
		if len(tables) != 0 {
			t.Errorf("%s: %d credit report tables outside a scroll box", lang, len(tables))
		}
		total := texts(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "tfoot" })
		if len(total) == 0 || !strings.Contains(total[0], w[3]) {
			t.Errorf("%s: NPL ratio in the totals %q, want %s", lang, total, w[3])
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

// TestPages_CreditSubsidyClaimsNameTheProgram: the subsidy claims (their
// own report and the credit report's table) name each program next to its
// code, and link to it.
func TestPages_CreditSubsidyClaimsNameTheProgram(t *testing.T) {
	m := newMatrix(t)
	e := m.e
	id, _ := paidLoanAPI(t, e, "annuity")
	d := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements/"+itoa64(id), nil), 200)
	code, _ := d["program"].(string)
	p := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/programs/"+code, nil), 200)
	name, _ := p["name"].(string)
	if name == "" || name == code {
		t.Fatalf("program %v", p)
	}
	for _, page := range []string{"/reports/subsidy?year=2024", "/reports/credit?year=2024"} {
		body := m.send(e.w.Reviewer, "GET", page, nil).Body.String()
		cells := texts(t, body, func(n *html.Node) bool {
			return n.Data == "td" && n.Parent != nil && n.Parent.Parent != nil && n.Parent.Parent.Data == "tbody" && strings.Contains(text(n), code) && n.PrevSibling == nil
		})
		links := elements(t, body, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/programs/"+code })
		if len(cells) == 0 || !strings.Contains(cells[len(cells)-1], name) || len(links) == 0 {
			t.Errorf("%s: program cells %q, want %q named and linked", page, cells, name)
		}
	}
}
