package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/store"
)

// peer is a client of one pilar serve process that does not follow
// redirects, so that each answer can be asserted.
type peer struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newPeer(t *testing.T, s *server) *peer {
	return &peer{t: t, base: "http://" + s.addr, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// send sends a request and returns the status, the body and the response.
func (p *peer) send(method, path, token string, body any, header ...string) (int, string, *http.Response) {
	p.t.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		r, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, _ := json.Marshal(b)
		r, ct = strings.NewReader(string(j)), "application/json"
	}
	req, err := http.NewRequest(method, p.base+path, r)
	if err != nil {
		p.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := p.c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

// api sends a JSON request and fails unless the status is want; it
// returns the decoded body.
func (p *peer) api(method, path, token string, body any, want int) map[string]any {
	p.t.Helper()
	code, b, _ := p.send(method, path, token, body)
	if code != want {
		p.t.Fatalf("%s %s%s: %d %s, want %d", method, p.base, path, code, b, want)
	}
	var m map[string]any
	json.Unmarshal([]byte(b), &m)
	return m
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs in through the form and returns the session cookie.
func (p *peer) signIn(email, password string) (int, *http.Cookie) {
	p.t.Helper()
	_, page, res := p.send("GET", "/login", "", nil)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		p.t.Fatalf("no CSRF field on the sign-in page")
	}
	req, _ := http.NewRequest("POST", p.base+"/login", strings.NewReader(url.Values{"email": {email}, "password": {password}, "_csrf": {m[1]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range res.Cookies() {
		req.AddCookie(ck)
	}
	out, err := p.c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	out.Body.Close()
	for _, ck := range out.Cookies() {
		if ck.Name == "pilar_session" && ck.Value != "" {
			return out.StatusCode, ck
		}
	}
	return out.StatusCode, nil
}

// page gets a page with the session cookie.
func (p *peer) page(path string, session *http.Cookie) (int, string, *http.Response) {
	p.t.Helper()
	req, _ := http.NewRequest("GET", p.base+path, nil)
	req.AddCookie(session)
	res, err := p.c.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

// TestServe_TwoServersOnePostgres starts two pilar serve processes on two
// ports over one PostgreSQL schema and shows that nothing lives in one
// process only: a session from one works on the other (and signing out on
// one ends it on both), failed sign-ins throttle across both, an
// idempotency key given to one is replayed by the other, and concurrent
// approvals spread across both never exceed the budget.
func TestServe_TwoServersOnePostgres(t *testing.T) {
	dbtest.RequirePostgres(t)
	c := newCLI(t)
	const pw = "correct-horse-battery"
	c.must(pw+"\n", "user", "add", "--email", "admin@pilar.test", "--name", "Admin", "--role", "admin")
	admin := strings.TrimSpace(c.must("", "token", "create", "--email", "admin@pilar.test"))
	s1, s2 := startServer(t, c.env), startServer(t, c.env)
	a, b := newPeer(t, s1), newPeer(t, s2)
	peers := []*peer{a, b}
	a.api("POST", "/api/v1/agencies", admin, map[string]any{"code": "DKUMKM-KALTIM", "name": "Dinas Koperasi Kaltim", "region_code": "64"}, 201)
	c.must(pw+"\n", "user", "add", "--email", "officer@pilar.test", "--name", "Officer", "--role", "officer", "--agency", "DKUMKM-KALTIM")
	c.must(pw+"\n", "user", "add", "--email", "reviewer@pilar.test", "--name", "Reviewer", "--role", "reviewer", "--agency", "DKUMKM-KALTIM")
	c.must(pw+"\n", "user", "add", "--email", "clerk@pilar.test", "--name", "Clerk", "--role", "officer", "--agency", "DKUMKM-KALTIM")
	officer := strings.TrimSpace(c.must("", "token", "create", "--email", "officer@pilar.test"))
	reviewer := strings.TrimSpace(c.must("", "token", "create", "--email", "reviewer@pilar.test"))

	t.Run("SessionFromOneWorksOnTheOther", func(t *testing.T) {
		code, session := a.signIn("officer@pilar.test", pw)
		if code != http.StatusSeeOther || session == nil {
			t.Fatalf("sign-in on the first server: %d, cookie %v", code, session)
		}
		code, body, _ := b.page("/", session)
		if code != http.StatusOK || !strings.Contains(body, "Officer") {
			t.Fatalf("the second server does not know the session: %d", code)
		}
		m := csrfRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no CSRF token on the dashboard")
		}
		req, _ := http.NewRequest("POST", b.base+"/logout", strings.NewReader(url.Values{"_csrf": {m[1]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(session)
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if code, _, res := a.page("/", session); code != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
			t.Fatalf("signed out on the second server, the first still accepts the session: %d", code)
		}
	})
	t.Run("ThrottleAcrossBoth", func(t *testing.T) {
		for i := range 5 {
			if code, _ := peers[i%2].signIn("clerk@pilar.test", "wrong password "+fmt.Sprint(i)); code != http.StatusUnauthorized {
				t.Fatalf("bad sign-in %d: %d", i+1, code)
			}
		}
		for i, p := range peers {
			if code, _ := p.signIn("clerk@pilar.test", pw); code != http.StatusTooManyRequests {
				t.Fatalf("after 5 failures spread over both, server %d answered %d, want 429", i+1, code)
			}
		}
	})
	t.Run("IdempotencyKeyAcrossBoth", func(t *testing.T) {
		body := map[string]any{"code": "PEN-IDEM-2024", "name": "Idem", "kind": "grant", "funding_source": "PEN", "agency": "DKUMKM-KALTIM",
			"fiscal_year": 2024, "budget": "1000.00", "starts_on": "2024-01-01", "ends_on": "2024-12-31"}
		c1, b1, _ := a.send("POST", "/api/v1/programs", admin, body, "Idempotency-Key", "two-servers-1")
		c2, b2, res := b.send("POST", "/api/v1/programs", admin, body, "Idempotency-Key", "two-servers-1")
		if c1 != 201 || c2 != 201 || b1 != b2 || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("first %d %s; second %d %s replayed=%q", c1, b1, c2, b2, res.Header.Get("Idempotent-Replayed"))
		}
	})
	t.Run("ConcurrentApprovalsKeepTheBudget", func(t *testing.T) {
		body := map[string]any{"code": "PEN-PAIR-2024", "name": "Dua server", "kind": "grant", "funding_source": "PEN", "agency": "DKUMKM-KALTIM",
			"fiscal_year": 2024, "budget": "1000.00", "starts_on": "2024-01-01", "ends_on": "2024-12-31"}
		a.api("POST", "/api/v1/programs", admin, body, 201)
		const n = 12 // 300.00 each: only three fit in 1000.00
		var ids []string
		for i := range n {
			p := peers[i%2]
			nik := fmt.Sprintf("647201450685%04d", i+1)
			r := p.api("POST", "/api/v1/recipients", officer, map[string]any{"kind": "umkm", "name": "Usaha " + nik, "nik": nik}, 201)
			d := p.api("POST", "/api/v1/disbursements", officer, map[string]any{"program": "PEN-PAIR-2024", "recipient_id": r["id"], "amount": "300.00", "disbursed_on": "2024-03-01"}, 201)
			id := fmt.Sprintf("%.0f", d["id"])
			peers[(i+1)%2].api("POST", "/api/v1/disbursements/"+id+"/submit", officer, nil, 200)
			ids = append(ids, id)
		}
		codes := make([]int, n)
		bodies := make([]string, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i], bodies[i], _ = peers[i%2].send("POST", "/api/v1/disbursements/"+id+"/approve", reviewer, nil)
			}()
		}
		close(start)
		wg.Wait()
		approved := 0
		for i, code := range codes {
			switch {
			case code == http.StatusOK:
				approved++
			case code == http.StatusConflict && strings.Contains(bodies[i], "budget_exceeded"):
			default:
				t.Errorf("approve %s: %d %s", ids[i], code, bodies[i])
			}
		}
		st, err := store.Open(c.get("PILAR_DATABASE_DRIVER"), c.get("PILAR_DATABASE_DSN"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		db, _ := st.DB()
		var count, sum int64
		db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(d.amount), 0) FROM disbursements d JOIN programs p ON p.id = d.program_id
			WHERE p.code = 'PEN-PAIR-2024' AND d.status = 'approved'`).Scan(&count, &sum)
		if approved != 3 || count != 3 || sum != 90000 {
			t.Fatalf("%d approvals answered 200, %d approved in the database for Rp%d; want 3 for Rp900 of the Rp1000 budget", approved, count, sum/100)
		}
		c.must("", "audit", "verify")
	})
}
