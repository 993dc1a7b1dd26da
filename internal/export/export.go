// Package export writes Pilar's reports as CSV, XLSX and PDF. Each format
// is an encoder fed one row at a time (Encode) and finished with the totals
// (Close), so an export of any length streams in constant memory; text
// cells that a spreadsheet would read as a formula are neutralised.
package export

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"pilar/internal/finance"
	"pilar/internal/i18n"
	"pilar/internal/money"
	"pilar/internal/report"
)

// sink is one output format.
type sink interface {
	row(cells []any, totals bool) error
	close() error
}

// Encoder writes the rows of one table (a report.Table) in one format.
type Encoder struct {
	lang string
	out  sink
}

// Encode writes one row of cells. Errors: those of the underlying writer.
func (e *Encoder) Encode(cells []any) error { return e.out.row(e.say(cells), false) }

// say puts the message cells (labels, reasons) in the file's language.
func (e *Encoder) say(cells []any) []any {
	for i, c := range cells {
		if m, ok := c.(finance.Msg); ok {
			cells[i] = m.In(e.lang)
		}
	}
	return cells
}

// Close writes the totals row, when totals is not nil, and finishes the
// file. Errors: those of the underlying writer.
func (e *Encoder) Close(totals []any) error {
	if totals != nil {
		cells := slices.Clone(totals)
		cells[1] = i18n.T(e.lang, "report.total")
		if err := e.out.row(e.say(cells), true); err != nil {
			return err
		}
	}
	return e.out.close()
}

// Meta is what a file says besides its rows: the language of titles and
// the print date of a PDF, and a CSV file's dialect (zero: Plain).
type Meta struct {
	Lang    string
	Printed time.Time
	Dialect Dialect
}

// Write writes a report (of one of report.Kinds) in a format of its kind.
// Errors: bad_request (a format the report is not written in), those of w.
func Write(w io.Writer, format string, rep any, m Meta) error {
	k := report.KindOf(rep)
	if k == nil {
		return fmt.Errorf("export: cannot write a %T", rep)
	}
	if err := k.CheckFormat(format); err != nil {
		return err
	}
	var e *Encoder
	var err error
	switch format {
	case "json":
		return json.NewEncoder(w).Encode(rep)
	case "csv":
		if m.Dialect == (Dialect{}) {
			m.Dialect = Plain
		}
		e = NewCSVDialect(w, k.Table, m.Lang, m.Dialect)
	case "xlsx":
		var groupBy string
		if h, ok := rep.(interface{ Heading() report.Heading }); ok {
			groupBy = h.Heading().GroupBy
		}
		e, err = newXLSX(w, k.Table, m.Lang, groupBy)
	case "pdf":
		e = NewPDF(w, k, rep.(interface{ Heading() report.Heading }).Heading(), m)
	}
	if err != nil {
		return err
	}
	if err := k.Table.Rows(rep, e.Encode); err != nil {
		return err
	}
	var totals []any
	if k.Table.Totals != nil {
		totals = k.Table.Totals(rep)
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
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
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
