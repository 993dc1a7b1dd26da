package export

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/report"
)

// awkward are cells that encoding/csv quotes, or nearly does.
var awkward = []string{"", "plain", "a,b", "a;b", `say "hi"`, `"`, `""`, "line\nbreak", "cr\rhere", "crlf\r\n", " lead", "\tTab", "\u00a0nbsp",
	"\u3000ideographic", "trail ", `\.`, `\.x`, "=1+2", "+62", "-5", "@x", "\rCR", "Café, Wörld", "\xff\xfe", "a\"b,c\nd", "'quoted'", ";", ","}

// reference is a record as the encoder wrote it with encoding/csv:
// amounts and percentages in the dialect, text neutralised, the rest
// printed.
func reference(t *testing.T, d Dialect, records ...[]any) string {
	t.Helper()
	var b bytes.Buffer
	w := d.NewWriter(&b)
	for _, cells := range records {
		rec := make([]string, len(cells))
		for i, c := range cells {
			switch x := c.(type) {
			case money.Amount:
				rec[i] = d.Number(x.String())
			case report.Pct:
				rec[i] = d.Number(string(x))
			case string:
				rec[i] = Neutralize(x)
			default:
				rec[i] = fmt.Sprint(x)
			}
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.String()
}

// TestCSVSink_SameBytesAsEncodingCSV: the CSV writer writes, byte for
// byte, what encoding/csv writes, for awkward text in both dialects,
// alone and among other cells, and for amounts, counts and percentages.
func TestCSVSink_SameBytesAsEncodingCSV(t *testing.T) {
	t.Parallel()
	table := report.Table{Columns: []report.Column{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	for _, d := range []Dialect{Plain, ExcelID} {
		var records [][]any
		for _, s := range awkward {
			records = append(records, []any{s}, []any{s, s, "x"}, []any{int64(7), s, money.FromSen(-1050)})
		}
		records = append(records, []any{}, []any{""}, []any{int64(-3), money.FromSen(240000000), report.Pct("12.50"), amount("0.5"), amount("2400000")})
		var b bytes.Buffer
		enc := NewCSVDialect(&b, table, "id", d)
		for _, r := range records {
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := enc.Close(nil); err != nil {
			t.Fatal(err)
		}
		want := "\uFEFF" + reference(t, d, append([][]any{{"a", "b", "c"}}, records...)...)
		if got := b.String(); got != want {
			t.Errorf("%+v: got\n%q\nwant\n%q", d, got, want)
		}
	}
}

// TestDisbursementEncoder_CSV: a disbursement line goes into CSV as its
// cells would through encoding/csv, masked or not, with awkward names and
// notes, empty optional dates and a missing approver.
func TestDisbursementEncoder_CSV(t *testing.T) {
	t.Parallel()
	on, ref := "2024-04-02", "reviewer@pilar.test"
	lines := []finance.DisbursementLine{
		{Disbursement: finance.Disbursement{ID: 1, Program: "BPUM-2024", RecipientID: 12, RecipientName: "Usaha, \"Maju\"", Amount: money.FromSen(240000000),
			Tranche: 2, Form: "transfer", Status: finance.StatusPaid, DisbursedOn: "2024-03-01", ApprovedOn: &on, PaidOn: &on, PaymentRef: "TRX-1",
			Note: "=cmd\nline", CreatedBy: "officer@pilar.test", ApprovedBy: &ref, Reconciled: true},
			RecipientNIK: "6472014506800001", RecipientPhone: "+6281234567890", BankCode: "BPD-KALTIM", AccountNo: "0123456789"},
		{Disbursement: finance.Disbursement{ID: 1 << 40, Program: "-X", RecipientID: 3, RecipientName: " Bu Siti", Amount: amount("1234567.89"),
			Tranche: 1, Form: "in_kind", Status: finance.StatusDraft, DisbursedOn: "2024-05-10", CreatedBy: "officer@pilar.test"}},
	}
	for _, s := range awkward {
		l := lines[1]
		l.RecipientName, l.Note, l.PaymentRef = s, s, s
		lines = append(lines, l)
	}
	masked := lines[0]
	masked.Mask()
	lines = append(lines, masked)
	for _, d := range []Dialect{Plain, ExcelID} {
		var b bytes.Buffer
		enc, err := NewDisbursements(&b, "csv", "id", d)
		if err != nil {
			t.Fatal(err)
		}
		records := [][]any{}
		header := []any{}
		for _, c := range Disbursements.Columns {
			header = append(header, c.Name)
		}
		records = append(records, header)
		for i := range lines {
			if err := enc.Encode(&lines[i]); err != nil {
				t.Fatal(err)
			}
			var cells cellList
			disbursementCells(&cells, &lines[i])
			records = append(records, cells)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		want := "\uFEFF" + reference(t, d, records...)
		if got := b.String(); got != want {
			t.Errorf("%+v: got\n%s\nwant\n%s", d, got, want)
		}
		if !strings.Contains(want, "1,BPUM-2024,12,\"Usaha, \"\"Maju\"\"\",6472014506800001,'+6281234567890,") && d == Plain {
			t.Errorf("first line: %s", want)
		}
	}
}
