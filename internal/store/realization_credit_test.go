package store_test

import (
	"fmt"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/report"
)

// creditRealizationFixture: REV-2024 (revolving, Rp100.000.000) lent two
// loans of Rp10.000.000 and had the first instalment of one repaid;
// NR-2024 (credit, not revolving, Rp50.000.000) lent one and had its first
// instalment repaid; G-2024 (a grant, Rp20.000.000) paid Rp5.000.000. The
// first instalment of a 3-month annuity of Rp10.000.000 at 12 % is
// Rp3.400.221,11: Rp100.000,00 interest (1 % a month) and Rp3.300.221,11 principal.
func creditRealizationFixture(t *testing.T) *dbtest.World {
	w := dbtest.NewWorld(t)
	rev := creditProgram(t, w, "REV-2024", "100000000", true)
	nr := creditProgram(t, w, "NR-2024", "50000000", false)
	f := repWorld{t, w}
	g := f.program("G-2024", w.Agency.Code, "PEN", "20000000", "", nil, "")
	f.disburse(g, newRecipient(t, w), "5000000", 1, step{status: "paid", approvedAt: july, paidOn: "2024-07-10"})
	repaid := paidLoan(t, w, rev, "10000000")
	paidLoan(t, w, rev, "10000000")
	other := paidLoan(t, w, nr, "10000000")
	for _, id := range []int64{repaid.ID, other.ID} {
		if _, err := repay(t, w, id, "2024-02-10", "3400221.11"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// creditCells are a realization row's budget, committed, remaining,
// principal repaid and available.
func creditCells(f report.Figures) string {
	return fmt.Sprint(f.Budget, f.Committed, f.Remaining, f.PrincipalRepaid, f.Available)
}

func TestRealization_Credit(t *testing.T) {
	t.Parallel()
	t.Run("ByProgram", func(t *testing.T) {
		t.Parallel()
		w := creditRealizationFixture(t)
		r, err := w.Store.Realization(w.Ctx(w.Reviewer), report.Filter{Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			// revolving: available = 100.000.000 − 20.000.000 + 3.300.221,11 repaid.
			"REV-2024": "100000000.00 20000000.00 80000000.00 3300221.11 83300221.11",
			// not revolving: the principal repaid is shown, available = remaining.
			"NR-2024": "50000000.00 10000000.00 40000000.00 3300221.11 40000000.00",
			// a grant: nothing repaid, available = remaining.
			"G-2024": "20000000.00 5000000.00 15000000.00 0.00 15000000.00",
		}
		if len(r.Rows) != len(want) {
			t.Fatalf("rows %+v", r.Rows)
		}
		for _, row := range r.Rows {
			if got := creditCells(row.Figures); got != want[row.Key] {
				t.Errorf("%s: %s, want %s", row.Key, got, want[row.Key])
			}
		}
		if got, want := creditCells(r.Totals), "170000000.00 35000000.00 135000000.00 6600442.22 138300221.11"; got != want {
			t.Errorf("totals %s, want %s", got, want)
		}
		if r.Rows[2].Key != "REV-2024" || r.Rows[2].Realized.String() != "20000000.00" || r.Totals.Realized.String() != "35000000.00" {
			t.Errorf("rows %+v, totals realized %s", r.Rows, r.Totals.Realized)
		}
	})
	t.Run("ByFundingSourceAndAgency", func(t *testing.T) {
		t.Parallel()
		w := creditRealizationFixture(t)
		for by, want := range map[string]map[string]string{
			// BI groups the revolving and the other credit program: only the
			// revolving one's repaid principal is available again.
			"funding_source": {"BI": "150000000.00 30000000.00 120000000.00 6600442.22 123300221.11",
				"PEN": "20000000.00 5000000.00 15000000.00 0.00 15000000.00"},
			"agency": {w.Agency.Code: "170000000.00 35000000.00 135000000.00 6600442.22 138300221.11"},
		} {
			r, err := w.Store.Realization(w.Ctx(w.Reviewer), report.Filter{Year: 2024, GroupBy: by})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, row := range r.Rows {
				got[row.Key] = creditCells(row.Figures)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: %v, want %v", by, got, want)
			}
			if got := creditCells(r.Totals); got != "170000000.00 35000000.00 135000000.00 6600442.22 138300221.11" {
				t.Errorf("%s totals %s", by, got)
			}
		}
	})
	t.Run("ByMonth", func(t *testing.T) {
		t.Parallel()
		w := creditRealizationFixture(t)
		r, err := w.Store.Realization(w.Ctx(w.Reviewer), report.Filter{Year: 2024, GroupBy: "month"})
		if err != nil {
			t.Fatal(err)
		}
		// Principal repaid counts in the month it was repaid; available is
		// cumulative, remaining plus the revolving fund's repaid principal.
		for i, row := range r.Rows {
			repaid, relent := "0.00", "0.00"
			if row.Key == "2024-02" {
				repaid = "6600442.22"
			}
			if i >= 1 {
				relent = "3300221.11"
			}
			if row.PrincipalRepaid.String() != repaid || row.Available.Sub(row.Remaining).String() != relent {
				t.Errorf("%s: repaid %s, available %s, remaining %s", row.Key, row.PrincipalRepaid, row.Available, row.Remaining)
			}
		}
		if got := creditCells(r.Totals); got != "170000000.00 35000000.00 135000000.00 6600442.22 138300221.11" {
			t.Errorf("totals %s", got)
		}
		if last := r.Rows[11]; !last.Available.Equal(r.Totals.Available) {
			t.Errorf("December's cumulative available %s, totals %s", last.Available, r.Totals.Available)
		}
	})
}
