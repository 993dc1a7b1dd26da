package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/i18n"
)

const sessionCookie = "pilar_session"

func sessionOf(c echo.Context) *finance.Session {
	s, _ := c.Get("session").(*finance.Session)
	return s
}

// withSession loads the browser's session, if any, and acts as its user.
func (s *Server) withSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err == nil && ck.Value != "" {
			sess, err := s.svc.SessionByID(c.Request().Context(), ck.Value, s.cfg.Sessions.IdleTimeout, s.cfg.Sessions.AbsoluteTimeout)
			if err == nil {
				c.Set("session", sess)
				c.SetRequest(c.Request().WithContext(finance.WithActor(c.Request().Context(), sess.User.Actor())))
			}
		}
		return next(c)
	}
}

// requireSession sends visitors without a session to the sign-in page and
// checks the CSRF token of every state-changing request.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := sessionOf(c)
		if sess == nil {
			// A page asked for is remembered, so that signing in leads there.
			if r := c.Request(); r.Method == http.MethodGet && r.URL.Path != "/" {
				next, _ := SafeRedirectPath(r.URL.RequestURI(), "/")
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
			}
			return c.Redirect(http.StatusSeeOther, "/login")
		}
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			sent := c.Request().Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = c.FormValue("_csrf")
			}
			if subtle.ConstantTimeCompare([]byte(sent), []byte(sess.CSRF)) != 1 {
				return finance.Errorf(finance.EForbidden, "the form has expired; reload the page and try again")
			}
		}
		return next(c)
	}
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure when served over
// TLS or when sessions.secure_cookie says a TLS proxy is in front.
func (s *Server) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.cfg.Sessions.SecureCookie || c.IsTLS(), SameSite: http.SameSiteLaxMode,
	})
}

// loginCookie carries the sign-in form's CSRF token before any session
// exists, so that another site cannot sign a browser in to its own account.
const loginCookie = "pilar_login"

// loginForm renders the sign-in form with the sign-in CSRF token in its
// cookie and hidden field. A token the browser already holds is kept: a
// second sign-in tab, a refused password shown again, or any other request
// that ends on this form must not invalidate a form already on screen. Only
// this form sets the cookie; a request for anything else (a favicon, a
// stray link) that is sent here is a redirect to this page, and this page
// keeps the token.
func (s *Server) loginForm(c echo.Context, status int, form url.Values, msgKey string) error {
	token := ""
	if ck, err := c.Cookie(loginCookie); err == nil && validToken(ck.Value) {
		token = ck.Value
	} else {
		token = randomToken()
	}
	s.setCookie(c, loginCookie, token, 3600)
	if form == nil {
		form = url.Values{}
	}
	form.Del("password")
	form.Set("_csrf", token)
	form.Set("next", nextOf(form.Get("next")))
	var fields map[string]finance.Msg
	if msgKey != "" {
		fields = map[string]finance.Msg{formError: finance.M(msgKey)}
	}
	return s.renderForm(c, status, "login", "signin.title", nil, form, fields)
}

// validToken reports whether v looks like a token randomToken made, so a
// cookie set by anyone else is replaced rather than echoed into the page.
func validToken(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == 24
}

// nextOf is the page to go to after signing in: a path on this site, and
// never the sign-in or sign-out pages themselves.
func nextOf(next string) string {
	p, _ := SafeRedirectPath(next, "/")
	if p == "/login" || strings.HasPrefix(p, "/login?") || strings.HasPrefix(p, "/logout") {
		return "/"
	}
	return p
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) loginPage(c echo.Context) error {
	if sessionOf(c) != nil {
		return c.Redirect(http.StatusSeeOther, nextOf(c.QueryParam("next")))
	}
	return s.loginForm(c, http.StatusOK, url.Values{"next": {c.QueryParam("next")}}, "")
}

func (s *Server) login(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return finance.Errorf(finance.EBadRequest, "the form could not be read")
	}
	ck, err := c.Cookie(loginCookie)
	if err != nil || ck.Value == "" || subtle.ConstantTimeCompare([]byte(form.Get("_csrf")), []byte(ck.Value)) != 1 {
		return s.loginForm(c, http.StatusForbidden, form, "signin.expired")
	}
	u, err := s.svc.Authenticate(c.Request().Context(), form.Get("email"), form.Get("password"), c.RealIP())
	switch finance.ErrorCode(err) {
	case "":
	case finance.EUnauthorized:
		s.Metrics.SignInFailed("password", false)
		return s.loginForm(c, http.StatusUnauthorized, form, "signin.failed")
	case finance.ETooManyRequests:
		s.Metrics.SignInFailed("password", true)
		return s.loginForm(c, http.StatusTooManyRequests, form, "signin.throttled")
	default:
		return err
	}
	// A new id at every sign-in: a session id planted before cannot be reused.
	if ck, err := c.Cookie(sessionCookie); err == nil {
		s.svc.DeleteSession(c.Request().Context(), ck.Value)
	}
	id, err := s.svc.CreateSession(c.Request().Context(), u)
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, id, int(s.cfg.Sessions.AbsoluteTimeout.Seconds()))
	return c.Redirect(http.StatusSeeOther, nextOf(form.Get("next")))
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.svc.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/login")
}

// logoutEverywhere ends every session of the user, in every browser.
func (s *Server) logoutEverywhere(c echo.Context) error {
	if err := s.svc.DeleteUserSessions(c.Request().Context()); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/login")
}

// setLang remembers the chosen language and returns to the page.
func (s *Server) setLang(c echo.Context) error {
	lang := c.Param("lang")
	if !i18n.Supported(lang) {
		return echo.ErrNotFound
	}
	c.SetCookie(&http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	back, _ := SafeRedirectPath(c.QueryParam("back"), "/")
	return c.Redirect(http.StatusSeeOther, back)
}
