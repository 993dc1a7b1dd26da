package export

import (
	"encoding/csv"
	"io"
	"strings"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/report"
)

// Dialect is how a CSV file writes its cells: the plain one (",",
// "2400000.00"), which programs read, or the one a spreadsheet set up for
// Indonesia opens as columns (";", decimal comma "2400000,00").
type Dialect struct {
	Comma        rune
	DecimalComma bool
}

// CSV dialects by their ?dialect= name.
var (
	Plain   = Dialect{Comma: ','}
	ExcelID = Dialect{Comma: ';', DecimalComma: true}
)

// Dialects are the names ?dialect= accepts, the default first.
var Dialects = []string{"plain", "excel-id"}

// ParseDialect reads ?dialect=: "" or "plain" is Plain, "excel-id" is
// ExcelID. Errors: bad_request.
func ParseDialect(name string) (Dialect, error) {
	switch name {
	case "", "plain":
		return Plain, nil
	case "excel-id":
		return ExcelID, nil
	}
	return Plain, finance.Errorf(finance.EBadRequest, "dialect must be one of %s", strings.Join(Dialects, ", "))
}

// Number writes a plain decimal ("2400000.00", "-10000.00", "73.41") in
// the dialect: with a decimal comma in ExcelID.
func (d Dialect) Number(s string) string {
	if d.DecimalComma {
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}

// NewWriter is a csv.Writer writing the dialect.
func (d Dialect) NewWriter(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.Comma = d.Comma
	return cw
}

// csvSink writes UTF-8 CSV with a BOM (so that Excel reads the encoding
// right) and a header of the columns' machine names. Amounts are decimals
// in the dialect ("2400000.00", or "2400000,00" in ExcelID); a negative
// amount keeps its minus sign ("-10000.00"): it is a number Pilar wrote,
// not text a user typed, and a spreadsheet reads a minus followed by
// digits as a number, not a formula.
type csvSink struct {
	w *csv.Writer
	d Dialect
}

// NewCSV returns an encoder writing t as plain CSV to w, having written
// the BOM and the header row (errors surface at Encode or Close).
func NewCSV(w io.Writer, t report.Table, lang string) *Encoder {
	return NewCSVDialect(w, t, lang, Plain)
}

// NewCSVDialect is NewCSV in dialect d.
func NewCSVDialect(w io.Writer, t report.Table, lang string, d Dialect) *Encoder {
	io.WriteString(w, "\uFEFF")
	s := &csvSink{w: d.NewWriter(w), d: d}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	s.w.Write(header)
	return &Encoder{lang: lang, out: s}
}

func (s *csvSink) row(cells []any, _ bool) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		switch x := c.(type) {
		case money.Amount:
			rec[i] = s.d.Number(x.String())
		case report.Pct:
			rec[i] = s.d.Number(string(x))
		default:
			rec[i] = text(c)
		}
	}
	return s.w.Write(rec)
}

func (s *csvSink) close() error {
	s.w.Flush()
	return s.w.Error()
}
