package export

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"pilar/internal/money"
	"pilar/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func amount(s string) money.Amount { return money.FromDecimal(decimal.RequireFromString(s)) }

// sample is a realization report with an amount that has sen, a negative
// month and labels that a spreadsheet would read as formulas.
func sample() *report.Realization {
	row := func(key, label, budget, committed, realized string) report.RealizationRow {
		r := report.RealizationRow{Key: key, Label: report.Text(label), Figures: report.Figures{
			OriginalBudget: amount(budget), Budget: amount(budget), Committed: amount(committed), Realized: amount(realized)}}
		r.Finish()
		return r
	}
	rep := &report.Realization{Year: 2024, GroupBy: "program", Agency: "Dinas Koperasi dan UKM Provinsi Kalimantan Timur", Region: "64",
		Rows: []report.RealizationRow{
			row("BPUM-2024", "Banpres Produktif Usaha Mikro", "2400000000.00", "1234567.89", "1000000.50"),
			row("=HYPERLINK(\"x\")", "+SUM(A1:A9)", "1000.00", "0.00", "0.00"),
			row("RETUR-2024", "-Retur dana", "500.00", "-10000.00", "-10000.00"),
		}}
	for _, r := range rep.Rows {
		rep.Totals.Add(r.Figures)
	}
	rep.Totals.Finish()
	return rep
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestNeutralize(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+62": "'+62", "-5": "'-5", "@SUM": "'@SUM", "\tx": "'\tx", "\rx": "'\rx",
		"Toko Makmur": "Toko Makmur", "": "", "1=1": "1=1",
	} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRealizationCSV(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "csv", sample(), Meta{Lang: "id"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\uFEFFkey,label,original_budget")) {
		t.Errorf("no BOM and header: %q", b.String()[:40])
	}
	golden(t, "realization.csv", b.Bytes())
}

// xlsxCells reads a workbook's first sheet back, raw values (not formatted).
func xlsxCells(t *testing.T, data []byte) (*excelize.File, string, [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return f, sheet, rows
}

func TestRealizationXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "xlsx", sample(), Meta{Lang: "id"}); err != nil {
		t.Fatal(err)
	}
	f, sheet, rows := xlsxCells(t, b.Bytes())
	defer f.Close()
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	golden(t, "realization.xlsx.txt", []byte(text.String()))
	t.Run("NumericCells", func(t *testing.T) {
		for _, cell := range []string{"C2", "F2", "F4", "G2"} {
			if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("%s has type %v, want a number", cell, typ)
			}
		}
		if v, _ := f.GetCellValue(sheet, "E2"); !amount(v).Equal(amount("1000000.50")) {
			t.Errorf("E2 (Realisasi) = %s", v)
		}
		if v, _ := f.GetCellValue(sheet, "F2"); !amount(v).Equal(amount("-2398999999.50")) {
			t.Errorf("F2 (Lebih/(Kurang)) = %s", v)
		}
		if typ, _ := f.GetCellType(sheet, "B3"); typ != excelize.CellTypeInlineString {
			t.Errorf("B3 type %v, want text", typ)
		}
	})
	t.Run("RupiahFormat", func(t *testing.T) {
		id, _ := f.GetCellStyle(sheet, "C2")
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != RupiahFormat {
			t.Errorf("C2 style %+v %v", st, err)
		}
	})
	t.Run("OverUnderInParentheses", func(t *testing.T) {
		id, _ := f.GetCellStyle(sheet, "F2")
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != SignedRupiahFormat || !strings.Contains(SignedRupiahFormat, `;("Rp"`) {
			t.Errorf("F2 style %+v %v", st, err)
		}
	})
	t.Run("FrozenHeader", func(t *testing.T) {
		p, err := f.GetPanes(sheet)
		if err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("panes %+v %v", p, err)
		}
	})
}

func TestCoverageAndOverlapsCSV(t *testing.T) {
	cov := &report.Coverage{Year: 2024, GroupBy: "sex", Rows: []report.CoverageRow{
		{Key: "F", Label: report.Text("Perempuan"), CoverageFigures: report.CoverageFigures{Reached: 3, Female: 3, Amount: amount("7200000"), Average: amount("2400000")}},
	}, Totals: report.CoverageFigures{Reached: 3, Female: 3, Amount: amount("7200000"), Average: amount("2400000")}}
	ov := &report.Overlaps{Year: 2024, SharedNIK: []report.Flag{{RecipientIDs: []int64{1, 2}, Reason: report.Text("=cmd|' /C calc'!A0")}},
		MultiProgram: []report.Flag{{RecipientIDs: []int64{3}, Programs: []string{"A", "B"}, DisbursementIDs: []int64{7, 9}, Reason: report.Text("paid by 2 programs")}}}
	var b bytes.Buffer
	for _, rep := range []any{cov, ov} {
		if err := Write(&b, "csv", rep, Meta{Lang: "en"}); err != nil {
			t.Fatal(err)
		}
	}
	golden(t, "coverage_overlaps.csv", b.Bytes())
	if err := Write(io.Discard, "pdf", cov, Meta{}); err == nil {
		t.Error("coverage as PDF: no error")
	}
}

func TestRealizationPDF(t *testing.T) {
	var b bytes.Buffer
	kind, _ := report.Lookup(report.KindRealization)
	e := NewPDF(&b, kind, sample().Heading(), Meta{Lang: "id", Printed: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)})
	e.out.(*pdfSink).pdf.SetCompression(false) // so that the text can be read below
	rep := sample()
	for i := 0; i < 40; i++ { // enough rows for a second page
		for _, r := range rep.Rows {
			if err := e.Encode(r.Cells()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.Close(rep.Totals.Cells()); err != nil {
		t.Fatal(err)
	}
	pages := regexp.MustCompile(`/Type /Page\b`).FindAll(b.Bytes(), -1)
	var text strings.Builder
	fmt.Fprintf(&text, "pages: %d\n", len(pages))
	for _, m := range regexp.MustCompile(`\((.*?)\)Tj`).FindAllSubmatch(b.Bytes(), -1) {
		s := string(m[1])
		if strings.Contains(s, "LAPORAN") || strings.Contains(s, "TAHUN") || strings.Contains(s, "Dicetak") || strings.Contains(s, "Kepala") ||
			strings.Contains(s, "NIP") || strings.Contains(s, "Jumlah") || strings.Contains(s, "Kalimantan") || strings.Contains(s, "Halaman") {
			text.WriteString(s + "\n")
		}
	}
	golden(t, "realization.pdf.txt", []byte(text.String()))
	// Entity, period, currency and unit on every page; a shortfall in parentheses.
	if n := strings.Count(text.String(), "periode 1 Januari 2024 s.d. 31 Desember 2024; mata uang: Rupiah \\(IDR\\); satuan: rupiah"); n != len(pages) {
		t.Errorf("the entity-period-currency line is on %d of %d pages", n, len(pages))
	}
	if !bytes.Contains(b.Bytes(), []byte(`\(Rp2.398.999.999,50\)`)) {
		t.Error("Lebih/(Kurang) of -Rp2.398.999.999,50 is not written in parentheses")
	}
}

// TestExportScale streams 1,000,000 rows through the CSV and XLSX
// encoders and logs the heap before and after; it runs only with
// PILAR_SCALE=1 (see docs/BENCHMARKS.md).
func TestExportScale(t *testing.T) {
	if os.Getenv("PILAR_SCALE") != "1" {
		t.Skip("set PILAR_SCALE=1 to export 1,000,000 rows")
	}
	const n = 1_000_000
	row := report.RealizationRow{Key: "PRG", Label: report.Text("Program dengan nama yang cukup panjang"), Figures: report.Figures{
		OriginalBudget: amount("2400000000.00"), Budget: amount("2400000000.00"), Committed: amount("1234567.89"), Realized: amount("1000000.50")}}
	row.Finish()
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			var e *Encoder
			var err error
			counter := &countingWriter{}
			kind, _ := report.Lookup(report.KindRealization)
			if format == "csv" {
				e = NewCSV(counter, kind.Table, "id")
			} else if e, err = NewXLSX(counter, kind.Table, "id"); err != nil {
				t.Fatal(err)
			}
			var peak uint64
			heap := func() uint64 {
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				return m.HeapAlloc
			}
			before := heap()
			start := time.Now()
			for i := range n {
				row.Key = fmt.Sprintf("PRG-%07d", i)
				if err := e.Encode(row.Cells()); err != nil {
					t.Fatal(err)
				}
				if i%100_000 == 0 {
					peak = max(peak, heap())
				}
			}
			if err := e.Close(row.Figures.Cells()); err != nil {
				t.Fatal(err)
			}
			after := heap()
			t.Logf("%s: %d rows, %d MB written in %s; heap before %.1f MB, peak while writing %.1f MB, after %.1f MB",
				format, n, counter.n>>20, time.Since(start).Round(time.Millisecond), mb(before), mb(peak), mb(after))
		})
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
