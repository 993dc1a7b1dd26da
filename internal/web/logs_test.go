package web_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"

	"pilar/internal/config"
	"pilar/internal/dbtest"
	"pilar/internal/logging"
	"pilar/internal/web"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogs captures the log (JSON, debug level) while users sign in, use
// API tokens and register recipients, and checks that every line of a
// request carries its id and that no password, token or full NIK is there.
func TestLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var buf syncBuffer
	srv, err := web.New(e.w.Store, config.Default(), logging.New(&buf, "debug", "auto"))
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	const nik, nik2 = "6472014506850001", "6472014506850002"
	const badToken = "pilar_ThisIsNotARealToken0123456789"
	const badPassword = "salah-kata-sandi-99"

	b := newBrowser(e, "198.51.100.20:1000")
	b.signIn(t, e.w.Officer.Email, badPassword)
	if rec := b.signIn(t, e.w.Officer.Email, dbtest.Password); rec.Code != 303 {
		t.Fatalf("sign-in: %d", rec.Code)
	}
	form := url.Values{"_csrf": {b.csrf(t)}, "kind": {"umkm"}, "name": {"Usaha Halaman"}, "nik": {nik2}}
	if rec := b.post("/recipients/new", form); rec.Code != 303 {
		t.Fatalf("recipient page: %d %s", rec.Code, rec.Body)
	}
	b.get("/recipients?q=" + nik2)

	e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Amplang", "nik": nik}), 201)
	e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Amplang lagi", "nik": nik}), 409)
	e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nik="+nik+"&token="+badToken, nil)
	serve(e, httptestRequest("GET", "/api/v1/agencies", "Bearer "+badToken))

	// A sane X-Request-Id is kept and echoed; a forged one is replaced.
	req := httptestRequest("GET", "/api/v1/agencies", "Bearer "+e.tokens[e.w.Auditor])
	req.Header.Set("X-Request-Id", "lb-7f3a.42")
	if rec := serve(e, req); rec.Header().Get("X-Request-Id") != "lb-7f3a.42" {
		t.Fatalf("sane request id not echoed: %q", rec.Header().Get("X-Request-Id"))
	}
	req = httptestRequest("GET", "/api/v1/agencies", "Bearer "+e.tokens[e.w.Auditor])
	req.Header.Set("X-Request-Id", "evil\"}\n{\"level\":\"ERROR\"")
	rec := serve(e, req)
	if got := rec.Header().Get("X-Request-Id"); got == "" || strings.Contains(got, "evil") {
		t.Fatalf("a forged request id was kept: %q", got)
	}
	// The error page shows the request id.
	page := b.get("/recipients/999999")
	if id := page.Header().Get("X-Request-Id"); page.Code != 404 || id == "" || !strings.Contains(page.Body.String(), id) {
		t.Fatalf("error page %d lacks its request id %q", page.Code, id)
	}

	out := buf.String()
	secrets := []string{dbtest.Password, badPassword, badToken, nik, nik2}
	for _, tok := range e.tokens {
		secrets = append(secrets, tok, strings.TrimPrefix(tok, "pilar_"))
	}
	for _, ck := range b.cookies {
		secrets = append(secrets, ck.Value)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("the log holds a secret %q:\n%s", s, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	ids := map[string]bool{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		id, _ := m["request_id"].(string)
		if id == "" {
			t.Errorf("a line without request_id: %s", l)
		}
		ids[id] = true
	}
	if !ids["lb-7f3a.42"] {
		t.Errorf("the sent request id is not in the log")
	}
	if len(lines) < 12 || !strings.Contains(out, `"route":"/api/v1/recipients"`) || !strings.Contains(out, "647201**********") {
		t.Errorf("want an access line per request with the NIK masked, got %d lines:\n%s", len(lines), out)
	}
}
