package web

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/importer"
)

func (s *Server) importRecipients(c echo.Context) error {
	return s.importAPI(c, importer.Options{Kind: importer.Recipients, Update: flagQuery(c, "update")})
}

func (s *Server) importDisbursements(c echo.Context) error {
	return s.importAPI(c, importer.Options{Kind: importer.Disbursements, Submit: flagQuery(c, "submit")})
}

// atomicRefusal is a refused atomic import: the error shape of API.md with
// the import's counts and errors beside it.
type atomicRefusal struct {
	errorBody
	*importer.Result
}

func (s *Server) importAPI(c echo.Context, opt importer.Options) error {
	opt.Atomic = flagQuery(c, "atomic")
	res, err := s.importUpload(c, opt)
	if res != nil && finance.ErrorCode(err) == finance.EValidation {
		_, detail := classify(err)
		return c.JSON(http.StatusUnprocessableEntity, atomicRefusal{errorBody{detail}, res})
	}
	return reply(c, http.StatusOK, res, err)
}

// importUpload spools the multipart field "file" to a temporary file, so
// that an upload over the limit is refused before any row is written, then
// imports it. Errors: bad_request, payload_too_large, and those of importer.Run.
func (s *Server) importUpload(c echo.Context, opt importer.Options) (*importer.Result, error) {
	f, err := spoolUpload(c)
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	return importer.Import(c.Request().Context(), s.svc, f, opt)
}

func spoolUpload(c echo.Context) (*os.File, error) {
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nil, finance.Errorf(finance.EBadRequest, "send the file as multipart/form-data in the field \"file\"")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, finance.Errorf(finance.EBadRequest, "the upload has no field \"file\"")
		}
		if err != nil {
			return nil, uploadError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		f, err := os.CreateTemp("", "pilar-upload-*")
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(f, part); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, uploadError(err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, err
		}
		return f, nil
	}
}

func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return finance.Errorf(finance.ETooLarge, "the file is larger than %d bytes; split it", tooBig.Limit)
	}
	return finance.Errorf(finance.EBadRequest, "the upload could not be read: %v", err)
}

// flagQuery reads a boolean query parameter such as ?atomic=true.
func flagQuery(c echo.Context, name string) bool {
	b, _ := strconv.ParseBool(c.QueryParam(name))
	return b
}
