package web

import (
	"context"
	"errors"
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
	Periodic  bool   // rows are months or quarters: the page says which figures are cumulative
	Empty     bool   // nothing to show for the year (or date)
	Latest    int    // when Empty: the latest fiscal year with programs, 0 for none
	LatestURL string // this page in the Latest year, when that is another
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

// reportPage renders the page of a report of kind k for filter f,
// template report_<kind>; a yearly report of a year without programs, or
// one without rows, shows that it is empty and the latest year with data.
func (s *Server) reportPage(c echo.Context, k *report.Kind, f report.Filter, rep any) error {
	ctx := c.Request().Context()
	lang := langOf(c, s.cfg.Lang)
	v := reportView{Kind: k.Name, Kinds: report.Names(), Report: rep, Year: f.Year, Groups: k.Groups, Sources: finance.FundingSources,
		Periodic: f.GroupBy == "month" || f.GroupBy == "quarter"}
	if sessionOf(c).User.Actor().SeesAllAgencies() {
		agencies, err := s.agencies.FindAgencies(ctx)
		if err != nil {
			return err
		}
		v.Agencies = agencies
	}
	empty, err := s.reportEmpty(ctx, k, f, rep)
	if err != nil {
		return err
	}
	if empty {
		v.Empty = true
		programs := finance.ProgramFilter{Agency: f.Agency, FundingSource: f.FundingSource}
		if v.Latest, err = s.programs.LatestFiscalYear(ctx, programs); err != nil {
			return err
		}
		if v.Latest != 0 && v.Latest != f.Year {
			q := c.QueryParams()
			q.Set("year", strconv.Itoa(v.Latest))
			v.LatestURL = c.Request().URL.Path + "?" + q.Encode()
		}
	} else if draw := reportCharts[k.Name]; draw != nil {
		charts, err := draw(s, ctx, lang, f, rep)
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

// errFound stops a walk over a report's rows at the first.
var errFound = errors.New("found a row")

// reportEmpty reports whether there is nothing to show: no program in a
// yearly report's year (its months and programs would all be zeros), or no
// row in a table of groups (one with totals). A list of findings without
// rows (no red flags) is an answer, not emptiness.
func (s *Server) reportEmpty(ctx context.Context, k *report.Kind, f report.Filter, rep any) (bool, error) {
	if k.Yearly() {
		sum, err := s.programs.SumPrograms(ctx, finance.ProgramFilter{Year: f.Year, Agency: f.Agency, FundingSource: f.FundingSource})
		if err != nil || sum.Programs == 0 {
			return err == nil, err
		}
	}
	if k.Table.Totals == nil {
		return false, nil
	}
	err := k.Table.Rows(rep, func([]any) error { return errFound })
	if errors.Is(err, errFound) {
		return false, nil
	}
	return true, err
}

// pageYear is the year a yearly report page opens on without ?year=: the
// latest fiscal year of the programs the user may see (by the page's
// filters), or this year when there are none.
func (s *Server) pageYear(c echo.Context, k *report.Kind, f *report.Filter) error {
	if !k.Yearly() || c.QueryParam("year") != "" {
		return nil
	}
	year, err := s.programs.LatestFiscalYear(c.Request().Context(), finance.ProgramFilter{Agency: f.Agency, FundingSource: f.FundingSource})
	if year != 0 {
		f.Year = year
	}
	return err
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
			bars[i] = chart.Bar{Label: say(lang, row.Label), Value: row.Realized.Decimal(), Reference: row.Budget.Decimal(),
				Text: i18n.Decimal(lang, string(row.RealizedPct)) + "%"}
		}
		out = append(out, chart.Bars(chart.Chart{ID: "chart-groups", Title: i18n.T(lang, "report.chart.program"), Desc: i18n.T(lang, "report.chart.program_desc"),
			Value: i18n.T(lang, "report.col.realized"), Reference: i18n.T(lang, "report.col.budget"), Bars: bars}))
	}
	bars := make([]chart.Bar, len(months.Rows))
	for i, row := range months.Rows {
		bars[i] = chart.Bar{Label: say(lang, row.Label), Value: row.Realized.Decimal(), Text: row.Realized.Rupiah()}
	}
	return append(out, chart.Bars(chart.Chart{ID: "chart-months", Title: i18n.T(lang, "report.chart.month"), Desc: i18n.T(lang, "report.chart.month_desc"),
		Value: i18n.T(lang, "report.legend.month"), Bars: bars})), nil
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
		bars[i] = chart.Bar{Label: say(lang, row.Label), Value: decimal.NewFromInt(row.Reached), Text: i18n.Number(lang, row.Reached)}
	}
	return []template.HTML{chart.Bars(chart.Chart{ID: "chart-regions", Title: i18n.T(lang, "report.chart.region"), Desc: i18n.T(lang, "report.chart.region_desc"),
		Value: i18n.T(lang, "report.col.reached"), Bars: bars})}, nil
}

// registryCharts are the bars of recipients per row as of the date against
// a year earlier.
func registryCharts(_ *Server, _ context.Context, lang string, _ report.Filter, rep any) ([]template.HTML, error) {
	r := rep.(*report.Registry)
	bars := make([]chart.Bar, len(r.Rows))
	for i, row := range r.Rows {
		bars[i] = chart.Bar{Label: say(lang, row.Label), Value: decimal.NewFromInt(row.Count), Reference: decimal.NewFromInt(row.CountPrev),
			Text: i18n.Number(lang, row.Count) + " (" + i18n.Decimal(lang, string(row.GrowthPct)) + "%)"}
	}
	return []template.HTML{chart.Bars(chart.Chart{ID: "chart-registry", Title: i18n.T(lang, "report.chart.registry"), Desc: i18n.T(lang, "report.chart.registry_desc"),
		Value: i18n.T(lang, "report.col.reg_count"), Reference: i18n.T(lang, "report.col.reg_count_prev"), Bars: bars})}, nil
}
