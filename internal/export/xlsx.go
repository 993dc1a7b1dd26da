package export

import (
	"archive/zip"
	"io"
	"strconv"

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

// xlsxSink writes one sheet through excelize's StreamWriter, which keeps
// rows on disk rather than in memory: a frozen header row, real numeric
// cells (amounts in RupiahFormat), a bold totals row and fixed widths.
type xlsxSink struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	kinds  []report.Cell
	styles [2]map[report.Cell]int // [0] body, [1] totals
	n      int
}

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
	f := excelize.NewFile()
	// excelize's WriteTo builds the whole zip in a bytes.Buffer before
	// copying it out (120 MiB for a million disbursements, twice that
	// while the buffer grows); a zip writer of our own on w streams the
	// archive instead, and excelize's buffer stays empty. What that buffer
	// would add is the zip64 marker of local headers for a sheet over
	// 4 GiB, which Go's zip writer records in the central directory anyway.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	s := &xlsxSink{w: w, f: f}
	if err := s.start(t.Sheet, t.Columns, lang, groupBy); err != nil {
		f.Close()
		return nil, err
	}
	return &Encoder{lang: lang, out: s}, nil
}

func (s *xlsxSink) start(sheet string, cols []report.Column, lang, groupBy string) error {
	sheet = i18n.T(lang, sheet)
	if err := s.f.SetSheetName("Sheet1", sheet); err != nil {
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
	sw, err := s.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	s.sw = sw
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		s.kinds = append(s.kinds, c.Cell)
		title := c.TitleIn(lang, groupBy)
		width := max(widths[c.Cell], len(title)+2)
		if c.Name == "label" || c.Name == "reason" {
			width = 48
		}
		// excelize takes widths in characters as floats; they are not amounts.
		if err := sw.SetColWidth(i+1, i+1, float64(width)); err != nil {
			return err
		}
		header[i] = excelize.Cell{StyleID: s.styles[1][report.CellText], Value: title}
	}
	s.n = 1
	return sw.SetRow("A1", header)
}

func (s *xlsxSink) row(cells []any, totals bool) error {
	style := s.styles[0]
	if totals {
		style = s.styles[1]
	}
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = excelize.Cell{StyleID: style[s.kinds[i]], Value: cellValue(c)}
	}
	s.n++
	ref, err := excelize.CoordinatesToCellName(1, s.n)
	if err != nil {
		return err
	}
	return s.sw.SetRow(ref, out)
}

// cellValue is what excelize writes: text neutralised, counts as integers,
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

func (s *xlsxSink) close() error {
	defer s.f.Close()
	if err := s.sw.Flush(); err != nil {
		return err
	}
	_, err := s.f.WriteTo(s.w)
	return err
}
