package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"pilar/internal/finance"
	"pilar/internal/i18n"
)

var statusOf = map[string]int{
	finance.EBadRequest:        http.StatusBadRequest,
	finance.EUnauthorized:      http.StatusUnauthorized,
	finance.EForbidden:         http.StatusForbidden,
	finance.ENotFound:          http.StatusNotFound,
	finance.EConflict:          http.StatusConflict,
	finance.EDuplicate:         http.StatusConflict,
	finance.EInvalidTransition: http.StatusConflict,
	finance.EBudgetExceeded:    http.StatusConflict,
	finance.ETooLarge:          http.StatusRequestEntityTooLarge,
	finance.EValidation:        http.StatusUnprocessableEntity,
	finance.ETooManyRequests:   http.StatusTooManyRequests,
	finance.EUnavailable:       http.StatusServiceUnavailable,
}

var errInternal = errors.New("web: internal error")

// errorBody is the error shape of API.md.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// userError is what users may learn of an error: the status, the code and
// the messages, still as keys (finance.Msg) until detail puts them in a
// language.
type userError struct {
	status int
	code   string
	msg    finance.Msg
	fields map[string]finance.Msg
}

// detail is the userError in lang.
func (p userError) detail(lang string) errorDetail {
	return errorDetail{Code: p.code, Message: say(lang, p.msg), Fields: sayFields(lang, p.fields)}
}

// say is a message in lang (finance.Msg.In).
func say(lang string, m finance.Msg) string { return m.In(lang) }

// sayFields is each field's message in lang.
func sayFields(lang string, fields map[string]finance.Msg) map[string]string {
	if len(fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, m := range fields {
		out[k] = say(lang, m)
	}
	return out
}

// apiLang is the language of JSON API messages: English, unless the
// request's Accept-Language prefers Indonesian.
func apiLang(c echo.Context) string {
	tags, _, err := language.ParseAcceptLanguage(c.Request().Header.Get("Accept-Language"))
	if err == nil && len(tags) > 0 {
		if base, _ := tags[0].Base(); base.String() == "id" {
			return "id"
		}
	}
	return "en"
}

// errorPage is what the error page shows: the error and the request id to
// quote when asking for help.
type errorPage struct {
	errorDetail
	RequestID string
}

// pageTitle says what kind of refusal the page is: a page one may not see
// or one that is not there is no failure ("Terjadi kesalahan"); other
// errors keep the general title.
func (p errorPage) pageTitle(lang string) string {
	switch p.Code {
	case finance.EForbidden:
		return i18n.T(lang, "error.title.forbidden")
	case finance.ENotFound:
		return i18n.T(lang, "error.title.not_found")
	}
	return ""
}

// classify turns any error into a status and the messages users may see.
func classify(err error) userError {
	var fe *finance.Error
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	tooLarge := userError{http.StatusRequestEntityTooLarge, finance.ETooLarge, finance.M("the request body is too large"), nil}
	switch {
	case errors.As(err, &fe):
		if st, ok := statusOf[fe.Code]; ok {
			return userError{st, fe.Code, fe.Msg, fe.Fields}
		}
	case errors.As(err, &mbe):
		return tooLarge
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return userError{he.Code, finance.ENotFound, finance.M("no such page or resource"), nil}
		case http.StatusMethodNotAllowed:
			return userError{he.Code, "method_not_allowed", finance.M("this method is not allowed here"), nil}
		case http.StatusRequestEntityTooLarge:
			return tooLarge
		case http.StatusBadRequest, http.StatusUnsupportedMediaType:
			return userError{http.StatusBadRequest, finance.EBadRequest, finance.M("the request could not be read"), nil}
		}
	}
	return userError{http.StatusInternalServerError, "internal", finance.M("something went wrong on our side; it has been logged"), nil}
}

// handleError is Echo's HTTPErrorHandler: JSON for the API (in English
// unless Accept-Language asks for Indonesian), a page in the reader's
// language otherwise. Only internal errors are logged, and their text
// never reaches users.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := s.userErrorOf(c, err)
	status := p.status
	if after, ok := finance.RetryAfterOf(err); ok && status < 500 || status == http.StatusServiceUnavailable {
		secs := int(math.Ceil(after.Seconds()))
		if secs < 1 {
			secs = 1
		}
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if isAPIPath(c.Request().URL.Path) || c.Request().Header.Get("Accept") == echo.MIMEApplicationJSON {
		if c.Request().Method == http.MethodHead {
			c.NoContent(status)
			return
		}
		c.JSON(status, errorBody{p.detail(apiLang(c))})
		return
	}
	if status == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, "/login")
		return
	}
	s.renderPage(c, status, "error", "error.title", errorPage{p.detail(langOf(c, s.cfg.Lang)), requestID(c)})
}

// userErrorOf classifies err; an internal error is logged, and its message
// names the request id.
func (s *Server) userErrorOf(c echo.Context, err error) userError {
	p := classify(err)
	if p.status == http.StatusInternalServerError {
		s.reqLog(c).Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		if id := requestID(c); id != "" {
			p.msg = finance.M("%s; request id %s", p.msg, id)
		}
	}
	return p
}

// errorPageHTML is the error page of err and its status, for an answer
// whose status is already sent (an import's progress stream).
func (s *Server) errorPageHTML(c echo.Context, err error) (int, string) {
	p := s.userErrorOf(c, err)
	html, err := s.pageHTML(c, "error", "error.title", errorPage{p.detail(langOf(c, s.cfg.Lang)), requestID(c)}, nil, nil)
	if err != nil {
		s.reqLog(c).Error("error page", "err", err)
	}
	return p.status, html
}

func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/openapi.json" || p == "/healthz" || p == "/metrics"
}
