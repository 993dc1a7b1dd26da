package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"pilar/internal/export"
	"pilar/internal/report"
)

// reportQuery are the query parameters of the report routes.
var reportQuery = []string{"year", "agency", "funding_source", "format", "group_by"}

// reportFilter reads ?year= (default: this year), ?agency=,
// ?funding_source= and ?group_by=. Errors: bad_request.
func reportFilter(c echo.Context) (report.Filter, error) {
	year, err := intQuery(c, "year", minYear, maxYear)
	if err != nil {
		return report.Filter{}, err
	}
	if year == 0 {
		year = int64(time.Now().Year())
	}
	return report.Filter{Year: int(year), Agency: c.QueryParam("agency"),
		FundingSource: c.QueryParam("funding_source"), GroupBy: c.QueryParam("group_by")}, nil
}

// buildFunc builds one kind of report.
type buildFunc func(ctx context.Context, f report.Filter) (any, error)

// serveReport answers a report route: ?format= picks JSON (the API's
// default) or a file; a page route without ?format= renders the report's
// page. Errors: bad_request (unknown group_by or format), forbidden,
// unauthorized, validation_failed (unknown agency).
func (s *Server) serveReport(c echo.Context, kind string, page bool, build buildFunc) error {
	format := c.QueryParam("format")
	switch {
	case format == "" && page:
		format = "html"
	case format == "":
		format = "json"
	default:
		if err := report.CheckFormat(kind, format); err != nil {
			return err
		}
	}
	f, err := reportFilter(c)
	if err != nil {
		return err
	}
	rep, err := build(c.Request().Context(), f)
	if err != nil {
		return err
	}
	switch format {
	case "html":
		return s.reportPage(c, kind, rep)
	case "json":
		return c.JSON(http.StatusOK, rep)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, export.ContentType(format))
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+export.FileName(kind, f, format)+`"`)
	c.Response().WriteHeader(http.StatusOK)
	err = export.Write(c.Response(), format, rep, export.Meta{Lang: langOf(c, s.cfg.Lang), Printed: time.Now()})
	if err != nil {
		// The status is sent; all that is left is to log and cut the file short.
		s.log.Error("report export", "kind", kind, "format", format, "err", err)
	}
	return nil
}

func (s *Server) buildRealization(ctx context.Context, f report.Filter) (any, error) {
	return s.svc.Realization(ctx, f)
}

func (s *Server) buildCoverage(ctx context.Context, f report.Filter) (any, error) {
	return s.svc.Coverage(ctx, f)
}

func (s *Server) buildOverlaps(ctx context.Context, f report.Filter) (any, error) {
	return s.svc.Overlaps(ctx, f)
}

func (s *Server) realizationReport(c echo.Context) error {
	return s.serveReport(c, report.KindRealization, false, s.buildRealization)
}

func (s *Server) coverageReport(c echo.Context) error {
	return s.serveReport(c, report.KindCoverage, false, s.buildCoverage)
}

func (s *Server) overlapsReport(c echo.Context) error {
	return s.serveReport(c, report.KindOverlaps, false, s.buildOverlaps)
}
