package web

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"pilar/internal/export"
	"pilar/internal/report"
)

// reportQuery are the query parameters of the report routes.
var reportQuery = []string{"year", "agency", "funding_source", "format", "group_by"}

// reportRoutes are the API routes of report.Kinds, one per kind.
func (s *Server) reportRoutes() []apiRoute {
	var out []apiRoute
	for _, k := range report.Kinds {
		q := reportQuery
		if k.Groups == nil {
			q = reportQuery[:4]
		}
		if k.Params != nil {
			q = append(slices.Clone(q), k.Params...)
		}
		if slices.Contains(k.Formats, "csv") {
			q = append(slices.Clone(q), "dialect") // export.Dialects
		}
		out = append(out, apiRoute{"GET", "/reports/" + k.Name, k.Summary, q, "", k.Schema, false, 200, s.reportHandler(k, false)})
	}
	return out
}

// reportFilter reads ?year= (default: this year), ?agency=,
// ?funding_source= and ?group_by=. Errors: bad_request.
func (s *Server) reportFilter(c echo.Context) (report.Filter, error) {
	year, err := intQuery(c, "year", minYear, maxYear)
	if err != nil {
		return report.Filter{}, err
	}
	if year == 0 {
		year = int64(s.now().In(s.loc).Year())
	}
	return report.Filter{Year: int(year), Agency: c.QueryParam("agency"),
		FundingSource: c.QueryParam("funding_source"), GroupBy: c.QueryParam("group_by"), AsOf: c.QueryParam("as_of"), Region: c.QueryParam("region")}, nil
}

// reportHandler answers a report route of kind k: ?format= picks JSON (the
// API's default) or a file, ?dialect= a CSV file's dialect (export.Dialects);
// a page route without ?format= renders the report's page. Errors:
// bad_request (unknown group_by, format or dialect), forbidden,
// unauthorized, validation_failed (unknown agency).
func (s *Server) reportHandler(k *report.Kind, page bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		format := c.QueryParam("format")
		switch {
		case format == "" && page:
			format = "html"
		case format == "":
			format = "json"
		default:
			if err := k.CheckFormat(format); err != nil {
				return err
			}
		}
		f, err := s.reportFilter(c)
		if err != nil {
			return err
		}
		if format == "html" {
			if err := s.pageYear(c, k, &f); err != nil {
				return err
			}
		}
		dialect, err := export.ParseDialect(c.QueryParam("dialect"))
		if err != nil {
			return err
		}
		rep, err := k.Build(c.Request().Context(), s.reports, f)
		if err != nil {
			return err
		}
		switch format {
		case "html":
			return s.reportPage(c, k, f, rep)
		case "json":
			return c.JSON(http.StatusOK, rep)
		}
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, export.ContentType(format))
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+export.FileName(k.Name, f, format)+`"`)
		c.Response().WriteHeader(http.StatusOK)
		err = export.Write(c.Response(), format, rep, export.Meta{Lang: langOf(c, s.cfg.Lang), Printed: s.now().In(s.loc), Dialect: dialect})
		if err != nil {
			// The status is sent; all that is left is to log and cut the file short.
			s.reqLog(c).Error("report export", "kind", k.Name, "format", format, "err", err)
		}
		return nil
	}
}
