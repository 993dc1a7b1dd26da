// Package export writes Pilar's reports as CSV, XLSX and PDF. Each format
// is an encoder fed one row at a time (Encode) and finished with the totals
// (Close), so an export of any length streams in constant memory; text
// cells that a spreadsheet would read as a formula are neutralised.
package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"pilar/internal/finance"
	"pilar/internal/i18n"
	"pilar/internal/money"
	"pilar/internal/report"
)

// Kind is what a column holds, which decides how its cells are written.
type Kind int

// Column kinds: text, an amount in rupiah, a count, a percentage.
const (
	Text Kind = iota
	Money
	Count
	Percent
)

// Column is one column of a table: its machine name (the CSV header, as in
// the JSON), the i18n key of its title and its kind.
type Column struct {
	Name  string
	Title string
	Kind  Kind
}

// Table says how rows of type R and totals of type T become cells: a
// string, money.Amount, int64 or report.Pct per column, in order.
type Table[R, T any] struct {
	Sheet   string
	Columns []Column
	Row     func(R) []any
	Totals  func(T) []any // nil: the table has no totals row
}

// sink is one output format.
type sink interface {
	row(cells []any, totals bool) error
	close() error
}

// Encoder writes the rows of one table in one format.
type Encoder[R, T any] struct {
	table Table[R, T]
	lang  string
	out   sink
}

// Encode writes one row. Errors: those of the underlying writer.
func (e *Encoder[R, T]) Encode(r R) error { return e.out.row(e.table.Row(r), false) }

// Close writes the totals row, when the table has one, and finishes the
// file. Errors: those of the underlying writer.
func (e *Encoder[R, T]) Close(totals T) error {
	if e.table.Totals != nil {
		cells := e.table.Totals(totals)
		cells[1] = i18n.T(e.lang, "report.total")
		if err := e.out.row(cells, true); err != nil {
			return err
		}
	}
	return e.out.close()
}

// Realization is the table of the budget realization report.
var Realization = Table[report.RealizationRow, report.Figures]{
	Sheet: "Realisasi",
	Columns: []Column{
		{"key", "report.col.key", Text}, {"label", "report.col.label", Text},
		{"original_budget", "report.col.original_budget", Money}, {"budget", "report.col.budget", Money},
		{"committed", "report.col.committed", Money}, {"realized", "report.col.realized", Money},
		{"realized_pct", "report.col.realized_pct", Percent}, {"remaining", "report.col.remaining", Money},
	},
	Row:    func(r report.RealizationRow) []any { return append([]any{r.Key, r.Label}, figures(r.Figures)...) },
	Totals: func(f report.Figures) []any { return append([]any{"", ""}, figures(f)...) },
}

func figures(f report.Figures) []any {
	return []any{f.OriginalBudget, f.Budget, f.Committed, f.Realized, f.RealizedPct, f.Remaining}
}

// Coverage is the table of the coverage report.
var Coverage = Table[report.CoverageRow, report.CoverageFigures]{
	Sheet: "Cakupan",
	Columns: []Column{
		{"key", "report.col.key", Text}, {"label", "report.col.label", Text},
		{"target", "report.col.target", Count}, {"reached", "report.col.reached", Count},
		{"female", "report.col.female", Count}, {"male", "report.col.male", Count},
		{"amount", "report.col.amount", Money}, {"average", "report.col.average", Money},
	},
	Row:    func(r report.CoverageRow) []any { return append([]any{r.Key, r.Label}, coverage(r.CoverageFigures)...) },
	Totals: func(f report.CoverageFigures) []any { return append([]any{"", ""}, coverage(f)...) },
}

func coverage(f report.CoverageFigures) []any {
	return []any{f.Target, f.Reached, f.Female, f.Male, f.Amount, f.Average}
}

// OverlapRow is one red flag with the list it belongs to (shared_nik, ...).
type OverlapRow struct {
	Kind string
	report.Flag
}

// Overlaps is the table of the overlaps and red flags report.
var Overlaps = Table[OverlapRow, struct{}]{
	Sheet: "Tanda bahaya",
	Columns: []Column{
		{"kind", "report.col.kind", Text}, {"recipient_ids", "report.col.recipient_ids", Text},
		{"programs", "report.col.programs", Text}, {"disbursement_ids", "report.col.disbursement_ids", Text},
		{"reason", "report.col.reason", Text},
	},
	Row: func(r OverlapRow) []any {
		return []any{r.Kind, joinIDs(r.RecipientIDs), strings.Join(r.Programs, " "), joinIDs(r.DisbursementIDs), r.Reason}
	},
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, " ")
}

// Meta is what a file says besides its rows: the language of titles and
// the print date of a PDF.
type Meta struct {
	Lang    string
	Printed time.Time
}

// Write writes a report (*report.Realization, *report.Coverage or
// *report.Overlaps) in a format of report.Formats. Errors: bad_request (a
// format the report is not written in), those of w.
func Write(w io.Writer, format string, rep any, m Meta) error {
	if format == "json" {
		return json.NewEncoder(w).Encode(rep)
	}
	switch r := rep.(type) {
	case *report.Realization:
		if format == "pdf" {
			e := NewRealizationPDF(w, r, m)
			return encodeAll(e, r.Rows, r.Totals)
		}
		return write(w, format, Realization, m.Lang, r.Rows, r.Totals)
	case *report.Coverage:
		return write(w, format, Coverage, m.Lang, r.Rows, r.Totals)
	case *report.Overlaps:
		var rows []OverlapRow
		for i, list := range r.Lists() {
			for _, f := range list {
				rows = append(rows, OverlapRow{report.OverlapKinds[i], f})
			}
		}
		return write(w, format, Overlaps, m.Lang, rows, struct{}{})
	}
	return fmt.Errorf("export: cannot write a %T", rep)
}

func write[R, T any](w io.Writer, format string, t Table[R, T], lang string, rows []R, totals T) error {
	var e *Encoder[R, T]
	var err error
	switch format {
	case "csv":
		e = NewCSV(w, t, lang)
	case "xlsx":
		e, err = NewXLSX(w, t, lang)
	default:
		return finance.Errorf(finance.EBadRequest, "format must be json, csv or xlsx (pdf for the realization report)")
	}
	if err != nil {
		return err
	}
	return encodeAll(e, rows, totals)
}

func encodeAll[R, T any](e *Encoder[R, T], rows []R, totals T) error {
	for _, r := range rows {
		if err := e.Encode(r); err != nil {
			return err
		}
	}
	return e.Close(totals)
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	return map[string]string{
		"json": "application/json",
		"csv":  "text/csv; charset=utf-8",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"pdf":  "application/pdf",
	}[format]
}

// FileName is the download name of a report: "realization-2024-program.xlsx".
func FileName(kind string, f report.Filter, format string) string {
	name := fmt.Sprintf("%s-%d", kind, f.Year)
	if f.GroupBy != "" {
		name += "-" + f.GroupBy
	}
	return name + "." + format
}

// Neutralize makes text safe to open in a spreadsheet: a cell beginning
// with =, +, -, @, a tab or a carriage return would be read as a formula,
// so it gets a leading single quote (OWASP's advice on CSV injection).
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// text writes a cell that is not a number.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return Neutralize(x)
	case money.Amount:
		return x.String()
	case report.Pct:
		return string(x)
	}
	return fmt.Sprint(v)
}
