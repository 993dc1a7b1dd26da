package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
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

func (s *Server) importFigures(c echo.Context) error {
	return s.importAPI(c, importer.Options{Kind: importer.Figures})
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
		return c.JSON(http.StatusUnprocessableEntity, atomicRefusal{errorBody{classify(err).detail(apiLang(c))}, res})
	}
	return reply(c, http.StatusOK, res, err)
}

// importUpload spools the upload's field "file" to a temporary file, so
// that an upload over the limit is refused before any row is written, then
// imports it. Errors: bad_request, payload_too_large, and those of importer.Import.
func (s *Server) importUpload(c echo.Context, opt importer.Options) (*importer.Result, error) {
	f, _, err := spoolUpload(c)
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	opt.Observer = s.Metrics
	return importer.Import(c.Request().Context(), s.imports, f, opt)
}

// uploadFileName is the field spoolUpload adds with the uploaded file's name.
const uploadFileName = "_file_name"

// spoolUpload copies the multipart field "file" to a temporary file the
// caller removes, and returns the other (small) fields. A form the CSRF
// check has already parsed is read from there. Errors: bad_request,
// payload_too_large.
func spoolUpload(c echo.Context) (*os.File, url.Values, error) {
	fields := url.Values{}
	if form := c.Request().MultipartForm; form != nil {
		if len(form.File["file"]) == 0 {
			return nil, nil, finance.Errorf(finance.EBadRequest, "the upload has no field \"file\"")
		}
		src, err := form.File["file"][0].Open()
		if err != nil {
			return nil, nil, uploadError(err)
		}
		defer src.Close()
		f, err := spool(src)
		fields = url.Values{uploadFileName: {form.File["file"][0].Filename}}
		for k, v := range form.Value {
			fields[k] = v
		}
		return f, fields, err
	}
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nil, nil, finance.Errorf(finance.EBadRequest, "send the file as multipart/form-data in the field \"file\"")
	}
	var file *os.File
	for {
		part, err := mr.NextPart()
		switch {
		case errors.Is(err, io.EOF) && file == nil:
			return nil, nil, finance.Errorf(finance.EBadRequest, "the upload has no field \"file\"")
		case errors.Is(err, io.EOF):
			return file, fields, nil
		case err != nil:
			if file != nil {
				file.Close()
				os.Remove(file.Name())
			}
			return nil, nil, uploadError(err)
		case part.FormName() == "file" && file == nil:
			if file, err = spool(part); err != nil {
				return nil, nil, err
			}
			fields.Set(uploadFileName, part.FileName())
		case part.FileName() == "":
			v, _ := io.ReadAll(io.LimitReader(part, 1024))
			fields.Add(part.FormName(), string(v))
		}
	}
}

// spool copies r to a temporary file, rewound. Errors: payload_too_large, bad_request.
func spool(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "pilar-upload-*")
	if err != nil {
		return nil, err
	}
	if _, err = io.Copy(f, r); err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, uploadError(err)
	}
	return f, nil
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
