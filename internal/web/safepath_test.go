package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafePath(t *testing.T) {
	for in, want := range map[string]string{
		"/programs":                     "/programs",
		"/disbursements?status=draft":   "/disbursements?status=draft",
		"/recipients?q=Warung%20Bu%20A": "/recipients?q=Warung%20Bu%20A",
		"":                              "/",
		"programs":                      "/",
		"//evil.example/x":              "/",
		"/\\evil.example":               "/",
		"/a\\b":                         "/",
		"https://evil.example/":         "/",
		"/x\r\nSet-Cookie: a=b":         "/",
		"/x\x00":                        "/",
		"javascript:alert(1)":           "/",
		"/" + strings.Repeat("a", 3000): "/",
	} {
		if got := safePath(in); got != want {
			t.Errorf("safePath(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"/login": "/", "/login?next=/x": "/", "/logout": "/", "/programs": "/programs"} {
		if got := nextOf(in); got != want {
			t.Errorf("nextOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafePath: whatever comes in, what goes out is "/" or the input, and a
// browser resolving it against this site stays on this site.
func FuzzSafePath(f *testing.F) {
	for _, s := range []string{"/programs?x=1", "//a", "/\\a", "http://a", "/%2F%2Fa", "/.//a", "\t//a"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://pilar.example/here")
	f.Fuzz(func(t *testing.T, in string) {
		out := safePath(in)
		if out != "/" && out != in {
			t.Fatalf("safePath(%q) = %q", in, out)
		}
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("safePath(%q) = %q, unparseable: %v", in, out, err)
		}
		if r := base.ResolveReference(u); r.Host != base.Host || r.Scheme != base.Scheme {
			t.Fatalf("safePath(%q) = %q leaves the site: %s", in, out, r)
		}
		if strings.HasPrefix(out, "//") || strings.HasPrefix(out, "/\\") || strings.ContainsAny(out, "\r\n\t\\") {
			t.Fatalf("safePath(%q) = %q", in, out)
		}
	})
}
