package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"pilar/internal/chart"
	"pilar/internal/finance"
	"pilar/internal/i18n"
	"pilar/internal/report"
)

func (s *Server) realizationPage(c echo.Context) error {
	return s.serveReport(c, report.KindRealization, true, s.buildRealization)
}

func (s *Server) coveragePage(c echo.Context) error {
	return s.serveReport(c, report.KindCoverage, true, s.buildCoverage)
}

func (s *Server) overlapsPage(c echo.Context) error {
	return s.serveReport(c, report.KindOverlaps, true, s.buildOverlaps)
}

// reportView is what a report page shows besides the report: the filter
// choices, the download links and the charts.
type reportView struct {
	Kind      string
	Report    any
	Year      int
	Groups    []string
	Agencies  []*finance.Agency
	Sources   []string
	Downloads []download
	Charts    []template.HTML
	Flags     []flagSection
}

type download struct{ Format, URL string }

// flagSection is one list of the overlaps report with its i18n key.
type flagSection struct {
	Key   string
	Flags []report.Flag
}

// reportPage renders a report's page.
func (s *Server) reportPage(c echo.Context, kind string, rep any) error {
	ctx := c.Request().Context()
	f, _ := reportFilter(c) // already read once by serveReport
	v := reportView{Kind: kind, Report: rep, Year: f.Year, Sources: finance.FundingSources}
	if sessionOf(c).User.Actor().SeesAllAgencies() {
		agencies, err := s.svc.FindAgencies(ctx)
		if err != nil {
			return err
		}
		v.Agencies = agencies
	}
	q := c.QueryParams()
	formats := []string{"csv", "xlsx"}
	lang := langOf(c, s.cfg.Lang)
	switch r := rep.(type) {
	case *report.Realization:
		v.Groups, formats = report.RealizationGroups, append(formats, "pdf")
		f.GroupBy = "month"
		months := r
		if r.GroupBy != "month" {
			var err error
			if months, err = s.svc.Realization(ctx, f); err != nil {
				return err
			}
		}
		v.Charts = realizationCharts(lang, r, months)
	case *report.Coverage:
		v.Groups = report.CoverageGroups
		f.GroupBy = "region"
		regions := r
		if r.GroupBy != "region" {
			var err error
			if regions, err = s.svc.Coverage(ctx, f); err != nil {
				return err
			}
		}
		v.Charts = []template.HTML{coverageChart(lang, regions)}
	case *report.Overlaps:
		for i, list := range r.Lists() {
			v.Flags = append(v.Flags, flagSection{report.OverlapKinds[i], list})
		}
	}
	for _, format := range formats {
		q.Set("format", format)
		v.Downloads = append(v.Downloads, download{format, c.Request().URL.Path + "?" + q.Encode()})
	}
	return s.renderForm(c, http.StatusOK, "report_"+kind, "report."+kind, v, c.QueryParams(), nil)
}

// realizationCharts are the bars of realized against budget per row (unless
// the rows are periods) and the amounts paid per month.
func realizationCharts(lang string, r, months *report.Realization) []template.HTML {
	var out []template.HTML
	if r.GroupBy != "month" && r.GroupBy != "quarter" {
		bars := make([]chart.Bar, len(r.Rows))
		for i, row := range r.Rows {
			bars[i] = chart.Bar{Label: row.Key, Value: row.Realized.Decimal(), Reference: row.Budget.Decimal(),
				Text: string(row.RealizedPct) + "%"}
		}
		out = append(out, chart.Bars("chart-groups", i18n.T(lang, "report.chart.program"), i18n.T(lang, "report.chart.program_desc"), bars))
	}
	bars := make([]chart.Bar, len(months.Rows))
	for i, row := range months.Rows {
		bars[i] = chart.Bar{Label: row.Label, Value: row.Realized.Decimal(), Text: row.Realized.Rupiah()}
	}
	return append(out, chart.Bars("chart-months", i18n.T(lang, "report.chart.month"), i18n.T(lang, "report.chart.month_desc"), bars))
}

// coverageChart is the bars of recipients reached per region.
func coverageChart(lang string, r *report.Coverage) template.HTML {
	bars := make([]chart.Bar, len(r.Rows))
	for i, row := range r.Rows {
		bars[i] = chart.Bar{Label: row.Label, Value: decimal.NewFromInt(row.Reached), Text: strconv.FormatInt(row.Reached, 10)}
	}
	return chart.Bars("chart-regions", i18n.T(lang, "report.chart.region"), i18n.T(lang, "report.chart.region_desc"), bars)
}
