package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pilar/internal/config"
	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// proxyEnv is a test server whose config trusts the given proxies.
func proxyEnv(t *testing.T, trusted ...string) *env {
	t.Helper()
	return newEnvConfig(t, func(c *config.Config) { c.Server.TrustedProxies = trusted })
}

// signInVia signs in through the form from peer with X-Forwarded-For xff
// (none when empty) and returns the status.
func signInVia(t *testing.T, e *env, peer, xff, email, password string) int {
	t.Helper()
	b := newBrowser(e, peer)
	page := b.get("/login")
	csrf := inputValue(t, page.Body.String(), "_csrf")
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {email}, "password": {password}, "_csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	return b.send(req).Code
}

// lastSignInAddr is the address the audit trail gave the last failed sign-in.
func lastSignInAddr(t *testing.T, e *env) string {
	t.Helper()
	entries, _, err := e.w.Store.FindAuditEntries(e.w.Ctx(e.w.Admin), finance.AuditFilter{Entity: "user", Page: finance.Page{Limit: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Action == "sign_in_failed" {
			var after struct{ Addr string }
			json.Unmarshal([]byte(entries[i].After), &after)
			return after.Addr
		}
	}
	t.Fatal("no failed sign-in in the audit trail")
	return ""
}

// TestTrustedProxies shows where the client address of a sign-in comes
// from: the peer, unless the peer is one of server.trusted_proxies, and then
// the rightmost X-Forwarded-For hop that is not a trusted proxy.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		trusted []string
		peer    string
		xff     string
		want    string
	}{
		{"NoProxyIgnoresHeader", nil, "203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},
		{"NoProxyIgnoresPrivateHeader", nil, "10.0.0.2:4000", "198.51.100.1", "10.0.0.2"},
		{"UntrustedPeerIgnoresHeader", []string{"10.0.0.0/8"}, "203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},
		{"TrustedPeer", []string{"10.0.0.0/8"}, "10.0.0.2:4000", "198.51.100.1", "198.51.100.1"},
		{"ForgedLeftmostHop", []string{"10.0.0.0/8"}, "10.0.0.2:4000", "6.6.6.6, 198.51.100.2", "198.51.100.2"},
		{"ChainOfProxies", []string{"10.0.0.0/8", "192.0.2.10/32"}, "10.0.0.2:4000", "198.51.100.3, 192.0.2.10", "198.51.100.3"},
		{"GarbageHop", []string{"10.0.0.0/8"}, "10.0.0.2:4000", "not-an-address", "10.0.0.2"},
		{"IPv6", []string{"2001:db8::/32"}, "[2001:db8::1]:4000", "2001:db8:ffff::1, 198.51.100.4", "198.51.100.4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := proxyEnv(t, tc.trusted...)
			if code := signInVia(t, e, tc.peer, tc.xff, e.w.Officer.Email, "wrong-password"); code != http.StatusUnauthorized {
				t.Fatalf("status %d", code)
			}
			if got := lastSignInAddr(t, e); got != tc.want {
				t.Fatalf("address %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("OneClientDoesNotBlockOthers", func(t *testing.T) {
		// Behind one proxy, 20 bad guesses by one client (at as many
		// accounts) block that client, not the next one.
		e := proxyEnv(t, "10.0.0.0/8")
		for i := range finance.MaxFailuresPerAddr {
			if code := signInVia(t, e, "10.0.0.2:4000", "198.51.100.66", fmt.Sprintf("guess%d@pilar.test", i), "x"); code != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d", i, code)
			}
		}
		if code := signInVia(t, e, "10.0.0.2:4000", "198.51.100.66", e.w.Officer.Email, dbtest.Password); code != http.StatusTooManyRequests {
			t.Fatalf("the guesser after %d failures: %d, want 429", finance.MaxFailuresPerAddr, code)
		}
		if code := signInVia(t, e, "10.0.0.2:4000", "198.51.100.77", e.w.Officer.Email, dbtest.Password); code != http.StatusSeeOther {
			t.Fatalf("another client through the same proxy: %d, want 303 (signed in)", code)
		}
	})
}

// TestSignIn_Parallel sends 30 wrong passwords and 1 right one for one
// account through the sign-in form at once, each from its own browser and
// address: without a session only the limit are checked (401) and the rest
// are 429; the right password gets a session only within the limit.
func TestSignIn_Parallel(t *testing.T) {
	t.Parallel()
	e := proxyEnv(t)
	if db, err := e.w.Store.DB(); err == nil {
		db.SetMaxOpenConns(20) // the test's PostgreSQL is shared; the requests still race
	}
	const n = 31
	type prepared struct {
		b   *browser
		req *http.Request
	}
	reqs := make([]prepared, n)
	for i := range reqs {
		pw := "wrong-password"
		if i == n-1 {
			pw = dbtest.Password
		}
		b := newBrowser(e, fmt.Sprintf("198.51.100.%d:4000", i+1))
		csrf := inputValue(t, b.get("/login").Body.String(), "_csrf")
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {e.w.Officer.Email}, "password": {pw}, "_csrf": {csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		reqs[i] = prepared{b, req}
	}
	codes := make([]int, n)
	done := make(chan struct{})
	start := make(chan struct{})
	for i, p := range reqs {
		go func() {
			defer func() { done <- struct{}{} }()
			<-start
			codes[i] = p.b.send(p.req).Code
		}()
	}
	close(start)
	for range reqs {
		<-done
	}
	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	// Without a session exactly the limit were checked. With one, the right
	// password came within the limit and cleared the failures before it, so
	// at most the limit more could be checked after it.
	limit := finance.MaxFailuresPerAccount
	if count[http.StatusSeeOther] == 0 && count[http.StatusUnauthorized] != limit ||
		count[http.StatusSeeOther] == 1 && count[http.StatusUnauthorized] > 2*limit-1 ||
		count[http.StatusSeeOther] > 1 || count[http.StatusUnauthorized]+count[http.StatusSeeOther]+count[http.StatusTooManyRequests] != n {
		t.Fatalf("statuses %v: want %d checked (401) without a session, at most %d with one; the rest 429", count, limit, 2*limit-1)
	}
	if count[http.StatusSeeOther] == 0 {
		if code := signInVia(t, e, "192.0.2.200:4000", "", e.w.Officer.Email, dbtest.Password); code != http.StatusTooManyRequests {
			t.Fatalf("the right password after the batch: %d, want 429", code)
		}
	}
}
