package web

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// maxQueryValue is the longest query parameter value read, in characters.
const maxQueryValue = 2000

// refuseHostileInput refuses, before any handler or the database sees it,
// text that PostgreSQL cannot take or that no field holds: a NUL byte or
// bytes that are not UTF-8 in the path, in a query parameter (name or
// value) or in the Idempotency-Key header are a 400; in a submitted form
// field a 422 naming the field. The rules are finance's (TextProblem).
// Errors: bad_request, validation_failed.
func (s *Server) refuseHostileInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if p, err := url.PathUnescape(r.URL.EscapedPath()); err != nil || finance.TextProblem(p, 1<<16) != "" {
			return finance.Errorf(finance.EBadRequest, "the path must be UTF-8 text without NUL characters")
		}
		query, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return finance.Errorf(finance.EBadRequest, "the query string is malformed")
		}
		for name, vs := range query {
			if finance.TextProblem(name, 100) != "" {
				return finance.Errorf(finance.EBadRequest, "a query parameter's name must be UTF-8 text without NUL characters")
			}
			for _, v := range vs {
				if msg := finance.TextMsg(v, maxQueryValue); msg.Key != "" {
					return finance.Errorf(finance.EBadRequest, "query parameter %s %s", printable(name), msg)
				}
			}
		}
		if key := r.Header.Get("Idempotency-Key"); key != "" && !printableASCII(key) {
			return finance.Errorf(finance.EBadRequest, "an Idempotency-Key must be printable ASCII (such as a UUID)")
		}
		if ct := r.Header.Get(echo.HeaderContentType); strings.HasPrefix(ct, echo.MIMEApplicationForm) {
			form, err := c.FormParams()
			if err != nil {
				return finance.Errorf(finance.EBadRequest, "the form could not be read")
			}
			f := finance.Fields{}
			for name, vs := range form {
				for _, v := range vs {
					finance.CheckText(f, printable(name), v, finance.TextLimit(name))
				}
			}
			if err := f.Err(); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// printableASCII: every byte is a visible ASCII character.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// printable is a name fit to echo back in a message.
func printable(s string) string {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "(unreadable)"
	}
	return s
}
