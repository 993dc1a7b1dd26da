package web

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SafeRedirectPath is the one check for any return address a client
// names (`/lang/en?back=...`, a sign-in's return-to, any next/back
// parameter): it returns raw and true only when raw is a path on this
// site, which a browser cannot read as another origin; otherwise
// fallback and false. Accepted: "/programs", "/recipients?q=Siti#top".
// Refused: anything not starting with one "/" ("//evil", "https:evil",
// "evil"), a backslash ("/\evil", which browsers read as "//evil"),
// control characters, spaces and invisible characters anywhere (browsers
// drop tab, CR and LF, so "/\t/evil" becomes "//evil"; CR/LF would split the
// header), the same once percent-decoded ("/%5Cevil", "/%2F/evil",
// "/%0d%0aSet-Cookie:"), invalid UTF-8 and more than 2,000 bytes.
func SafeRedirectPath(raw, fallback string) (string, bool) {
	if !localPath(raw, false) {
		return fallback, false
	}
	// Once decoded, too: a proxy or a browser may decode it again.
	if dec, err := url.PathUnescape(raw); err != nil || !localPath(dec, true) {
		return fallback, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return fallback, false
	}
	base := &url.URL{Scheme: "https", Host: "pilar.invalid", Path: "/a/b"}
	if r := base.ResolveReference(u); r.Scheme != base.Scheme || r.Host != base.Host {
		return fallback, false
	}
	return raw, true
}

// localPath holds the character rules of SafeRedirectPath; a decoded path
// may hold plain spaces (sent as %20).
func localPath(s string, decoded bool) bool {
	if len(s) == 0 || len(s) > 2000 || !utf8.ValidString(s) || s[0] != '/' || strings.HasPrefix(s, "//") {
		return false
	}
	for _, r := range s {
		if r == ' ' && decoded {
			continue
		}
		if r == '\\' || !unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
