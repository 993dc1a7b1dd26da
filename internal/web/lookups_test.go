package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"pilar/internal/finance"
)

// pageAs gets a page as u through a session cookie, in English.
func (e *env) pageAs(t testing.TB, u *finance.User, path string) *httptest.ResponseRecorder {
	t.Helper()
	return pageSender(t, e, u, "en")(httptest.NewRequest(http.MethodGet, path, nil))
}

// countAudit counts the audit entries with the action by the actor email.
func (e *env) countAudit(t testing.TB, action, actor string) int {
	t.Helper()
	var n int64
	db, _ := e.w.Store.DB()
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor = $2", action, actor).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestLookupLimit: an officer (shown masked NIKs) may look up 60 full
// identifiers an hour; the 61st is a 429 with Retry-After, by API or page
// search, and by creates refused as duplicates; admins and auditors are not
// limited; successful creates do not count; each lookup is in the audit
// trail and admins see who hit the limit (issue 17, item 4).
func TestLookupLimit(t *testing.T) {
	t.Parallel()
	// A fixed clock at the start of an hour, so the window does not turn.
	at := time.Date(2024, 3, 1, 9, 0, 5, 0, time.UTC)
	nik := func(i int) string { return fmt.Sprintf("6472010101%02d%04d", 80+i/1000, i%1000+1) }

	t.Run("API", func(t *testing.T) {
		e := newEnv(t)
		e.w.Store.Now = func() time.Time { return at }
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Amplang", "nik": nik(0)}), 201)
		// Creates that succeed are normal work: not counted.
		for i := 1; i <= 5; i++ {
			e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Usaha", "nik": nik(1000 + i)}), 201)
		}
		for i := 1; i <= 60; i++ {
			e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nik="+nik(i), nil), 200)
		}
		rec := e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nik="+nik(0), nil)
		m := e.expect(t, rec, 429)
		if errorCode(m) != "too_many_requests" {
			t.Fatalf("%v", m)
		}
		secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
		if err != nil || secs != 3600-5 {
			t.Fatalf("Retry-After %q, want %d", rec.Header().Get("Retry-After"), 3600-5)
		}
		// NIB filters count the same, and the 61st answer revealed nothing.
		e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nib=1234567890123", nil), 429)
		// Other lists still work.
		e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients?q=amp", nil), 200)
		// Another officer has a count of their own.
		e.expect(t, e.do(t, e.w.OtherOfficer, "GET", "/api/v1/recipients?nik="+nik(0), nil), 200)
		// Admins and auditors see full data and are not limited.
		for i := 1; i <= 70; i++ {
			e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients?nik="+nik(i), nil), 200)
			e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/recipients?nik="+nik(i), nil), 200)
		}
		if n := e.countAudit(t, "lookup", e.w.Officer.Email); n != 60 {
			t.Fatalf("%d lookup entries for the officer, want 60", n)
		}
		if n := e.countAudit(t, "lookup_limited", e.w.Officer.Email); n != 1 {
			t.Fatalf("%d lookup_limited entries, want 1 (later refusals only count)", n)
		}
		if n := e.countAudit(t, "lookup", e.w.Admin.Email); n != 0 {
			t.Fatalf("admin lookups audited as limited: %d", n)
		}
		// The next hour the officer may look up again.
		e.w.Store.Now = func() time.Time { return at.Add(time.Hour) }
		e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nik="+nik(0), nil), 200)
		e.w.Store.Now = func() time.Time { return at }
		// Admins and auditors see who hit the limit on the users page, by
		// name, in the offices' time.
		for _, u := range []*finance.User{e.w.Admin, e.w.Auditor} {
			page := e.pageAs(t, u, "/admin/users")
			body := page.Body.String()
			if page.Code != 200 || !strings.Contains(body, "Identifier lookups over the limit") ||
				!strings.Contains(body, "<td>"+e.w.Officer.Name+"</td><td>Program officer</td><td>1 March 2024 17:00 WITA</td>") || !strings.Contains(body, ">62<") {
				t.Fatalf("users page as %s (%d) does not show the officer over the limit:\n%s", u.Role, page.Code, body)
			}
		}
	})
	t.Run("Duplicate", func(t *testing.T) {
		e := newEnv(t)
		e.w.Store.Now = func() time.Time { return at }
		e.w.Store.LookupLimit = 3
		id := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Amplang", "nik": nik(0)}), 201)["id"].(float64)
		dup := map[string]any{"kind": "umkm", "name": "Lagi", "nik": nik(0)}
		// The admin is told which recipient holds the NIK...
		m := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/recipients", dup), 409)
		if !strings.Contains(errorField(m, "nik"), fmt.Sprint(int(id))) {
			t.Fatalf("admin: %v", m)
		}
		// ...the officer only that it is taken, and each refusal counts,
		// also when sent with an Idempotency-Key (one transaction).
		for i := 0; i < 3; i++ {
			req := httptest.NewRequest("POST", "/api/v1/recipients", strings.NewReader(`{"kind":"umkm","name":"Lagi","nik":"`+nik(0)+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+e.tokens[e.w.Officer])
			if i == 1 {
				req.Header.Set("Idempotency-Key", "dup-1")
			}
			m := e.expect(t, serve(e, req), 409)
			if errorCode(m) != "duplicate" || errorField(m, "nik") != "already registered" || strings.Contains(fmt.Sprint(m), fmt.Sprint(int(id))) {
				t.Fatalf("officer's duplicate answer says more than that the NIK is taken: %v", m)
			}
		}
		m = e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", dup), 429)
		if errorCode(m) != "too_many_requests" {
			t.Fatalf("%v", m)
		}
		// An update to a taken NIK counts as well (the limit is reached).
		own := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Dua", "nik": nik(2)}), 201)["id"].(float64)
		e.expect(t, e.do(t, e.w.Officer, "PATCH", fmt.Sprintf("/api/v1/recipients/%d", int(own)), map[string]any{"nik": nik(0)}), 429)
		if n := e.countAudit(t, "lookup", e.w.Officer.Email); n != 3 {
			t.Fatalf("%d lookup entries, want 3", n)
		}
	})
	t.Run("Page", func(t *testing.T) {
		e := newEnv(t)
		e.w.Store.Now = func() time.Time { return at }
		e.w.Store.LookupLimit = 2
		for i := 0; i < 2; i++ {
			if rec := e.pageAs(t, e.w.Officer, "/recipients?q="+nik(i)); rec.Code != 200 {
				t.Fatalf("search %d: %d", i, rec.Code)
			}
		}
		if rec := e.pageAs(t, e.w.Officer, "/recipients?q="+nik(9)); rec.Code != 429 || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("third NIK search on the page: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		// A name search is not an identifier lookup.
		if rec := e.pageAs(t, e.w.Officer, "/recipients?q=Amplang"); rec.Code != 200 {
			t.Fatalf("name search: %d", rec.Code)
		}
	})
}
