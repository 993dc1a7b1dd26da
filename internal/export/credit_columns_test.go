package export

import (
	"bytes"
	"strings"
	"testing"

	"pilar/internal/report"
)

// TestRealizationCreditColumns: a revolving program's principal repaid and
// what it may lend again, next to a grant's, in the CSV and the XLSX; the
// totals are the sums of the rows.
func TestRealizationCreditColumns(t *testing.T) {
	rev := report.RealizationRow{Key: "MODAL-2024", Label: report.Text("Dana bergulir"), Figures: report.Figures{
		OriginalBudget: amount("1000000.00"), Budget: amount("1000000.00"), Committed: amount("400000.00"), Realized: amount("400000.00"),
		PrincipalRepaid: amount("150000.25"), Relendable: amount("150000.25")}}
	grant := report.RealizationRow{Key: "BPUM-2024", Label: report.Text("Banpres"), Figures: report.Figures{
		OriginalBudget: amount("500.00"), Budget: amount("500.00"), Committed: amount("100.00"), Realized: amount("100.00")}}
	rep := &report.Realization{Year: 2024, GroupBy: "program", Rows: []report.RealizationRow{rev, grant}}
	for i := range rep.Rows {
		rep.Rows[i].Finish()
		rep.Totals.Add(rep.Rows[i].Figures)
	}
	rep.Totals.Finish()
	t.Run("CSV", func(t *testing.T) {
		var b bytes.Buffer
		if err := Write(&b, "csv", rep, Meta{Lang: "id"}); err != nil {
			t.Fatal(err)
		}
		want := "\uFEFFkey,label,original_budget,budget,realized,over_under,realized_pct,committed,remaining,principal_repaid,available\n" +
			"MODAL-2024,Dana bergulir,1000000.00,1000000.00,400000.00,-600000.00,40.00,400000.00,600000.00,150000.25,750000.25\n" +
			"BPUM-2024,Banpres,500.00,500.00,100.00,-400.00,20.00,100.00,400.00,0.00,400.00\n" +
			",Jumlah,1000500.00,1000500.00,400100.00,-600400.00,39.99,400100.00,600400.00,150000.25,750400.25\n"
		if got := b.String(); got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		var b bytes.Buffer
		if err := Write(&b, "xlsx", rep, Meta{Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		f, _, rows := xlsxCells(t, b.Bytes())
		f.Close()
		var got []string
		for _, r := range rows {
			got = append(got, strings.Join(r[len(r)-2:], "|"))
		}
		want := []string{"Principal repaid|Available", "150000.25|750000.25", "0|400", "150000.25|750400.25"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}
