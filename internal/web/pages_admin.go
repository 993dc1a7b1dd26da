package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// registerAdminPages adds the pages for users, agencies and API tokens:
// admins change them, auditors read them, others get 403 from the services.
func (s *Server) registerAdminPages(g *echo.Group) {
	g.GET("/admin/users", s.adminUsersPage)
	g.POST("/admin/users", s.createUserPage)
	g.POST("/admin/users/:id/deactivate", s.deactivateUserPage)
	g.GET("/admin/agencies", s.adminAgenciesPage)
	g.POST("/admin/agencies", s.createAgencyPage)
	g.GET("/admin/tokens", s.adminTokensPage)
	g.POST("/admin/tokens", s.createTokenPage)
	g.POST("/admin/tokens/:id/revoke", s.revokeTokenPage)
}

type adminUsers struct {
	Users    []*finance.User
	Agencies []*finance.Agency
	Roles    []string
	// Lookups are the users who passed the identifier lookup limit.
	Lookups []*finance.LookupExcess
}

// Person is the name of the user with this email, for tables that hold
// an email (a token's owner, a lookup excess); the email if none has it.
func (a adminUsers) Person(email string) string { return personOf(a.Users, email) }

// Person is the name of the user with this email; see adminUsers.Person.
func (a adminTokens) Person(email string) string { return personOf(a.Users, email) }

func personOf(users []*finance.User, email string) string {
	for _, u := range users {
		if u.Email == email {
			return u.Name
		}
	}
	return email
}

func (s *Server) renderUsers(c echo.Context, status int, form url.Values, fields map[string]finance.Msg) error {
	users, err := s.users.FindUsers(c.Request().Context())
	if err != nil {
		return err
	}
	agencies, err := s.agencies.FindAgencies(c.Request().Context())
	if err != nil {
		return err
	}
	lookups, err := s.lookups.FindLookupExcesses(c.Request().Context())
	if err != nil {
		return err
	}
	return s.renderForm(c, status, "admin_users", "admin.users", adminUsers{users, agencies, finance.Roles, lookups}, form, fields)
}

func (s *Server) adminUsersPage(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, nil, nil)
}

func (s *Server) createUserPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	in := finance.UserInput{Email: f.form.Get("email"), Name: f.form.Get("name"), Role: f.form.Get("role"),
		Agency: f.form.Get("agency"), Password: f.form.Get("password")}
	fields, err := f.done(func() error { _, err := s.users.CreateUser(c.Request().Context(), in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		f.form.Del("password")
		return s.renderUsers(c, http.StatusUnprocessableEntity, f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

func (s *Server) deactivateUserPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.users.DeactivateUser(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

func (s *Server) renderAgencies(c echo.Context, status int, form url.Values, fields map[string]finance.Msg) error {
	// Every role reads agencies (program forms list them); this page is the
	// administration's, so it asks for the admin reading right.
	if _, err := finance.Authorize(c.Request().Context(), finance.ActReadAdmin, nil); err != nil {
		return err
	}
	agencies, err := s.agencies.FindAgencies(c.Request().Context())
	if err != nil {
		return err
	}
	return s.renderForm(c, status, "admin_agencies", "admin.agencies", agencies, form, fields)
}

func (s *Server) adminAgenciesPage(c echo.Context) error {
	return s.renderAgencies(c, http.StatusOK, nil, nil)
}

func (s *Server) createAgencyPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	in := finance.AgencyInput{Code: f.str("code"), Name: f.str("name"), RegionCode: f.str("region_code")}
	fields, err := f.done(func() error { _, err := s.agencies.CreateAgency(c.Request().Context(), in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		return s.renderAgencies(c, http.StatusUnprocessableEntity, f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/agencies")
}

type adminTokens struct {
	Tokens []*finance.Token
	Users  []*finance.User
	Secret string // a token just created, shown this once
}

func (s *Server) renderTokens(c echo.Context, status int, secret string, form url.Values, fields map[string]finance.Msg) error {
	tokens, err := s.users.FindTokens(c.Request().Context())
	if err != nil {
		return err
	}
	users, err := s.users.FindUsers(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderForm(c, status, "admin_tokens", "admin.tokens", adminTokens{tokens, users, secret}, form, fields)
}

func (s *Server) adminTokensPage(c echo.Context) error {
	return s.renderTokens(c, http.StatusOK, "", nil, nil)
}

// createTokenPage shows the new token's secret once, on the page that
// answers the form; it is never stored or shown again.
func (s *Server) createTokenPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	var secret string
	fields, err := f.done(func() (err error) {
		secret, _, err = s.users.CreateToken(c.Request().Context(), f.form.Get("email"), f.form.Get("label"))
		if finance.ErrorCode(err) == finance.ENotFound {
			return finance.FieldError("email", "no active user has this email")
		}
		return err
	})
	if err != nil {
		return err
	}
	if fields != nil {
		return s.renderTokens(c, http.StatusUnprocessableEntity, "", f.form, fields)
	}
	return s.renderTokens(c, http.StatusCreated, secret, nil, nil)
}

func (s *Server) revokeTokenPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.users.RevokeToken(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/tokens")
}
