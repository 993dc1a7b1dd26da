package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"pilar"
	"pilar/internal/finance"
	"pilar/internal/i18n"
	"pilar/internal/money"
	"pilar/internal/report"
)

// renderer holds one parsed template set per page and the content-hashed
// URLs of the static files.
type renderer struct {
	pages  map[string]*template.Template
	assets map[string]string
	static fs.FS
}

func newRenderer() (*renderer, error) {
	static, err := fs.Sub(pilar.Static, "static")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}, assets: map[string]string{}, static: static}
	err = fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, p)
		sum := sha256.Sum256(b)
		r.assets[p] = "/static/" + p + "?v=" + hex.EncodeToString(sum[:6])
		return err
	})
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(pilar.Templates, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("web: no page templates embedded")
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(r.funcs()).ParseFS(pilar.Templates, "templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		r.pages[name] = t
	}
	return r, nil
}

func (r *renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) (string, error) {
			if u, ok := r.assets[name]; ok {
				return u, nil
			}
			return "", fmt.Errorf("no static file %s", name)
		},
		"rupiah": func(v any) string {
			switch a := v.(type) {
			case money.Amount:
				return a.Rupiah()
			case *money.Amount:
				if a != nil {
					return a.Rupiah()
				}
			}
			return "–"
		},
		"field": func(name, labelKey, inputType string) []string { return []string{name, labelKey, inputType} },
		// req is a field that must be filled: marked, and required.
		"req": func(name, labelKey, inputType string) []string {
			return []string{name, labelKey, inputType, "required"}
		},
		"region":       finance.RegionLabel,
		"periodicNote": report.PeriodicNote,
		"rejectReason": rejectReason,
		"choice": func(name, labelKey string, options []string) []string {
			return append([]string{name, labelKey}, options...)
		},
		"deref": func(b *bool) bool { return b != nil && *b },
		"inc":   func(i int) int { return i + 1 },
		// blankRows numbers the empty rows a grid of n rows ends with:
		// five to start with, three more after that.
		"blankRows": func(n int) []int {
			k := 3
			if n == 0 {
				k = 5
			}
			out := make([]int, k)
			for i := range out {
				out[i] = n + i + 1
			}
			return out
		},
		// pct is a progress bar's value: the report's percentage ("73.41").
		"pct": func(part, whole money.Amount) string { return string(report.Percent(part, whole)) },
	}
}

func (r *renderer) staticHandler() http.Handler {
	files := http.FileServer(http.FS(r.static))
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(w, req)
	})
}

// rootFile serves one static file at the site's root, cached for a day
// (its URL carries no content hash).
func (r *renderer) rootFile(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeFileFS(w, req, r.static, name)
	})
}

// view is what every page template gets.
type view struct {
	Lang   string
	User   *finance.User
	CSRF   string
	Title  string
	Path   string
	URI    string // path and query, for links that return to this page
	Data   any
	Form   url.Values
	Errors map[string]string
	Loc    *time.Location // config timezone: times are shown there
	Notice string         // a confirmation after a save, in the page's language
	names  *agencyNames   // agency names by code, read once per page when asked
}

// agencyNames reads the agencies (a small table) the first time a page
// names one, so a page that shows no agency costs no query.
type agencyNames struct {
	load   func() ([]*finance.Agency, error)
	byCode map[string]string
}

// AgencyName is an agency's name for its code ("DISPERINDAGKOP-KALTIM" ->
// "Dinas Perindustrian, ..."); the code itself if the agency cannot be read.
func (v view) AgencyName(code string) string {
	if code == "" || v.names == nil {
		return code
	}
	if v.names.byCode == nil {
		v.names.byCode = map[string]string{}
		if as, err := v.names.load(); err == nil {
			for _, a := range as {
				v.names.byCode[a.Code] = a.Name
			}
		}
	}
	if n, ok := v.names.byCode[code]; ok {
		return n
	}
	return code
}

// Current reports whether the page is in the navigation section at prefix,
// for aria-current.
func (v view) Current(prefix string) bool {
	if prefix == "/" {
		return v.Path == "/"
	}
	return v.Path == prefix || strings.HasPrefix(v.Path, prefix+"/")
}

// Time writes an instant (time.Time, *time.Time or RFC 3339 text) as the
// offices read it, in config's timezone and the page's language:
// "12 Juli 2024 09.30 WITA".
func (v view) Time(t any) string {
	var at time.Time
	switch x := t.(type) {
	case time.Time:
		at = x
	case *time.Time:
		if x == nil {
			return ""
		}
		at = *x
	case string:
		var err error
		if at, err = time.Parse(time.RFC3339Nano, x); err != nil {
			return x
		}
	default:
		return fmt.Sprint(t)
	}
	return i18n.DateTime(v.Lang, at.In(v.Loc))
}

// Day is the date of an instant in config's timezone, YYYY-MM-DD.
func (v view) Day(t time.Time) string { return t.In(v.Loc).Format("2006-01-02") }

// T translates a key into the page's language.
func (v view) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// Say is a message (a report label, a red flag's reason) in the page's language.
func (v view) Say(m finance.Msg) string { return m.In(v.Lang) }

// Date writes a YYYY-MM-DD date in the page's language.
func (v view) Date(ymd string) string { return i18n.Date(v.Lang, ymd) }

// Name is a code's name in the page's language ("PEN" -> "Pemulihan
// Ekonomi Nasional (PEN)"), for the field it belongs to.
func (v view) Name(field, code string) string { return i18n.Name(v.Lang, field, code) }

// Pct is part of whole as a percentage by the report's one rule
// (report.Percent: two decimals, half up), written the page's way: "12,50"
// in Indonesian, "12.50" in English; the program page and the realization
// report give the same figure.
func (v view) Pct(part, whole money.Amount) string { return v.Percent(report.Percent(part, whole)) }

// Percent writes a report percentage the page's way ("73,41" in Indonesian).
func (v view) Percent(p report.Pct) string { return i18n.Decimal(v.Lang, string(p)) }

// Rate writes a loan's or program's rate a year the page's way: "6,00" in
// Indonesian, "6.00" in English.
func (v view) Rate(r finance.Rate) string { return i18n.Decimal(v.Lang, r.String()) }

// Num writes a count (int, int64 or *int) with the page's thousands separator:
// "21.013" in Indonesian, "21,013" in English.
func (v view) Num(n any) string {
	switch x := n.(type) {
	case int:
		return i18n.Number(v.Lang, int64(x))
	case int64:
		return i18n.Number(v.Lang, x)
	case *int:
		if x != nil {
			return i18n.Number(v.Lang, int64(*x))
		}
		return ""
	}
	return fmt.Sprint(n)
}

// Val is the value a form field had when it was sent.
func (v view) Val(name string) string { return v.Form.Get(name) }

// Checked reports whether a multi-value form field held value.
func (v view) Checked(name, value string) bool {
	for _, x := range v.Form[name] {
		if x == value {
			return true
		}
	}
	return false
}

// With returns the view with other data, for partial templates.
func (v view) With(data any) view {
	v.Data = data
	return v
}

// Err is the validation message of a form field.
func (v view) Err(name string) string { return v.Errors[name] }

// Marked reports whether a field has a message of its own, so the page may
// say "check the marked fields"; a message about the whole form (a
// duplicate, a budget refusal) marks none.
func (v view) Marked() bool {
	for k := range v.Errors {
		if k != formError {
			return true
		}
	}
	return false
}

// Can reports whether the signed-in user's role may do the act.
func (v view) Can(act string) bool { return v.User != nil && v.User.Actor().Can(finance.Act(act)) }

func langOf(c echo.Context, fallback string) string {
	if ck, err := c.Cookie("lang"); err == nil && i18n.Supported(ck.Value) {
		return ck.Value
	}
	return fallback
}

// titled is page data that names its record, for a title such as
// "Penyaluran #12 — Warung Bu Sari".
type titled interface{ pageTitle(lang string) string }

// renderPage writes a page with the common view around data.
func (s *Server) renderPage(c echo.Context, status int, name, titleKey string, data any) error {
	return s.renderForm(c, status, name, titleKey, data, nil, nil)
}

// renderForm writes a page whose form is shown again with what was typed
// and a message next to each refused field, in the reader's language.
func (s *Server) renderForm(c echo.Context, status int, name, titleKey string, data any, form url.Values, fields map[string]finance.Msg) error {
	page, err := s.pageHTML(c, name, titleKey, data, form, fields)
	if err != nil {
		return err
	}
	return c.HTML(status, page)
}

// pageHTML is the page renderForm writes, as text.
func (s *Server) pageHTML(c echo.Context, name, titleKey string, data any, form url.Values, fields map[string]finance.Msg) (string, error) {
	t, ok := s.pages.pages[name]
	if !ok {
		return "", fmt.Errorf("web: no page %s", name)
	}
	uri, _ := SafeRedirectPath(c.Request().URL.RequestURI(), "/")
	lang := langOf(c, s.cfg.Lang)
	v := view{Lang: lang, Path: c.Request().URL.Path, URI: uri, Data: data, Form: form, Errors: sayFields(lang, fields), Loc: s.loc}
	if sess := sessionOf(c); sess != nil {
		v.User, v.CSRF = sess.User, sess.CSRF
		ctx := c.Request().Context()
		v.names = &agencyNames{load: func() ([]*finance.Agency, error) { return s.agencies.FindAgencies(ctx) }}
	}
	// A save redirects to the new record with ?saved=kind; only known kinds
	// are shown, so the query cannot put words on the page.
	if k := c.QueryParam("saved"); k == "recipient" || k == "program" || k == "disbursement" {
		v.Notice = v.T("notice.saved." + k)
	} else if c.QueryParam("acted") == "1" {
		v.Notice = v.T("notice.acted")
	} else if c.QueryParam("deleted") == "1" {
		v.Notice = v.T("notice.deleted")
	}
	v.Title = v.T(titleKey)
	if t, ok := data.(titled); ok {
		if name := t.pageTitle(v.Lang); name != "" {
			v.Title = name
		}
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		return "", fmt.Errorf("web: render %s: %w", name, err)
	}
	return b.String(), nil
}

// formError is the key of a message about the whole form rather than one
// field; it cannot clash with a field, such as a disbursement's "form".
const formError = "_form"
