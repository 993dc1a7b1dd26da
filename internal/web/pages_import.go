package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"

	"github.com/labstack/echo/v4"

	"pilar/internal/export"
	"pilar/internal/finance"
	"pilar/internal/importer"
)

// importView is what the import page shows: the kinds to choose from; for
// the chosen kind its columns, templates and the form with the options
// that apply to it; after an upload its result and where to download the
// refused rows.
type importView struct {
	Kind      string   // the kind chosen, "" until one is
	Kinds     []string // every kind, for the choice
	Columns   []importColumn
	Options   []string // the form's options for the kind
	CanImport bool     // the user may import the kind (else no form)
	Templates []download
	// After an upload:
	Result     *importer.Result
	Refused    string // download URL of the refused rows, or ""
	AtomicNone bool   // an atomic import refused rows: nothing was written
}

// importColumn is a row of the page's column list.
type importColumn struct {
	importer.Column
	Alts []string // the columns that can stand in for a required one
}

var importKinds = []string{importer.Recipients, importer.Disbursements, importer.Figures, importer.Repayments}

// importOptions are the options of each kind (Options.Atomic, Update, Submit).
var importOptions = map[string][]string{
	importer.Recipients:    {"atomic", "update"},
	importer.Disbursements: {"atomic", "submit"},
	importer.Figures:       {"atomic"},
	importer.Repayments:    {"atomic"},
}

// importViewOf is the page of kind (none chosen when it is not one).
func importViewOf(c echo.Context, kind string) importView {
	v := importView{Kinds: importKinds}
	if !slices.Contains(importKinds, kind) {
		return v
	}
	v.Kind, v.Options = kind, importOptions[kind]
	v.CanImport = finance.ActorFrom(c.Request().Context()).Can(importer.Act(kind))
	for _, col := range importer.Columns[kind] {
		v.Columns = append(v.Columns, importColumn{col, importer.Alternatives(kind, col)})
	}
	base := "/import/template/" + kind + "?format="
	v.Templates = []download{{"csv", "", base + "csv"}, {"csv", "excel-id", base + "csv&dialect=excel-id"}, {"xlsx", "", base + "xlsx"}}
	return v
}

func (s *Server) importPage(c echo.Context) error {
	kind := c.QueryParam("kind")
	return s.renderForm(c, http.StatusOK, "import", "import.title", importViewOf(c, kind), url.Values{"kind": {kind}}, nil)
}

// importTemplate is the page route of sendTemplate: /import/template/:kind.
func (s *Server) importTemplate(c echo.Context) error { return s.sendTemplate(c, c.Param("kind")) }

// importTemplateAPI is the API route of sendTemplate for one kind.
func (s *Server) importTemplateAPI(kind string) echo.HandlerFunc {
	return func(c echo.Context) error { return s.sendTemplate(c, kind) }
}

// sendTemplate sends the template file of a kind: ?format=csv (with
// ?dialect=excel-id: ";") or xlsx. Errors: not_found, bad_request.
func (s *Server) sendTemplate(c echo.Context, kind string) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "csv"
	}
	d, err := export.ParseDialect(c.QueryParam("dialect"))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := importer.WriteTemplate(&b, kind, format, d, langOf(c, s.cfg.Lang)); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+kind+"-template."+format+`"`)
	return c.Blob(http.StatusOK, export.ContentType(format), b.Bytes())
}

// runImportPage imports an uploaded file and shows the counts and refused
// rows; the refused rows are kept for a day as a CSV for this user only.
// Asked with X-Import-Progress: ndjson (import.js), the answer is a stream
// of lines {"percent": N} as the file is read, then {"status": S, "html":
// page}; without it (no JavaScript) it is the page itself.
func (s *Server) runImportPage(c echo.Context) error {
	f, form, err := spoolUpload(c)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if form.Get("kind") == "" {
		form.Set("kind", c.QueryParam("kind"))
	}
	var out bytes.Buffer
	kind := form.Get("kind")
	opt := importer.Options{
		Kind: kind, Atomic: form.Get("atomic") != "", Update: form.Get("update") != "",
		Submit: form.Get("submit") != "", Refused: &out, Observer: s.Metrics,
	}
	page, fail := s.renderForm, func(err error) error { return err }
	if c.Request().Header.Get("X-Import-Progress") == "ndjson" {
		st, err := f.Stat()
		if err != nil {
			return err
		}
		p := newProgressStream(c)
		opt.Meter = &importer.Meter{Size: st.Size()}
		opt.Progress = func(int) { p.send(progressLine{Percent: ptr(opt.Meter.Percent())}) }
		page = p.page(s)
		fail = func(err error) error { p.sendError(s, err); return nil }
	}
	res, err := importer.Import(c.Request().Context(), s.imports, f, opt)
	v := importViewOf(c, kind)
	v.Result = res
	var fe *finance.Error
	switch {
	case res != nil && finance.ErrorCode(err) == finance.EValidation:
		v.AtomicNone = true
	case errors.As(err, &fe) && fe.Code == finance.EValidation:
		return page(c, http.StatusUnprocessableEntity, "import", "import.title", v, form, map[string]finance.Msg{"file": fe.Msg})
	case err != nil:
		return fail(err)
	}
	if res.Failed > 0 {
		// Kept in the database, never in a file: any server can serve it,
		// to this user only, until uploads.refused_ttl (issue 17, item 10).
		token, err := s.refused.SaveRefusedRows(c.Request().Context(), out.Bytes())
		if err != nil {
			return fail(err)
		}
		v.Refused = "/import/refused/" + token
	}
	status := http.StatusOK
	if v.AtomicNone {
		status = http.StatusUnprocessableEntity
	}
	return page(c, status, "import", "import.title", v, form, nil)
}

func ptr[T any](v T) *T { return &v }

// progressLine is one line of an import's progress stream.
type progressLine struct {
	Percent *int   `json:"percent,omitempty"`
	Status  int    `json:"status,omitempty"`
	HTML    string `json:"html,omitempty"`
}

// progressStream writes an import's progress as NDJSON lines, each flushed.
type progressStream struct {
	c    echo.Context
	last int
}

func newProgressStream(c echo.Context) *progressStream {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/x-ndjson; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a proxy in front must pass each line on
	c.Response().WriteHeader(http.StatusOK)
	return &progressStream{c: c, last: -1}
}

func (p *progressStream) send(l progressLine) {
	if l.Percent != nil {
		if *l.Percent == p.last {
			return
		}
		p.last = *l.Percent
	}
	json.NewEncoder(p.c.Response()).Encode(l)
	// Not Response.Flush, which panics on a writer that cannot flush.
	http.NewResponseController(p.c.Response().Writer).Flush()
}

// page is renderForm for the stream: the page, with its status, as the
// last line. An error (the status is sent) becomes the error page there.
func (p *progressStream) page(s *Server) func(echo.Context, int, string, string, any, url.Values, map[string]finance.Msg) error {
	return func(c echo.Context, status int, name, titleKey string, data any, form url.Values, fields map[string]finance.Msg) error {
		html, err := s.pageHTML(c, name, titleKey, data, form, fields)
		if err != nil {
			p.sendError(s, err)
			return nil
		}
		p.send(progressLine{Status: status, HTML: html})
		return nil
	}
}

// sendError ends the stream with the error page of err (the status is sent).
func (p *progressStream) sendError(s *Server, err error) {
	status, html := s.errorPageHTML(p.c, err)
	p.send(progressLine{Status: status, HTML: html})
}

var tokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{20,64}$`) // a download token's form

// refusedDownload sends the refused rows of an import the user ran.
func (s *Server) refusedDownload(c echo.Context) error {
	token := c.Param("token")
	if !tokenRe.MatchString(token) {
		return finance.Errorf(finance.ENotFound, "no such download")
	}
	b, err := s.refused.RefusedRows(c.Request().Context(), token)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="refused-rows.csv"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b)
}
