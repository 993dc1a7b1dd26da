package store_test

import (
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// TestSumPrograms: the dashboard's sums come from one query over every
// program the actor may see, whatever the page, with the finance sets'
// meaning of committed (approved + paid) and realized (paid).
func TestSumPrograms(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	a1 := newProgram(t, w, "PEN-SUM-1", "1000000.00")
	newProgram(t, w, "PEN-SUM-2", "500000.50")
	if _, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
		Code: ptr("PEN-SUM-OTHER"), Name: ptr("Program lain"), Kind: ptr("grant"), FundingSource: ptr("PEN"),
		Agency: ptr(w.OtherAgency.Code), FiscalYear: ptr(2024), Budget: raw("250000.00"),
		StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"),
	}); err != nil {
		t.Fatal(err)
	}
	act(t, w, w.Officer, draft(t, w, a1, "20000.00"), "submit")
	act(t, w, w.Reviewer, act(t, w, w.Officer, draft(t, w, a1, "50000.00"), "submit"), "approve")
	act(t, w, w.Officer, act(t, w, w.Reviewer, act(t, w, w.Officer, draft(t, w, a1, "100000.00"), "submit"), "approve"), "pay")
	act(t, w, w.Reviewer, act(t, w, w.Officer, draft(t, w, a1, "7.00"), "submit"), "reject")

	check := func(t *testing.T, u *finance.User, f finance.ProgramFilter, programs int64, budget, committed, realized string) {
		t.Helper()
		got, err := w.Store.SumPrograms(w.Ctx(u), f)
		if err != nil {
			t.Fatal(err)
		}
		if got.Programs != programs || got.Active != programs || got.Budget.String() != budget ||
			got.Committed.String() != committed || got.Realized.String() != realized {
			t.Fatalf("%s: %+v; want %d programs, budget %s, committed %s, realized %s", u.Email, got, programs, budget, committed, realized)
		}
	}
	t.Run("Admin", func(t *testing.T) {
		// A page of one is ignored: the sums are of every program.
		check(t, w.Admin, finance.ProgramFilter{Page: finance.Page{Limit: 1}}, 3, "1750000.50", "150000.00", "100000.00")
	})
	t.Run("Officer", func(t *testing.T) {
		check(t, w.Officer, finance.ProgramFilter{}, 2, "1500000.50", "150000.00", "100000.00")
	})
	t.Run("OtherAgency", func(t *testing.T) {
		check(t, w.OtherOfficer, finance.ProgramFilter{}, 1, "250000.00", "0.00", "0.00")
	})
	t.Run("NoActor", func(t *testing.T) {
		var fe *finance.Error
		if _, err := w.Store.SumPrograms(t.Context(), finance.ProgramFilter{}); !errorAs(err, &fe) || fe.Code != finance.EUnauthorized {
			t.Fatalf("no actor: %v", err)
		}
	})
}
