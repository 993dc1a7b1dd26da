package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestPages_Loan(t *testing.T) {
	t.Run("NewLoanOnTheForm", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		p := programBody("KUR-PAGE-2024", "100000000")
		p["kind"], p["funding_source"], p["subsidy_rate"] = "credit", "BI", "6"
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", p), 201)
		body := m.send(e.w.Officer, "GET", "/disbursements/new", nil).Body.String()
		if !strings.Contains(body, `name="loan.tenor_months"`) || !strings.Contains(body, "Syarat pinjaman") {
			t.Fatalf("no loan terms on the form: %.3000s", body)
		}
		form := url.Values{"program": {"KUR-PAGE-2024"}, "recipient_id": {jsonID(e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients",
			map[string]any{"kind": "umkm", "name": "Toko Halaman", "nik": "6472010101909001"}), 201))},
			"amount": {"10.000.000"}, "tranche": {"1"}, "form": {"transfer"}, "disbursed_on": {"2024-01-10"},
			"loan.tenor_months": {"3"}, "loan.interest_rate": {"12,0"}, "loan.first_due_on": {"2024-01-05"}}
		rec := m.send(e.w.Officer, "POST", "/disbursements/new", form)
		invalid := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "input" && attr(n, "aria-invalid") == "true" })
		if rec.Code != 422 || len(invalid) != 1 || attr(invalid[0], "name") != "loan.first_due_on" || !strings.Contains(rec.Body.String(), "harus setelah tanggal penyaluran 10 Januari 2024") {
			t.Fatalf("first due before the loan: %d %.3000s", rec.Code, rec.Body.String())
		}
		form.Set("loan.first_due_on", "2024-02-10")
		rec = m.send(e.w.Officer, "POST", "/disbursements/new", form)
		if rec.Code != 303 {
			t.Fatalf("save: %d %.3000s", rec.Code, rec.Body.String())
		}
		page := strings.Split(rec.Header().Get("Location"), "?")[0]
		got := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1"+page, nil), 200)
		if loan, _ := got["loan"].(map[string]any); loan["interest_rate"] != "12.00" || loan["tenor_months"] != float64(3) {
			t.Fatalf("loan %v", got["loan"])
		}
		// The draft's edit form shows the terms and changes them.
		edit := formValues(t, m.send(e.w.Officer, "GET", page+"/edit", nil).Body.String(), page+"/edit")
		if edit.Get("loan.tenor_months") != "3" || edit.Get("loan.interest_rate") != "12.00" || edit.Get("loan.first_due_on") != "2024-02-10" {
			t.Fatalf("edit form %v", edit)
		}
		edit.Set("loan.tenor_months", "6")
		edit.Del("_csrf")
		if rec := m.send(e.w.Officer, "POST", page+"/edit", edit); rec.Code != 303 {
			t.Fatalf("edit: %d %.2000s", rec.Code, rec.Body.String())
		}
		got = e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1"+page, nil), 200)
		if loan, _ := got["loan"].(map[string]any); loan["tenor_months"] != float64(6) {
			t.Fatalf("edited loan %v", got["loan"])
		}
	})

	t.Run("CreditProgramForm", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		form := url.Values{}
		for k, v := range programBody("DANA-BERGULIR-PAGE", "1.000.000.000") {
			form.Set(k, strings.TrimSpace(fmt.Sprint(v)))
		}
		form.Set("kind", "credit")
		form.Set("schedule_kind", "flat")
		form.Set("subsidy_rate", "5,5")
		form.Set("revolving", "1")
		if rec := m.send(e.w.Admin, "POST", "/programs/new", form); rec.Code != 303 {
			t.Fatalf("save: %d %.2000s", rec.Code, rec.Body.String())
		}
		got := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs/DANA-BERGULIR-PAGE", nil), 200)
		if got["schedule_kind"] != "flat" || got["subsidy_rate"] != "5.50" || got["revolving"] != true {
			t.Fatalf("program %v", got)
		}
		if body := m.send(e.w.Admin, "GET", "/programs/DANA-BERGULIR-PAGE", nil).Body.String(); !strings.Contains(body, "Dapat disalurkan lagi (dana bergulir)") || !strings.Contains(body, "5,50% per tahun") {
			t.Fatalf("program page: %.3000s", body)
		}
		// A grant ignores the credit fields the form always sends.
		form.Set("code", "GRANT-PAGE-2024")
		form.Set("kind", "grant")
		if rec := m.send(e.w.Admin, "POST", "/programs/new", form); rec.Code != 303 {
			t.Fatalf("grant: %d %.2000s", rec.Code, rec.Body.String())
		}
	})

	t.Run("ScheduleAndRepayment", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		id, _ := paidLoanAPI(t, e, "annuity")
		page := "/disbursements/" + itoa64(id)
		body := m.send(e.w.Officer, "GET", page, nil).Body.String()
		rows := elements(t, body, func(n *html.Node) bool {
			return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" && hasAncestorClass(n, "schedule")
		})
		if len(rows) != 3 || !strings.Contains(text(rows[2]), "10 April 2024") || !strings.Contains(text(rows[2]), "Rp3.400.221,13") {
			t.Fatalf("schedule rows %d: %.4000s", len(rows), body)
		}
		if !strings.Contains(body, "5 Macet") || !strings.Contains(body, `action="`+page+`/repayments"`) {
			t.Fatalf("no kolektibilitas or repayment form: %.4000s", body)
		}
		// Refused: out of date order is said on the page.
		if rec := m.send(e.w.Officer, "POST", page+"/repayments", url.Values{"paid_on": {"2024-02-10"}, "amount": {"3.400.221,11"}, "reference": {"TRX-1"}}); rec.Code != 303 {
			t.Fatalf("repay: %d %.2000s", rec.Code, rec.Body.String())
		}
		rec := m.send(e.w.Officer, "POST", page+"/repayments", url.Values{"paid_on": {"2024-02-01"}, "amount": {"100"}})
		if rec.Code != 409 || !strings.Contains(rec.Body.String(), "angsuran bertanggal 10 Februari 2024 sudah dicatat") {
			t.Fatalf("out of order: %d %.3000s", rec.Code, rec.Body.String())
		}
		rec = m.send(e.w.Officer, "POST", page+"/repayments", url.Values{"amount": {"abc"}})
		if rec.Code != 422 {
			t.Fatalf("bad amount: %d", rec.Code)
		}
		body = m.send(e.w.Auditor, "GET", page, nil).Body.String()
		reps := elements(t, body, func(n *html.Node) bool {
			return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" && hasAncestorClass(n, "repayments")
		})
		if len(reps) != 1 || !strings.Contains(text(reps[0]), "Rp3.300.221,11") || strings.Contains(body, page+"/repayments\"") {
			t.Fatalf("repayments %d (auditors record none): %.4000s", len(reps), body)
		}
	})
}

func itoa64(n int64) string { return jsonID(map[string]any{"id": float64(n)}) }

// hasAncestorClass reports whether an element above n has class c.
func hasAncestorClass(n *html.Node, c string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if strings.Contains(" "+attr(p, "class")+" ", " "+c+" ") {
			return true
		}
	}
	return false
}
