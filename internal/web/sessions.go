package web

import (
	"crypto/subtle"
	"net/http"
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

func (s *Server) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.cfg.Sessions.SecureCookie || c.IsTLS(), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) loginPage(c echo.Context) error {
	if sessionOf(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.renderPage(c, http.StatusOK, "login", "signin.title", nil)
}

func (s *Server) login(c echo.Context) error {
	form, _ := c.FormParams()
	u, err := s.svc.Authenticate(c.Request().Context(), strings.TrimSpace(form.Get("email")), form.Get("password"))
	if finance.ErrorCode(err) == finance.EUnauthorized {
		form.Del("password")
		return s.renderForm(c, http.StatusUnauthorized, "login", "signin.title", nil, form,
			map[string]string{"form": i18n.T(langOf(c, s.cfg.Lang), "signin.failed")})
	}
	if err != nil {
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

// setLang remembers the chosen language and returns to the page.
func (s *Server) setLang(c echo.Context) error {
	lang := c.Param("lang")
	if !i18n.Supported(lang) {
		return echo.ErrNotFound
	}
	c.SetCookie(&http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	back := c.QueryParam("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/"
	}
	return c.Redirect(http.StatusSeeOther, back)
}
