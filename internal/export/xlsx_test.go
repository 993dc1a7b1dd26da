package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/report"
)

// streamWriterXLSX writes the rows as xlsxSink did before it wrote the
// sheet itself: through excelize's StreamWriter, cell by cell.
func streamWriterXLSX(t *testing.T, s *xlsxSink, titles []string, rows [][]any) []byte {
	t.Helper()
	sw, err := s.f.NewStreamWriter(s.f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	header := make([]any, len(titles))
	for i, title := range titles {
		width := max(widths[s.kinds[i]], len(title)+2)
		if err := sw.SetColWidth(i+1, i+1, float64(width)); err != nil {
			t.Fatal(err)
		}
		header[i] = excelize.Cell{StyleID: s.styles[1][report.CellText], Value: title}
	}
	if err := sw.SetRow("A1", header); err != nil {
		t.Fatal(err)
	}
	for n, cells := range rows {
		out := make([]any, len(cells))
		for i, c := range cells {
			out[i] = excelize.Cell{StyleID: s.styles[0][s.kinds[i]], Value: cellValue(c)}
		}
		ref, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(ref, out); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := s.f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestXLSX_SameCellsAsStreamWriter: the sheet xlsxSink writes itself reads
// back, cell by cell (value, raw value, type, number format, bold), as the
// one excelize's StreamWriter writes from the same cells, awkward text
// included (XML specials, control characters, spaces at either end,
// _xHHHH_ escapes, text over a cell's 32,767 characters); and the sheet
// is well-formed XML.
func TestXLSX_SameCellsAsStreamWriter(t *testing.T) {
	t.Parallel()
	texts := append(append([]string{}, awkward...), "a<b>&c", "x\x00y\x1fz", "_x0041_", "a_x005F_b", "tab\t", "\nlead", "émoji 🙂", strings.Repeat("é🙂", 20000))
	var lines []finance.DisbursementLine
	for i, s := range texts {
		on := "2024-04-02"
		lines = append(lines, finance.DisbursementLine{Disbursement: finance.Disbursement{ID: int64(i + 1), Program: "BPUM-2024", RecipientID: 7,
			RecipientName: s, Amount: money.FromSen(int64(i)*100037 + 1), Tranche: 1, Status: finance.StatusPaid, DisbursedOn: "2024-03-01",
			PaidOn: &on, Note: s, CreatedBy: "officer@pilar.test"}, RecipientNIK: "6472014506800001"})
	}
	var b bytes.Buffer
	enc, err := NewDisbursements(&b, "xlsx", "id", Plain)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for i := range lines {
		if err := enc.Encode(&lines[i]); err != nil {
			t.Fatal(err)
		}
		var cells cellList
		disbursementCells(&cells, &lines[i])
		rows = append(rows, cells)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	ref, err := newXLSX(io.Discard, Disbursements, "id", "")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, c := range Disbursements.Columns {
		titles = append(titles, c.TitleIn("id", ""))
	}
	want := streamWriterXLSX(t, ref.out.(*xlsxSink), titles, rows)

	got, wantCells := xlsxDump(t, b.Bytes()), xlsxDump(t, want)
	if len(got) != len(wantCells) || len(got) != (len(lines)+2)*len(Disbursements.Columns) {
		t.Fatalf("%d cells, StreamWriter's %d", len(got), len(wantCells))
	}
	for i := range got {
		if got[i] != wantCells[i] {
			t.Errorf("got  %.300s\nwant %.300s", got[i], wantCells[i])
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	sheets := 0
	for _, f := range zr.File {
		if f.Name != sheetPath {
			continue
		}
		sheets++
		r, _ := f.Open()
		d := xml.NewDecoder(r)
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("sheet XML: %v", err)
			}
		}
	}
	if sheets != 1 {
		t.Errorf("%d entries %s", sheets, sheetPath)
	}
}

// xlsxDump is every cell of the first sheet as text: reference, value,
// raw value, type, number format and bold.
func xlsxDump(t *testing.T, data []byte) []string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for r := range rows {
		for c := range Disbursements.Columns {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			v, _ := f.GetCellValue(sheet, ref)
			raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			typ, _ := f.GetCellType(sheet, ref)
			id, _ := f.GetCellStyle(sheet, ref)
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			format := ""
			if st.CustomNumFmt != nil {
				format = *st.CustomNumFmt
			}
			out = append(out, fmt.Sprintf("%s %q %q %v %d %q %v", ref, v, raw, typ, st.NumFmt, format, st.Font != nil && st.Font.Bold))
		}
	}
	p, err := f.GetPanes(sheet)
	if err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("panes %+v %v", p, err)
	}
	for c := range Disbursements.Columns {
		name, _ := excelize.ColumnNumberToName(c + 1)
		w, _ := f.GetColWidth(sheet, name)
		out = append(out, fmt.Sprintf("width %s %v", name, w))
	}
	return out
}
