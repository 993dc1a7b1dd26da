package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// noDrift fails the test when a program's summary row differs from what
// its disbursements add up to.
func noDrift(t *testing.T, w *dbtest.World) {
	t.Helper()
	drift, err := w.Store.CheckProgramTotals(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drift {
		t.Errorf("program_totals drifted: %+v", d)
	}
}

// totalsOf checks a program's committed, realized and reached as read.
func totalsOf(t *testing.T, w *dbtest.World, code, committed, realized string, reached int64) {
	t.Helper()
	p, err := w.Store.FindProgramByCode(w.Ctx(w.Admin), code)
	if err != nil {
		t.Fatal(err)
	}
	if p.Committed.String() != committed || p.Realized.String() != realized || p.RecipientsReached != reached {
		t.Fatalf("%s: committed %s, realized %s, reached %d; want %s, %s, %d", code, p.Committed, p.Realized, p.RecipientsReached, committed, realized, reached)
	}
	noDrift(t, w)
}

// TestProgramTotals: the summary that programs are read from
// (program_totals, kept by triggers) equals the aggregate of their
// disbursements, with finance's status sets, after every kind of write.
func TestProgramTotals(t *testing.T) {
	t.Parallel()

	t.Run("EveryStatus", func(t *testing.T) {
		// One disbursement in each status: only approved and paid count as
		// committed, only paid as realized, as finance.Committed and
		// finance.Realized say; the triggers spell the sets as literals.
		w := dbtest.NewWorld(t)
		p := newProgram(t, w, "TOT-ST-2024", "100000000")
		path := map[finance.Status][]string{
			finance.StatusDraft: nil, finance.StatusSubmitted: {"submit"}, finance.StatusApproved: {"submit", "approve"},
			finance.StatusPaid: {"submit", "approve", "pay"}, finance.StatusReturned: {"submit", "approve", "pay", "return"},
			finance.StatusRejected: {"submit", "reject"}, finance.StatusCancelled: {"cancel"},
		}
		var committed, realized int64
		var reached int64
		for i, st := range finance.Statuses {
			amount := int64(1) << i // each status its own bit
			d := draft(t, w, p, itoa(amount)+".00")
			for _, a := range path[st] {
				u := w.Officer
				if a == "approve" || a == "reject" {
					u = w.Reviewer
				}
				d = act(t, w, u, d, a)
			}
			if d.Status != st {
				t.Fatalf("%s: reached %s", st, d.Status)
			}
			if finance.Committed.Has(st) {
				committed += amount
			}
			if finance.Realized.Has(st) {
				realized += amount
				reached++
			}
		}
		totalsOf(t, w, p.Code, itoa(committed)+".00", itoa(realized)+".00", reached)
	})

	t.Run("LifeCycle", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		officer, reviewer := w.Ctx(w.Officer), w.Ctx(w.Reviewer)
		p := newProgram(t, w, "TOT-LC-2024", "100000000")
		other := newProgram(t, w, "TOT-LC-OTHER", "100000000")
		r := newRecipient(t, w)
		tranche := func(n int, amount string) *finance.Disbursement {
			d, err := w.Store.CreateDisbursement(officer, finance.DisbursementInput{
				Program: ptr(p.Code), RecipientID: ptr(r.ID), Amount: raw(amount), Tranche: ptr(n), DisbursedOn: ptr("2024-03-01"),
			})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		approved := func(d *finance.Disbursement) *finance.Disbursement {
			return act(t, w, w.Reviewer, act(t, w, w.Officer, d, "submit"), "approve")
		}
		t1 := tranche(1, "1000.50")
		totalsOf(t, w, p.Code, "0.00", "0.00", 0)
		if _, err := w.Store.UpdateDisbursement(officer, t1.ID, finance.DisbursementInput{Amount: raw("1500.25")}); err != nil {
			t.Fatal(err)
		}
		t1 = approved(t1)
		totalsOf(t, w, p.Code, "1500.25", "0.00", 0)
		t1 = act(t, w, w.Officer, t1, "pay")
		totalsOf(t, w, p.Code, "1500.25", "1500.25", 1)
		// A second tranche of the same recipient paid: reached stays one.
		t2 := act(t, w, w.Officer, approved(tranche(2, "200.00")), "pay")
		totalsOf(t, w, p.Code, "1700.25", "1700.25", 1)
		act(t, w, w.Officer, t1, "return")
		totalsOf(t, w, p.Code, "200.00", "200.00", 1)
		act(t, w, w.Officer, t2, "return")
		totalsOf(t, w, p.Code, "0.00", "0.00", 0)
		// Approved then cancelled; submitted then rejected; a draft deleted.
		act(t, w, w.Admin, approved(tranche(3, "300.00")), "cancel")
		rej := act(t, w, w.Officer, tranche(4, "400.00"), "submit")
		if _, err := w.Store.ActOnDisbursement(reviewer, rej.ID, "reject", finance.ActionInput{Note: ptr("no")}); err != nil {
			t.Fatal(err)
		}
		del := tranche(5, "500.00")
		if err := w.Store.DeleteDisbursement(officer, del.ID); err != nil {
			t.Fatal(err)
		}
		approved(tranche(6, "600.00"))
		totalsOf(t, w, p.Code, "600.00", "0.00", 0)
		totalsOf(t, w, other.Code, "0.00", "0.00", 0)
		// A historical import enters paid rows directly, in one transaction.
		err := w.Store.InTx(w.Ctx(w.Admin), func(ctx context.Context) error {
			var rows []finance.DisbursementRow
			for i, code := range []string{p.Code, other.Code} {
				rows = append(rows, finance.DisbursementRow{RecipientNIK: r.NIK, PaidOn: ptr("2024-04-01"),
					Input: finance.DisbursementInput{Program: ptr(code), Amount: raw("70.07"), Tranche: ptr(7 + i), DisbursedOn: ptr("2024-04-01")}})
			}
			outs, err := w.Store.ImportHistoricalSet(ctx, rows)
			if err != nil {
				return err
			}
			for _, o := range outs {
				if o.Err != nil || o.Outcome != finance.ImportCreated {
					return fmt.Errorf("historical row: %v, %v", o.Outcome, o.Err)
				}
			}
			// As the importer does: the import's one entry, and on
			// PostgreSQL the totals its rows deferred.
			return w.Store.FinishHistoricalImport(ctx, &finance.HistoricalImport{File: "h.csv", SHA256: "00"}, []string{p.Code, other.Code})
		})
		if err != nil {
			t.Fatal(err)
		}
		totalsOf(t, w, p.Code, "670.07", "70.07", 1)
		totalsOf(t, w, other.Code, "70.07", "70.07", 1)
	})

	t.Run("ManyRowsPerStatement", func(t *testing.T) {
		// Plain SQL, as a restore or a bulk path writes: several rows of one
		// recipient paid by one INSERT, then some of them returned, one
		// moved back to approved and one deleted, each by one statement.
		w := dbtest.NewWorld(t)
		p := newProgram(t, w, "TOT-BULK-2024", "100000000")
		r1, r2 := newRecipient(t, w), newRecipient(t, w)
		db, err := w.Store.DB()
		if err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Exec(fmt.Sprintf(q, args...)); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		at := "'2024-03-01 08:00:00'"
		var values []string
		for i, rid := range []int64{r1.ID, r1.ID, r1.ID, r2.ID, r2.ID} {
			status := "paid"
			if i == 4 {
				status = "approved"
			}
			values = append(values, fmt.Sprintf("(%d, %d, %d, %d, '%s', '2024-03-01', %d, %s, %s)", p.ID, rid, 10000*(i+1), i+1, status, w.Officer.ID, at, at))
		}
		exec("INSERT INTO disbursements (program_id, recipient_id, amount, tranche, status, disbursed_on, created_by_id, created_at, updated_at) VALUES %s", strings.Join(values, ", "))
		totalsOf(t, w, p.Code, "1500.00", "1000.00", 2)
		exec("UPDATE disbursements SET status = 'returned' WHERE program_id = %d AND tranche IN (1, 2, 4)", p.ID)
		totalsOf(t, w, p.Code, "800.00", "300.00", 1)
		exec("UPDATE disbursements SET reconciled = TRUE WHERE program_id = %d", p.ID)
		totalsOf(t, w, p.Code, "800.00", "300.00", 1)
		exec("UPDATE disbursements SET status = 'paid', amount = amount + 1 WHERE program_id = %d AND tranche IN (3, 4, 5)", p.ID)
		totalsOf(t, w, p.Code, "1200.03", "1200.03", 2)
		exec("DELETE FROM disbursements WHERE program_id = %d AND tranche IN (3, 5)", p.ID)
		totalsOf(t, w, p.Code, "400.01", "400.01", 1)
	})

	t.Run("ConcurrentPays", func(t *testing.T) {
		// Two tranches of one recipient paid at the same time: the
		// recipient is reached once, whichever commits first.
		w := dbtest.NewWorld(t)
		p := newProgram(t, w, "TOT-RACE-2024", "100000000")
		for round := range 10 {
			r := newRecipient(t, w)
			var ds [2]*finance.Disbursement
			for i := range ds {
				d, err := w.Store.CreateDisbursement(w.Ctx(w.Officer), finance.DisbursementInput{
					Program: ptr(p.Code), RecipientID: ptr(r.ID), Amount: raw("10.00"), Tranche: ptr(i + 1), DisbursedOn: ptr("2024-03-01"),
				})
				if err != nil {
					t.Fatal(err)
				}
				ds[i] = act(t, w, w.Reviewer, act(t, w, w.Officer, d, "submit"), "approve")
			}
			var errs [2]error
			race(func() {
				_, errs[0] = w.Store.ActOnDisbursement(w.Ctx(w.Officer), ds[0].ID, "pay", finance.ActionInput{})
			},
				func() {
					_, errs[1] = w.Store.ActOnDisbursement(w.Ctx(w.Officer), ds[1].ID, "pay", finance.ActionInput{})
				})
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
			}
			n := int64(round + 1)
			totalsOf(t, w, p.Code, itoa(20*n)+".00", itoa(20*n)+".00", n)
		}
	})
}
