package web

import (
	"net/url"
	"strings"
)

// safePath returns p when it is a path on this site ("/programs?year=2024")
// and "/" otherwise, so that a redirect taken from a query or a form (the
// page asked for before signing in, the page to return to after switching
// language) can never send the browser to another site: no scheme, no host,
// no "//" or "/\" (which browsers read as another host), no control
// characters.
func safePath(p string) string {
	if p == "" || p[0] != '/' || len(p) > 2048 {
		return "/"
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return "/"
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return p
}
