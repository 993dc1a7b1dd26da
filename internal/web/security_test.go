package web_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"pilar/internal/config"
	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/web"
)

func multipartRequest(t *testing.T, method, path, name, content string) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	req := httptest.NewRequest(method, path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// browser is a cookie jar over the test server, for the sign-in flow.
type browser struct {
	e       *env
	cookies map[string]*http.Cookie
	addr    string
}

func newBrowser(e *env, addr string) *browser {
	return &browser{e: e, cookies: map[string]*http.Cookie{}, addr: addr}
}

func (b *browser) send(req *http.Request) *httptest.ResponseRecorder {
	req.RemoteAddr = b.addr
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := serve(b.e, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return rec
}

func (b *browser) get(path string) *httptest.ResponseRecorder {
	return b.send(httptest.NewRequest("GET", path, nil))
}

func (b *browser) post(path string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// signIn opens the sign-in page, then sends its form with the given password.
func (b *browser) signIn(t *testing.T, email, password string) *httptest.ResponseRecorder {
	t.Helper()
	page := b.get("/login")
	csrf := inputValue(t, page.Body.String(), "_csrf")
	return b.post("/login", url.Values{"email": {email}, "password": {password}, "_csrf": {csrf}})
}

// csrf reads the CSRF token from a signed-in page.
func (b *browser) csrf(t *testing.T) string {
	t.Helper()
	return inputValue(t, b.get("/").Body.String(), "_csrf")
}

// parseHTML parses a page; it fails the test if the page is not HTML.
func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// walk calls fn for every node under n.
func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// inputValue is the value of the first input named name.
func inputValue(t *testing.T, body, name string) string {
	t.Helper()
	v, found := "", false
	walk(parseHTML(t, body), func(n *html.Node) {
		if !found && n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") == name {
			v, found = attr(n, "value"), true
		}
	})
	if !found {
		t.Fatalf("no input %s in the page: %.500s", name, body)
	}
	return v
}

// text is the text content of the page.
func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
	})
	return b.String()
}

func auditActions(t *testing.T, e *env, entityID string) []string {
	t.Helper()
	entries, _, err := e.w.Store.FindAuditEntries(e.w.Ctx(e.w.Auditor), finance.AuditFilter{Entity: "user", EntityID: entityID, Page: finance.Page{Limit: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range entries {
		out = append(out, a.Action)
	}
	return out
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t)
		b := newBrowser(e, "192.0.2.1:5000")
		b.cookies["pilar_session"] = &http.Cookie{Name: "pilar_session", Value: "planted-by-someone"}
		rec := b.signIn(t, e.w.Officer.Email, dbtest.Password)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
			t.Fatalf("sign-in: %d %s", rec.Code, rec.Body.String())
		}
		var sess *http.Cookie
		for _, c := range rec.Result().Cookies() {
			if c.Name == "pilar_session" {
				sess = c
			}
		}
		if sess == nil || sess.Value == "planted-by-someone" || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Secure || sess.Path != "/" {
			t.Fatalf("session cookie %+v: want a new id, HttpOnly, SameSite=Lax, not Secure over plain HTTP", sess)
		}
		if got := b.get("/"); got.Code != http.StatusOK {
			t.Fatalf("dashboard after sign-in: %d", got.Code)
		}
		if got := b.get("/login"); got.Code != http.StatusSeeOther {
			t.Fatalf("sign-in page when signed in: %d, want 303 to the dashboard", got.Code)
		}
	})
	t.Run("SecureCookieOverTLS", func(t *testing.T) {
		e := newEnv(t)
		b := newBrowser(e, "192.0.2.1:5000")
		page := b.get("/login")
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {e.w.Admin.Email}, "password": {dbtest.Password}, "_csrf": {inputValue(t, page.Body.String(), "_csrf")}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.TLS = &tls.ConnectionState{}
		rec := b.send(req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("sign-in over TLS: %d", rec.Code)
		}
		for _, c := range rec.Result().Cookies() {
			if c.Name == "pilar_session" && !c.Secure {
				t.Fatalf("the session cookie over TLS is not Secure: %+v", c)
			}
		}
	})
	t.Run("SecureCookieByConfig", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		cfg := config.Default()
		cfg.Sessions.SecureCookie = true
		srv, err := web.New(w.Store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.Echo.ServeHTTP(rec, httptest.NewRequest("GET", "/login", nil))
		cs := rec.Result().Cookies()
		if len(cs) != 1 || !cs[0].Secure || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteLaxMode {
			t.Fatalf("login CSRF cookie with sessions.secure_cookie: %+v", cs)
		}
	})
	t.Run("ErrLoginCSRF", func(t *testing.T) {
		e := newEnv(t)
		b := newBrowser(e, "192.0.2.1:5000")
		b.get("/login")
		// A form posted from another site carries no matching token.
		rec := b.post("/login", url.Values{"email": {e.w.Admin.Email}, "password": {dbtest.Password}, "_csrf": {"guessed"}})
		if rec.Code != http.StatusForbidden {
			t.Fatalf("sign-in with a wrong CSRF token: %d, want 403", rec.Code)
		}
		if _, ok := b.cookies["pilar_session"]; ok {
			t.Fatal("a session was started without the sign-in form's token")
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		e := newEnv(t)
		b := newBrowser(e, "192.0.2.1:5000")
		rec := b.signIn(t, e.w.Officer.Email, "wrong-password")
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d, want 401", rec.Code)
		}
		doc := parseHTML(t, rec.Body.String())
		if !strings.Contains(text(doc), "Email atau kata sandi salah.") {
			t.Fatalf("no message: %s", rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "wrong-password") {
			t.Fatal("the page repeats the password")
		}
		if got := auditActions(t, e, e.w.Officer.Email); len(got) != 1 || got[0] != "sign_in_failed" {
			t.Fatalf("audit trail for the failure: %v", got)
		}
	})
	t.Run("ErrTooManyRequests/PerAccount", func(t *testing.T) {
		e := newEnv(t)
		now := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
		e.w.Store.Now = func() time.Time { return now }
		for i := range finance.MaxFailuresPerAccount {
			// Each try from another address: the account limit is what bites.
			b := newBrowser(e, fmt.Sprintf("192.0.2.%d:5000", i+1))
			if rec := b.signIn(t, e.w.Officer.Email, "wrong-password"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, rec.Code)
			}
		}
		b := newBrowser(e, "198.51.100.7:5000")
		rec := b.signIn(t, strings.ToUpper(e.w.Officer.Email), dbtest.Password)
		if rec.Code != http.StatusTooManyRequests || !strings.Contains(text(parseHTML(t, rec.Body.String())), "Terlalu banyak percobaan masuk yang gagal") {
			t.Fatalf("right password after 5 failures: %d, want 429 with a message; %s", rec.Code, rec.Body.String())
		}
		// Another account from the same address is not held up.
		if rec := b.signIn(t, e.w.Reviewer.Email, dbtest.Password); rec.Code != http.StatusSeeOther {
			t.Fatalf("another account: %d", rec.Code)
		}
		got := auditActions(t, e, e.w.Officer.Email)
		if len(got) != 6 || got[5] != "sign_in_throttled" {
			t.Fatalf("audit trail: %v, want 5 sign_in_failed and a sign_in_throttled", got)
		}
		now = now.Add(finance.SignInWindow + time.Second)
		b = newBrowser(e, "198.51.100.7:5000")
		if rec := b.signIn(t, e.w.Officer.Email, dbtest.Password); rec.Code != http.StatusSeeOther {
			t.Fatalf("after the window: %d, want 303", rec.Code)
		}
	})
	t.Run("ErrTooManyRequests/PerAddress", func(t *testing.T) {
		e := newEnv(t)
		b := newBrowser(e, "203.0.113.9:4000")
		for i := range finance.MaxFailuresPerAddr {
			if rec := b.signIn(t, fmt.Sprintf("nobody%d@pilar.test", i), "wrong-password"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, rec.Code)
			}
		}
		if rec := b.signIn(t, e.w.Admin.Email, dbtest.Password); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("from a throttled address: %d, want 429", rec.Code)
		}
		// X-Forwarded-For is not believed: it cannot buy a fresh address.
		page := b.get("/login")
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {e.w.Admin.Email}, "password": {dbtest.Password}, "_csrf": {inputValue(t, page.Body.String(), "_csrf")}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "10.9.8.7")
		if rec := b.send(req); rec.Code != http.StatusTooManyRequests {
			t.Fatalf("with a forged X-Forwarded-For: %d, want 429", rec.Code)
		}
		other := newBrowser(e, "203.0.113.10:4000")
		if rec := other.signIn(t, e.w.Admin.Email, dbtest.Password); rec.Code != http.StatusSeeOther {
			t.Fatalf("from another address: %d", rec.Code)
		}
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	t.Run("ForgedAndExpiredCookies", func(t *testing.T) {
		e := newEnv(t)
		now := time.Now().UTC()
		e.w.Store.Now = func() time.Time { return now }
		b := newBrowser(e, "192.0.2.1:1")
		b.signIn(t, e.w.Officer.Email, dbtest.Password)
		if rec := b.get("/programs"); rec.Code != http.StatusOK {
			t.Fatalf("signed in: %d", rec.Code)
		}
		for _, forged := range []string{"", "x", strings.Repeat("A", 43), "' OR 1=1 --", b.cookies["pilar_session"].Value + "x"} {
			req := httptest.NewRequest("GET", "/programs", nil)
			req.AddCookie(&http.Cookie{Name: "pilar_session", Value: forged})
			rec := serve(e, req)
			if !toLogin(rec) {
				t.Errorf("forged cookie %q: %d to %q, want 303 to /login", forged, rec.Code, rec.Header().Get("Location"))
			}
		}
		// A session cookie is no API credential.
		req := httptest.NewRequest("GET", "/api/v1/programs", nil)
		req.AddCookie(b.cookies["pilar_session"])
		if rec := serve(e, req); rec.Code != http.StatusUnauthorized {
			t.Fatalf("API with a session cookie: %d, want 401", rec.Code)
		}
		now = now.Add(config.Default().Sessions.IdleTimeout + time.Minute)
		if rec := b.get("/programs"); !toLogin(rec) {
			t.Fatalf("after the idle timeout: %d, want 303 to /login", rec.Code)
		}
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		e := newEnv(t)
		b := newBrowser(e, "192.0.2.1:1")
		b.signIn(t, e.w.Admin.Email, dbtest.Password)
		form := url.Values{"code": {"NEWAG"}, "name": {"Baru"}, "region_code": {"64"}}
		if rec := b.post("/admin/agencies", form); rec.Code != http.StatusForbidden {
			t.Fatalf("form without a CSRF token: %d, want 403", rec.Code)
		}
		form.Set("_csrf", "not-the-token")
		if rec := b.post("/admin/agencies", form); rec.Code != http.StatusForbidden {
			t.Fatalf("form with a wrong CSRF token: %d, want 403", rec.Code)
		}
		if _, err := e.w.Store.FindAgencyByCode(e.w.Ctx(e.w.Admin), "NEWAG"); finance.ErrorCode(err) != finance.ENotFound {
			t.Fatalf("a refused form created the agency: %v", err)
		}
		form.Set("_csrf", b.csrf(t))
		if rec := b.post("/admin/agencies", form); rec.Code != http.StatusSeeOther {
			t.Fatalf("form with the token: %d", rec.Code)
		}
	})
	t.Run("SignOutEverywhere", func(t *testing.T) {
		e := newEnv(t)
		phone, laptop := newBrowser(e, "192.0.2.1:1"), newBrowser(e, "192.0.2.2:1")
		phone.signIn(t, e.w.Officer.Email, dbtest.Password)
		laptop.signIn(t, e.w.Officer.Email, dbtest.Password)
		colleague := newBrowser(e, "192.0.2.3:1")
		colleague.signIn(t, e.w.Reviewer.Email, dbtest.Password)
		rec := laptop.post("/logout/everywhere", url.Values{"_csrf": {laptop.csrf(t)}})
		if !toLogin(rec) {
			t.Fatalf("sign out everywhere: %d", rec.Code)
		}
		for name, b := range map[string]*browser{"phone": phone, "laptop": laptop} {
			if rec := b.get("/"); rec.Code != http.StatusSeeOther {
				t.Errorf("%s still signed in: %d", name, rec.Code)
			}
		}
		if rec := colleague.get("/"); rec.Code != http.StatusOK {
			t.Fatalf("another user's session ended too: %d", rec.Code)
		}
	})
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := newBrowser(e, "192.0.2.1:1")
	admin.signIn(t, e.w.Admin.Email, dbtest.Password)
	t.Run("Tokens", func(t *testing.T) {
		rec := admin.post("/admin/tokens", url.Values{"_csrf": {admin.csrf(t)}, "email": {e.w.Officer.Email}, "label": {"skrip impor"}})
		if rec.Code != http.StatusCreated {
			t.Fatalf("create token: %d %s", rec.Code, rec.Body.String())
		}
		var secret string
		walk(parseHTML(t, rec.Body.String()), func(n *html.Node) {
			if n.Type == html.ElementNode && attr(n, "id") == "new-token" {
				secret = text(n)
			}
		})
		if !strings.HasPrefix(secret, "pilar_") || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("the new token is not shown once: %q", secret)
		}
		call := func() int {
			return serve(e, httptestRequest("GET", "/api/v1/programs", "Bearer "+secret)).Code
		}
		if got := call(); got != http.StatusOK {
			t.Fatalf("the new token: %d", got)
		}
		list := admin.get("/admin/tokens").Body.String()
		if strings.Contains(list, secret) || !strings.Contains(list, "skrip impor") {
			t.Fatal("the token list shows the secret or misses the label")
		}
		e.w.Store.WaitBackground() // last_used_at is written after the request
		tokens, err := e.w.Store.FindTokens(e.w.Ctx(e.w.Auditor))
		if err != nil {
			t.Fatal(err)
		}
		tk := tokens[0]
		if tk.Label != "skrip impor" || tk.User != e.w.Officer.Email || tk.LastUsedAt == nil || tk.RevokedAt != nil {
			t.Fatalf("token row %+v", tk)
		}
		rec = admin.post(fmt.Sprintf("/admin/tokens/%d/revoke", tk.ID), url.Values{"_csrf": {admin.csrf(t)}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", rec.Code)
		}
		if got := call(); got != http.StatusUnauthorized {
			t.Fatalf("a revoked token: %d, want 401", got)
		}
		rec = admin.post(fmt.Sprintf("/admin/tokens/%d/revoke", tk.ID), url.Values{"_csrf": {admin.csrf(t)}})
		if rec.Code != http.StatusNotFound {
			t.Fatalf("revoke twice: %d, want 404", rec.Code)
		}
	})
	t.Run("Users", func(t *testing.T) {
		rec := admin.post("/admin/users", url.Values{"_csrf": {admin.csrf(t)}, "email": {"petugas.baru@pilar.test"}, "name": {"Petugas Baru"},
			"role": {"officer"}, "agency": {e.w.Agency.Code}, "password": {"rahasia123"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "kata sandi yang paling umum") { // "most common passwords", on the Indonesian page
			t.Fatalf("a common password: %d", rec.Code)
		}
		if strings.Contains(rec.Body.String(), "rahasia123") {
			t.Fatal("the refused form repeats the password")
		}
		rec = admin.post("/admin/users", url.Values{"_csrf": {admin.csrf(t)}, "email": {"petugas.baru@pilar.test"}, "name": {"Petugas Baru"},
			"role": {"officer"}, "agency": {e.w.Agency.Code}, "password": {"kuda-baterai-benar"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("add user: %d %s", rec.Code, rec.Body.String())
		}
		u, err := e.w.Store.FindUserByEmail(context.Background(), "petugas.baru@pilar.test")
		if err != nil || u.Role != "officer" || u.Agency != e.w.Agency.Code || !u.Active {
			t.Fatalf("added user %+v, %v", u, err)
		}
		nb := newBrowser(e, "192.0.2.9:1")
		if rec := nb.signIn(t, u.Email, "kuda-baterai-benar"); rec.Code != http.StatusSeeOther {
			t.Fatalf("the new user signs in: %d", rec.Code)
		}
		secret, _, err := e.w.Store.CreateToken(finance.WithActor(context.Background(), finance.System), u.Email, "cli")
		if err != nil {
			t.Fatal(err)
		}
		rec = admin.post(fmt.Sprintf("/admin/users/%d/deactivate", u.ID), url.Values{"_csrf": {admin.csrf(t)}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("deactivate: %d", rec.Code)
		}
		if rec := nb.get("/"); rec.Code != http.StatusSeeOther {
			t.Fatalf("a deactivated user's session: %d, want 303 to /login", rec.Code)
		}
		if got := serve(e, httptestRequest("GET", "/api/v1/programs", "Bearer "+secret)).Code; got != http.StatusUnauthorized {
			t.Fatalf("a deactivated user's token: %d, want 401", got)
		}
		if rec := newBrowser(e, "192.0.2.10:1").signIn(t, u.Email, "kuda-baterai-benar"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("a deactivated user signs in: %d, want 401", rec.Code)
		}
		rec = admin.post(fmt.Sprintf("/admin/users/%d/deactivate", e.w.Admin.ID), url.Values{"_csrf": {admin.csrf(t)}})
		if rec.Code != http.StatusConflict {
			t.Fatalf("deactivate oneself: %d, want 409", rec.Code)
		}
	})
	t.Run("AuditorReadsOnly", func(t *testing.T) {
		aud := newBrowser(e, "192.0.2.4:1")
		aud.signIn(t, e.w.Auditor.Email, dbtest.Password)
		for _, p := range []string{"/admin/users", "/admin/agencies", "/admin/tokens"} {
			rec := aud.get(p)
			if rec.Code != http.StatusOK {
				t.Fatalf("auditor %s: %d", p, rec.Code)
			}
			walk(parseHTML(t, rec.Body.String()), func(n *html.Node) {
				if n.Type == html.ElementNode && n.Data == "form" && strings.HasPrefix(attr(n, "action"), "/admin/") {
					t.Errorf("auditor sees a form to %s on %s", attr(n, "action"), p)
				}
			})
		}
	})
}

// TestSecurityHeaders checks every kind of response: page, API, static
// file, error page, API error, redirect.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sess, err := e.w.Store.CreateSession(context.Background(), e.w.Officer)
	if err != nil {
		t.Fatal(err)
	}
	missing := httptestRequest("GET", "/programs/NO-SUCH-PROGRAM", "")
	missing.AddCookie(&http.Cookie{Name: "pilar_session", Value: sess})
	for _, tc := range []struct {
		name string
		req  *http.Request
		code int
	}{
		{"Page", httptestRequest("GET", "/login", ""), 200},
		{"API", httptestRequest("GET", "/api/v1/programs", "Bearer "+e.tokens[e.w.Officer]), 200},
		{"Static", httptestRequest("GET", "/static/pilar.css", ""), 200},
		{"ErrorPage", missing, 404},
		{"APIError", httptestRequest("GET", "/api/v1/programs", ""), 401},
		{"Redirect", httptestRequest("GET", "/programs", ""), 303},
		{"Health", httptestRequest("GET", "/healthz", ""), 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(e, tc.req)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d", rec.Code, tc.code)
			}
			h := rec.Header()
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP allows inline code: %q", csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("headers %v", h)
			}
		})
	}
}

// infiniteReader fails the test if more than max bytes are read.
type countingReader struct {
	n, max int
	t      *testing.T
}

func (r *countingReader) Read(p []byte) (int, error) {
	r.n += len(p)
	if r.n > r.max {
		r.t.Errorf("read %d bytes of a body that should have been refused", r.n)
		return 0, io.ErrUnexpectedEOF
	}
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token := "Bearer " + e.tokens[e.w.Officer]
	t.Run("DeclaredJSONTooLarge", func(t *testing.T) {
		body := &countingReader{max: 0, t: t}
		req := httptest.NewRequest("POST", "/api/v1/recipients", body)
		req.ContentLength = 1 << 40
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", token)
		rec := serve(e, req)
		if m := e.expect(t, rec, 413); errorCode(m) != "payload_too_large" {
			t.Fatalf("code %q", errorCode(m))
		}
	})
	t.Run("ChunkedJSONTooLarge", func(t *testing.T) {
		body := &countingReader{max: web.MaxJSONBytes + 64<<10, t: t}
		req := httptest.NewRequest("POST", "/api/v1/recipients", io.MultiReader(strings.NewReader(`{"name":"`), body))
		req.ContentLength = -1 // chunked: the size is not declared
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", token)
		if m := e.expect(t, serve(e, req), 413); errorCode(m) != "payload_too_large" {
			t.Fatalf("code %q", errorCode(m))
		}
	})
	t.Run("DeclaredUploadTooLarge", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/api/v1/recipients/import", &countingReader{max: 0, t: t})
		req.ContentLength = 1<<20 + 1 // newEnv sets uploads.max_bytes to 1 MiB
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		req.Header.Set("Authorization", token)
		e.expect(t, serve(e, req), 413)
	})
	t.Run("WrongContentType", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/api/v1/recipients", strings.NewReader(`{"name":"x"}`))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", token)
		if m := e.expect(t, serve(e, req), 400); errorCode(m) != "bad_request" {
			t.Fatalf("code %q", errorCode(m))
		}
	})
}

// hostile names try to break out of HTML, attributes and templates.
var hostile = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(1)`,
	`{{.CSRF}} {{template "layout" .}}`,
	`Robert'); DROP TABLE recipients;--`,
	`javascript:alert(1)`,
}

// TestTemplateEscaping stores hostile names and checks, with an HTML
// parser, that pages show them as text and never as markup.
func TestTemplateEscaping(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ids []int64
	for i, name := range hostile {
		r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{
			"kind": "umkm", "name": name, "owner_name": name, "address": name, "nik": fmt.Sprintf("647201450680%04d", i+1)}), 201)
		if r["name"] != name {
			t.Fatalf("stored %q as %q", name, r["name"])
		}
		ids = append(ids, int64(r["id"].(float64)))
	}
	body := programBody("HOSTILE-1", "1000000")
	body["name"] = hostile[0] + hostile[1]
	e.expect(t, e.do(t, e.w.Reviewer, "POST", "/api/v1/programs", body), 201)
	b := newBrowser(e, "192.0.2.1:1")
	b.signIn(t, e.w.Officer.Email, dbtest.Password)
	pages := []string{"/recipients", "/programs", "/programs/HOSTILE-1", "/recipients?q=" + url.QueryEscape(hostile[1])}
	for _, id := range ids {
		pages = append(pages, fmt.Sprintf("/recipients/%d", id))
	}
	for _, p := range pages {
		rec := b.get(p)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", p, rec.Code)
		}
		doc := parseHTML(t, rec.Body.String())
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			if n.Data == "script" || n.Data == "img" {
				t.Errorf("%s: a <%s> element came from data", p, n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") || strings.Contains(a.Val, "javascript:") {
					t.Errorf("%s: attribute %s=%q came from data", p, a.Key, a.Val)
				}
			}
		})
		if p == "/recipients" && !strings.Contains(text(doc), hostile[3]) {
			t.Errorf("%s: the name with {{ is not shown literally", p)
		}
	}
}

// TestSQLLookingInput sends SQL in every filter and field: it is stored and
// shown literally and never causes a 500.
func TestSQLLookingInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sql := []string{`' OR '1'='1`, `1; DROP TABLE programs; --`, `%' UNION SELECT password_hash FROM users --`, `\`, `_%`}
	filters := map[string][]string{
		"/api/v1/programs":      {"year", "agency", "funding_source", "kind", "status", "limit", "cursor"},
		"/api/v1/recipients":    {"q", "nik", "nib", "region", "size_class", "kind"},
		"/api/v1/disbursements": {"program", "recipient_id", "status", "from", "to"},
		"/api/v1/audit":         {"entity", "entity_id"},
		"/programs":             {"year", "funding_source", "kind"},
		"/recipients":           {"q", "region", "size_class", "kind"},
		"/disbursements":        {"program", "status", "from", "to"},
	}
	b := newBrowser(e, "192.0.2.1:1")
	b.signIn(t, e.w.Admin.Email, dbtest.Password)
	for path, params := range filters {
		for _, p := range params {
			for _, v := range sql {
				target := path + "?" + url.Values{p: {v}}.Encode()
				var code int
				if strings.HasPrefix(path, "/api/") {
					code = e.do(t, e.w.Admin, "GET", target, nil).Code
				} else {
					code = b.get(target).Code
				}
				if code != http.StatusOK && code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
					t.Errorf("%s: %d", target, code)
				}
			}
		}
	}
	for i, v := range sql {
		r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{
			"kind": "kelompok", "name": v, "sector": v, "address": v, "account_holder": v}), 201)
		got := e.expect(t, e.do(t, e.w.Admin, "GET", fmt.Sprintf("/api/v1/recipients/%v", r["id"]), nil), 200)
		if got["name"] != v || got["sector"] != v || got["address"] != v || got["account_holder"] != v {
			t.Fatalf("%d: stored %v, want %q", i, got, v)
		}
		list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients?q="+url.QueryEscape(v), nil), 200)
		if items := list["items"].([]any); len(items) != 1 {
			t.Errorf("searching %q found %d recipients, want exactly the one so named", v, len(items))
		}
	}
	e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs", nil), 200)
}

// TestMasking checks that officers and reviewers see masked personal data in
// JSON and pages, and that sending the masked value back keeps the stored one.
func TestMasking(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/recipients", map[string]any{
		"kind": "umkm", "name": "Amplang Bu Siti", "nik": "6472014506800001", "phone": "0812-3456-7890", "account_no": "0123456789"}), 201)
	path := fmt.Sprintf("/api/v1/recipients/%v", r["id"])
	for _, u := range []*finance.User{e.w.Officer, e.w.Reviewer, e.w.OtherOfficer} {
		m := e.expect(t, e.do(t, u, "GET", path, nil), 200)
		if m["nik"] != "6472********0001" || m["phone"] != "**********7890" || m["account_no"] != "******6789" {
			t.Fatalf("%s sees %v %v %v", u.Role, m["nik"], m["phone"], m["account_no"])
		}
	}
	for _, u := range []*finance.User{e.w.Admin, e.w.Auditor} {
		if m := e.expect(t, e.do(t, u, "GET", path, nil), 200); m["nik"] != "6472014506800001" || m["account_no"] != "0123456789" {
			t.Fatalf("%s sees %v", u.Role, m["nik"])
		}
	}
	b := newBrowser(e, "192.0.2.1:1")
	b.signIn(t, e.w.Officer.Email, dbtest.Password)
	for _, p := range []string{fmt.Sprintf("/recipients/%v", r["id"]), "/recipients"} {
		page := text(parseHTML(t, b.get(p).Body.String()))
		if strings.Contains(page, "6472014506800001") || strings.Contains(page, "0123456789") || strings.Contains(page, "81234567890") || !strings.Contains(page, "6472********0001") {
			t.Fatalf("%s shows unmasked data to an officer", p)
		}
	}
	// An officer sends back the whole record as shown, with a change.
	shown := e.expect(t, e.do(t, e.w.Officer, "GET", path, nil), 200)
	patch := map[string]any{"name": "Amplang Bu Siti Jaya", "nik": shown["nik"], "phone": shown["phone"], "account_no": shown["account_no"]}
	if m := e.expect(t, e.do(t, e.w.Officer, "PATCH", path, patch), 200); m["nik"] != "6472********0001" || m["name"] != "Amplang Bu Siti Jaya" {
		t.Fatalf("patch answered %v", m)
	}
	full := e.expect(t, e.do(t, e.w.Auditor, "GET", path, nil), 200)
	if full["nik"] != "6472014506800001" || full["phone"] != "+6281234567890" || full["account_no"] != "0123456789" {
		t.Fatalf("the masked echo overwrote stored data: %v %v %v", full["nik"], full["phone"], full["account_no"])
	}
	// A masked value that is not the current one's mask is refused, not stored.
	if m := e.expect(t, e.do(t, e.w.Officer, "PATCH", path, map[string]any{"nik": "6472********0002"}), 422); errorField(m, "nik") == "" {
		t.Fatalf("a foreign masked NIK: %v", m)
	}
}

// TestTokens checks forged, unknown and malformed bearer tokens.
func TestTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, auth := range []string{"", "Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=", "Bearer pilar_forged", "Bearer " + e.tokens[e.w.Admin] + "x", "bearer " + e.tokens[e.w.Admin], "Bearer ' OR 1=1 --"} {
		rec := serve(e, httptestRequest("GET", "/api/v1/programs", auth))
		if m := e.expect(t, rec, 401); errorCode(m) != "unauthorized" {
			t.Errorf("%q: code %q", auth, errorCode(m))
		}
	}
}

// TestSignInToken: the sign-in form's CSRF cookie is set by the sign-in
// page only, and kept while it is valid: the favicon, robots.txt and a
// second sign-in page leave a form already on screen working.
func TestSignInToken(t *testing.T) {
	e := newEnv(t)
	b := newBrowser(e, "192.0.2.7:1")
	first := inputValue(t, b.get("/login").Body.String(), "_csrf")
	for _, p := range []string{"/favicon.ico", "/robots.txt", "/apple-touch-icon.png", "/login"} {
		rec := b.get(p)
		if p == "/favicon.ico" && (rec.Code != 200 || rec.Header().Get("Content-Type") != "image/vnd.microsoft.icon") {
			t.Errorf("favicon: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		if p != "/login" && strings.Contains(rec.Header().Get("Set-Cookie"), "pilar_login") {
			t.Errorf("%s sets the sign-in cookie", p)
		}
	}
	if again := inputValue(t, b.get("/login").Body.String(), "_csrf"); again != first {
		t.Errorf("a second sign-in page changed the token")
	}
	rec := b.post("/login", url.Values{"email": {e.w.Officer.Email}, "password": {"wrong"}, "_csrf": {first}})
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "Email atau kata sandi salah") {
		t.Fatalf("wrong password: %d %.300s", rec.Code, rec.Body.String())
	}
	rec = b.post("/login", url.Values{"email": {e.w.Officer.Email}, "password": {dbtest.Password}, "_csrf": {first}, "next": {"/programs?year=2024"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/programs?year=2024" {
		t.Fatalf("sign-in: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	// A forged cookie value is replaced, not echoed into the page.
	c := newBrowser(e, "192.0.2.8:1")
	c.cookies["pilar_login"] = &http.Cookie{Name: "pilar_login", Value: `"><script>`}
	if tok := inputValue(t, c.get("/login").Body.String(), "_csrf"); tok == `"><script>` || c.cookies["pilar_login"].Value != tok {
		t.Errorf("forged sign-in cookie kept: %q", tok)
	}
}
