package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
)

// draftsIn imports n drafts into program p as officer, each to a new
// recipient.
func draftsIn(t *testing.T, w *dbtest.World, officer *finance.User, p *finance.Program, n int) {
	t.Helper()
	rrows := make([]finance.RecipientRow, n)
	rows := make([]finance.DisbursementRow, n)
	for i := range n {
		k := nikSeq.Add(1)
		nik := fmt.Sprintf("647301%02d0190%04d", 1+k/9999%28, 1+k%9999)
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
// the ids in the order they came, and their notes.
func exportedIDs(t *testing.T, w *dbtest.World, actor *finance.User, f finance.DisbursementFilter) ([]int64, map[int64]string) {
	t.Helper()
	var ids []int64
	notes := map[int64]string{}
	err := w.Store.ExportDisbursements(w.Ctx(actor), f, func(l *finance.DisbursementLine) error {
		ids = append(ids, l.ID)
		notes[l.ID] = l.Note
		return nil
	})
	if err != nil {
		t.Fatalf("ExportDisbursements: %v", err)
	}
	return ids, notes
}

// TestExportDisbursements_Ranges: an export by agency alone, which on
// SQLite reads ranges of ids on two connections, gives every row once, in
// id order, ranges with no row of the agency included, exactly as the
// filtered export of the same rows (one cursor).
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
	draftsIn(t, w, w.Officer, p, store.ExportSpan+7)
	draftsIn(t, w, w.OtherOfficer, other, 2*store.ExportSpan+3)
	draftsIn(t, w, w.Officer, p, 5)
	ours, theirs := idsOf(t, w, p), idsOf(t, w, other)
	if len(ours) != store.ExportSpan+12 || len(theirs) != 2*store.ExportSpan+3 || ours[store.ExportSpan+7] < theirs[len(theirs)-1] {
		t.Fatalf("seeded %d and %d drafts, the last of ours before theirs", len(ours), len(theirs))
	}

	ids, _ := exportedIDs(t, w, w.Officer, finance.DisbursementFilter{})
	if !slices.Equal(ids, ours) {
		t.Errorf("officer's export: %d rows, want %d in id order", len(ids), len(ours))
	}
	byProgram, _ := exportedIDs(t, w, w.Officer, finance.DisbursementFilter{Program: p.Code})
	if !slices.Equal(byProgram, ours) {
		t.Errorf("officer's export of the program: %d rows, want %d", len(byProgram), len(ours))
	}
	all, _ := exportedIDs(t, w, w.Admin, finance.DisbursementFilter{})
	if want := slices.Sorted(slices.Values(slices.Concat(ours, theirs))); !slices.Equal(all, want) {
		t.Errorf("admin's export: %d rows, want %d in id order", len(all), len(want))
	}
	kaltara, _ := exportedIDs(t, w, w.Admin, finance.DisbursementFilter{Agency: w.OtherAgency.Code})
	if !slices.Equal(kaltara, theirs) {
		t.Errorf("admin's export of %s: %d rows, want %d", w.OtherAgency.Code, len(kaltara), len(theirs))
	}

	// a sink that fails in the second range stops the export there, and
	// the connections go back to the pool out of their transactions: a
	// write and a whole export follow
	stop, seen := errors.New("sink full"), 0
	err = w.Store.ExportDisbursements(w.Ctx(w.Admin), finance.DisbursementFilter{}, func(*finance.DisbursementLine) error {
		if seen++; seen == store.ExportSpan+3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || seen != store.ExportSpan+3 {
		t.Fatalf("export with a failing sink: %v after %d rows", err, seen)
	}
	draftsIn(t, w, w.Officer, p, 1)
	if ids, _ := exportedIDs(t, w, w.Officer, finance.DisbursementFilter{}); !slices.Equal(ids, idsOf(t, w, p)) || len(ids) != len(ours)+1 {
		t.Errorf("the next export: %d rows, want %d", len(ids), len(ours)+1)
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
	draftsIn(t, w, w.Officer, p, store.ExportSpan+10)
	ids := idsOf(t, w, p)
	a, b := ids[0], ids[store.ExportSpan+5] // the first and the second range

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
		got, notes := exportedIDs(t, w, w.Officer, finance.DisbursementFilter{})
		if len(got) != len(ids) || notes[a] != notes[b] {
			t.Errorf("round %d: %d rows (want %d), notes %q and %q", round, len(got), len(ids), notes[a], notes[b])
			break
		}
	}
	cancel()
	wg.Wait()
}
