package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// importRows are drafts of tranche 1 for each recipient, Rp100 on 1 March 2024.
func importRows(p *finance.Program, rs []*finance.Recipient) []finance.DisbursementRow {
	rows := make([]finance.DisbursementRow, len(rs))
	for i, r := range rs {
		rows[i] = finance.DisbursementRow{RecipientNIK: r.NIK, Input: finance.DisbursementInput{
			Program: ptr(p.Code), Amount: raw("100.00"), Tranche: ptr(1), DisbursedOn: ptr("2024-03-01")}}
	}
	return rows
}

// liveTranches counts the live disbursements holding recipient r's tranche
// in program p.
func liveTranches(t *testing.T, w *dbtest.World, p *finance.Program, r *finance.Recipient, tranche int) int {
	t.Helper()
	n := 0
	for _, d := range listOf(t, w, p) {
		if d.RecipientID == r.ID && d.Tranche == tranche && !finance.Void.Has(d.Status) {
			n++
		}
	}
	return n
}

func listOf(t *testing.T, w *dbtest.World, p *finance.Program) []*finance.Disbursement {
	t.Helper()
	ds, _, err := w.Store.FindDisbursements(w.Ctx(w.Admin), finance.DisbursementFilter{Program: p.Code, Page: finance.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// checkImported checks that the import refused exactly row taken as a
// duplicate naming disbursement holder and created the others.
func checkImported(t *testing.T, round int, out []finance.RowOutcome, taken int, holder int64) {
	t.Helper()
	for i, o := range out {
		switch {
		case i == taken:
			want := fmt.Sprintf("already has disbursement #%d in program", holder)
			if finance.ErrorCode(o.Err) != finance.EDuplicate || !strings.Contains(o.Err.Error(), want) {
				t.Fatalf("round %d: row %d: %v, want a duplicate naming disbursement %d", round, i, o.Err, holder)
			}
		case o.Err != nil || o.Outcome != finance.ImportCreated:
			t.Fatalf("round %d: row %d: outcome %v, error %v, want created", round, i, o.Outcome, o.Err)
		}
	}
}

// TestImportDisbursements_RaceCreate imports a set of drafts while another
// writer creates one of their tranches, raceRounds times: whichever comes
// first holds the tranche, the other is refused as a duplicate, the
// import's other rows go in, and nobody gets an internal error.
func TestImportDisbursements_RaceCreate(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	officer := w.Ctx(w.Officer)
	createdFirst := 0
	defer func() { t.Logf("%d rounds: the create came first in %d", raceRounds, createdFirst) }()
	for round := range raceRounds {
		p := newProgram(t, w, fmt.Sprintf("RACE-IMP-%d", round), "100000000")
		rs := []*finance.Recipient{newRecipient(t, w), newRecipient(t, w), newRecipient(t, w)}
		var out []finance.RowOutcome
		var importErr, createErr error
		var created *finance.Disbursement
		race(func() {
			out, importErr = w.Store.ImportDisbursements(officer, importRows(p, rs), false)
		}, func() {
			created, createErr = w.Store.CreateDisbursement(officer, finance.DisbursementInput{
				Program: ptr(p.Code), RecipientID: ptr(rs[1].ID), Amount: raw("250.00"), Tranche: ptr(1), DisbursedOn: ptr("2024-03-02")})
		})
		if importErr != nil {
			t.Fatalf("round %d: import: %v", round, importErr)
		}
		if createErr == nil {
			createdFirst++
			checkImported(t, round, out, 1, created.ID)
		} else {
			if finance.ErrorCode(createErr) != finance.EDuplicate {
				t.Fatalf("round %d: create: %v, want a duplicate", round, createErr)
			}
			checkImported(t, round, out, -1, 0)
		}
		for _, r := range rs {
			if n := liveTranches(t, w, p, r, 1); n != 1 {
				t.Fatalf("round %d: recipient %d holds tranche 1 %d times", round, r.ID, n)
			}
		}
	}
}

// importWhileHeld runs imp while tx (PostgreSQL) holds a row imp needs:
// it waits (asking through db) until imp's connection is blocked on tx, commits tx, and gives
// imp's outcomes.
func importWhileHeld(t *testing.T, db *sql.DB, tx *sql.Tx, imp func() ([]finance.RowOutcome, error)) []finance.RowOutcome {
	t.Helper()
	ctx := context.Background()
	var pid int
	if err := tx.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	type result struct {
		out []finance.RowOutcome
		err error
	}
	done := make(chan result)
	go func() {
		out, err := imp()
		done <- result{out, err}
	}()
	for waiting := 0; waiting == 0; { // until the import waits on the open transaction
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", pid).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got := <-done
	if got.err != nil {
		t.Fatalf("import: %v", got.err)
	}
	return got.out
}

// TestImportDisbursements_TakenMeanwhile makes another writer take a
// tranche after the import read the set and before its INSERT, for sure:
// on PostgreSQL a transaction moves a draft into the tranche and stays
// open, so the import's INSERT waits on it, then commits. The set's INSERT
// then fails on the unique index; the import redoes the set row by row,
// refuses only the taken row (a duplicate naming the other writer's
// disbursement, as CreateDisbursement says it), imports the others and
// writes their audit entries. SQLite has nothing to test here: every write
// transaction holds the database's one write lock from its start.
func TestImportDisbursements_TakenMeanwhile(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	if w.Store.Driver() != "postgres" {
		t.Skip("SQLite serializes every write transaction")
	}
	officer := w.Ctx(w.Officer)
	p := newProgram(t, w, "RACE-TAKEN-2024", "100000000")
	rs := []*finance.Recipient{newRecipient(t, w), newRecipient(t, w), newRecipient(t, w), newRecipient(t, w)}
	other, err := w.Store.CreateDisbursement(officer, finance.DisbursementInput{
		Program: ptr(p.Code), RecipientID: ptr(rs[2].ID), Amount: raw("250.00"), Tranche: ptr(2), DisbursedOn: ptr("2024-03-02")})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := w.Store.DB()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE disbursements SET tranche = 1 WHERE id = $1", other.ID); err != nil {
		t.Fatal(err)
	}
	out := importWhileHeld(t, db, tx, func() ([]finance.RowOutcome, error) {
		return w.Store.ImportDisbursements(officer, importRows(p, rs), false)
	})
	checkImported(t, 0, out, 2, other.ID)
	ds := listOf(t, w, p)
	if len(ds) != 4 {
		t.Fatalf("%d disbursements in the program, want 4 (three imported, the other writer's)", len(ds))
	}
	for _, d := range ds {
		want := "100.00"
		if d.ID == other.ID {
			want = "250.00"
		}
		if d.Tranche != 1 || d.Amount.String() != want {
			t.Fatalf("disbursement %d: tranche %d, %s; want tranche 1, %s", d.ID, d.Tranche, d.Amount, want)
		}
		if entries := auditOf(t, w, d.ID); entries[0].Action != "create" || entries[0].After.Amount != want {
			t.Fatalf("disbursement %d: audit trail %+v", d.ID, entries)
		}
	}
	if bad, err := w.Store.VerifyAudit(w.Ctx(w.Admin)); err != nil || bad != nil {
		t.Fatalf("audit chain: entry %+v, %v", bad, err)
	}
}
