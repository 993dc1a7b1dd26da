package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"

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

// loginForm renders the sign-in form with a fresh CSRF token in its cookie
// and hidden field.
func (s *Server) loginForm(c echo.Context, status int, form url.Values, msgKey string) error {
	token := randomToken()
	s.setCookie(c, loginCookie, token, 3600)
	if form == nil {
		form = url.Values{}
	}
	form.Del("password")
	form.Set("_csrf", token)
	var fields map[string]finance.Msg
	if msgKey != "" {
		fields = map[string]finance.Msg{"form": finance.M(msgKey)}
	}
	return s.renderForm(c, status, "login", "signin.title", nil, form, fields)
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) loginPage(c echo.Context) error {
	if sessionOf(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.loginForm(c, http.StatusOK, nil, "")
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
		return s.loginForm(c, http.StatusUnauthorized, form, "signin.failed")
	case finance.ETooManyRequests:
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
	s.setCookie(c, loginCookie, "", -1)
	s.setCookie(c, sessionCookie, id, int(s.cfg.Sessions.AbsoluteTimeout.Seconds()))
	return c.Redirect(http.StatusSeeOther, "/")
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
