package web_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestReject_NeedsReason: a rejection without a reason is refused, by the
// API as a 422 on the field reason and on the pages next to the box, and
// changes nothing; with a reason (or, as before, a note) it goes through
// and the reason is what the officer reads.
func TestReject_NeedsReason(t *testing.T) {
	t.Parallel()
	t.Run("APIWithoutReason", func(t *testing.T) {
		for _, body := range []any{nil, map[string]any{}, map[string]any{"reason": "  ", "note": ""}} {
			e, d := lifeCycle(t, "submit")
			m := e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/reject", body), 422)
			if errorCode(m) != "validation_failed" || errorField(m, "reason") != "is required when rejecting: write why, so the officer knows what to fix" {
				t.Fatalf("body %v: %v", body, m)
			}
			if got := e.expect(t, e.do(t, e.w.Reviewer, "GET", d, nil), 200); got["status"] != "submitted" || got["note"] != "" {
				t.Fatalf("a refused rejection changed %v", got)
			}
		}
	})
	t.Run("APIWithReason", func(t *testing.T) {
		e, d := lifeCycle(t, "submit")
		m := e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/reject", map[string]any{"reason": " NIK tidak cocok "}), 200)
		if m["status"] != "rejected" || m["note"] != "reject: NIK tidak cocok" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("APIWithNoteAsBefore", func(t *testing.T) {
		e, d := lifeCycle(t, "submit")
		m := e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/reject", map[string]any{"note": "rekening salah"}), 200)
		if m["status"] != "rejected" || m["note"] != "reject: rekening salah" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("APIIndonesian", func(t *testing.T) {
		e, d := lifeCycle(t, "submit")
		req := httptestRequest("POST", d+"/reject", "Bearer "+e.tokens[e.w.Reviewer])
		req.Header.Set("Accept-Language", "id")
		m := e.expect(t, serve(e, req), 422)
		if !strings.HasPrefix(errorField(m, "reason"), "wajib diisi saat menolak") {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("PageWithoutReason", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t)
		path := "/disbursements/" + ids[0]
		rec := m.send(e.w.Reviewer, "POST", path+"/reject", url.Values{"reason": {""}})
		errs := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "span" && attr(n, "class") == "field-error" })
		if rec.Code != 422 || len(errs) != 1 || !strings.Contains(text(errs[0]), "tulis alasan penolakan") {
			t.Fatalf("%d: %.2000s", rec.Code, rec.Body.String())
		}
		if got := e.expect(t, e.do(t, e.w.Reviewer, "GET", "/api/v1"+path, nil), 200); got["status"] != "submitted" {
			t.Fatalf("a refused rejection changed %v", got)
		}
	})
	t.Run("PageReasonShownToOfficer", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t)
		path := "/disbursements/" + ids[0]
		if rec := m.send(e.w.Reviewer, "POST", path+"/reject", url.Values{"reason": {"Foto usaha tidak ada"}}); rec.Code != 303 {
			t.Fatalf("reject: %d %.1000s", rec.Code, rec.Body.String())
		}
		for _, page := range []string{path, "/"} {
			body := m.send(e.w.Officer, "GET", page, nil).Body.String()
			if !strings.Contains(text(parseHTML(t, body)), "Ditolak karena: Foto usaha tidak ada") {
				t.Errorf("%s does not show the reason: %.3000s", page, body)
			}
		}
	})
	t.Run("DashboardNewestRejectionFirst", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t)
		for i, reason := range []string{"alasan pertama", "alasan kedua"} {
			if rec := m.send(e.w.Reviewer, "POST", "/disbursements/"+ids[i]+"/reject", url.Values{"reason": {reason}}); rec.Code != 303 {
				t.Fatalf("reject: %d", rec.Code)
			}
		}
		items := elements(t, m.send(e.w.Officer, "GET", "/", nil).Body.String(), func(n *html.Node) bool {
			return n.Data == "li" && strings.Contains(text(n), "Ditolak karena")
		})
		if len(items) != 2 || !strings.Contains(text(items[0]), "alasan kedua") || !strings.Contains(text(items[1]), "alasan pertama") {
			t.Fatalf("%d rejections on the dashboard", len(items))
		}
	})
	t.Run("ReviewWithoutReasonTriesNothing", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t)
		rec := m.send(e.w.Reviewer, "POST", "/review", url.Values{"id": ids[:2], "action": {"reject"}})
		errs := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "span" && attr(n, "class") == "field-error" })
		if rec.Code != 422 || len(errs) != 1 || !strings.Contains(text(errs[0]), "tulis alasan penolakan") {
			t.Fatalf("%d: %.2000s", rec.Code, rec.Body.String())
		}
		for _, id := range ids[:2] {
			if got := e.expect(t, e.do(t, e.w.Reviewer, "GET", "/api/v1/disbursements/"+id, nil), 200); got["status"] != "submitted" {
				t.Fatalf("%s changed: %v", id, got)
			}
		}
	})
	t.Run("ReviewNothingSelected", func(t *testing.T) {
		m, e, _ := pageLifeCycle(t)
		for _, action := range []string{"approve", "reject"} {
			rec := m.send(e.w.Reviewer, "POST", "/review", url.Values{"action": {action}, "note": {"x"}})
			alerts := elements(t, rec.Body.String(), func(n *html.Node) bool { return attr(n, "role") == "alert" })
			if rec.Code != 422 || len(alerts) != 1 || !strings.Contains(text(alerts[0]), "Belum ada penyaluran yang dipilih") {
				t.Fatalf("%s: %d: %.2000s", action, rec.Code, rec.Body.String())
			}
		}
	})
}
