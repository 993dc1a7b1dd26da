package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// elements returns the elements under the page's root that match keep.
func elements(t *testing.T, body string, keep func(*html.Node) bool) []*html.Node {
	t.Helper()
	var out []*html.Node
	walk(parseHTML(t, body), func(n *html.Node) {
		if n.Type == html.ElementNode && keep(n) {
			out = append(out, n)
		}
	})
	return out
}

// pageLifeCycle is a fresh environment with program PEN-PAGE-2024 (budget
// 250.00) and three submitted disbursements of 100.00, the first of them
// taken through steps: approve by the reviewer (API), pay by the officer on
// its page (2024-05-02, TRX-PAGE).
func pageLifeCycle(t *testing.T, steps ...string) (*matrix, *env, []string) {
	t.Helper()
	m := newMatrix(t)
	e := m.e
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-PAGE-2024", "250.00")), 201)
	var ids []string
	for range 3 {
		d := e.draftVia(t, "PEN-PAGE-2024", "100.00")
		e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 200)
		ids = append(ids, d[len("/api/v1/disbursements/"):])
	}
	path := "/disbursements/" + ids[0]
	for _, step := range steps {
		switch step {
		case "approve":
			e.expect(t, e.do(t, e.w.Reviewer, "POST", "/api/v1"+path+"/approve", nil), 200)
		case "pay":
			if rec := m.send(e.w.Officer, "POST", path+"/pay", url.Values{"payment_ref": {"TRX-PAGE"}, "paid_on": {"2024-05-02"}}); rec.Code != 303 {
				t.Fatalf("set-up pay: %d %s", rec.Code, rec.Body.String())
			}
		default:
			t.Fatalf("no step %q", step)
		}
	}
	return m, e, ids
}

func TestPages_LifeCycle(t *testing.T) {
	t.Parallel()
	t.Run("ReviewQueue", func(t *testing.T) {
		m, e, _ := pageLifeCycle(t)
		rec := m.send(e.w.Reviewer, "GET", "/review", nil)
		boxes := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "input" && attr(n, "type") == "checkbox" })
		if rec.Code != 200 || len(boxes) != 3 {
			t.Fatalf("%d, %d checkboxes", rec.Code, len(boxes))
		}
	})
	t.Run("ApproveManyWithPerRowResults", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t)
		rec := m.send(e.w.Reviewer, "POST", "/review", url.Values{"id": ids, "action": {"approve"}})
		body := rec.Body.String()
		done := elements(t, body, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "class") == "done" })
		refused := elements(t, body, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "class") == "refused" })
		if rec.Code != 200 || len(done) != 2 || len(refused) != 1 || !strings.Contains(text(refused[0]), "menyetujui 100.00 akan mengikat 300.00") /* "approving 100.00 would commit 300.00" */ {
			t.Fatalf("%d: %d done, %d refused: %.2000s", rec.Code, len(done), len(refused), body)
		}
	})
	t.Run("BadPageRefusedBeforeDeciding", func(t *testing.T) {
		// The queue shown after a decision is read at ?limit= and
		// ?cursor=; a bad one is a 400 that must leave every
		// disbursement as it was, not one answered after approving.
		m, e, ids := pageLifeCycle(t)
		before := e.auditRows(t)
		for _, q := range []string{"limit=-1", "limit=abc", "cursor=zz"} {
			if rec := m.send(e.w.Reviewer, "POST", "/review?"+q, url.Values{"id": ids, "action": {"approve"}}); rec.Code != 400 {
				t.Fatalf("?%s: %d %.300s", q, rec.Code, rec.Body.String())
			}
		}
		for _, id := range ids {
			if d := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/disbursements/"+id, nil), 200); d["status"] != "submitted" {
				t.Errorf("disbursement %s is %v after a refused decision", id, d["status"])
			}
		}
		if after := e.auditRows(t); after != before {
			t.Fatalf("the audit trail grew from %d to %d on refused decisions", before, after)
		}
	})
	t.Run("ButtonsFollowRoleAndState", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t, "approve")
		forms := func(body string) []string {
			var out []string
			for _, n := range elements(t, body, func(n *html.Node) bool {
				return n.Data == "form" && strings.HasPrefix(attr(n, "action"), "/disbursements/")
			}) {
				out = append(out, attr(n, "action"))
			}
			return out
		}
		approved := "/disbursements/" + ids[0]
		if got := forms(m.send(e.w.Officer, "GET", approved, nil).Body.String()); len(got) != 1 || got[0] != approved+"/pay" {
			t.Fatalf("officer on approved: %v", got)
		}
		if got := forms(m.send(e.w.Reviewer, "GET", approved, nil).Body.String()); len(got) != 2 || got[0] != approved+"/pay" || got[1] != approved+"/cancel" {
			t.Fatalf("reviewer on approved: %v", got)
		}
		if got := forms(m.send(e.w.Auditor, "GET", approved, nil).Body.String()); len(got) != 0 {
			t.Fatalf("auditor: %v", got)
		}
	})
	t.Run("PayButton", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t, "approve")
		path := "/disbursements/" + ids[0]
		rec := m.send(e.w.Officer, "POST", path+"/pay", url.Values{"payment_ref": {"TRX-PAGE"}, "paid_on": {"2024-05-02"}})
		if rec.Code != 303 || rec.Header().Get("Location") != path+"?acted=1" {
			t.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		d := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1"+path, nil), 200)
		if d["status"] != "paid" || d["payment_ref"] != "TRX-PAGE" || d["paid_on"] != "2024-05-02" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("ErrInvalidTransitionShownOnThePage", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t, "approve", "pay")
		rec := m.send(e.w.Officer, "POST", "/disbursements/"+ids[0]+"/submit", url.Values{})
		alerts := elements(t, rec.Body.String(), func(n *html.Node) bool { return attr(n, "role") == "alert" })
		if rec.Code != 409 || len(alerts) != 1 || !strings.Contains(text(alerts[0]), "dibayar tidak dapat diajukan") /* "paid cannot be submitted" */ {
			t.Fatalf("%d: %.1500s", rec.Code, rec.Body.String())
		}
	})
	t.Run("AuditTimeline", func(t *testing.T) {
		m, e, ids := pageLifeCycle(t, "approve", "pay")
		rec := m.send(e.w.Auditor, "GET", "/disbursements/"+ids[0]+"/audit", nil)
		items := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "li" })
		if rec.Code != 200 || len(items) != 4 {
			t.Fatalf("%d, %d events: %.2000s", rec.Code, len(items), rec.Body.String())
		}
		for i, want := range []string{"Dibuat", "Diajukan", "Disetujui", "Dibayar"} {
			if !strings.Contains(text(items[i]), want) {
				t.Fatalf("event %d: %q, want %s", i, text(items[i]), want)
			}
		}
		if !strings.Contains(text(items[3]), "TRX-PAGE") {
			t.Fatalf("the payment's changes are not shown: %q", text(items[3]))
		}
		if got := m.send(e.w.Officer, "GET", "/disbursements/"+ids[0]+"/audit", nil).Code; got != 403 {
			t.Fatalf("officer: %d", got)
		}
		if got := m.send(e.w.Admin, "GET", fmt.Sprintf("/programs/%s/audit", "PEN-PAGE-2024"), nil).Code; got != 200 {
			t.Fatalf("program timeline: %d", got)
		}
	})
}
