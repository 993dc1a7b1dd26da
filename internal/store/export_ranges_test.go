package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
)

// draftNIK numbers draftsIn's recipients: thousands a test, apart from
// nikSeq, whose NIKs have room for 9,999.
var draftNIK atomic.Int64

// draftsIn imports n drafts into program p as officer, each to a new
// recipient.
func draftsIn(t *testing.T, w *dbtest.World, officer *finance.User, p *finance.Program, n int) {
	t.Helper()
	rrows := make([]finance.RecipientRow, n)
	rows := make([]finance.DisbursementRow, n)
	for i := range n {
		k := draftNIK.Add(1) % (28 * 9999)
		nik := fmt.Sprintf("647301%02d0190%04d", 1+k/9999, 1+k%9999)
		rrows[i] = finance.RecipientRow{Input: finance.RecipientInput{Kind: ptr("umkm"), Name: ptr("Usaha " + nik), NIK: ptr(nik)}}
		rows[i] = finance.DisbursementRow{RecipientNIK: nik, Input: finance.DisbursementInput{
			Program: ptr(p.Code), Amount: raw("2400000"), Tranche: ptr(1), DisbursedOn: ptr("2024-03-01")}}
	}
	out, err := w.Store.ImportRecipients(w.Ctx(w.Admin), rrows, false)
	if err == nil {
		var dout []finance.RowOutcome
		dout, err = w.Store.ImportDisbursements(w.Ctx(officer), rows, false)
		out = append(out, dout...)
	}
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	for i, o := range out {
		if o.Err != nil {
			t.Fatalf("row %d: %v", i%n+1, o.Err)
		}
	}
}

// idsOf reads the ids of program p's disbursements from the database, in
// order.
func idsOf(t *testing.T, w *dbtest.World, p *finance.Program) []int64 {
	t.Helper()
	db, err := w.Store.DB()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT id FROM disbursements WHERE program_id = $1 ORDER BY id", p.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// exportedIDs exports what the actor sees through the filter and returns
// the ids in the order they came, their notes, and the most connections
// the store had in use while a row was emitted.
func exportedIDs(t *testing.T, w *dbtest.World, actor *finance.User, f finance.DisbursementFilter) ([]int64, map[int64]string, int) {
	t.Helper()
	db, err := w.Store.DB()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	notes, inUse := map[int64]string{}, 0
	err = w.Store.ExportDisbursements(w.Ctx(actor), f, func(l *finance.DisbursementLine) error {
		ids = append(ids, l.ID)
		notes[l.ID] = l.Note
		inUse = max(inUse, db.Stats().InUse)
		return nil
	})
	if err != nil {
		t.Fatalf("ExportDisbursements: %v", err)
	}
	return ids, notes, inUse
}

// TestExportDisbursements_Ranges: an export of every disbursement, which
// on SQLite reads ranges of ids on two connections, gives every row once,
// in id order, as the one-cursor exports of an agency's rows and of a
// program's do; a sink that fails, a cancelled request and a panicking
// sink each stop it with the connections back in the pool out of their
// transactions.
func TestExportDisbursements_Ranges(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "BPUM-RANGE-2024", "100000000000")
	other, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
		Code: ptr("BPUM-RANGE-KALTARA"), Name: ptr("Program Kaltara"), Kind: ptr("grant"), FundingSource: ptr("PEN"),
		Agency: ptr(w.OtherAgency.Code), FiscalYear: ptr(2024), Budget: raw("100000000000"),
		StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"),
	})
	if err != nil {
		t.Fatalf("CreateProgram: %v", err)
	}
	// ours, then more than two ranges of the other agency's, then ours
	draftsIn(t, w, w.Officer, p, store.RangeSpan+7)
	draftsIn(t, w, w.OtherOfficer, other, 2*store.RangeSpan+3)
	draftsIn(t, w, w.Officer, p, 5)
	ours, theirs := idsOf(t, w, p), idsOf(t, w, other)
	if len(ours) != store.RangeSpan+12 || len(theirs) != 2*store.RangeSpan+3 || ours[store.RangeSpan+7] < theirs[len(theirs)-1] {
		t.Fatalf("seeded %d and %d drafts, the last of ours before theirs", len(ours), len(theirs))
	}
	all := slices.Sorted(slices.Values(slices.Concat(ours, theirs)))

	got, _, inUse := exportedIDs(t, w, w.Admin, finance.DisbursementFilter{})
	if !slices.Equal(got, all) {
		t.Errorf("admin's export: %d rows, want %d in id order", len(got), len(all))
	}
	want := 1
	if w.Store.Driver() == "sqlite" {
		want = 2
	}
	if inUse != want {
		t.Errorf("admin's export read on %d connections, want %d", inUse, want)
	}
	for _, c := range []struct {
		name  string
		actor *finance.User
		f     finance.DisbursementFilter
		want  []int64
	}{
		{"officer's", w.Officer, finance.DisbursementFilter{}, ours},
		{"officer's of the program", w.Officer, finance.DisbursementFilter{Program: p.Code}, ours},
		{"admin's of " + w.OtherAgency.Code, w.Admin, finance.DisbursementFilter{Agency: w.OtherAgency.Code}, theirs},
	} {
		if got, _, inUse := exportedIDs(t, w, c.actor, c.f); !slices.Equal(got, c.want) || inUse != 1 {
			t.Errorf("%s export: %d rows on %d connections, want %d on one", c.name, len(got), inUse, len(c.want))
		}
	}

	// Each way of stopping in the second range leaves the store whole: a
	// write and a whole export follow.
	stop := errors.New("sink full")
	const at = store.RangeSpan + 3
	for _, c := range []struct {
		name string
		sink func(cancel func()) error // what the sink does at row at
		ok   func(err error, seen int) bool
	}{
		{"a failing sink", func(func()) error { return stop }, func(err error, seen int) bool {
			return errors.Is(err, stop) && seen == at
		}},
		// whole when the readers had read every range before the cancel
		{"a cancelled request", func(cancel func()) error { cancel(); return nil }, func(err error, seen int) bool {
			return errors.Is(err, context.Canceled) || err == nil && seen == len(all)
		}},
		{"a panicking sink", func(func()) error { panic(stop) }, func(err error, seen int) bool {
			return err != nil && err.Error() == "panic: sink full" && seen == at
		}},
	} {
		ctx, cancel := context.WithCancel(w.Ctx(w.Admin))
		seen := 0
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return w.Store.ExportDisbursements(ctx, finance.DisbursementFilter{}, func(*finance.DisbursementLine) error {
				if seen++; seen == at {
					return c.sink(cancel)
				}
				return nil
			})
		}()
		cancel()
		if !c.ok(err, seen) {
			t.Errorf("%s: %v after %d rows", c.name, err, seen)
		}
		draftsIn(t, w, w.Officer, p, 1)
		ids := idsOf(t, w, p)
		all = append(all, ids[len(ids)-1])
		if got, _, _ := exportedIDs(t, w, w.Admin, finance.DisbursementFilter{}); !slices.Equal(got, all) {
			t.Errorf("after %s, the next export: %d rows, want %d", c.name, len(got), len(all))
		}
	}
}

// TestExportDisbursements_OneSnapshot: while a writer keeps giving two
// drafts, ranges apart (on SQLite read by different connections), one
// new note in one statement, every export shows both with the same
// note: the export reads one snapshot, whatever commits while it starts.
func TestExportDisbursements_OneSnapshot(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "BPUM-SNAP-2024", "100000000000")
	draftsIn(t, w, w.Officer, p, store.RangeSpan+10)
	ids := idsOf(t, w, p)
	a, b := ids[0], ids[store.RangeSpan+5] // the first and the second range

	db, err := w.Store.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		// straight to the table: the fastest writer, so that commits land
		// while an export starts
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := db.Exec("UPDATE disbursements SET note = $1 WHERE id IN ($2, $3)", fmt.Sprintf("catatan %d", i), a, b); err != nil {
				t.Errorf("writer: %v", err)
				return
			}
		}
	})
	for round := range 300 {
		got, notes, _ := exportedIDs(t, w, w.Admin, finance.DisbursementFilter{})
		if len(got) != len(ids) || notes[a] != notes[b] {
			t.Errorf("round %d: %d rows (want %d), notes %q and %q", round, len(got), len(ids), notes[a], notes[b])
			break
		}
	}
	cancel()
	wg.Wait()
}
