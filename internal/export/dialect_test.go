package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"pilar/internal/finance"
	"pilar/internal/report"
)

// TestCSVExcelID: the Indonesian Excel dialect writes ";" between cells and
// a decimal comma in amounts and percentages, nothing else changed; its
// totals are the sums of its rows to the sen.
func TestCSVExcelID(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "csv", sample(), Meta{Lang: "id", Dialect: ExcelID}); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFkey;label;original_budget;budget;realized;over_under;realized_pct;committed;remaining;principal_repaid;available\n" +
		"BPUM-2024;Banpres Produktif Usaha Mikro;2400000000,00;2400000000,00;1000000,50;-2398999999,50;0,04;1234567,89;2398765432,11;0,00;2398765432,11\n" +
		"\"'=HYPERLINK(\"\"x\"\")\";'+SUM(A1:A9);1000,00;1000,00;0,00;-1000,00;0,00;0,00;1000,00;0,00;1000,00\n" +
		"RETUR-2024;'-Retur dana;500,00;500,00;-10000,00;-10500,00;-2000,00;-10000,00;10500,00;0,00;10500,00\n" +
		";Jumlah;2400001500,00;2400001500,00;990000,50;-2399011499,50;0,04;1224567,89;2398776932,11;0,00;2398776932,11\n"
	if got := b.String(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	body, totals := rows[1:len(rows)-1], rows[len(rows)-1]
	for col := 2; col < len(totals); col++ {
		if rows[0][col] == "realized_pct" {
			continue // a ratio, not a sum
		}
		sum := decimal.Zero
		for _, row := range body {
			sum = sum.Add(decimal.RequireFromString(strings.Replace(row[col], ",", ".", 1)))
		}
		if got := strings.Replace(sum.StringFixed(2), ".", ",", 1); got != totals[col] {
			t.Errorf("%s: rows sum to %s, totals say %s", rows[0][col], got, totals[col])
		}
	}
}

func TestParseDialect(t *testing.T) {
	for name, want := range map[string]Dialect{"": Plain, "plain": Plain, "excel-id": ExcelID} {
		if d, err := ParseDialect(name); err != nil || d != want {
			t.Errorf("%q: %v %v", name, d, err)
		}
	}
	if _, err := ParseDialect("excel"); finance.ErrorCode(err) != finance.EBadRequest {
		t.Errorf("unknown dialect: %v", err)
	}
}

// TestXLSXEnglish: an English workbook names its sheet, its column titles
// and its months in English.
func TestXLSXEnglish(t *testing.T) {
	rep := &report.Realization{Year: 2024, GroupBy: "month", Rows: []report.RealizationRow{
		{Key: "2024-07", Label: report.PeriodLabel("2024-07")}}}
	for lang, want := range map[string][]string{
		"en": {"Realization", "Key", "July 2024", "Total"},
		"id": {"Realisasi", "Kode", "Juli 2024", "Jumlah"},
	} {
		var b bytes.Buffer
		if err := Write(&b, "xlsx", rep, Meta{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		f, sheet, rows := xlsxCells(t, b.Bytes())
		f.Close()
		if got := []string{sheet, rows[0][0], rows[1][1], rows[2][1]}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
		if lang == "en" && strings.Join(rows[0][2:], "|") != "Original budget (annual)|Budget (annual)|Realized (this period)|Over/(Under) (cumulative)|% Realized (cumulative)|Committed (this period)|Remaining (cumulative)|Principal repaid (this period)|Available (cumulative)" {
			t.Errorf("monthly titles %q", rows[0][2:])
		}
	}
}
