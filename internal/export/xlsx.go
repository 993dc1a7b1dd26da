package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"pilar/internal/i18n"
	"pilar/internal/money"
	"pilar/internal/report"
)

// RupiahFormat is the number format of amount cells. Excel and LibreOffice
// show the thousands and decimal separators of the viewer's locale, so an
// Indonesian desktop shows Rp2.400.000,00 and an English one Rp2,400,000.00.
const RupiahFormat = `"Rp"#,##0.00`

// SignedRupiahFormat writes a negative amount in parentheses, as the LRA's
// Lebih/(Kurang) column.
const SignedRupiahFormat = `"Rp"#,##0.00;("Rp"#,##0.00)`

// xlsxSink writes a workbook of one sheet: a frozen header row, real
// numeric cells (amounts in RupiahFormat), a bold totals row and fixed
// widths. excelize writes the workbook's parts (workbook, styles, content
// types), but the sheet's rows go straight into its entry of the zip on w
// as they come: excelize's StreamWriter would hold up to 32 MiB of sheet
// XML in memory and then copy the whole sheet (about 1.3 GB for a million
// disbursements) through a temporary file before zipping it.
type xlsxSink struct {
	f      *excelize.File
	zw     *zip.Writer
	sheet  io.Writer // the sheet's entry in zw, open until close
	kinds  []report.Cell
	cols   []string               // column letters
	styles [2]map[report.Cell]int // [0] body, [1] totals
	n      int
	buf    []byte
	esc    bytes.Buffer
}

// sheetPath is the sheet's part in the zip: the first sheet of
// excelize.NewFile, renamed but not moved.
const sheetPath = "xl/worksheets/sheet1.xml"

// widths of each kind of column, in characters: an amount up to
// Rp1.000.000.000.000.000,00 fits; text columns get at least their title.
var widths = map[report.Cell]int{report.CellText: 14, report.CellMoney: 26, report.CellCount: 12, report.CellPercent: 12, report.CellSigned: 28}

// NewXLSX returns an encoder writing t as an XLSX workbook to w, with titles
// in lang. Errors: those of excelize.
func NewXLSX(w io.Writer, t report.Table, lang string) (*Encoder, error) {
	return newXLSX(w, t, lang, "")
}

// newXLSX is NewXLSX for rows grouped by groupBy, whose titles say which
// figures are cumulative in month or quarter rows.
func newXLSX(w io.Writer, t report.Table, lang, groupBy string) (*Encoder, error) {
	s := &xlsxSink{f: excelize.NewFile(), zw: zip.NewWriter(w)}
	if err := s.start(t.Sheet, t.Columns, lang, groupBy); err != nil {
		s.f.Close()
		return nil, err
	}
	return &Encoder{lang: lang, out: s}, nil
}

func (s *xlsxSink) start(sheet string, cols []report.Column, lang, groupBy string) error {
	if err := s.f.SetSheetName("Sheet1", i18n.T(lang, sheet)); err != nil {
		return err
	}
	rupiah, signed := RupiahFormat, SignedRupiahFormat
	for i, bold := range []bool{false, true} {
		s.styles[i] = map[report.Cell]int{}
		for kind, st := range map[report.Cell]*excelize.Style{
			report.CellText: {}, report.CellMoney: {CustomNumFmt: &rupiah}, report.CellCount: {NumFmt: 3}, report.CellPercent: {NumFmt: 2}, report.CellSigned: {CustomNumFmt: &signed},
		} {
			st.Font = &excelize.Font{Bold: bold}
			id, err := s.f.NewStyle(st)
			if err != nil {
				return err
			}
			s.styles[i][kind] = id
		}
	}
	sw, err := s.zw.Create(sheetPath)
	if err != nil {
		return err
	}
	s.sheet = sw
	b := append(s.buf[:0], xml.Header...)
	b = append(b, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`+
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>`...)
	var titles []string
	for i, c := range cols {
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		s.cols = append(s.cols, name)
		s.kinds = append(s.kinds, c.Cell)
		title := c.TitleIn(lang, groupBy)
		width := max(widths[c.Cell], len(title)+2)
		if c.Name == "label" || c.Name == "reason" {
			width = 48
		}
		b = fmt.Appendf(b, `<col min="%d" max="%d" width="%d" customWidth="1"/>`, i+1, i+1, width)
		titles = append(titles, title)
	}
	s.buf = append(b, `</cols><sheetData>`...)
	b, r, err := s.startRow()
	if err != nil {
		return err
	}
	for i, t := range titles {
		b = s.inlineString(s.startCell(b, i, r, s.styles[1][report.CellText]), t)
	}
	return s.endRow(b)
}

func (s *xlsxSink) row(cells []any, totals bool) error {
	style := s.styles[0]
	if totals {
		style = s.styles[1]
	}
	b, r, err := s.startRow()
	if err != nil {
		return err
	}
	for i, c := range cells {
		b = s.startCell(b, i, r, style[s.kinds[i]])
		switch v := cellValue(c).(type) {
		case int64:
			b = strconv.AppendInt(append(b, `"><v>`...), v, 10)
			b = append(b, `</v></c>`...)
		case float64:
			b = strconv.AppendFloat(append(b, `"><v>`...), v, 'f', -1, 64)
			b = append(b, `</v></c>`...)
		case string:
			b = s.inlineString(b, v)
		}
	}
	return s.endRow(b)
}

// startRow opens the next row and returns its number as text.
func (s *xlsxSink) startRow() ([]byte, string, error) {
	if s.n >= excelize.TotalRows {
		return nil, "", excelize.ErrMaxRows
	}
	s.n++
	r := strconv.Itoa(s.n)
	return append(append(append(s.buf, `<row r="`...), r...), `">`...), r, nil
}

// startCell opens cell i of row r in a style, its attributes left open.
func (s *xlsxSink) startCell(b []byte, i int, r string, style int) []byte {
	b = append(append(append(append(b, `<c r="`...), s.cols[i]...), r...), `" s="`...)
	return strconv.AppendInt(b, int64(style), 10)
}

// endRow closes the row and writes the rows so far into the zip once they
// are 64 KiB.
func (s *xlsxSink) endRow(b []byte) error {
	s.buf = append(b, `</row>`...)
	if len(s.buf) < 64<<10 {
		return nil
	}
	return s.flush()
}

// inlineString closes a cell's attributes with an inline string of v,
// as excelize writes one: at most 32,767 characters, spaces at either end
// kept, text escaped for XML and a literal _xHHHH_ escaped as _x005F_xHHHH_
// (which a spreadsheet would otherwise read as the character HHHH).
func (s *xlsxSink) inlineString(b []byte, v string) []byte {
	b = append(b, `" t="inlineStr"><is><t`...)
	if v != "" && (strings.ContainsRune("\t\n\r ", rune(v[0])) || strings.ContainsRune("\t\n\r ", rune(v[len(v)-1]))) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	if plainXML(v) {
		b = append(b, v...)
	} else {
		if utf8.RuneCountInString(v) > excelize.TotalCellChars/2 {
			v = truncateUTF16(v, excelize.TotalCellChars)
		}
		s.esc.Reset()
		xml.EscapeText(&s.esc, []byte(v))
		t := strings.ReplaceAll(s.esc.String(), "&#xA;", "\n")
		b = append(b, bstrEscape.ReplaceAllString(t, "_x005F$0")...)
	}
	return append(b, `</t></is></c>`...)
}

// bstrEscape is an escaped character in OOXML text: _x000D_, _x0041_.
var bstrEscape = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_`)

// plainXML reports whether v goes into XML text as it is: short enough,
// printable ASCII with nothing to escape and no "_x".
func plainXML(v string) bool {
	if len(v) > excelize.TotalCellChars/2 {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20 || c >= 0x7f, c == '&', c == '<', c == '>', c == '"', c == '\'':
			return false
		case c == '_' && i+1 < len(v) && v[i+1] == 'x':
			return false
		}
	}
	return true
}

// truncateUTF16 cuts v to at most n UTF-16 code units, a spreadsheet
// cell's limit.
func truncateUTF16(v string, n int) string {
	units := 0
	for i, r := range v {
		units += utf16.RuneLen(r)
		if units > n {
			return v[:i]
		}
	}
	return v
}

func (s *xlsxSink) flush() error {
	_, err := s.sheet.Write(s.buf)
	s.buf = s.buf[:0]
	return err
}

// cellValue is what a cell holds: text neutralised, counts as integers,
// amounts and percentages as numbers. A spreadsheet number is an IEEE
// double (Excel keeps 15 significant digits), so the exact decimal becomes
// one here, at the very edge: every amount below Rp10 triliun round-trips
// to the sen. CSV and JSON carry the exact decimal whatever its size.
func cellValue(v any) any {
	switch x := v.(type) {
	case string:
		return Neutralize(x)
	case int64:
		return x
	case money.Amount:
		f, _ := strconv.ParseFloat(x.String(), 64)
		return f
	case report.Pct:
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	}
	return text(v)
}

// close ends the sheet, then has excelize write the workbook's other parts
// into the same zip (its own, empty, copy of the sheet skipped).
func (s *xlsxSink) close() error {
	defer s.f.Close()
	s.buf = append(s.buf, `</sheetData></worksheet>`...)
	if err := s.flush(); err != nil {
		return err
	}
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return skipEntry{s.zw, sheetPath} })
	_, err := s.f.WriteTo(io.Discard)
	return err
}

// skipEntry is a zip writer that drops what is written to one entry.
type skipEntry struct {
	*zip.Writer
	skip string
}

func (z skipEntry) Create(name string) (io.Writer, error) {
	if name == z.skip {
		return io.Discard, nil
	}
	return z.Writer.Create(name)
}
