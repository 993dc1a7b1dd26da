package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/report"
)

func (s *Server) registerPages() {
	e := s.Echo
	open := e.Group("", s.withSession)
	open.GET("/login", s.loginPage)
	open.POST("/login", s.login)
	open.GET("/lang/:lang", s.setLang)
	g := e.Group("", s.withSession, s.requireSession)
	g.POST("/logout", s.logout)
	g.POST("/logout/everywhere", s.logoutEverywhere)
	s.registerAdminPages(g)
	g.GET("/", s.dashboardPage)
	g.GET("/programs", s.programsPage)
	g.GET("/programs/new", s.newProgramPage)
	g.POST("/programs/new", s.createProgramPage)
	g.GET("/programs/:code", s.programPage)
	g.POST("/programs/:code/budget-revisions", s.reviseBudgetPage)
	g.GET("/recipients", s.recipientsPage)
	g.GET("/recipients/new", s.newRecipientPage)
	g.POST("/recipients/new", s.createRecipientPage)
	g.GET("/recipients/:id", s.recipientPage)
	g.GET("/import", s.importPage)
	g.POST("/import", s.runImportPage)
	g.GET("/import/refused/:token", s.refusedDownload)
	g.GET("/disbursements", s.disbursementsPage)
	g.GET("/disbursements/new", s.newDisbursementPage)
	g.POST("/disbursements/new", s.createDisbursementPage)
	g.GET("/disbursements/:id", s.disbursementPage)
	g.POST("/disbursements/:id/:action", s.actOnDisbursementPage)
	g.GET("/disbursements/:id/audit", s.disbursementAuditPage)
	g.GET("/programs/:code/audit", s.programAuditPage)
	g.GET("/review", s.reviewPage)
	g.POST("/review", s.reviewDecide)
	for _, k := range report.Kinds {
		g.GET("/reports/"+k.Name, s.reportHandler(k, true))
	}
}

// formInput turns a submitted form into a service input: text fields become
// strings, and fields the input declares as numbers are parsed, a failure
// being a message for that field. Only fields present in the form are set.
type formInput struct {
	form   url.Values
	fields finance.Fields
}

func newFormInput(c echo.Context) (*formInput, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, finance.Errorf(finance.EBadRequest, "the form could not be read")
	}
	return &formInput{form: form, fields: finance.Fields{}}, nil
}

func (f *formInput) str(name string) *string {
	if _, ok := f.form[name]; !ok {
		return nil
	}
	v := f.form.Get(name)
	return &v
}

// raw reads an amount field. People type amounts the Indonesian way
// (2.400.000 or 1.500,50), as in spreadsheets; those are rewritten in plain
// notation, and anything else goes on as typed for the domain to judge.
func (f *formInput) raw(name string) *money.Raw {
	v := f.str(name)
	if v == nil {
		return nil
	}
	r := money.Raw(strings.TrimSpace(*v))
	if a, err := money.ParseLocal(string(r)); err == nil {
		r = money.Raw(a.String())
	}
	return &r
}

func (f *formInput) int(name string) *int {
	v := f.str(name)
	if v == nil || strings.TrimSpace(*v) == "" {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(*v))
	if err != nil {
		f.fields.Add(name, "must be a whole number")
		return nil
	}
	return &n
}

// done calls the service when the form's numbers were readable, and merges
// the service's validation messages with the form's own.
func (f *formInput) done(call func() error) (map[string]finance.Msg, error) {
	if len(f.fields) > 0 {
		return f.fields, nil
	}
	err := call()
	var fe *finance.Error
	if errors.As(err, &fe) && fe.Code == finance.EValidation {
		return fe.Fields, nil
	}
	if errors.As(err, &fe) && (fe.Code == finance.EDuplicate || fe.Code == finance.EConflict || fe.Code == finance.EBudgetExceeded) {
		return map[string]finance.Msg{"form": fe.Msg}, nil
	}
	return nil, err
}

type dashboardData struct {
	Programs                    []*finance.Program
	Active                      int
	Budget, Committed, Realized money.Amount
}

func (s *Server) dashboardPage(c echo.Context) error {
	programs, _, err := s.svc.FindPrograms(c.Request().Context(), finance.ProgramFilter{Page: finance.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	d := dashboardData{Programs: programs}
	for _, p := range programs {
		if p.Status == "active" {
			d.Active++
		}
		d.Budget = d.Budget.Add(p.Budget)
		d.Committed = d.Committed.Add(p.Committed)
		d.Realized = d.Realized.Add(p.Realized)
	}
	return s.renderPage(c, http.StatusOK, "dashboard", "dash.title", d)
}

type listPage[T any] struct {
	Items []T
	Next  string // the URL of the next page, or ""
}

func nextURL(c echo.Context, cursor string) string {
	if cursor == "" {
		return ""
	}
	q := c.QueryParams()
	q.Set("cursor", cursor)
	return c.Request().URL.Path + "?" + q.Encode()
}

func (s *Server) programsPage(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	year, _ := intQuery(c, "year", minYear, maxYear) // a year out of range filters nothing, as before
	items, next, err := s.svc.FindPrograms(c.Request().Context(), finance.ProgramFilter{
		Year: int(year), FundingSource: c.QueryParam("funding_source"), Kind: c.QueryParam("kind"), Page: page,
	})
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "programs", "nav.programs", listPage[*finance.Program]{items, nextURL(c, next)}, c.QueryParams(), nil)
}

func (s *Server) programPage(c echo.Context) error {
	return s.renderProgram(c, http.StatusOK, nil, nil)
}

// renderProgram shows a program with its budget revisions and
// disbursements; a refused revision comes back with what was typed.
func (s *Server) renderProgram(c echo.Context, status int, form url.Values, fields map[string]finance.Msg) error {
	ctx := c.Request().Context()
	p, err := s.svc.FindProgramByCode(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	revisions, err := s.svc.FindBudgetRevisions(ctx, p.Code)
	if err != nil {
		return err
	}
	ds, next, err := s.svc.FindDisbursements(ctx, finance.DisbursementFilter{Program: p.Code, Page: finance.Page{Limit: 100}})
	if err != nil {
		return err
	}
	return s.renderForm(c, status, "program", "nav.programs", struct {
		Program       *finance.Program
		Revisions     []*finance.BudgetRevision
		Disbursements listPage[*finance.Disbursement]
	}{p, revisions, listPage[*finance.Disbursement]{ds, nextURL(c, next)}}, form, fields)
}

// reviseBudgetPage revises a program's budget from its page (APBD-Perubahan).
func (s *Server) reviseBudgetPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	in := finance.BudgetRevisionInput{Budget: f.raw("budget"), Reason: f.str("reason")}
	fields, err := f.done(func() error { _, err := s.svc.ReviseBudget(c.Request().Context(), c.Param("code"), in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		return s.renderProgram(c, http.StatusUnprocessableEntity, f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/programs/"+url.PathEscape(c.Param("code")))
}

type programForm struct {
	Agencies              []*finance.Agency
	Kinds, Sources, Sizes []string
}

func (s *Server) programFormData(c echo.Context) (programForm, error) {
	agencies, err := s.svc.FindAgencies(c.Request().Context())
	return programForm{agencies, finance.ProgramKinds, finance.FundingSources, finance.SizeClasses}, err
}

// formFor refuses a form page to a role that could never save it.
func formFor(c echo.Context, act finance.Act) error {
	_, err := finance.Authorize(c.Request().Context(), act, nil)
	return err
}

func (s *Server) newProgramPage(c echo.Context) error {
	if err := formFor(c, finance.ActEditProgram); err != nil {
		return err
	}
	data, err := s.programFormData(c)
	if err != nil {
		return err
	}
	form := url.Values{"status": {"active"}}
	if sess := sessionOf(c); sess.User.Agency != "" {
		form.Set("agency", sess.User.Agency)
	}
	return s.renderForm(c, http.StatusOK, "program_new", "program.new", data, form, nil)
}

func (s *Server) createProgramPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	sizes := f.form["eligible_size_classes"]
	in := finance.ProgramInput{
		Code: f.str("code"), Name: f.str("name"), Kind: f.str("kind"), FundingSource: f.str("funding_source"),
		Agency: f.str("agency"), FiscalYear: f.int("fiscal_year"), Budget: f.raw("budget"),
		TargetRecipients: f.int("target_recipients"), EligibleSizeClasses: &sizes, RegionCode: f.str("region_code"),
		StartsOn: f.str("starts_on"), EndsOn: f.str("ends_on"), Status: f.str("status"),
	}
	if r := f.raw("amount_per_recipient"); r != nil && *r != "" {
		in.AmountPerRecipient = r
	}
	var p *finance.Program
	fields, err := f.done(func() (err error) { p, err = s.svc.CreateProgram(c.Request().Context(), in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		data, err := s.programFormData(c)
		if err != nil {
			return err
		}
		return s.renderForm(c, http.StatusUnprocessableEntity, "program_new", "program.new", data, f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/programs/"+url.PathEscape(p.Code))
}

func (s *Server) recipientsPage(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	filter := finance.RecipientFilter{Region: c.QueryParam("region"), SizeClass: c.QueryParam("size_class"), Kind: c.QueryParam("kind"), Page: page}
	// One search box: 16 digits is a NIK, 13 digits a NIB, anything else a name.
	q := strings.TrimSpace(c.QueryParam("q"))
	digits := q != "" && strings.Trim(q, "0123456789") == ""
	switch {
	case digits && len(q) == 16:
		filter.NIK = q
	case digits && len(q) == 13:
		filter.NIB = q
	default:
		filter.Q = q
	}
	items, next, err := s.svc.FindRecipients(c.Request().Context(), filter)
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "recipients", "nav.recipients", struct {
		listPage[*finance.Recipient]
		Kinds, Sizes []string
	}{listPage[*finance.Recipient]{items, nextURL(c, next)}, finance.RecipientKinds, finance.SizeClasses}, c.QueryParams(), nil)
}

func (s *Server) recipientPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.FindRecipientByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	ds, _, err := s.svc.FindDisbursements(c.Request().Context(), finance.DisbursementFilter{RecipientID: id, Page: finance.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	flags, err := s.svc.FindRecipientFlags(c.Request().Context(), id)
	if err != nil {
		return err
	}
	var programs []string // the programs it received from, in order of first payment
	for _, d := range ds {
		if !slices.Contains(programs, d.Program) {
			programs = append(programs, d.Program)
		}
	}
	return s.renderPage(c, http.StatusOK, "recipient", "nav.recipients", struct {
		Recipient     *finance.Recipient
		Region        string
		Programs      []string
		Flags         []finance.RecipientFlag
		Disbursements []*finance.Disbursement
	}{r, finance.RegionLabel(r.RegionCode), programs, flags, ds})
}

func (s *Server) newRecipientPage(c echo.Context) error {
	if err := formFor(c, finance.ActEditRecipient); err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "recipient_new", "recipient.new", recipientFormData(), url.Values{"kind": {"umkm"}}, nil)
}

func recipientFormData() any {
	return struct{ Kinds, Sizes []string }{finance.RecipientKinds, finance.SizeClasses}
}

func (s *Server) createRecipientPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	in := finance.RecipientInput{
		Kind: f.str("kind"), Name: f.str("name"), OwnerName: f.str("owner_name"), NIK: f.str("nik"), NIB: f.str("nib"),
		NPWP: f.str("npwp"), Sector: f.str("sector"), SizeClass: f.str("size_class"), RegionCode: f.str("region_code"),
		Address: f.str("address"), Phone: f.str("phone"), BankCode: f.str("bank_code"), AccountNo: f.str("account_no"),
		AccountHolder: f.str("account_holder"), Capital: f.raw("capital"), AnnualSales: f.raw("annual_sales"),
		LegalNumber: f.str("legal_number"), Members: f.int("members"), LastRATYear: f.int("last_rat_year"),
	}
	var r *finance.Recipient
	fields, err := f.done(func() (err error) { r, err = s.svc.CreateRecipient(c.Request().Context(), in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		return s.renderForm(c, http.StatusUnprocessableEntity, "recipient_new", "recipient.new", recipientFormData(), f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/recipients/"+strconv.FormatInt(r.ID, 10))
}

func (s *Server) disbursementsPage(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	items, next, err := s.svc.FindDisbursements(c.Request().Context(), finance.DisbursementFilter{
		Program: c.QueryParam("program"), Status: finance.Status(c.QueryParam("status")), From: c.QueryParam("from"), To: c.QueryParam("to"), Page: page,
	})
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "disbursements", "nav.disbursements", struct {
		listPage[*finance.Disbursement]
		Statuses []string
	}{listPage[*finance.Disbursement]{items, nextURL(c, next)}, finance.Statuses.Strings()}, c.QueryParams(), nil)
}

func (s *Server) disbursementFormData(c echo.Context) (any, error) {
	programs, _, err := s.svc.FindPrograms(c.Request().Context(), finance.ProgramFilter{Status: "active", Page: finance.Page{Limit: 1000}})
	return struct {
		Programs []*finance.Program
		Forms    []string
	}{programs, finance.Forms}, err
}

func (s *Server) newDisbursementPage(c echo.Context) error {
	if err := formFor(c, finance.ActRecordDisbursement); err != nil {
		return err
	}
	data, err := s.disbursementFormData(c)
	if err != nil {
		return err
	}
	form := url.Values{"tranche": {"1"}, "form": {"transfer"}, "program": {c.QueryParam("program")}, "recipient_id": {c.QueryParam("recipient_id")}}
	return s.renderForm(c, http.StatusOK, "disbursement_new", "disb.new", data, form, nil)
}

func (s *Server) createDisbursementPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	in := finance.DisbursementInput{
		Program: f.str("program"), Amount: f.raw("amount"), Tranche: f.int("tranche"), Form: f.str("form"),
		DisbursedOn: f.str("disbursed_on"), PaymentRef: f.str("payment_ref"), Note: f.str("note"),
	}
	if rid := f.int("recipient_id"); rid != nil {
		id := int64(*rid)
		in.RecipientID = &id
	}
	var d *finance.Disbursement
	fields, err := f.done(func() (err error) { d, err = s.svc.CreateDisbursement(c.Request().Context(), in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		data, err := s.disbursementFormData(c)
		if err != nil {
			return err
		}
		return s.renderForm(c, http.StatusUnprocessableEntity, "disbursement_new", "disb.new", data, f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/disbursements?program="+url.QueryEscape(d.Program))
}
