package export

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"pilar/internal/i18n"
	"pilar/internal/money"
	"pilar/internal/report"
)

// pdfSink lays a table out as an Indonesian office report on landscape A4:
// a heading with the agency and the title, the fiscal year and the print
// date, the table (its header repeated on every page) with a bold totals
// row, a signature block for the head of office, and page numbers.
type pdfSink struct {
	w       io.Writer
	pdf     *fpdf.Fpdf
	tr      func(string) string
	cols    []report.Column
	widths  []float64
	lang    string
	place   string
	printed string
}

const pdfRowHeight = 6

// NewPDF returns an encoder writing a report of kind k (which has a PDF
// layout) as a PDF to w, headed by h's agency, year and grouping and m's
// print date. Errors surface at Close.
func NewPDF(w io.Writer, k *report.Kind, h report.Heading, m Meta) *Encoder {
	p := fpdf.New("L", "mm", "A4", "")
	p.SetMargins(10, 12, 10)
	p.SetAutoPageBreak(false, 12)
	p.SetCreationDate(m.Printed)
	p.SetModificationDate(m.Printed)
	p.AliasNbPages("")
	s := &pdfSink{w: w, pdf: p, tr: p.UnicodeTranslatorFromDescriptor(""), cols: k.Table.Columns, widths: k.PDF.Widths,
		lang: m.Lang, place: report.RegionLabel(h.Region), printed: i18n.Date(m.Lang, m.Printed.Format("2006-01-02"))}
	p.SetTitle(i18n.T(m.Lang, k.PDF.Title), true)
	p.SetFooterFunc(func() {
		p.SetY(-10)
		p.SetFont("Helvetica", "", 7)
		p.CellFormat(0, 4, s.tr(i18n.T(m.Lang, "report.pdf.page", p.PageNo())), "", 0, "R", false, 0, "")
	})
	agency := h.Agency
	if agency == "" {
		agency = i18n.T(m.Lang, "report.all_agencies")
	}
	// Every page says whose figures these are, for which period, in what
	// currency and unit, so a page read alone is still an LRA page.
	everyPage := i18n.T(m.Lang, "report.pdf.every_page", agency,
		i18n.Date(m.Lang, fmt.Sprintf("%d-01-01", h.Year)), i18n.Date(m.Lang, fmt.Sprintf("%d-12-31", h.Year)))
	p.SetHeaderFunc(func() {
		p.SetFont("Helvetica", "", 7)
		p.CellFormat(0, 4, s.tr(everyPage), "", 1, "L", false, 0, "")
	})
	p.AddPage()
	lines := []struct {
		size float64
		text string
	}{
		{12, strings.ToUpper(agency)},
		{14, i18n.T(m.Lang, k.PDF.Title)},
		{10, i18n.T(m.Lang, "report.pdf.year", h.Year)},
	}
	if h.GroupBy != "" {
		lines = append(lines, struct {
			size float64
			text string
		}{9, i18n.T(m.Lang, "report.pdf.group", i18n.T(m.Lang, "report.group."+h.GroupBy))})
	}
	for _, l := range lines {
		p.SetFont("Helvetica", "B", l.size)
		p.CellFormat(0, l.size/2+1, s.tr(l.text), "", 1, "C", false, 0, "")
	}
	p.SetFont("Helvetica", "", 8)
	p.CellFormat(0, 5, s.tr(i18n.T(m.Lang, "report.pdf.printed", s.printed)), "", 1, "R", false, 0, "")
	s.header()
	return &Encoder{lang: m.Lang, out: s}
}

func (s *pdfSink) header() {
	s.pdf.SetFont("Helvetica", "B", 7.5)
	s.pdf.SetFillColor(225, 231, 238)
	for i, c := range s.cols {
		s.pdf.CellFormat(s.widths[i], 8, s.tr(i18n.T(s.lang, c.Title)), "1", 0, "C", true, 0, "")
	}
	s.pdf.Ln(-1)
}

func (s *pdfSink) row(cells []any, totals bool) error {
	_, pageH := s.pdf.GetPageSize()
	if s.pdf.GetY()+pdfRowHeight > pageH-16 {
		s.pdf.AddPage()
		s.header()
	}
	style := ""
	if totals {
		style = "B"
	}
	s.pdf.SetFont("Helvetica", style, 7.5)
	for i, c := range cells {
		align, txt := "L", ""
		switch x := c.(type) {
		case money.Amount:
			align, txt = "R", x.Rupiah()
			if s.cols[i].Cell == report.CellSigned && x.IsNegative() {
				txt = "(" + x.Neg().Rupiah() + ")"
			}
		case report.Pct:
			align, txt = "R", strings.Replace(string(x), ".", ",", 1)
		default:
			txt = s.fit(text(c), s.widths[i]-2)
		}
		s.pdf.CellFormat(s.widths[i], pdfRowHeight, s.tr(txt), "1", 0, align, false, 0, "")
	}
	s.pdf.Ln(-1)
	return s.pdf.Error()
}

// fit shortens text to width mm, ending it with "..." when cut.
func (s *pdfSink) fit(txt string, width float64) string {
	if s.pdf.GetStringWidth(s.tr(txt)) <= width {
		return txt
	}
	r := []rune(txt)
	for len(r) > 0 && s.pdf.GetStringWidth(s.tr(string(r)+"...")) > width {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}

// close writes the signature block: place and date, the office, room to
// sign, the name line and the NIP line; then the file.
func (s *pdfSink) close() error {
	_, pageH := s.pdf.GetPageSize()
	if s.pdf.GetY()+45 > pageH-16 {
		s.pdf.AddPage()
	}
	place := s.place
	if place == "" {
		place = "...................."
	}
	s.pdf.Ln(8)
	s.pdf.SetFont("Helvetica", "", 9)
	for _, l := range []string{place + ", " + s.printed, i18n.T(s.lang, "report.pdf.head"), "", "", "",
		"(.......................................)", "NIP. ...................................."} {
		s.pdf.SetX(190)
		s.pdf.CellFormat(90, 5, s.tr(l), "", 1, "C", false, 0, "")
	}
	return s.pdf.Output(s.w)
}
