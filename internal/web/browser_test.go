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

// Unwrap lets http.ResponseController reach the real writer (to flush an
// import's progress lines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

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
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
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
	t.Parallel()
	needChromium(t)
	// One demo site for the subtests (loading the demo is the slow part on
	// PostgreSQL); each has a browser of its own, with a fresh profile.
	s := newSite(t)
	t.Run("FreshProfile", func(t *testing.T) {
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

// digits keeps the digits of s: "Rp2.400.000" -> 2400000.
func digits(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n = n*10 + int64(r-'0')
		}
	}
	return n
}

// tile reads a dashboard figure by its position (1 programs, 2 budget,
// 3 committed, 4 realized).
func (b *chrome) tile(n int) int64 {
	b.t.Helper()
	b.open("/")
	return digits(b.t, b.text(fmt.Sprintf(".tiles .tile:nth-child(%d) strong", n)))
}

// idOf is the disbursement id of a page /disbursements/ID?...
func idOf(t *testing.T, path string) string {
	t.Helper()
	m := regexp.MustCompile(`^/disbursements/(\d+)`).FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("not a disbursement page: %s", path)
	}
	return m[1]
}

// recordDisbursement records a draft for the recipient found by name from
// the program's page, checks the confirmation and submits it; it returns
// the disbursement's id.
func (b *chrome) recordDisbursement(program, search, name, tranche string) string {
	b.t.Helper()
	b.open("/programs/" + program)
	b.submit(`a.button[href^="/disbursements/new?program="]`)
	if v := b.eval(`document.querySelector("select[name=program]").value`); v != program {
		b.t.Fatalf("the form from the program page has program %q", v)
	}
	if v := b.eval(`document.querySelector("input[name=amount]").value`); v != "2.400.000" {
		b.t.Errorf("amount prefilled with %q, want the program's fixed 2.400.000", v)
	}
	b.fill(`input[name=recipient_q]`, search)
	b.submit(`button[name=op][value=search]`)
	pick := fmt.Sprintf(`//ul[@class="picklist"]//label[contains(., %q)]/input`, name)
	b.do("pick "+name, chromedp.Click(chromedp.JSPath(fmt.Sprintf(`document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue`, pick))))
	b.fill(`input[name=tranche]`, tranche)
	b.choose(`input[name=disbursed_on]`, "2021-06-15")
	b.submit(`button[name=op][value=save]`)
	id := idOf(b.t, b.path())
	b.contains("new disbursement", "Penyaluran tercatat sebagai draf", name, "Rp2.400.000")
	b.submit(`form[action$="/submit"] button`)
	b.contains("submitted disbursement", "Diajukan")
	return id
}

// TestBrowserWalk goes through the work of a week on the demo data, each
// person signing in through the form: the officer registers a recipient
// (a wrong NIK first) and records two disbursements found by name; the
// reviewer rejects one with a reason, approves the other and marks it paid,
// and the dashboard's figures move; the officer reads the reason; the
// auditor reads the audit trail and is offered no buttons.
func TestBrowserWalk(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	officer := newChrome(t, s)
	officer.login("petugas.kaltim@pilar.demo")

	// A recipient, with a NIK that is too short first.
	officer.open("/recipients")
	officer.submit(`a.button[href="/recipients/new"]`)
	officer.choose(`select[name=kind]`, "umkm")
	officer.fill(`input[name=name]`, "Warung Uji Samarinda")
	officer.fill(`input[name=owner_name]`, "Sari Uji")
	officer.fill(`input[name=nik]`, "647201410790")
	officer.fill(`input[name=region_code]`, "64.72")
	if st := officer.submit(`form[action="/recipients/new"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Errorf("bad NIK: status %d", st)
	}
	if msg := officer.text(`#err-nik`); msg != "harus 16 angka" {
		t.Errorf("bad NIK says %q, want the Indonesian message", msg)
	}
	officer.fill(`input[name=nik]`, "6472014107900001")
	officer.submit(`form[action="/recipients/new"] button[type=submit]`)
	if p := officer.path(); !regexp.MustCompile(`^/recipients/\d+\?saved=recipient$`).MatchString(p) {
		t.Fatalf("after saving the recipient: %s: %.800s", p, officer.body())
	}
	officer.contains("new recipient", "Penerima tersimpan", "Warung Uji Samarinda")
	officer.noConsoleErrors()

	rejected := officer.recordDisbursement("PEN-KALTIM-2021", "Warung Uji", "Warung Uji Samarinda", "1")
	approved := officer.recordDisbursement("PEN-KALTIM-2021", "6472014107900001", "Warung Uji Samarinda", "2")
	_ = approved
	officer.noConsoleErrors()

	// A batch from the program's page: the fixed amount prefilled, a pasted
	// NIK at tranche 3 and a name nobody has; the refused row stays.
	officer.open("/programs/PEN-KALTIM-2021")
	officer.submit(`a.button[href^="/disbursements/batch?program="]`)
	if v := officer.eval(`document.querySelector("input[name=amount]").value`); v != "2.400.000" {
		t.Errorf("batch amount prefilled with %q, want 2.400.000", v)
	}
	officer.do("paste", chromedp.SendKeys(chromedp.CSS(`textarea[name=paste]`), "6472014107900001\nUsaha Yang Tidak Ada"))
	officer.fill(`input[name=tranche]`, "3")
	officer.choose(`input[name=disbursed_on]`, "2021-06-15")
	officer.do("add a grid row", chromedp.Click(chromedp.CSS(`button.add-row`)))
	if n := officer.eval(`document.querySelectorAll("table.grid tbody tr").length`); n != "6" {
		t.Errorf("the grid has %s rows after adding one, want 6", n)
	}
	if st := officer.submit(`button[name=op][value=save]`); st != http.StatusUnprocessableEntity {
		t.Errorf("batch with a refused row: status %d", st)
	}
	officer.contains("batch results", "1 penyaluran tercatat", "Warung Uji Samarinda", "Rp2.400.000",
		"1 baris ditolak", "tidak ada penerima dengan nama, NIK atau NIB ini")
	if v := officer.eval(`Array.from(document.querySelectorAll("input[name=who]")).map(i => i.value).filter(v => v).join("|")`); v != "Usaha Yang Tidak Ada" {
		t.Errorf("the grid keeps %q, want only the refused row", v)
	}
	officer.noConsoleErrors()

	reviewer := newChrome(t, s)
	reviewer.login("reviu.kaltim@pilar.demo")
	committed, realized := reviewer.tile(3), reviewer.tile(4)
	reviewer.open("/review")
	// Nothing ticked: the page says so.
	reviewer.submit(`button[value=reject]`)
	reviewer.contains("nothing selected", "Belum ada penyaluran yang dipilih")
	// A rejection without a reason is refused; with one it goes through.
	reviewer.do("tick", chromedp.Click(chromedp.CSS(`input[name=id][value="`+rejected+`"]`)))
	reviewer.submit(`button[value=reject]`)
	reviewer.contains("reject without reason", "tulis alasan penolakan")
	reviewer.fill(`input[name=note]`, "NIK tidak cocok dengan KTP")
	reviewer.submit(`button[value=reject]`)
	reviewer.contains("reject results", "Ditolak")
	if bg := reviewer.eval(`getComputedStyle(document.querySelector("button[value=reject]")).backgroundColor + "|" + getComputedStyle(document.querySelector("button[value=approve]")).backgroundColor`); strings.Split(bg, "|")[0] == strings.Split(bg, "|")[1] {
		t.Errorf("Reject looks like Approve: %s", bg)
	}
	reviewer.do("tick", chromedp.Click(chromedp.CSS(`input[name=id][value="`+approved+`"]`)))
	// The new recipient has no size class, so the approval is flagged and needs a reason.
	reviewer.submit(`button[value=approve]`)
	reviewer.contains("flagged approve refused", "jelaskan mengapa tetap disetujui")
	reviewer.do("tick", chromedp.Click(chromedp.CSS(`input[name=id][value="`+approved+`"]`)))
	reviewer.fill(`input[name=override_reason]`, "Kelas usaha mikro, diperiksa di lapangan")
	reviewer.submit(`button[value=approve]`)
	reviewer.contains("approve results", "Disetujui")
	if got := reviewer.tile(3); got != committed+2400000 {
		t.Errorf("committed %d after approving, want %d", got, committed+2400000)
	}
	reviewer.open("/disbursements/" + approved)
	reviewer.fill(`form[action$="/pay"] input[name=payment_ref]`, "TRX-WALK-1")
	reviewer.choose(`form[action$="/pay"] input[name=paid_on]`, "2021-06-20")
	reviewer.submit(`form[action$="/pay"] button`)
	reviewer.contains("paid", "Dibayar", "Status penyaluran diperbarui")
	if got := reviewer.tile(4); got != realized+2400000 {
		t.Errorf("realized %d after paying, want %d", got, realized+2400000)
	}
	reviewer.noConsoleErrors()

	// The officer sees why the first one came back.
	officer.open("/")
	officer.contains("officer dashboard", "Ditolak karena: NIK tidak cocok dengan KTP")
	officer.open("/disbursements/" + rejected)
	officer.contains("rejected disbursement", "Ditolak karena: NIK tidak cocok dengan KTP")

	auditor := newChrome(t, s)
	auditor.login("auditor@pilar.demo")
	auditor.open("/disbursements/" + approved)
	if n := auditor.eval(`document.querySelectorAll("form.action").length`); n != "0" {
		t.Errorf("the auditor is offered %s action forms", n)
	}
	if n := auditor.eval(`document.querySelectorAll('nav a[href="/import"], nav a[href="/review"]').length`); n != "0" {
		t.Errorf("the auditor is offered import or review: %s links", n)
	}
	auditor.submit(`a[href$="/audit"]`)
	auditor.contains("audit trail", "Dibuat", "Diajukan", "Disetujui", "Dibayar", "TRX-WALK-1",
		"WITA", "Rp2.400.000", "Rina Petugas Kaltim", "Budi Reviu Kaltim", "Referensi pembayaran", "Dibayar")
	if body := auditor.body(); strings.Contains(body, "reviu.kaltim@pilar.demo") || strings.Contains(body, `"paid"`) {
		t.Errorf("the ledger shows emails or codes: %.1500s", body)
	}
	// The global ledger, filtered to the reviewer's rejections.
	auditor.open("/audit")
	auditor.choose(`select[name=actor]`, "reviu.kaltim@pilar.demo")
	auditor.choose(`select[name=action]`, "reject")
	auditor.submit(`form[action="/audit"] button[type=submit]`)
	if n := auditor.eval(`document.querySelectorAll(".timeline > li").length`); n == "0" {
		t.Errorf("no rejections by the reviewer in the ledger")
	}
	auditor.contains("filtered ledger", "Penyaluran "+rejected, "NIK tidak cocok dengan KTP")
	if body := auditor.body(); strings.Contains(body, "Disetujui ·") {
		t.Errorf("the filter for rejections shows approvals")
	}
	auditor.open("/audit/verify")
	auditor.contains("verification", "Rantai jejak audit utuh")
	auditor.noConsoleErrors()
}

// TestBrowserLanguage: switching language keeps the page and its query.
func TestBrowserLanguage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	b := newChrome(t, s)
	b.login("reviu.kaltim@pilar.demo")
	b.open("/disbursements?status=submitted")
	b.submit(`a[hreflang=en]`)
	if p := b.path(); p != "/disbursements?status=submitted" {
		t.Errorf("after switching to English: %s", p)
	}
	b.contains("English page", "Disbursements", "Submitted")
	b.submit(`a[hreflang=id]`)
	if p := b.path(); p != "/disbursements?status=submitted" {
		t.Errorf("after switching back: %s", p)
	}
	b.contains("Indonesian page", "Penyaluran")
	b.noConsoleErrors()
}

// fitsWidth fails the test if the page the tab shows scrolls sideways: a
// table wider than the window scrolls inside its own box.
func (b *chrome) fitsWidth(what string) {
	b.t.Helper()
	got := b.eval(`document.documentElement.scrollWidth + " " + window.innerWidth`)
	var sw, iw int
	fmt.Sscan(got, &sw, &iw)
	if sw > iw {
		wide := b.eval(`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".scroll")).slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`)
		b.t.Errorf("%s: scrollWidth %d > %d; too wide: %s", what, sw, iw, wide)
	}
}

// buttonsReadable fails the test if a visible button's label has the
// colour of its background, which only the cascade of style rules shows.
func (b *chrome) buttonsReadable(what string) {
	b.t.Helper()
	if bad := b.eval(`[...document.querySelectorAll("button")].filter(e => e.offsetParent && e.textContent.trim() && getComputedStyle(e).color === getComputedStyle(e).backgroundColor).map(e => e.textContent.trim()).join(", ")`); bad != "" {
		b.t.Errorf("%s: buttons whose label is the colour of their background: %s", what, bad)
	}
}

// TestBrowserPhoneWidth opens each main page at 390 px wide, as each role
// that uses it: nothing may scroll sideways. With PILAR_SCREENSHOTS set it
// saves a screenshot of each page at 390 and 1280 px there.
func TestBrowserPhoneWidth(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	pages := map[string][]string{
		"petugas.kaltim@pilar.demo": {"/", "/programs", "/programs/PEN-KALTIM-2021", "/recipients", "/recipients/1",
			"/recipients/new", "/disbursements", "/disbursements/new?program=PEN-KALTIM-2021&recipient_q=Warung", "/disbursements/batch?program=PEN-KALTIM-2021", "/import",
			"/reports/realization", "/reports/realization?group_by=month", "/reports/coverage?group_by=region", "/reports/overlaps"},
		"reviu.kaltim@pilar.demo": {"/review", "/disbursements/1", "/disbursements/2"},
		"auditor@pilar.demo":      {"/disbursements/1/audit", "/audit", "/audit/verify"},
		"admin@pilar.demo":        {"/admin/users", "/admin/agencies", "/admin/tokens", "/programs/new"},
	}
	shots := os.Getenv("PILAR_SCREENSHOTS")
	for _, who := range []string{"petugas.kaltim@pilar.demo", "reviu.kaltim@pilar.demo", "auditor@pilar.demo", "admin@pilar.demo"} {
		b := newChrome(t, s)
		b.login(who)
		for _, p := range pages[who] {
			for _, width := range []int64{390, 1280} {
				// The reports' wide tables are looked at on a desktop too.
				if width == 1280 && shots == "" && !strings.HasPrefix(p, "/reports/") {
					continue
				}
				b.do("viewport", chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(1)))
				b.open(p)
				b.fitsWidth(fmt.Sprintf("%s at %d px as %s", p, width, who))
				b.buttonsReadable(fmt.Sprintf("%s as %s", p, who))
				if shots != "" {
					png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
					if err == nil {
						name := fmt.Sprintf("%s-%d.png", regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.Split(who, "@")[0]+p, "_"), width)
						os.WriteFile(filepath.Join(shots, name), png, 0o644)
					}
				}
			}
		}
		b.noConsoleErrors()
	}
}
