package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pilar/internal/finance"
)

const chromium = "/usr/bin/chromium"

// headless runs Chromium on url and returns the rendered DOM; with
// PILAR_SCREENSHOTS set to a folder it also saves a screenshot there.
func headless(t *testing.T, url, shot string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(), "--window-size=1280,900"}
	if dir := os.Getenv("PILAR_SCREENSHOTS"); dir != "" {
		out, err := exec.CommandContext(ctx, chromium, append(args, "--screenshot="+filepath.Join(dir, shot), url)...).CombinedOutput()
		if err != nil {
			t.Fatalf("chromium screenshot: %v %s", err, out)
		}
	}
	out, err := exec.CommandContext(ctx, chromium, append(args, "--dump-dom", url)...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}

// TestBrowser renders the sign-in page and the dashboard in headless
// Chromium (skipped where it is not installed): under the real CSP, the
// pages load their stylesheet and show their content.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("headless Chromium test skipped: " + chromium + " is not installed")
	}
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", "/api/v1/programs", programBody("DAK-PK-2024", "2100000000")), 201)
	public := httptest.NewServer(e.srv.Echo)
	defer public.Close()
	// Chromium on the command line cannot sign in; these servers hand every
	// request a user's session cookie instead.
	as := func(u *finance.User) *httptest.Server {
		session, err := e.w.Store.CreateSession(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.AddCookie(&http.Cookie{Name: "pilar_session", Value: session})
			e.srv.Echo.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	signedIn, admin := as(e.w.Officer), as(e.w.Admin)

	login := headless(t, public.URL+"/login", "login.png")
	for _, want := range []string{`name="password"`, `name="_csrf"`, "Masuk · Pilar"} {
		if !strings.Contains(login, want) {
			t.Errorf("sign-in page lacks %s: %.400s", want, login)
		}
	}
	dash := headless(t, signedIn.URL+"/", "dashboard.png")
	for _, want := range []string{"Beranda · Pilar", "DAK-PK-2024", "Rp2.100.000.000", "Keluar dari semua perangkat"} {
		if !strings.Contains(dash, want) {
			t.Errorf("dashboard lacks %s: %.400s", want, dash)
		}
	}
	users := headless(t, admin.URL+"/admin/users", "admin_users.png")
	for _, want := range []string{"Pengguna · Pilar", "officer@pilar.test", "Tambah pengguna", "Nonaktifkan"} {
		if !strings.Contains(users, want) {
			t.Errorf("users page lacks %s: %.400s", want, users)
		}
	}
}
