package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"os"
	"regexp"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/importer"
)

// importView is what the import page shows: the form, and after an upload
// its result and where to download the refused rows.
type importView struct {
	Result     *importer.Result
	Refused    string // download URL of the refused rows, or ""
	AtomicNone bool   // an atomic import refused rows: nothing was written
	Kinds      []string
}

func (s *Server) importPage(c echo.Context) error {
	form := url.Values{"kind": {c.QueryParam("kind")}}
	if form.Get("kind") == "" {
		form.Set("kind", importer.Recipients)
	}
	return s.renderForm(c, http.StatusOK, "import", "import.title", importView{Kinds: importKinds}, form, nil)
}

var importKinds = []string{importer.Recipients, importer.Disbursements, importer.Figures}

// runImportPage imports an uploaded file and shows the counts and refused
// rows; the refused rows are kept for a day as a CSV for this user only.
func (s *Server) runImportPage(c echo.Context) error {
	f, form, err := spoolUpload(c)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var out bytes.Buffer
	if form.Get("kind") == "" {
		form.Set("kind", c.QueryParam("kind"))
	}
	opt := importer.Options{
		Kind: form.Get("kind"), Atomic: form.Get("atomic") != "", Update: form.Get("update") != "",
		Submit: form.Get("submit") != "", Refused: &out, Observer: s.Metrics,
	}
	res, err := importer.Import(c.Request().Context(), s.imports, f, opt)
	v := importView{Result: res, Kinds: importKinds}
	var fe *finance.Error
	switch {
	case res != nil && finance.ErrorCode(err) == finance.EValidation:
		v.AtomicNone = true
	case errors.As(err, &fe) && fe.Code == finance.EValidation:
		return s.renderForm(c, http.StatusUnprocessableEntity, "import", "import.title", v, form, map[string]finance.Msg{"file": fe.Msg})
	case err != nil:
		return err
	}
	if res.Failed > 0 {
		// Kept in the database, never in a file: any server can serve it,
		// to this user only, until uploads.refused_ttl (issue 17, item 10).
		token, err := s.refused.SaveRefusedRows(c.Request().Context(), out.Bytes())
		if err != nil {
			return err
		}
		v.Refused = "/import/refused/" + token
	}
	status := http.StatusOK
	if v.AtomicNone {
		status = http.StatusUnprocessableEntity
	}
	return s.renderForm(c, status, "import", "import.title", v, form, nil)
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
