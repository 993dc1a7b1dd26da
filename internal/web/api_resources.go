package web

import (
	"bufio"
	"net/http"

	"github.com/labstack/echo/v4"

	"pilar/internal/export"
	"pilar/internal/finance"
)

func (s *Server) listAgencies(c echo.Context) error {
	items, err := s.agencies.FindAgencies(c.Request().Context())
	return list(c, items, "", err)
}

func (s *Server) createAgency(c echo.Context) error {
	var in finance.AgencyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	a, err := s.agencies.CreateAgency(c.Request().Context(), in)
	return reply(c, http.StatusCreated, a, err)
}

func (s *Server) listPrograms(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	year, err := intQuery(c, "year", minYear, maxYear)
	if err != nil {
		return err
	}
	items, next, err := s.programs.FindPrograms(c.Request().Context(), finance.ProgramFilter{
		Year: int(year), Agency: c.QueryParam("agency"), FundingSource: c.QueryParam("funding_source"),
		Kind: c.QueryParam("kind"), Status: c.QueryParam("status"), Page: page,
	})
	return list(c, items, next, err)
}

func (s *Server) createProgram(c echo.Context) error {
	var in finance.ProgramInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := s.programs.CreateProgram(c.Request().Context(), in)
	return reply(c, http.StatusCreated, p, err)
}

func (s *Server) getProgram(c echo.Context) error {
	p, err := s.programs.FindProgramByCode(c.Request().Context(), c.Param("code"))
	return reply(c, http.StatusOK, p, err)
}

func (s *Server) patchProgram(c echo.Context) error {
	var in finance.ProgramInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := s.programs.UpdateProgram(c.Request().Context(), c.Param("code"), in)
	return reply(c, http.StatusOK, p, err)
}

func (s *Server) listRecipients(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	items, next, err := s.recipients.FindRecipients(c.Request().Context(), finance.RecipientFilter{
		Q: c.QueryParam("q"), NIK: c.QueryParam("nik"), NIB: c.QueryParam("nib"), Region: c.QueryParam("region"),
		SizeClass: c.QueryParam("size_class"), Kind: c.QueryParam("kind"), Page: page,
	})
	return list(c, items, next, err)
}

func (s *Server) createRecipient(c echo.Context) error {
	var in finance.RecipientInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.recipients.CreateRecipient(c.Request().Context(), in)
	return reply(c, http.StatusCreated, r, err)
}

func (s *Server) getRecipient(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.recipients.FindRecipientByID(c.Request().Context(), id)
	return reply(c, http.StatusOK, r, err)
}

func (s *Server) patchRecipient(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in finance.RecipientInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.recipients.UpdateRecipient(c.Request().Context(), id, in)
	return reply(c, http.StatusOK, r, err)
}

// disbursementQuery are the filters of the disbursement list and export,
// as disbursementFilterOf reads them.
var disbursementQuery = []string{"program", "recipient_id", "status", "from", "to", "agency", "region", "q"}

func (s *Server) listDisbursements(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	filter, err := disbursementFilterOf(c, page)
	if err != nil {
		return err
	}
	items, next, err := s.disbursements.FindDisbursements(c.Request().Context(), filter)
	return list(c, items, next, err)
}

// exportDisbursements streams every disbursement the list's filters select
// as CSV (the default) or XLSX. The file goes out through a buffer, so an
// error before its first 64 KiB is still an error response; one later can
// only cut the file short and be logged. Errors: bad_request (format,
// recipient_id), unauthorized.
func (s *Server) exportDisbursements(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "csv"
	}
	f, err := disbursementFilterOf(c, finance.Page{})
	if err != nil {
		return err
	}
	d, err := export.ParseDialect(c.QueryParam("dialect"))
	if err != nil {
		return err
	}
	buf := bufio.NewWriterSize(c.Response(), 64<<10)
	enc, err := export.NewDisbursements(buf, format, langOf(c, s.cfg.Lang), d)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, export.ContentType(format))
	h.Set(echo.HeaderContentDisposition, `attachment; filename="disbursements.`+format+`"`)
	err = s.disbursements.ExportDisbursements(c.Request().Context(), f, enc.Encode)
	if err == nil {
		err = enc.Close()
	}
	if err == nil {
		err = buf.Flush()
	}
	if err != nil && !c.Response().Committed {
		h.Del(echo.HeaderContentDisposition)
		return err
	}
	if err != nil {
		s.reqLog(c).Error("disbursement export", "format", format, "err", err)
	}
	return nil
}

func (s *Server) createDisbursement(c echo.Context) error {
	var in finance.DisbursementInput
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := s.disbursements.CreateDisbursement(c.Request().Context(), in)
	return reply(c, http.StatusCreated, d, err)
}

func (s *Server) getDisbursement(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.disbursements.FindDisbursementByID(c.Request().Context(), id)
	return reply(c, http.StatusOK, d, err)
}

func (s *Server) patchDisbursement(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in finance.DisbursementInput
	if err := decode(c, &in); err != nil {
		return err
	}
	d, err := s.disbursements.UpdateDisbursement(c.Request().Context(), id, in)
	return reply(c, http.StatusOK, d, err)
}

func (s *Server) deleteDisbursement(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.disbursements.DeleteDisbursement(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) listAudit(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	items, next, err := s.audit.FindAuditEntries(c.Request().Context(), finance.AuditFilter{
		Entity: c.QueryParam("entity"), EntityID: c.QueryParam("entity_id"), Page: page,
	})
	return list(c, items, next, err)
}
