package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
//
// It writes the bytes encoding/csv's Writer writes (appendField), but
// builds each record in one reused slice, so a million-row export costs
// no allocation per cell.
type csvSink struct {
	w     *bufio.Writer
	comma byte // both dialects' separators are ASCII
	d     Dialect
	line  []byte
}

// NewCSV returns an encoder writing t as plain CSV to w, having written
// the BOM and the header row (errors surface at Encode or Close).
func NewCSV(w io.Writer, t report.Table, lang string) *Encoder {
	return NewCSVDialect(w, t, lang, Plain)
}

// NewCSVDialect is NewCSV in dialect d.
func NewCSVDialect(w io.Writer, t report.Table, lang string, d Dialect) *Encoder {
	return &Encoder{lang: lang, out: newCSVSink(w, t, d)}
}

func newCSVSink(w io.Writer, t report.Table, d Dialect) *csvSink {
	s := &csvSink{w: bufio.NewWriter(w), comma: byte(d.Comma), d: d}
	s.w.WriteString("\uFEFF")
	for _, c := range t.Columns {
		s.field(c.Name)
	}
	s.end()
	return s
}

func (s *csvSink) row(cells []any, _ bool) error {
	for _, c := range cells {
		switch x := c.(type) {
		case money.Amount:
			s.amount(x)
		case report.Pct:
			s.field(s.d.Number(string(x)))
		case int64:
			s.int(x)
		default:
			s.field(text(c))
		}
	}
	return s.end()
}

// field adds one cell as it is, quoted if it must be.
func (s *csvSink) field(v string) {
	s.line = append(appendField(s.line, v, s.comma), s.comma)
}

// text adds a text cell, neutralised.
func (s *csvSink) text(v string) { s.field(Neutralize(v)) }

func (s *csvSink) int(v int64) {
	s.line = append(strconv.AppendInt(s.line, v, 10), s.comma)
}

// amount adds a decimal amount in the dialect, written in place.
func (s *csvSink) amount(a money.Amount) {
	start := len(s.line)
	s.line = a.AppendText(s.line)
	if s.d.DecimalComma {
		if i := bytes.IndexByte(s.line[start:], '.'); i >= 0 {
			s.line[start+i] = ','
		}
	}
	if bytes.IndexByte(s.line[start:], s.comma) >= 0 { // not in Pilar's dialects
		v := string(s.line[start:])
		s.line = s.line[:start]
		s.field(v)
		return
	}
	s.line = append(s.line, s.comma)
}

// end writes the record built so far, its last separator a newline.
func (s *csvSink) end() error {
	if len(s.line) == 0 {
		s.line = append(s.line, s.comma)
	}
	s.line[len(s.line)-1] = '\n'
	_, err := s.w.Write(s.line)
	s.line = s.line[:0]
	return err
}

func (s *csvSink) close() error {
	return s.w.Flush()
}

// appendField appends a CSV field as encoding/csv's Writer (UseCRLF false)
// writes it: in double quotes, inner quotes doubled, when it holds the
// separator, a quote, CR or LF, begins with a space or is \. (which would
// end a PostgreSQL COPY); as it is otherwise.
func appendField(dst []byte, v string, comma byte) []byte {
	if !needsQuotes(v, comma) {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	for {
		i := strings.IndexByte(v, '"')
		if i < 0 {
			break
		}
		dst = append(append(dst, v[:i+1]...), '"')
		v = v[i+1:]
	}
	return append(append(dst, v...), '"')
}

// needsQuotes is encoding/csv's fieldNeedsQuotes for an ASCII separator.
func needsQuotes(v string, comma byte) bool {
	if v == "" {
		return false
	}
	if v == `\.` {
		return true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\n' || c == '\r' || c == '"' || c == comma {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(v)
	return unicode.IsSpace(r)
}
