package web

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

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

var importKinds = []string{importer.Recipients, importer.Disbursements}

// runImportPage imports an uploaded file and shows the counts and refused
// rows; the refused rows are kept for a day as a CSV for this user only.
func (s *Server) runImportPage(c echo.Context) error {
	f, form, err := spoolUpload(c)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	user := sessionOf(c).User
	sweepRefused()
	token := randomToken()
	refusedPath := refusedFile(user.ID, token)
	out, err := os.Create(refusedPath)
	if err != nil {
		return err
	}
	defer out.Close()
	if form.Get("kind") == "" {
		form.Set("kind", c.QueryParam("kind"))
	}
	opt := importer.Options{
		Kind: form.Get("kind"), Atomic: form.Get("atomic") != "", Update: form.Get("update") != "",
		Submit: form.Get("submit") != "", Refused: out, Observer: s.Metrics,
	}
	res, err := importer.Import(c.Request().Context(), s.svc, f, opt)
	v := importView{Result: res, Kinds: importKinds}
	var fe *finance.Error
	switch {
	case res != nil && finance.ErrorCode(err) == finance.EValidation:
		v.AtomicNone = true
	case errors.As(err, &fe) && fe.Code == finance.EValidation:
		os.Remove(refusedPath)
		return s.renderForm(c, http.StatusUnprocessableEntity, "import", "import.title", v, form, map[string]finance.Msg{"file": fe.Msg})
	case err != nil:
		os.Remove(refusedPath)
		return err
	}
	if res.Failed > 0 {
		v.Refused = "/import/refused/" + token
	} else {
		os.Remove(refusedPath)
	}
	status := http.StatusOK
	if v.AtomicNone {
		status = http.StatusUnprocessableEntity
	}
	return s.renderForm(c, status, "import", "import.title", v, form, nil)
}

var tokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{32}$`) // randomToken's form

// refusedDownload sends the refused rows of an import the user ran.
func (s *Server) refusedDownload(c echo.Context) error {
	token := c.Param("token")
	if !tokenRe.MatchString(token) {
		return finance.Errorf(finance.ENotFound, "no such download")
	}
	path := refusedFile(sessionOf(c).User.ID, token)
	if _, err := os.Stat(path); err != nil {
		return finance.Errorf(finance.ENotFound, "this download has expired; import the file again")
	}
	return c.Attachment(path, "refused-rows.csv")
}

func refusedFile(userID int64, token string) string {
	return filepath.Join(os.TempDir(), "pilar-refused-"+strconv.FormatInt(userID, 10)+"-"+token+".csv")
}

// sweepRefused removes refused-row files older than a day.
func sweepRefused() {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "pilar-refused-*.csv"))
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
			os.Remove(p)
		}
	}
}
