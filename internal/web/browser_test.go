package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pilar/internal/config"
	"pilar/internal/dbtest"
	"pilar/internal/demo"
	"pilar/internal/store"
	"pilar/internal/web"
)

// chromium is Debian's Chromium, which .ci/run installs.
const chromium = "/usr/bin/chromium"

// needChromium skips a browser test where Chromium is missing, except in
// CI (CI=true), where a missing browser is a failure: the sign-in bug these
// tests guard against must not pass unseen because a package is absent.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need %s in CI: %v", chromium, err)
		}
		t.Skip("browser test skipped: " + chromium + " is not installed")
	}
}

// site is the real server over a fresh database holding the demo data,
// served on a real port. It notes every request it answers, so that a test
// can see what the browser asked for by itself (the favicon).
type site struct {
	URL   string
	Store *store.Store
	mu    sync.Mutex
	seen  []string // "GET /favicon.ico 200"
}

func newSite(t *testing.T) *site {
	t.Helper()
	st := dbtest.Open(t)
	if _, err := demo.Load(context.Background(), st); err != nil {
		t.Fatalf("demo: %v", err)
	}
	cfg := config.Default()
	srv, err := web.New(st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s := &site{Store: st}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: 200}
		srv.Echo.ServeHTTP(rec, r)
		s.mu.Lock()
		s.seen = append(s.seen, fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, rec.status))
		s.mu.Unlock()
	}))
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// requests are the requests answered so far whose line starts with prefix.
func (s *site) requests(prefix string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.seen {
		if strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// chrome is one headless Chromium with a fresh profile, and one of its
// tabs. It collects the console errors of its pages; on failure it saves a
// screenshot and prints its path.
type chrome struct {
	t       *testing.T
	ctx     context.Context
	site    *site
	mu      *sync.Mutex
	console *[]string
	pages   map[string]bool // documents that came as answers to a form
}

func newChrome(t *testing.T, s *site) *chrome {
	t.Helper()
	needChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// Without these Chromium phones home, and on a closed network its
		// connections are refused and slow everything down.
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("password-store", "basic"), chromedp.Flag("lang", "id-ID"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
		t.Fatalf("start chromium: %v", err)
	}
	b := &chrome{t: t, ctx: ctx, site: s, mu: &sync.Mutex{}, console: new([]string), pages: map[string]bool{}}
	b.listen()
	return b
}

// tab opens another tab of the same browser (same profile and cookies).
func (b *chrome) tab() *chrome {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("new tab: %v", err)
	}
	nb := *b
	nb.ctx = ctx
	nb.listen()
	return &nb
}

// listen collects console errors and uncaught exceptions of the tab, and
// registers the screenshot taken when the test fails.
func (b *chrome) listen() {
	msgs := chromedp.Console(b.ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				*b.console = append(*b.console, fmt.Sprintf("%s (%s)", m.String(), m.URL))
				b.mu.Unlock()
			}
		}
	}()
	t := b.t
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
		if err != nil {
			t.Logf("no screenshot: %v", err)
			return
		}
		dir := os.Getenv("PILAR_SCREENSHOTS")
		if dir == "" {
			dir = os.TempDir()
		}
		name := regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(t.Name(), "_")
		path := filepath.Join(dir, fmt.Sprintf("pilar-%s-%d.png", name, time.Now().UnixNano()))
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Logf("no screenshot: %v", err)
			return
		}
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		t.Logf("screenshot of %s at failure: %s", loc, path)
	})
}

// noConsoleErrors fails the test if a page wrote an error to the console
// (a script error, a refused resource, a CSP violation).
func (b *chrome) noConsoleErrors() {
	b.t.Helper()
	// Console events arrive asynchronously; a round trip to the page lets
	// those of the current page come in first.
	b.eval(`1`)
	b.mu.Lock()
	defer b.mu.Unlock()
	var errs []string
	msgs := *b.console
	*b.console = nil
	for _, e := range msgs {
		// A form sent back with its messages has a 4xx status by design
		// (401 wrong password, 422 refused fields); Chromium logs that as a
		// failed load of the page itself. Any other failed load counts.
		if strings.HasPrefix(e, "error: Failed to load resource: the server responded with a status of 4") && b.pages[e[strings.LastIndex(e, "(")+1:len(e)-1]] {
			continue
		}
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		b.t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func (b *chrome) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a page of the site and waits for it.
func (b *chrome) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.site.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// fill types v into the field as a person would, after emptying it.
func (b *chrome) fill(sel, v string) {
	b.t.Helper()
	b.do("fill "+sel, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), v))
}

// choose picks an option of a select by its value.
func (b *chrome) choose(sel, value string) {
	b.t.Helper()
	b.do("choose "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// submit clicks a button and waits for the page it leads to.
func (b *chrome) submit(sel string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	b.do("load after "+sel, chromedp.WaitReady(chromedp.CSS("body")))
	b.mu.Lock()
	b.pages[resp.URL] = true
	b.mu.Unlock()
	return int(resp.Status)
}

func (b *chrome) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// body is the visible text of the page.
func (b *chrome) body() string { b.t.Helper(); return b.text("body") }

func (b *chrome) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String(`+js+`)`))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// path is the path and query the tab shows.
func (b *chrome) path() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatal(err)
	}
	return u.RequestURI()
}

func (b *chrome) contains(what string, wants ...string) {
	b.t.Helper()
	body := b.body()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			b.t.Errorf("%s (%s) lacks %q; it says:\n%.1500s", what, b.path(), w, body)
		}
	}
}

// signIn signs in through the form of the page the tab shows.
func (b *chrome) signIn(email, password string) int {
	b.t.Helper()
	b.fill(`input[name=email]`, email)
	b.fill(`input[name=password]`, password)
	return b.submit(`form[action="/login"] button[type=submit]`)
}

// login opens the sign-in page and signs in.
func (b *chrome) login(email string) {
	b.t.Helper()
	b.open("/login")
	b.signIn(email, demo.Password)
	if p := b.path(); strings.HasPrefix(p, "/login") {
		b.t.Fatalf("sign-in as %s stayed on %s: %.500s", email, p, b.body())
	}
}

// waitFavicon waits until the browser has fetched the favicon by itself, as
// it does after showing a page; Chromium does so right after the load.
func (b *chrome) waitFavicon() []string {
	b.t.Helper()
	for range 100 {
		if got := b.site.requests("GET /favicon.ico"); len(got) > 0 {
			return got
		}
		b.do("wait", chromedp.Sleep(50*time.Millisecond))
	}
	return nil
}

// TestBrowserSignIn signs in with a fresh browser profile exactly as a
// person would: the sign-in page loads (and with it the browser's own
// favicon request), the email and password are typed, the form submitted.
// It lands on the dashboard. The favicon request once replaced the form's
// CSRF cookie, so nobody could sign in.
func TestBrowserSignIn(t *testing.T) {
	t.Run("FreshProfile", func(t *testing.T) {
		s := newSite(t)
		b := newChrome(t, s)
		b.open("/")
		if p := b.path(); p != "/login" {
			t.Fatalf("a visitor lands on %s, want /login", p)
		}
		fav := b.waitFavicon()
		if len(fav) == 0 {
			t.Fatal("the browser never asked for /favicon.ico")
		}
		if fav[0] != "GET /favicon.ico 200" {
			t.Errorf("favicon: %v", fav)
		}
		b.signIn("petugas.kaltim@pilar.demo", demo.Password)
		if p := b.path(); p != "/" {
			t.Fatalf("after signing in the browser shows %s: %.600s", p, b.body())
		}
		if title := b.eval(`document.title`); title != "Beranda · Pilar" {
			t.Errorf("title %q", title)
		}
		b.contains("dashboard", "Rina Petugas Kaltim")
		b.noConsoleErrors()
	})
	t.Run("RobotsTxt", func(t *testing.T) {
		s := newSite(t)
		b := newChrome(t, s)
		b.open("/robots.txt")
		if got := b.body(); !strings.Contains(got, "User-agent: *") {
			t.Errorf("robots.txt says %q", got)
		}
		if p := b.path(); p != "/robots.txt" {
			t.Errorf("robots.txt went to %s", p)
		}
	})
	t.Run("WrongPassword", func(t *testing.T) {
		s := newSite(t)
		b := newChrome(t, s)
		b.open("/login")
		b.waitFavicon()
		if st := b.signIn("petugas.kaltim@pilar.demo", "salah-sekali"); st != http.StatusUnauthorized {
			t.Errorf("wrong password: status %d, want 401", st)
		}
		body := b.body()
		if !strings.Contains(body, "Email atau kata sandi salah") || strings.Contains(body, "kedaluwarsa") {
			t.Errorf("wrong password says: %.600s", body)
		}
		if v := b.eval(`document.querySelector("input[name=email]").value`); v != "petugas.kaltim@pilar.demo" {
			t.Errorf("the email typed is gone: %q", v)
		}
		// The same form, now with the right password, signs in.
		b.signIn("petugas.kaltim@pilar.demo", demo.Password)
		if p := b.path(); p != "/" {
			t.Fatalf("second try lands on %s: %.600s", p, b.body())
		}
		b.noConsoleErrors()
	})
	t.Run("TwoTabs", func(t *testing.T) {
		s := newSite(t)
		a := newChrome(t, s)
		a.open("/login")
		a.waitFavicon()
		b := a.tab()
		b.open("/login")
		// The first tab's form was loaded before the second: it still works.
		a.signIn("petugas.kaltim@pilar.demo", demo.Password)
		if p := a.path(); p != "/" {
			t.Fatalf("first tab lands on %s: %.600s", p, a.body())
		}
		// And so does the second's, loaded before the first signed in.
		b.signIn("reviu.kaltim@pilar.demo", demo.Password)
		if p := b.path(); p != "/" {
			t.Fatalf("second tab lands on %s: %.600s", p, b.body())
		}
		b.contains("second tab", "Budi Reviu Kaltim")
	})
	t.Run("NextPage", func(t *testing.T) {
		s := newSite(t)
		b := newChrome(t, s)
		b.open("/disbursements?status=submitted")
		if p := b.path(); !strings.HasPrefix(p, "/login") {
			t.Fatalf("a visitor sees %s", p)
		}
		b.signIn("reviu.kaltim@pilar.demo", demo.Password)
		if p := b.path(); p != "/disbursements?status=submitted" {
			t.Errorf("after signing in the browser shows %s, want the page asked for", p)
		}
		// Another site is never a destination.
		b.do("sign out", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action="/logout"]').submit()`))
		b.do("wait", chromedp.WaitReady(chromedp.CSS(`input[name=email]`)))
		b.open("/login?next=" + url.QueryEscape("//evil.example/x"))
		b.signIn("reviu.kaltim@pilar.demo", demo.Password)
		if p := b.path(); p != "/" {
			t.Errorf("next=//evil.example led to %s", p)
		}
	})
}
