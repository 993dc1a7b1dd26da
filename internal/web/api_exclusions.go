package web

import (
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/importer"
)

// exclusionUpload is the answer to an exclusion-list upload: the stored
// list, the data rows read and the identifiers refused (the first 100 listed).
type exclusionUpload struct {
	List    *finance.ExclusionList `json:"list"`
	Rows    int                    `json:"rows"`
	Refused int                    `json:"refused"`
	Errors  []importer.RowError    `json:"errors"`
}

func (s *Server) listExclusionLists(c echo.Context) error {
	items, err := s.svc.FindExclusionLists(c.Request().Context())
	return list(c, items, "", err)
}

func (s *Server) createExclusionList(c echo.Context) error {
	res, err := s.uploadExclusionList(c)
	return reply(c, http.StatusCreated, res, err)
}

func (s *Server) withdrawExclusionList(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.WithdrawExclusionList(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// uploadExclusionList reads the multipart upload (file, kind, source,
// as_of, optional replaces; the fields may also come as query parameters)
// and stores the list. Errors: bad_request, payload_too_large,
// validation_failed, and those of CreateExclusionList.
func (s *Server) uploadExclusionList(c echo.Context) (*exclusionUpload, error) {
	f, form, err := spoolUpload(c)
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	get := func(k string) string {
		if v := form.Get(k); v != "" {
			return v
		}
		return c.QueryParam(k)
	}
	in := finance.ExclusionListInput{Kind: get("kind"), Source: get("source"), AsOf: get("as_of"), FileName: form.Get(uploadFileName)}
	if r := strings.TrimSpace(get("replaces")); r != "" {
		id, err := strconv.ParseInt(r, 10, 64)
		if err != nil || id < 1 {
			return nil, finance.Fields{"replaces": finance.M("must be the id of the list this one replaces")}.Err()
		}
		in.Replaces = &id
	}
	// Check the fields before reading a million rows.
	if err := in.Validate(); err != nil {
		return nil, err
	}
	file, err := importer.OpenExclusions(f)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	l, err := s.svc.CreateExclusionList(c.Request().Context(), in, file.Next)
	if err != nil {
		return nil, err
	}
	return &exclusionUpload{List: l, Rows: file.Rows, Refused: file.Refused, Errors: file.Errors}, nil
}

// exclusionView is the exclusion-list page: the lists, and after an upload its answer.
type exclusionView struct {
	Lists  []*finance.ExclusionList
	Kinds  []string
	Upload *exclusionUpload
}

func (s *Server) exclusionListsPage(c echo.Context) error {
	return s.renderExclusions(c, http.StatusOK, nil, nil, nil)
}

func (s *Server) renderExclusions(c echo.Context, status int, up *exclusionUpload, form url.Values, fields map[string]finance.Msg) error {
	lists, err := s.svc.FindExclusionLists(c.Request().Context())
	if err != nil {
		return err
	}
	return s.renderForm(c, status, "exclusion_lists", "exclusion.title", exclusionView{lists, finance.ExclusionKinds, up}, form, fields)
}

// uploadExclusionPage stores an uploaded list and shows the lists again,
// or the refusal next to the form.
func (s *Server) uploadExclusionPage(c echo.Context) error {
	up, err := s.uploadExclusionList(c)
	if status, msgs, ok := refusal(err); ok {
		return s.renderExclusions(c, status, nil, nil, msgs)
	}
	if fe, ok := err.(*finance.Error); ok && fe.Code == finance.EConflict {
		return s.renderExclusions(c, http.StatusConflict, nil, nil, map[string]finance.Msg{"form": fe.Msg})
	}
	if err != nil {
		return err
	}
	return s.renderExclusions(c, http.StatusCreated, up, nil, nil)
}

func (s *Server) withdrawExclusionPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.WithdrawExclusionList(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/exclusion-lists")
}
