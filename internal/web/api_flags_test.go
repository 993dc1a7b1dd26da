package web_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAPI_Flags goes through HTTP: a differing amount is accepted and
// flagged, the flag is in the JSON and in words on the pages, approving
// needs override_reason (422 naming it), which auditors then see; a date
// outside the program's period is a 422 naming the period.
func TestAPI_Flags(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	body := programBody("BPUM-FLAG-2024", "100000000")
	body["amount_per_recipient"], body["ends_on"] = "2400000", "2024-06-30"
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", body), 201)
	d := e.draftVia(t, "BPUM-FLAG-2024", "1200000")
	sub := e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 200)
	flags, _ := sub["flags"].([]any)
	if len(flags) != 1 || flags[0].(map[string]any)["kind"] != "amount_mismatch" ||
		flags[0].(map[string]any)["message"] != "amount Rp1.200.000 differs from the program's fixed amount Rp2.400.000" {
		t.Fatalf("flags after submit: %v", sub["flags"])
	}
	t.Run("ReviewQueueShowsFlag", func(t *testing.T) {
		rec := m.send(e.w.Reviewer, "GET", "/review", nil)
		lis := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "li" && attr(n, "class") == "flag flag-amount_mismatch" })
		if rec.Code != 200 || len(lis) != 1 || text(lis[0]) != "Nilai berbeda dari nilai tetap per penerima" {
			t.Fatalf("review queue: %d, %d flags", rec.Code, len(lis))
		}
	})
	m422 := e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/approve", map[string]any{"note": "ok"}), 422)
	if !strings.Contains(errorField(m422, "override_reason"), "amount_mismatch") {
		t.Fatalf("approve without a reason: %v", m422)
	}
	ok := e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/approve", map[string]any{"override_reason": "Nilai 2025 turun menjadi Rp1.200.000"}), 200)
	if ok["status"] != "approved" || ok["override_reason"] != "Nilai 2025 turun menjadi Rp1.200.000" {
		t.Fatalf("approve with a reason: %v", ok)
	}
	if got := e.expect(t, e.do(t, e.w.Auditor, "GET", d, nil), 200); got["override_reason"] != "Nilai 2025 turun menjadi Rp1.200.000" {
		t.Fatalf("auditor sees %v", got["override_reason"])
	}
	t.Run("PageShowsFlagAndReason", func(t *testing.T) {
		rec := m.send(e.w.Auditor, "GET", strings.TrimPrefix(d, "/api/v1"), nil)
		page := rec.Body.String()
		lis := elements(t, page, func(n *html.Node) bool { return n.Data == "li" && attr(n, "class") == "flag flag-amount_mismatch" })
		over := elements(t, page, func(n *html.Node) bool { return n.Data == "dd" && attr(n, "class") == "override" })
		if rec.Code != 200 || len(lis) != 1 || text(lis[0]) != "Nilai berbeda dari nilai tetap per penerima: nilai Rp1.200.000 berbeda dari nilai tetap program Rp2.400.000" ||
			len(over) != 1 || text(over[0]) != "Nilai 2025 turun menjadi Rp1.200.000" {
			t.Fatalf("disbursement page: %d, %d flags, %d reasons: %.2000s", rec.Code, len(lis), len(over), page)
		}
	})
	t.Run("OutsidePeriodIs422", func(t *testing.T) {
		nik := fmt.Sprintf("647201010190%04d", e.seq())
		r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Usaha " + nik, "nik": nik}), 201)
		m := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", map[string]any{
			"program": "BPUM-FLAG-2024", "recipient_id": r["id"], "amount": "2400000", "disbursed_on": "2024-07-01"}), 422)
		if errorField(m, "disbursed_on") != "must be within the program's period, 1 January 2024 to 30 June 2024" {
			t.Fatalf("outside the period: %v", m)
		}
	})
}
