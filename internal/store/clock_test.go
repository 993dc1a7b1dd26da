package store_test

import (
	"testing"
	"time"

	"pilar/internal/dbtest"
)

// TestClock_TodayInTheOfficesZone: at 01:30 WITA on 2 July (17:30 UTC on
// 1 July) an approval and a payment without a date are of 2 July, and the
// row and its audit entry carry one timestamp.
func TestClock_TodayInTheOfficesZone(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "PEN-WITA-2024", "1000")
	d := draft(t, w, p, "100")
	d = act(t, w, w.Officer, d, "submit")
	at := time.Date(2024, 7, 1, 17, 30, 0, 0, time.UTC)
	w.Store.Now = func() time.Time { at = at.Add(time.Millisecond); return at } // each read of the clock differs
	d = act(t, w, w.Reviewer, d, "approve")
	d = act(t, w, w.Officer, d, "pay")
	if *d.ApprovedOn != "2024-07-02" || *d.PaidOn != "2024-07-02" {
		t.Fatalf("approved_on %s, paid_on %s; want 2024-07-02 (WITA)", *d.ApprovedOn, *d.PaidOn)
	}
	db, _ := w.Store.DB()
	var audited string
	if err := db.QueryRow("SELECT at FROM audit_log WHERE entity = 'disbursement' AND action = 'pay'").Scan(&audited); err != nil {
		t.Fatal(err)
	}
	got, err := time.Parse(time.RFC3339Nano, audited)
	if err != nil || !got.Equal(d.UpdatedAt) {
		t.Fatalf("audit at %s (%v), row updated_at %s: not one timestamp", audited, err, d.UpdatedAt)
	}
}
