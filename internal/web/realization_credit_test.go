package web_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestRealization_Revolving: through the router, the realization report
// of a revolving fund with a loan partly repaid shows what it lent, what
// came back and what it may lend again, in JSON (new fields beside the
// unchanged ones), CSV and on the page; totals are the rows' sums.
func TestRealization_Revolving(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	p := programBody("DANA-REV-2024", "100000000")
	p["kind"], p["funding_source"], p["schedule_kind"], p["revolving"] = "credit", "BI", "annuity", true
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", p), 201)
	r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Warung Bergulir", "nik": "6472010101909101"}), 201)
	d := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", map[string]any{
		"program": "DANA-REV-2024", "recipient_id": r["id"], "amount": "10000000", "disbursed_on": "2024-01-10",
		"loan": map[string]any{"tenor_months": 3, "interest_rate": 12, "first_due_on": "2024-02-10"}}), 201)
	id := int64(d["id"].(float64))
	e.expect(t, e.do(t, e.w.Officer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/submit", id), map[string]any{}), 200)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/approve", id), map[string]any{}), 200)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/pay", id), map[string]any{"paid_on": "2024-01-10"}), 200)
	// The first instalment: Rp100.000,00 interest, Rp3.300.221,11 principal.
	e.expect(t, e.do(t, e.w.Officer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/repayments", id),
		map[string]any{"paid_on": "2024-02-10", "amount": "3400221.11", "reference": "TRX-REV-1"}), 201)

	v := e.expect(t, e.do(t, e.w.Reviewer, "GET", "/api/v1/reports/realization?year=2024&group_by=program", nil), 200)
	var row map[string]any
	for _, x := range v["rows"].([]any) {
		if m := x.(map[string]any); m["key"] == "DANA-REV-2024" {
			row = m
		}
	}
	want := map[string]string{"budget": "100000000.00", "committed": "10000000.00", "realized": "10000000.00",
		"remaining": "90000000.00", "realized_pct": "10.00", "principal_repaid": "3300221.11", "available": "93300221.11"}
	for k, w := range want {
		if row[k] != w {
			t.Errorf("%s = %v, want %s (row %v)", k, row[k], w, row)
		}
	}
	tot := v["totals"].(map[string]any)
	if tot["principal_repaid"] != "3300221.11" {
		t.Errorf("totals %v", tot)
	}
	rec := e.do(t, e.w.Reviewer, "GET", "/api/v1/reports/realization?year=2024&format=csv", nil)
	if body := rec.Body.String(); rec.Code != 200 || !strings.HasPrefix(body, "\uFEFFkey,label,original_budget,budget,realized,over_under,realized_pct,committed,remaining,principal_repaid,available\n") ||
		!strings.Contains(body, "\nDANA-REV-2024,Pelatihan DANA-REV-2024,100000000.00,100000000.00,10000000.00,-90000000.00,10.00,10000000.00,90000000.00,3300221.11,93300221.11\n") {
		t.Fatalf("csv %d %q", rec.Code, body)
	}
	rec = m.send(e.w.Reviewer, "GET", "/reports/realization?year=2024", nil)
	page := rec.Body.String()
	for _, s := range []string{"Pokok kembali", "Tersedia", "Rp3.300.221,11", "Rp93.300.221,11", `id="available-note"`} {
		if rec.Code != 200 || !strings.Contains(page, s) {
			t.Errorf("the page has no %q: %d", s, rec.Code)
		}
	}
}
