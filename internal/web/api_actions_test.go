package web_test

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"pilar/internal/finance"
)

// draftVia records a fresh recipient and a draft of amount in program code
// through the API, as the officer, and returns the draft's path.
func (e *env) draftVia(t testing.TB, code, amount string) string {
	t.Helper()
	nik := fmt.Sprintf("647201010190%04d", e.seq())
	r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Usaha " + nik, "nik": nik}), 201)
	d := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", map[string]any{
		"program": code, "recipient_id": r["id"], "amount": amount, "disbursed_on": "2024-03-01"}), 201)
	return fmt.Sprintf("/api/v1/disbursements/%.0f", d["id"])
}

var seqN atomic.Int64

func (e *env) seq() int64 { return seqN.Add(1) }

// lifeCycle is a fresh environment with program PEN-ACT-2024 (budget
// 1000.00) and the path of a draft of 600.00 taken through steps: submit by
// the officer, approve by the reviewer, pay on 2024-04-02 as TRX-1.
func lifeCycle(t *testing.T, steps ...string) (*env, string) {
	t.Helper()
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-ACT-2024", "1000.00")), 201)
	d := e.draftVia(t, "PEN-ACT-2024", "600.00")
	for _, step := range steps {
		switch step {
		case "submit":
			e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 200)
		case "approve":
			e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/approve", map[string]any{"note": "lengkap"}), 200)
		case "pay":
			e.expect(t, e.do(t, e.w.Officer, "POST", d+"/pay", map[string]any{"paid_on": "2024-04-02", "payment_ref": "TRX-1"}), 200)
		default:
			t.Fatalf("no step %q", step)
		}
	}
	return e, d
}

func TestAPI_DisbursementActions(t *testing.T) {
	t.Parallel()
	t.Run("SubmitWithoutBody", func(t *testing.T) {
		e, d := lifeCycle(t)
		m := e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 200)
		if m["status"] != "submitted" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("ErrForbiddenOwnSubmission", func(t *testing.T) {
		e, d := lifeCycle(t, "submit")
		if m := e.expect(t, e.do(t, e.w.Officer, "POST", d+"/approve", nil), 403); errorCode(m) != "forbidden" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("Approve", func(t *testing.T) {
		e, d := lifeCycle(t, "submit")
		m := e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/approve", map[string]any{"note": "lengkap"}), 200)
		if m["status"] != "approved" || m["approved_by"] != e.w.Reviewer.Email || m["note"] != "approve: lengkap" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("ErrInvalidTransition", func(t *testing.T) {
		e, d := lifeCycle(t, "submit", "approve")
		if m := e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 409); errorCode(m) != "invalid_transition" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("ErrBudgetExceeded", func(t *testing.T) {
		e, _ := lifeCycle(t, "submit", "approve") // 600.00 of 1000.00 committed
		other := e.draftVia(t, "PEN-ACT-2024", "400.01")
		e.expect(t, e.do(t, e.w.Officer, "POST", other+"/submit", nil), 200)
		if m := e.expect(t, e.do(t, e.w.Reviewer, "POST", other+"/approve", nil), 409); errorCode(m) != "budget_exceeded" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("Pay", func(t *testing.T) {
		e, d := lifeCycle(t, "submit", "approve")
		m := e.expect(t, e.do(t, e.w.Officer, "POST", d+"/pay", map[string]any{"paid_on": "2024-04-02", "payment_ref": "TRX-1"}), 200)
		if m["status"] != "paid" || m["paid_on"] != "2024-04-02" || m["payment_ref"] != "TRX-1" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("PaidIsNeverEditedOrDeleted", func(t *testing.T) {
		e, d := lifeCycle(t, "submit", "approve", "pay")
		if m := e.expect(t, e.do(t, e.w.Officer, "PATCH", d, map[string]any{"amount": "1"}), 409); errorCode(m) != "invalid_transition" {
			t.Fatalf("patch: %v", m)
		}
		if m := e.expect(t, e.do(t, e.w.Admin, "DELETE", d, nil), 409); errorCode(m) != "invalid_transition" {
			t.Fatalf("delete: %v", m)
		}
	})
	t.Run("ErrReturnedBeforePaid", func(t *testing.T) {
		e, d := lifeCycle(t, "submit", "approve", "pay")
		if m := e.expect(t, e.do(t, e.w.Officer, "POST", d+"/return", map[string]any{"returned_on": "2024-04-01"}), 422); errorField(m, "returned_on") == "" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("Return", func(t *testing.T) {
		e, d := lifeCycle(t, "submit", "approve", "pay")
		m := e.expect(t, e.do(t, e.w.Officer, "POST", d+"/return", map[string]any{"returned_on": "2024-04-09"}), 200)
		p := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/programs/PEN-ACT-2024", nil), 200)
		if m["status"] != "returned" || p["committed"] != "0.00" || p["realized"] != "0.00" {
			t.Fatalf("got %v, program %v", m, p)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e, d := lifeCycle(t)
		e.expect(t, e.do(t, e.w.Admin, "POST", d+"/archive", nil), 404)
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/disbursements/99999/submit", nil), 404)
	})
}

func TestAPI_BudgetRevisions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("APBD-REV-2024", "1000.00")), 201)
	d := e.draftVia(t, "APBD-REV-2024", "300.00")
	e.expect(t, e.do(t, e.w.Officer, "POST", d+"/submit", nil), 200)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", d+"/approve", nil), 200)
	path := "/api/v1/programs/APBD-REV-2024/budget-revisions"
	m := e.expect(t, e.do(t, e.w.Reviewer, "POST", path, map[string]any{"budget": 1250.5, "reason": "APBD-Perubahan"}), 201)
	if m["budget"] != "1250.50" || m["previous_budget"] != "1000.00" || m["approved_by"] != e.w.Reviewer.Email || m["reason"] != "APBD-Perubahan" {
		t.Fatalf("got %v", m)
	}
	if m := e.expect(t, e.do(t, e.w.Reviewer, "POST", path, map[string]any{"budget": "299.99", "reason": "potong"}), 409); errorCode(m) != "budget_exceeded" {
		t.Fatalf("below committed: %v", m)
	}
	if m := e.expect(t, e.do(t, e.w.Reviewer, "POST", path, map[string]any{"budget": "2000"}), 422); errorField(m, "reason") == "" {
		t.Fatalf("no reason: %v", m)
	}
	e.expect(t, e.do(t, e.w.Officer, "POST", path, map[string]any{"budget": "2000", "reason": "x"}), 403)
	p := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/programs/APBD-REV-2024", nil), 200)
	if p["budget"] != "1250.50" || p["original_budget"] != "1000.00" || p["remaining"] != "950.50" {
		t.Fatalf("program %v", p)
	}
	list := e.expect(t, e.do(t, e.w.Auditor, "GET", path, nil), 200)
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["budget"] != "1250.50" {
		t.Fatalf("list %v", list)
	}
}

// keyed sends a JSON POST as u with an Idempotency-Key.
func (e *env) keyed(u *finance.User, path, key, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.tokens[u])
	req.Header.Set("Idempotency-Key", key)
	return serve(e, req)
}

func TestAPI_IdempotencyKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := `{"code":"PEN-IDEM-2024","name":"Idem","kind":"grant","funding_source":"PEN","agency":"DKUMKM-KALTIM","fiscal_year":2024,"budget":"1000","starts_on":"2024-01-01","ends_on":"2024-12-31"}`
	first := e.keyed(e.w.Admin, "/api/v1/programs", "create-1", body)
	if first.Code != 201 {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	t.Run("ReplaySameBody", func(t *testing.T) {
		again := e.keyed(e.w.Admin, "/api/v1/programs", "create-1", body)
		if again.Code != 201 || again.Body.String() != first.Body.String() || again.Header().Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay: %d %s", again.Code, again.Body)
		}
		list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs", nil), 200)
		if n := len(list["items"].([]any)); n != 1 {
			t.Fatalf("%d programs, want 1", n)
		}
	})
	t.Run("ErrConflictOtherBody", func(t *testing.T) {
		rec := e.keyed(e.w.Admin, "/api/v1/programs", "create-1", body[:len(body)-1]+`,"target_recipients":5}`)
		if m := e.expect(t, rec, 409); errorCode(m) != "conflict" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("ErrorsAreReplayedToo", func(t *testing.T) {
		a := e.keyed(e.w.Officer, "/api/v1/programs", "create-2", body)
		b := e.keyed(e.w.Officer, "/api/v1/programs", "create-2", body)
		if a.Code != 403 || b.Code != 403 || a.Body.String() != b.Body.String() {
			t.Fatalf("got %d %s, then %d %s", a.Code, a.Body, b.Code, b.Body)
		}
	})
	t.Run("Action", func(t *testing.T) {
		d := e.draftVia(t, "PEN-IDEM-2024", "100")
		e.expect(t, e.keyed(e.w.Officer, d+"/submit", "submit-1", `{"note":"x"}`), 200)
		again := e.keyed(e.w.Officer, d+"/submit", "submit-1", `{"note":"x"}`)
		if m := e.expect(t, again, 200); m["status"] != "submitted" || m["note"] != "submit: x" {
			t.Fatalf("replayed action: %v", m)
		}
		audit := e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/audit?entity=disbursement&entity_id="+d[len("/api/v1/disbursements/"):], nil), 200)
		if n := len(audit["items"].([]any)); n != 2 {
			t.Fatalf("%d audit entries (create, submit), want 2: %v", n, audit)
		}
	})
}

func TestAPI_Audit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-AUD-2024", "1000")), 201)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", "/api/v1/programs/PEN-AUD-2024/budget-revisions", map[string]any{"budget": "900", "reason": "efisiensi"}), 201)
	m := e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/audit?entity=program&entity_id=PEN-AUD-2024", nil), 200)
	items := m["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("got %v", m)
	}
	first, second := items[0].(map[string]any), items[1].(map[string]any)
	if first["action"] != "create" || first["actor"] != e.w.Admin.Email || second["action"] != "revise_budget" ||
		second["actor"] != e.w.Reviewer.Email || second["prev_hash"] == "" || second["hash"] == "" {
		t.Fatalf("got %v", items)
	}
	page := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/audit?limit=1", nil), 200)
	if len(page["items"].([]any)) != 1 || page["next_cursor"] == "" {
		t.Fatalf("paging: %v", page)
	}
	for _, u := range []*finance.User{e.w.Officer, e.w.Reviewer} {
		e.expect(t, e.do(t, u, "GET", "/api/v1/audit", nil), 403)
	}
}
