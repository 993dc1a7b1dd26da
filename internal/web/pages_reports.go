package web

import (
	"context"
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

// reportView is what a report page shows besides the report: the filter
// choices, the download links and the charts.
type reportView struct {
	Kind      string
	Kinds     []string // every report kind, for the navigation
	Report    any
	Year      int
	Groups    []string
	Agencies  []*finance.Agency
	Sources   []string
	Downloads []download
	Charts    []template.HTML
}

// download is a link to the report as a file; Dialect is a CSV file's
// ?dialect=, "" for the plain one.
type download struct{ Format, Dialect, URL string }

// reportCharts draw the charts of a report page, for the kinds that have
// any; a kind without an entry has none.
var reportCharts = map[string]func(s *Server, ctx context.Context, lang string, f report.Filter, rep any) ([]template.HTML, error){
	report.KindRealization: realizationCharts,
	report.KindCoverage:    coverageCharts,
	report.KindRegistry:    registryCharts,
}

// reportPage renders the page of a report of kind k, template report_<kind>.
func (s *Server) reportPage(c echo.Context, k *report.Kind, rep any) error {
	ctx := c.Request().Context()
	f, _ := s.reportFilter(c) // already read once by the handler
	v := reportView{Kind: k.Name, Kinds: report.Names(), Report: rep, Year: f.Year, Groups: k.Groups, Sources: finance.FundingSources}
	if sessionOf(c).User.Actor().SeesAllAgencies() {
		agencies, err := s.agencies.FindAgencies(ctx)
		if err != nil {
			return err
		}
		v.Agencies = agencies
	}
	if draw := reportCharts[k.Name]; draw != nil {
		charts, err := draw(s, ctx, langOf(c, s.cfg.Lang), f, rep)
		if err != nil {
			return err
		}
		v.Charts = charts
	}
	q := c.QueryParams()
	q.Del("dialect")
	for _, format := range k.Files() {
		q.Set("format", format)
		v.Downloads = append(v.Downloads, download{format, "", c.Request().URL.Path + "?" + q.Encode()})
		if format == "csv" { // and the CSV an Indonesian Excel opens as columns
			q.Set("dialect", "excel-id")
			v.Downloads = append(v.Downloads, download{format, "excel-id", c.Request().URL.Path + "?" + q.Encode()})
			q.Del("dialect")
		}
	}
	return s.renderForm(c, http.StatusOK, "report_"+k.Name, "report."+k.Name, v, c.QueryParams(), nil)
}

// realizationCharts are the bars of realized against budget per row (unless
// the rows are periods) and the amounts paid per month.
func realizationCharts(s *Server, ctx context.Context, lang string, f report.Filter, rep any) ([]template.HTML, error) {
	r := rep.(*report.Realization)
	months := r
	if r.GroupBy != "month" {
		f.GroupBy = "month"
		var err error
		if months, err = s.reports.Realization(ctx, f); err != nil {
			return nil, err
		}
	}
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
		bars[i] = chart.Bar{Label: say(lang, row.Label), Value: row.Realized.Decimal(), Text: row.Realized.Rupiah()}
	}
	return append(out, chart.Bars("chart-months", i18n.T(lang, "report.chart.month"), i18n.T(lang, "report.chart.month_desc"), bars)), nil
}

// coverageCharts are the bars of recipients reached per region.
func coverageCharts(s *Server, ctx context.Context, lang string, f report.Filter, rep any) ([]template.HTML, error) {
	r := rep.(*report.Coverage)
	if r.GroupBy != "region" {
		f.GroupBy = "region"
		var err error
		if r, err = s.reports.Coverage(ctx, f); err != nil {
			return nil, err
		}
	}
	bars := make([]chart.Bar, len(r.Rows))
	for i, row := range r.Rows {
		bars[i] = chart.Bar{Label: say(lang, row.Label), Value: decimal.NewFromInt(row.Reached), Text: strconv.FormatInt(row.Reached, 10)}
	}
	return []template.HTML{chart.Bars("chart-regions", i18n.T(lang, "report.chart.region"), i18n.T(lang, "report.chart.region_desc"), bars)}, nil
}

// registryCharts are the bars of recipients per row as of the date against
// a year earlier.
func registryCharts(_ *Server, _ context.Context, lang string, _ report.Filter, rep any) ([]template.HTML, error) {
	r := rep.(*report.Registry)
	bars := make([]chart.Bar, len(r.Rows))
	for i, row := range r.Rows {
		bars[i] = chart.Bar{Label: say(lang, row.Label), Value: decimal.NewFromInt(row.Count), Reference: decimal.NewFromInt(row.CountPrev),
			Text: strconv.FormatInt(row.Count, 10) + " (" + string(row.GrowthPct) + "%)"}
	}
	return []template.HTML{chart.Bars("chart-registry", i18n.T(lang, "report.chart.registry"), i18n.T(lang, "report.chart.registry_desc"), bars)}, nil
}
