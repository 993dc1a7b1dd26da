package report

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"pilar/internal/finance"
	"pilar/internal/i18n"
)

// Kind is one report kind, the one place that says what it is: the API,
// the pages, the CLI and the exports all read it from Kinds. A new kind is
// one entry here, its query (a method of Service) and its page template
// templates/pages/report_<Name>.html (plus the i18n words report.<Name>).
type Kind struct {
	Name    string   // realization: /reports/realization, template report_realization, title report.realization
	Summary string   // the API route's summary
	Groups  []string // the group_by it accepts, the first the default; nil: no group_by
	Formats []string // the formats it is written in, json first
	Params  []string // query parameters of its own, besides year, agency, funding_source, format and group_by
	Schema  string   // the OpenAPI schema of its JSON
	Result  any      // a zero report, for the schema and for KindOf
	// Build builds the report for the actor in ctx. Errors: those of the Service method.
	Build func(ctx context.Context, svc Service, f Filter) (any, error)
	Table Table // the table of its CSV, XLSX and PDF files
	PDF   *PDF  // the PDF office layout, nil when Formats has no pdf
}

// Cell is what a column holds, which decides how its cells are written.
type Cell int

// Column cells: text, an amount in rupiah, a count, a percentage.
const (
	CellText Cell = iota
	CellMoney
	CellCount
	CellPercent
	// CellSigned is an amount whose negative is written in parentheses in
	// PDF and XLSX, as the LRA's Lebih/(Kurang).
	CellSigned
)

// Column is one column of a table: its machine name (the CSV header, as in
// the JSON), the i18n key of its title and what it holds.
type Column struct {
	Name  string
	Title string
	Cell  Cell
}

// periodic says, by column name, what a realization figure covers in month
// or quarter rows (the i18n key of "annual", "this period", "cumulative"),
// as Realization's comment and store/reports.go compute them.
var periodic = map[string]string{
	"original_budget": "report.annual", "budget": "report.annual",
	"realized": "report.in_period", "committed": "report.in_period",
	"over_under": "report.cumulative", "realized_pct": "report.cumulative", "remaining": "report.cumulative",
	"principal_repaid": "report.in_period", "available": "report.cumulative",
}

// PeriodicNote is the i18n key of what the realization column covers in
// month or quarter rows, "" for a column that always covers the same.
func PeriodicNote(column string) string { return periodic[column] }

// TitleIn is the column's title in lang for rows grouped by groupBy; in
// month or quarter rows it says what the figure covers: "% Realisasi
// (kumulatif)".
func (c Column) TitleIn(lang, groupBy string) string {
	title := i18n.T(lang, c.Title)
	if note := PeriodicNote(c.Name); note != "" && (groupBy == "month" || groupBy == "quarter") {
		title += " (" + i18n.T(lang, note) + ")"
	}
	return title
}

// Table says how a report becomes rows of cells (a string, money.Amount,
// int64 or Pct per column, in order).
type Table struct {
	Sheet   string // the i18n key of the XLSX sheet's name (31 characters at most)
	Columns []Column
	// Rows calls emit with the cells of each row of the report, in order.
	Rows func(rep any, emit func(cells []any) error) error
	// Totals are the cells of the totals row; nil: the table has none.
	Totals func(rep any) []any
}

// PDF is a kind's office report layout: its title (an i18n key) and the
// width in mm of each column (277 mm between the margins).
type PDF struct {
	Title  string
	Widths []float64
}

// Heading is what a file says above its table.
type Heading struct {
	Year    int
	Agency  string // the agency's name, "" for all
	Region  string // the agency's region code, for a PDF's place line
	GroupBy string
}

// Report kinds, as named in /api/v1/reports/{kind}.
const (
	KindRealization = "realization"
	KindCoverage    = "coverage"
	KindOverlaps    = "overlaps"
)

// Kinds are the report kinds, in the order pages list them.
var Kinds = []*Kind{
	{
		Name:    KindRealization,
		Summary: "Budget realization (Laporan Realisasi Anggaran) as json, csv, xlsx or pdf; unknown group_by or format: 400",
		Groups:  []string{"program", "funding_source", "agency", "region", "month", "quarter"},
		Formats: []string{"json", "csv", "xlsx", "pdf"},
		Schema:  "Realization", Result: Realization{},
		Build: func(ctx context.Context, svc Service, f Filter) (any, error) { return svc.Realization(ctx, f) },
		Table: table("report.sheet.realization", []Column{
			{"key", "report.col.key", CellText}, {"label", "report.col.label", CellText},
			{"original_budget", "report.col.original_budget", CellMoney}, {"budget", "report.col.budget", CellMoney},
			{"realized", "report.col.realized", CellMoney}, {"over_under", "report.col.over_under", CellSigned},
			{"realized_pct", "report.col.realized_pct", CellPercent},
			{"committed", "report.col.committed", CellMoney}, {"remaining", "report.col.remaining", CellMoney},
			{"principal_repaid", "report.col.principal_repaid", CellMoney}, {"available", "report.col.realization_available", CellMoney},
		}, func(r *Realization, emit func([]any) error) error {
			for _, row := range r.Rows {
				if err := emit(row.Cells()); err != nil {
					return err
				}
			}
			return nil
		}, func(r *Realization) []any { return r.Totals.Cells() }),
		PDF: &PDF{Title: "report.pdf.title", Widths: []float64{20, 36, 26, 26, 26, 26, 13, 26, 26, 26, 26}},
	},
	{
		Name:    KindCoverage,
		Summary: "Coverage: target against reached recipients, as json, csv or xlsx; unknown group_by or format: 400",
		Groups:  []string{"program", "size_class", "sector", "region", "sex"},
		Formats: []string{"json", "csv", "xlsx"},
		Schema:  "Coverage", Result: Coverage{},
		Build: func(ctx context.Context, svc Service, f Filter) (any, error) { return svc.Coverage(ctx, f) },
		Table: table("report.sheet.coverage", []Column{
			{"key", "report.col.key", CellText}, {"label", "report.col.label", CellText},
			{"target", "report.col.target", CellCount}, {"reached", "report.col.reached", CellCount},
			{"female", "report.col.female", CellCount}, {"male", "report.col.male", CellCount},
			{"amount", "report.col.amount", CellMoney}, {"average", "report.col.average", CellMoney},
		}, func(r *Coverage, emit func([]any) error) error {
			for _, row := range r.Rows {
				if err := emit(append([]any{row.Key, row.Label}, row.CoverageFigures.cells()...)); err != nil {
					return err
				}
			}
			return nil
		}, func(r *Coverage) []any { return append([]any{"", ""}, r.Totals.cells()...) }),
	},
	{
		Name:    KindOverlaps,
		Summary: "Overlaps and red flags of a year, as json, csv or xlsx; unknown format: 400",
		Formats: []string{"json", "csv", "xlsx"},
		Schema:  "Overlaps", Result: Overlaps{},
		Build: func(ctx context.Context, svc Service, f Filter) (any, error) { return svc.Overlaps(ctx, f) },
		Table: table("report.sheet.overlaps", []Column{
			{"kind", "report.col.kind", CellText}, {"recipient_ids", "report.col.recipient_ids", CellText},
			{"programs", "report.col.programs", CellText}, {"disbursement_ids", "report.col.disbursement_ids", CellText},
			{"reason", "report.col.reason", CellText},
		}, func(r *Overlaps, emit func([]any) error) error {
			for _, sec := range r.Sections() {
				for _, f := range sec.Flags {
					if err := emit([]any{sec.Key, joinIDs(f.RecipientIDs), strings.Join(f.Programs, " "), joinIDs(f.DisbursementIDs), f.Reason}); err != nil {
						return err
					}
				}
			}
			return nil
		}, nil),
	},
}

// table makes the Table of a report type Rep from typed functions.
func table[Rep any](sheet string, cols []Column, rows func(Rep, func([]any) error) error, totals func(Rep) []any) Table {
	t := Table{Sheet: sheet, Columns: cols, Rows: func(rep any, emit func([]any) error) error { return rows(rep.(Rep), emit) }}
	if totals != nil {
		t.Totals = func(rep any) []any { return totals(rep.(Rep)) }
	}
	return t
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, " ")
}

// Names are the names of Kinds, in order.
func Names() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = k.Name
	}
	return out
}

// Lookup returns the kind of a name. Errors: not_found.
func Lookup(name string) (*Kind, error) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, nil
		}
	}
	return nil, finance.Errorf(finance.ENotFound, "there is no %q report; use one of %s", name, strings.Join(Names(), ", "))
}

// KindOf returns the kind whose report rep (a pointer) is, or nil.
func KindOf(rep any) *Kind {
	t := reflect.TypeOf(rep)
	for _, k := range Kinds {
		if t == reflect.PointerTo(reflect.TypeOf(k.Result)) {
			return k
		}
	}
	return nil
}

// CheckFormat refuses a format the kind is not written in. Errors: bad_request.
func (k *Kind) CheckFormat(format string) error {
	if !slices.Contains(k.Formats, format) {
		return finance.Errorf(finance.EBadRequest, "format must be one of %s for the %s report", strings.Join(k.Formats, ", "), k.Name)
	}
	return nil
}

// Yearly reports whether the kind is a fiscal year's report (?year=), not
// one as of a date (?as_of=, the registry).
func (k *Kind) Yearly() bool { return !slices.Contains(k.Params, "as_of") }

// Files are the formats of the kind's downloads: all but json.
func (k *Kind) Files() []string {
	return slices.DeleteFunc(slices.Clone(k.Formats), func(f string) bool { return f == "json" })
}

// Cells are the cells of a realization row: key, label and the figures.
func (r RealizationRow) Cells() []any { return append([]any{r.Key, r.Label}, r.Figures.cells()...) }

// Cells are the cells of the realization totals row.
func (f Figures) Cells() []any { return append([]any{"", ""}, f.cells()...) }

func (f Figures) cells() []any {
	// The LRA's order: budget, realized, Lebih/(Kurang), %; then Pilar's
	// committed and remaining, and a credit program's principal repaid and
	// what is available (remaining, plus a revolving fund's repaid principal).
	return []any{f.OriginalBudget, f.Budget, f.Realized, f.OverUnder, f.RealizedPct, f.Committed, f.Remaining, f.PrincipalRepaid, f.Available}
}

func (f CoverageFigures) cells() []any {
	return []any{f.Target, f.Reached, f.Female, f.Male, f.Amount, f.Average}
}

// Heading of the realization report.
func (r *Realization) Heading() Heading {
	return Heading{Year: r.Year, Agency: r.Agency, Region: r.Region, GroupBy: r.GroupBy}
}

// Heading of the coverage report.
func (r *Coverage) Heading() Heading {
	return Heading{Year: r.Year, Agency: r.Agency, GroupBy: r.GroupBy}
}

// Heading of the overlaps report.
func (r *Overlaps) Heading() Heading { return Heading{Year: r.Year, Agency: r.Agency} }

// FlagSection is one list of the overlaps report and its name (shared_nik, …).
type FlagSection struct {
	Key   string
	Flags []Flag
}

// Sections are the lists of the overlaps report in the order reports show them.
func (o *Overlaps) Sections() []FlagSection {
	lists := [][]Flag{o.SharedNIK, o.SharedNIB, o.SharedAccount, o.MultiProgram, o.Ineligible, o.AmountMismatch, o.ReturnedNotClosed, o.Flagged}
	out := make([]FlagSection, len(lists))
	for i, l := range lists {
		out[i] = FlagSection{OverlapKinds[i], l}
	}
	return out
}

// Groups are the group_by values a kind accepts; nil for an unknown kind.
func Groups(kind string) []string {
	if k, err := Lookup(kind); err == nil {
		return k.Groups
	}
	return nil
}
