package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pilar/internal/web"
)

// redirectCases are return addresses a client may send: the first are
// paths on this site, the rest the known ways to another origin.
var (
	localPaths = []string{"/", "/programs", "/programs/PEN-2024?tab=revisions", "/recipients?q=Siti%20Aminah#list",
		"/disbursements?program=APBD%2F2024", "/lang/id", "/ñandú", "/a/./b", "/a/../b", "/%20/programs"}
	offsitePaths = []string{
		"", "programs", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/%5Cevil.example",
		"/%5cevil.example", "/%2F/evil.example", "/%2f%2fevil.example", "/\t/evil.example", "/%09/evil.example",
		"/\n/evil.example", "/%0a/evil.example", "/\r/evil.example", "/%0d%0aSet-Cookie:%20a=b", "/%0D%0ALocation:%20//evil",
		"/ /evil.example", "https:evil.example", "https://evil.example", "http:/evil.example",
		"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "  /programs", "/\x00/evil", "/%00",
		"/\u200b/evil.example", "/\u00a0/evil.example", "/\u2028/evil", "/\ufeff/evil", "/\x7f/evil", "/%7f",
		"/%zz", "/%", "/\xff", "/%E2%80%8B/evil", "/%e3%80%80/evil", "/" + strings.Repeat("a", 2000),
		"//evil.example/%2e%2e", "/\\/evil.example", "/@evil.example", "//user@evil.example",
	}
)

func TestSafeRedirectPath(t *testing.T) {
	t.Parallel()
	for _, p := range localPaths {
		if got, ok := web.SafeRedirectPath(p, "/"); !ok || got != p {
			t.Errorf("%q: got %q, %v; want it accepted", p, got, ok)
		}
	}
	for _, p := range offsitePaths {
		if p == "/@evil.example" { // a path on this site, not a user-info
			if _, ok := web.SafeRedirectPath(p, "/"); !ok {
				t.Errorf("%q refused; it is a local path", p)
			}
			continue
		}
		if got, ok := web.SafeRedirectPath(p, "/home"); ok || got != "/home" {
			t.Errorf("%q: got %q, %v; want the fallback", p, got, ok)
		}
	}
}

// TestLangBack sends every case through /lang/en?back=: the browser is
// sent back only to a path on this site, otherwise to /.
func TestLangBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, p := range append(append([]string{}, localPaths...), offsitePaths...) {
		rec := serve(e, httptestRequest("GET", "/lang/en?back="+url.QueryEscape(p), ""))
		want := "/"
		if _, ok := web.SafeRedirectPath(p, "/"); ok {
			want = p
		}
		if want == "/" && rec.Code == http.StatusBadRequest && rec.Header().Get("Location") == "" {
			continue // a NUL, bad UTF-8 or over-long value is refused before (refuseHostileInput)
		}
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
			t.Errorf("back=%q: %d to %q, want 303 to %q", p, rec.Code, rec.Header().Get("Location"), want)
		}
	}
	// The reported bypasses, exactly as sent.
	for _, q := range []string{"/%5Cevil.example", "/%09/evil.example", "//evil.example", "/%5C%5Cevil.example", "https:evil.example", "/%0D%0A/evil"} {
		rec := serve(e, httptestRequest("GET", "/lang/en?back="+q, ""))
		if loc := rec.Header().Get("Location"); loc != "/" {
			t.Errorf("back=%s: Location %q, want /", q, loc)
		}
	}
}

// FuzzSafeRedirectPath checks that whatever is accepted stays on this
// origin however a browser reads it: with tab, CR and LF removed and
// backslashes read as slashes (WHATWG URL parsing), resolved against a page
// of this site, before and after one more percent-decoding.
func FuzzSafeRedirectPath(f *testing.F) {
	for _, p := range append(append([]string{}, localPaths...), offsitePaths...) {
		f.Add(p)
	}
	base, _ := url.Parse("https://pilar.example/programs/x")
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := web.SafeRedirectPath(raw, "/")
		if !ok {
			if got != "/" {
				t.Fatalf("refused %q but returned %q", raw, got)
			}
			return
		}
		if got != raw {
			t.Fatalf("accepted %q but returned %q", raw, got)
		}
		forms := []string{raw}
		if dec, err := url.PathUnescape(raw); err == nil {
			forms = append(forms, dec)
		}
		for _, s := range forms {
			browser := strings.NewReplacer("\t", "", "\r", "", "\n", "", "\\", "/").Replace(s)
			if strings.HasPrefix(browser, "//") || !strings.HasPrefix(browser, "/") {
				t.Fatalf("accepted %q, which a browser reads as %q", raw, browser)
			}
			u, err := url.Parse(browser)
			if err != nil {
				continue
			}
			if r := base.ResolveReference(u); r.Host != base.Host || r.Scheme != base.Scheme {
				t.Fatalf("accepted %q, which resolves to %s", raw, r)
			}
		}
	})
}
