package web

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/i18n"
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
	s.registerEditPages(g)
	s.registerReconPages(g)
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
	g.GET("/exclusion-lists", s.exclusionListsPage)
	g.POST("/exclusion-lists", s.uploadExclusionPage)
	g.POST("/exclusion-lists/:id/withdraw", s.withdrawExclusionPage)
	g.GET("/import", s.importPage)
	g.POST("/import", s.runImportPage)
	g.GET("/import/refused/:token", s.refusedDownload)
	g.GET("/import/template/:kind", s.importTemplate)
	g.GET("/disbursements", s.disbursementsPage)
	g.GET("/disbursements/export", s.exportDisbursements)
	g.GET("/disbursements/new", s.newDisbursementPage)
	g.GET("/disbursements/batch", s.batchPage)
	g.POST("/disbursements/batch", s.saveBatchPage)
	g.POST("/disbursements/new", s.createDisbursementPage)
	g.GET("/disbursements/:id", s.disbursementPage)
	g.POST("/disbursements/:id/:action", s.actOnDisbursementPage)
	g.POST("/disbursements/:id/repayments", s.recordRepaymentPage)
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

// idForm reads the :id of a record's form route and the form posted to it.
// Errors: not_found (a bad id), bad_request (an unreadable form).
func idForm(c echo.Context) (int64, *formInput, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	f, err := newFormInput(c)
	return id, f, err
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
// notation. One in no notation the form reads is a message for the field,
// whose example is what the form takes (2.400.000), not the JSON API's
// plain 2400000.00; anything else (an empty optional amount, a zero, a
// negative) goes on in plain notation for the domain to judge.
func (f *formInput) raw(name string) *money.Raw {
	v := f.str(name)
	if v == nil {
		return nil
	}
	r, msg := localAmount(*v)
	if msg != nil {
		f.fields.AddMsg(name, *msg)
	}
	return &r
}

// localAmount is an amount as typed, in plain notation when it is one, and
// the refusal of one in no notation money.ParseLocal reads.
func localAmount(v string) (money.Raw, *finance.Msg) {
	r := money.Raw(strings.TrimSpace(v))
	a, err := money.ParseLocal(string(r))
	if err == nil {
		return money.Raw(a.String()), nil
	}
	var ea *money.ErrAmount
	if errors.As(err, &ea) && ea.Reason == money.NotANumber {
		m := finance.AmountMsg(err)
		return r, &m
	}
	// Refused for another reason (zero, negative, too many decimals, empty):
	// the domain judges it in plain notation, so that "-5.000" is minus
	// five thousand, not five with three decimals.
	return money.Raw(money.LocalPlain(v)), nil
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
		return map[string]finance.Msg{formError: fe.Msg}, nil
	}
	return nil, err
}

// alsoCheck adds, when the form's own numbers were unreadable (so done
// will not call the service), the messages check gives the other fields:
// check applies the service's rules to the input and writes nothing. One
// submit then shows every refused field, not one now and the rest next
// time; a field's own message comes first.
func (f *formInput) alsoCheck(check func() error) {
	if len(f.fields) == 0 {
		return
	}
	var fe *finance.Error
	if errors.As(check(), &fe) && fe.Code == finance.EValidation {
		for k, m := range fe.Fields {
			f.fields.AddMsg(k, m)
		}
	}
}

// checkDraft applies to d, without writing, the rules of its program
// (finance.Disbursement.CheckAgainst), as the service would, when the
// program can be read (else the service says what is wrong with it).
func (s *Server) checkDraft(c echo.Context, d *finance.Disbursement) error {
	p, err := s.programs.FindProgramByCode(c.Request().Context(), d.Program)
	if err != nil {
		return nil
	}
	return d.CheckAgainst(p)
}

type dashboardData struct {
	Programs                    []*finance.Program
	Next                        string                  // the next page of programs, or ""
	Rejected                    []*finance.Disbursement // for those who record: what came back, and why
	Active                      int64
	Budget, Committed, Realized money.Amount
}

// pageListPage is the page of a list page: the query's limit and cursor,
// 1,000 rows unless a limit is asked for; the page shows a next link when
// there are more.
func pageListPage(c echo.Context) (finance.Page, error) {
	page, err := pageOf(c)
	if page.Limit == 0 {
		page.Limit = 1000
	}
	return page, err
}

func (s *Server) dashboardPage(c echo.Context) error {
	ctx := c.Request().Context()
	page, err := pageListPage(c)
	if err != nil {
		return err
	}
	programs, next, err := s.programs.FindPrograms(ctx, finance.ProgramFilter{Page: page})
	if err != nil {
		return err
	}
	// The tiles sum every program, in the store, not the page shown.
	sum, err := s.programs.SumPrograms(ctx, finance.ProgramFilter{})
	if err != nil {
		return err
	}
	d := dashboardData{Programs: programs, Next: nextURL(c, next), Active: sum.Active,
		Budget: sum.Budget, Committed: sum.Committed, Realized: sum.Realized}
	if finance.ActorFrom(c.Request().Context()).Can(finance.ActRecordDisbursement) {
		d.Rejected, _, err = s.disbursements.FindDisbursements(c.Request().Context(), finance.DisbursementFilter{
			Status: finance.StatusRejected, Page: finance.Page{Limit: 10, Newest: true}})
		if err != nil {
			return err
		}
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

// programsPage lists programs newest first, with the API's filters, paging
// both ways and the total.
func (s *Server) programsPage(c echo.Context) error {
	ctx := c.Request().Context()
	page, err := listPageOf(c)
	if err != nil {
		return err
	}
	year, _ := intQuery(c, "year", minYear, maxYear) // a year out of range filters nothing, as before
	filter := finance.ProgramFilter{
		Year: int(year), Agency: c.QueryParam("agency"), FundingSource: c.QueryParam("funding_source"),
		Kind: c.QueryParam("kind"), Status: c.QueryParam("status"), Page: page,
	}
	items, more, err := s.programs.FindPrograms(ctx, filter)
	if err != nil {
		return err
	}
	total, err := totalOf(page, len(items), more, func() (int64, error) {
		sum, err := s.programs.SumPrograms(ctx, filter)
		if err != nil {
			return 0, err
		}
		return sum.Programs, nil
	})
	if err != nil {
		return err
	}
	agencies, err := s.filterAgencies(ctx)
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "programs", "nav.programs", struct {
		Items                    []*finance.Program
		Nav                      listNav
		Agencies                 []*finance.Agency
		Kinds, Sources, Statuses []string
	}{items, navOf(c, page, idsOf(items, func(p *finance.Program) int64 { return p.ID }), more, total), agencies,
		finance.ProgramKinds, finance.FundingSources, finance.ProgramStatuses}, c.QueryParams(), nil)
}

func (s *Server) programPage(c echo.Context) error {
	return s.renderProgram(c, http.StatusOK, nil, nil)
}

// renderProgram shows a program with its budget revisions and
// disbursements; a refused revision comes back with what was typed.
func (s *Server) renderProgram(c echo.Context, status int, form url.Values, fields map[string]finance.Msg) error {
	ctx := c.Request().Context()
	p, err := s.programs.FindProgramByCode(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	revisions, err := s.revisions.FindBudgetRevisions(ctx, p.Code)
	if err != nil {
		return err
	}
	ds, next, err := s.disbursements.FindDisbursements(ctx, finance.DisbursementFilter{Program: p.Code, Page: finance.Page{Limit: 100, Newest: true}})
	if err != nil {
		return err
	}
	return s.renderForm(c, status, "program", "nav.programs", programView{p, revisions, listPage[*finance.Disbursement]{ds, nextURL(c, next)}}, form, fields)
}

// programView is a program's page: the program, its budget revisions and
// its newest disbursements.
type programView struct {
	Program       *finance.Program
	Revisions     []*finance.BudgetRevision
	Disbursements listPage[*finance.Disbursement]
}

// pageTitle names the program: "Program DAK-PK-2024 — Pelatihan ...".
func (v programView) pageTitle(lang string) string {
	return i18n.T(lang, "program.title_one") + " " + v.Program.Code + " — " + v.Program.Name
}

// reviseBudgetPage revises a program's budget from its page (APBD-Perubahan).
func (s *Server) reviseBudgetPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	in := finance.BudgetRevisionInput{Budget: f.raw("budget"), Reason: f.str("reason")}
	fields, err := f.done(func() error {
		_, err := s.revisions.ReviseBudget(c.Request().Context(), c.Param("code"), in)
		return err
	})
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
	ScheduleKinds         []string // a credit program's
}

func (s *Server) programFormData(c echo.Context) (programForm, error) {
	agencies, err := s.agencies.FindAgencies(c.Request().Context())
	return programForm{agencies, finance.ProgramKinds, finance.FundingSources, finance.SizeClasses, finance.ScheduleKinds}, err
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
	strict := f.form.Get("amount_per_recipient_strict") != ""
	in.AmountPerRecipientStrict = &strict
	creditProgramInput(f, &in)
	f.alsoCheck(func() error { _, err := finance.NewProgram(in); return err })
	var p *finance.Program
	fields, err := f.done(func() (err error) { p, err = s.programs.CreateProgram(c.Request().Context(), in); return err })
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
	return c.Redirect(http.StatusSeeOther, "/programs/"+url.PathEscape(p.Code)+"?saved=program")
}

// recipientsPage lists recipients newest first, with the API's filters,
// paging both ways and the total.
func (s *Server) recipientsPage(c echo.Context) error {
	page, err := listPageOf(c)
	if err != nil {
		return err
	}
	filter := recipientQuery(c.QueryParam("q"))
	filter.Region, filter.SizeClass, filter.Kind, filter.Page = c.QueryParam("region"), c.QueryParam("size_class"), c.QueryParam("kind"), page
	items, more, err := s.recipients.FindRecipients(c.Request().Context(), filter)
	if err != nil {
		return err
	}
	total, err := totalOf(page, len(items), more, func() (int64, error) { return s.recipients.TotalRecipients(c.Request().Context(), filter) })
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "recipients", "nav.recipients", struct {
		Items        []*finance.Recipient
		Nav          listNav
		Kinds, Sizes []string
	}{items, navOf(c, page, idsOf(items, func(r *finance.Recipient) int64 { return r.ID }), more, total),
		finance.RecipientKinds, finance.SizeClasses}, c.QueryParams(), nil)
}

func (s *Server) recipientPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.recipients.FindRecipientByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	page, err := pageListPage(c)
	if err != nil {
		return err
	}
	ds, next, err := s.disbursements.FindDisbursements(c.Request().Context(), finance.DisbursementFilter{RecipientID: id, Page: page})
	if err != nil {
		return err
	}
	flags, err := s.flags.FindRecipientFlags(c.Request().Context(), id)
	if err != nil {
		return err
	}
	var programs []string // the programs it received from, in order of first payment
	for _, d := range ds {
		if !slices.Contains(programs, d.Program) {
			programs = append(programs, d.Program)
		}
	}
	return s.renderPage(c, http.StatusOK, "recipient", "nav.recipients", recipientView{r, finance.RegionLabel(r.RegionCode), programs, flags, ds, nextURL(c, next)})
}

// recipientView is a recipient's page: the recipient, the programs and
// disbursements it received and its red flags.
type recipientView struct {
	Recipient     *finance.Recipient
	Region        string
	Programs      []string
	Flags         []finance.RecipientFlag
	Disbursements []*finance.Disbursement
	Next          string // the next page of its disbursements, or ""
}

// pageTitle names the recipient: "Penerima — Warung Bu Sari".
func (v recipientView) pageTitle(lang string) string {
	return i18n.T(lang, "recipient.title_one") + " — " + v.Recipient.Name
}

func (s *Server) newRecipientPage(c echo.Context) error {
	if err := formFor(c, finance.ActEditRecipient); err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "recipient_new", "recipient.new", recipientFormData(), url.Values{"kind": {"umkm"}}, nil)
}

func recipientFormData() recipientForm {
	return recipientForm{Kinds: finance.RecipientKinds, Sizes: finance.SizeClasses, Action: "/recipients/new", Back: "/recipients"}
}

func (s *Server) createRecipientPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	in := recipientInputOf(f)
	f.alsoCheck(func() error { _, err := finance.NewRecipient(in); return err })
	var r *finance.Recipient
	fields, err := f.done(func() (err error) { r, err = s.recipients.CreateRecipient(c.Request().Context(), in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		return s.renderForm(c, http.StatusUnprocessableEntity, "recipient_new", "recipient.new", recipientFormData(), f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/recipients/"+strconv.FormatInt(r.ID, 10)+"?saved=recipient")
}

// filterAgencies are the agencies a list's agency filter offers: every
// one for a user who sees them all, none (no filter) for the others.
func (s *Server) filterAgencies(ctx context.Context) ([]*finance.Agency, error) {
	if !finance.ActorFrom(ctx).SeesAllAgencies() {
		return nil, nil
	}
	return s.agencies.FindAgencies(ctx)
}

// exportLinks are the list's downloads: every disbursement its filters
// select (the page and order aside) as CSV, CSV for Indonesian Excel and XLSX.
func exportLinks(c echo.Context) []download {
	q := url.Values{}
	for _, k := range disbursementQuery {
		if v := c.QueryParam(k); v != "" {
			q.Set(k, v)
		}
	}
	var out []download
	for _, d := range []download{{"csv", "", ""}, {"csv", "excel-id", ""}, {"xlsx", "", ""}} {
		q.Set("format", d.Format)
		q.Del("dialect")
		if d.Dialect != "" {
			q.Set("dialect", d.Dialect)
		}
		d.URL = "/disbursements/export?" + q.Encode()
		out = append(out, d)
	}
	return out
}

// disbursementsPage lists disbursements newest first, with the API's
// filters, paging both ways and the total.
func (s *Server) disbursementsPage(c echo.Context) error {
	ctx := c.Request().Context()
	page, err := listPageOf(c)
	if err != nil {
		return err
	}
	filter, err := disbursementFilterOf(c, page)
	if err != nil {
		return err
	}
	items, more, err := s.disbursements.FindDisbursements(ctx, filter)
	if err != nil {
		return err
	}
	total, err := totalOf(page, len(items), more, func() (int64, error) { return s.disbursements.TotalDisbursements(ctx, filter) })
	if err != nil {
		return err
	}
	programs, err := s.everyProgram(c, finance.ProgramFilter{})
	if err != nil {
		return err
	}
	agencies, err := s.filterAgencies(ctx)
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "disbursements", "nav.disbursements", struct {
		Items     []*finance.Disbursement
		Nav       listNav
		Statuses  []string
		Programs  []programGroup
		Agencies  []*finance.Agency
		Downloads []download
	}{items, navOf(c, page, idsOf(items, func(d *finance.Disbursement) int64 { return d.ID }), more, total),
		finance.Statuses.Strings(), programGroups(programs), agencies, exportLinks(c)}, c.QueryParams(), nil)
}

// disbursementForm is what the disbursement form shows besides the values
// typed: the programs, and the recipient search (search, then pick one),
// which works without JavaScript.
type disbursementForm struct {
	Programs   []programGroup
	Forms      []string
	Searched   bool
	Candidates []*finance.Recipient
	Chosen     *finance.Recipient
	Credit     bool // a credit program is among Programs: show the loan terms
}

// recipientQuery reads one search box: 16 digits is a NIK, 13 digits a NIB,
// anything else a name.
func recipientQuery(q string) finance.RecipientFilter {
	q = strings.TrimSpace(q)
	var f finance.RecipientFilter
	digits := q != "" && strings.Trim(q, "0123456789") == ""
	switch {
	case digits && len(q) == 16:
		f.NIK = q
	case digits && len(q) == 13:
		f.NIB = q
	default:
		f.Q = q
	}
	return f
}

// disbursementFormData loads the programs and, from the form, the recipient
// search results and the chosen recipient; it prefills the amount with the
// program's fixed amount when none was typed.
func (s *Server) disbursementFormData(c echo.Context, form url.Values) (disbursementForm, error) {
	ctx := c.Request().Context()
	programs, err := s.activePrograms(c)
	if err != nil {
		return disbursementForm{}, err
	}
	d := disbursementForm{Programs: programGroups(programs), Forms: finance.Forms}
	for _, p := range programs {
		d.Credit = d.Credit || p.Kind == finance.KindCredit
	}
	prefillAmount(programs, form)
	if id, err := strconv.ParseInt(form.Get("recipient_id"), 10, 64); err == nil && id > 0 {
		if r, err := s.recipients.FindRecipientByID(ctx, id); err == nil {
			d.Chosen = r
		}
	}
	if q := strings.TrimSpace(form.Get("recipient_q")); q != "" {
		filter := recipientQuery(q)
		filter.Page = finance.Page{Limit: 20}
		d.Searched = true
		d.Candidates, _, err = s.recipients.FindRecipients(ctx, filter)
		if err != nil {
			return d, err
		}
	}
	return d, nil
}

// prefillAmount puts the chosen program's fixed amount in the form's amount
// when none was typed.
func prefillAmount(programs []*finance.Program, form url.Values) {
	if strings.TrimSpace(form.Get("amount")) != "" {
		return
	}
	for _, p := range programs {
		if p.Code == form.Get("program") && p.AmountPerRecipient != nil {
			form.Set("amount", strings.TrimPrefix(p.AmountPerRecipient.Rupiah(), "Rp"))
		}
	}
}

// activePrograms are the programs that take new disbursements, for forms.
func (s *Server) activePrograms(c echo.Context) ([]*finance.Program, error) {
	return s.everyProgram(c, finance.ProgramFilter{Status: "active"})
}

// everyProgram is every program the filter finds, read a page of 1,000 at a
// time: a form's program list leaves none out, however many there are.
func (s *Server) everyProgram(c echo.Context, filter finance.ProgramFilter) ([]*finance.Program, error) {
	var all []*finance.Program
	filter.Page = finance.Page{Limit: 1000}
	for {
		ps, next, err := s.programs.FindPrograms(c.Request().Context(), filter)
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
		if next == "" {
			return all, nil
		}
		if filter.Page.Cursor, err = strconv.ParseInt(next, 10, 64); err != nil {
			return nil, err
		}
	}
}

// programGroup is the programs of one agency and fiscal year, an
// <optgroup> of a program list.
type programGroup struct {
	Agency   string
	Year     int
	Programs []*finance.Program
}

// programGroups groups programs by agency, then fiscal year, newest first,
// each group in code order, so a long list is read by its headings.
func programGroups(programs []*finance.Program) []programGroup {
	sorted := slices.Clone(programs)
	slices.SortFunc(sorted, func(a, b *finance.Program) int {
		return cmp.Or(cmp.Compare(a.Agency, b.Agency), cmp.Compare(b.FiscalYear, a.FiscalYear), cmp.Compare(a.Code, b.Code))
	})
	var groups []programGroup
	for _, p := range sorted {
		if n := len(groups); n == 0 || groups[n-1].Agency != p.Agency || groups[n-1].Year != p.FiscalYear {
			groups = append(groups, programGroup{Agency: p.Agency, Year: p.FiscalYear})
		}
		g := &groups[len(groups)-1]
		g.Programs = append(g.Programs, p)
	}
	return groups
}

func (s *Server) newDisbursementPage(c echo.Context) error {
	if err := formFor(c, finance.ActRecordDisbursement); err != nil {
		return err
	}
	form := url.Values{"tranche": {"1"}, "form": {"transfer"}}
	for _, k := range []string{"program", "recipient_id", "recipient_q", "amount", "tranche", "form"} {
		if v := c.QueryParam(k); v != "" {
			form.Set(k, v)
		}
	}
	data, err := s.disbursementFormData(c, form)
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "disbursement_new", "disb.new", data, form, nil)
}

func (s *Server) createDisbursementPage(c echo.Context) error {
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	lang := langOf(c, s.cfg.Lang)
	if f.form.Get("op") == "search" { // the search button: show the matches, save nothing
		data, err := s.disbursementFormData(c, f.form)
		if err != nil {
			return err
		}
		return s.renderForm(c, http.StatusOK, "disbursement_new", "disb.new", data, f.form, nil)
	}
	in := finance.DisbursementInput{
		Program: f.str("program"), Amount: f.raw("amount"), Tranche: f.int("tranche"), Form: f.str("form"),
		DisbursedOn: f.str("disbursed_on"), PaymentRef: f.str("payment_ref"), Note: f.str("note"),
		Loan: loanInput(f),
	}
	if rid := f.int("recipient_id"); rid != nil {
		id := int64(*rid)
		in.RecipientID = &id
	} else if _, ok := f.fields["recipient_id"]; !ok {
		f.fields.Add("recipient_id", i18n.T(lang, "pick.required"))
	}
	f.alsoCheck(func() error {
		d, err := finance.NewDisbursement(in)
		if err != nil {
			return err
		}
		return s.checkDraft(c, d)
	})
	var d *finance.Disbursement
	fields, err := f.done(func() (err error) { d, err = s.disbursements.CreateDisbursement(c.Request().Context(), in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		data, err := s.disbursementFormData(c, f.form)
		if err != nil {
			return err
		}
		return s.renderForm(c, http.StatusUnprocessableEntity, "disbursement_new", "disb.new", data, f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/disbursements/"+strconv.FormatInt(d.ID, 10)+"?saved=disbursement")
}
