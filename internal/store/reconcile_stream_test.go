package store_test

import (
	"strings"
	"testing"

	"pilar/internal/finance"
	"pilar/internal/recon"
)

// TestReconciliationSuggestLimits holds the result's suggestions to the
// first finance.SuggestLines open lines: a line two disbursements could be
// gets both as candidates while it is among them, none after, and then
// ambiguous_limited says so.
func TestReconciliationSuggestLimits(t *testing.T) {
	t.Parallel()
	statement := func(fillers int) string {
		return "booking_date,amount,reference,counterparty_account\n" + strings.Repeat("2024-07-03,-999,,\n", fillers) + "2024-07-03,-1750000,,\n"
	}
	t.Run("Within", func(t *testing.T) {
		w := newReconWorld(t)
		paidTo(t, w.World, w.p, "1750000", "", "2024-07-02", "")
		paidTo(t, w.World, w.p, "1750000", "", "2024-07-02", "")
		rc, st := w.reconcile(t, statement(finance.SuggestLines-1))
		last := st.Lines[len(st.Lines)-1].ID
		if len(rc.UnmatchedLines) != finance.SuggestLines || len(rc.Ambiguous) != 1 || rc.Ambiguous[0].LineID != last ||
			len(rc.Ambiguous[0].Candidates) != 2 || rc.AmbiguousLimited != nil {
			t.Errorf("%d open lines, ambiguous %+v, limited %+v", len(rc.UnmatchedLines), rc.Ambiguous, rc.AmbiguousLimited)
		}
	})
	t.Run("Beyond", func(t *testing.T) {
		w := newReconWorld(t)
		paidTo(t, w.World, w.p, "1750000", "", "2024-07-02", "")
		paidTo(t, w.World, w.p, "1750000", "", "2024-07-02", "")
		rc, _ := w.reconcile(t, statement(finance.SuggestLines))
		want := finance.SuggestLimits{Lines: finance.SuggestLines, Candidates: recon.MaxCandidates}
		if len(rc.UnmatchedLines) != finance.SuggestLines+1 || len(rc.Ambiguous) != 0 || rc.AmbiguousLimited == nil || *rc.AmbiguousLimited != want {
			t.Errorf("%d open lines, ambiguous %+v, limited %+v", len(rc.UnmatchedLines), rc.Ambiguous, rc.AmbiguousLimited)
		}
	})
}
