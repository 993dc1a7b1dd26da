package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// raceRounds is how many times each race below is run; the figure is in
// docs/RELIABILITY.md.
const raceRounds = 40

// race runs a and b at once, as close together as two goroutines start.
func race(a, b func()) {
	var start, done sync.WaitGroup
	start.Add(1)
	done.Add(2)
	for _, f := range []func(){a, b} {
		go func() {
			defer done.Done()
			start.Wait()
			f()
		}()
	}
	start.Done()
	done.Wait()
}

// auditOf returns the disbursement's audit entries, oldest first, with
// their "after" decoded.
func auditOf(t *testing.T, w *dbtest.World, id int64) []auditAfter {
	t.Helper()
	db, _ := w.Store.DB()
	rows, err := db.Query("SELECT action, after FROM audit_log WHERE entity = 'disbursement' AND entity_id = $1 ORDER BY id", itoa(id))
	if w.Store.Driver() == "sqlite" {
		rows, err = db.Query("SELECT action, after FROM audit_log WHERE entity = 'disbursement' AND entity_id = ? ORDER BY id", itoa(id))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditAfter
	for rows.Next() {
		var e auditAfter
		var after string
		if err := rows.Scan(&e.Action, &after); err != nil {
			t.Fatal(err)
		}
		if after != "" {
			if err := json.Unmarshal([]byte(after), &e.After); err != nil {
				t.Fatalf("audit after %q: %v", after, err)
			}
		}
		out = append(out, e)
	}
	return out
}

type auditAfter struct {
	Action string
	After  struct {
		Status string `json:"status"`
		Amount string `json:"amount"`
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// TestDisbursementService_Races runs each state-dependent write against the
// action that changes the state it depends on, raceRounds times, and checks
// that the outcome is one of the serial ones: a change after submission
// never lands, a submitted disbursement is never deleted, no approval
// passes the budget, and the audit trail says what was written. Run it
// with -race on both engines.
func TestDisbursementService_Races(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	officer, reviewer := w.Ctx(w.Officer), w.Ctx(w.Reviewer)

	t.Run("PatchVsSubmit", func(t *testing.T) {
		p := newProgram(t, w, "RACE-PS-2024", "100000000")
		patched := 0
		defer func() { t.Logf("%d rounds: the change came first in %d", raceRounds, patched) }()
		for round := range raceRounds {
			d := draft(t, w, p, "100.00")
			var patchErr, submitErr error
			race(func() {
				_, patchErr = w.Store.UpdateDisbursement(officer, d.ID, finance.DisbursementInput{Amount: raw("200.00")})
			}, func() {
				_, submitErr = w.Store.ActOnDisbursement(officer, d.ID, "submit", finance.ActionInput{})
			})
			if submitErr != nil {
				t.Fatalf("round %d: submit: %v", round, submitErr)
			}
			if patchErr != nil && finance.ErrorCode(patchErr) != finance.EInvalidTransition {
				t.Fatalf("round %d: patch: %v", round, patchErr)
			}
			got, _ := w.Store.FindDisbursementByID(officer, d.ID)
			entries := auditOf(t, w, d.ID)
			last := entries[len(entries)-1]
			if last.Action != "submit" || last.After.Amount != got.Amount.String() || got.Status != "submitted" {
				t.Fatalf("round %d: the disbursement is %s at %s, the audit trail ends %+v: changed after submission",
					round, got.Status, got.Amount, last)
			}
			want := "100.00"
			if patchErr == nil {
				want = "200.00"
				patched++
			}
			if got.Amount.String() != want {
				t.Fatalf("round %d: patch error %v but amount %s", round, patchErr, got.Amount)
			}
		}
	})

	t.Run("DeleteVsSubmit", func(t *testing.T) {
		p := newProgram(t, w, "RACE-DS-2024", "100000000")
		deleted := 0
		defer func() { t.Logf("%d rounds: the delete came first in %d", raceRounds, deleted) }()
		for round := range raceRounds {
			d := draft(t, w, p, "100.00")
			var deleteErr, submitErr error
			race(func() {
				deleteErr = w.Store.DeleteDisbursement(officer, d.ID)
			}, func() {
				_, submitErr = w.Store.ActOnDisbursement(officer, d.ID, "submit", finance.ActionInput{})
			})
			got, findErr := w.Store.FindDisbursementByID(officer, d.ID)
			switch {
			case deleteErr == nil && submitErr == nil:
				t.Fatalf("round %d: both the delete and the submit succeeded (row: %v, %v)", round, got, findErr)
			case deleteErr == nil:
				deleted++
				if c := finance.ErrorCode(submitErr); c != finance.ENotFound || finance.ErrorCode(findErr) != finance.ENotFound {
					t.Fatalf("round %d: deleted, but submit said %v and the row is %v, %v", round, submitErr, got, findErr)
				}
			case submitErr == nil:
				if finance.ErrorCode(deleteErr) != finance.EInvalidTransition || findErr != nil || got.Status != "submitted" {
					t.Fatalf("round %d: submitted, but delete said %v and the row is %v, %v", round, deleteErr, got, findErr)
				}
			default:
				t.Fatalf("round %d: both failed: %v, %v", round, deleteErr, submitErr)
			}
		}
	})

	t.Run("PatchVsApprove", func(t *testing.T) {
		// A draft of 100.00 in a program of 1,000.00: one client raises it to
		// 999,999.00 while another submits and approves it.
		patched := 0
		defer func() { t.Logf("%d rounds: the change came first in %d", raceRounds, patched) }()
		for round := range raceRounds {
			p := newProgram(t, w, "RACE-PA-"+itoa(int64(round)), "1000.00")
			d := draft(t, w, p, "100.00")
			var patchErr, submitErr, approveErr error
			race(func() {
				_, patchErr = w.Store.UpdateDisbursement(officer, d.ID, finance.DisbursementInput{Amount: raw("999999.00")})
			}, func() {
				if _, submitErr = w.Store.ActOnDisbursement(officer, d.ID, "submit", finance.ActionInput{}); submitErr == nil {
					_, approveErr = w.Store.ActOnDisbursement(reviewer, d.ID, "approve", finance.ActionInput{})
				}
			})
			if submitErr != nil {
				t.Fatalf("round %d: submit: %v", round, submitErr)
			}
			got, _ := w.Store.FindDisbursementByID(officer, d.ID)
			prog, _ := w.Store.FindProgramByCode(reviewer, p.Code)
			if prog.Committed.Cmp(prog.Budget) > 0 {
				t.Fatalf("round %d: committed %s of a budget of %s (disbursement %s at %s; patch %v, approve %v)",
					round, prog.Committed, prog.Budget, got.Status, got.Amount, patchErr, approveErr)
			}
			entries := auditOf(t, w, d.ID)
			last := entries[len(entries)-1]
			if last.After.Amount != got.Amount.String() || last.After.Status != string(got.Status) {
				t.Fatalf("round %d: the row is %s at %s but the audit trail ends %+v", round, got.Status, got.Amount, last)
			}
			if patchErr == nil {
				patched++
			}
			switch {
			case patchErr == nil && (got.Amount.String() != "999999.00" || finance.ErrorCode(approveErr) != finance.EBudgetExceeded):
				t.Fatalf("round %d: the patch passed, yet the row is %s at %s (approve: %v)", round, got.Status, got.Amount, approveErr)
			case patchErr != nil && (got.Amount.String() != "100.00" || approveErr != nil || got.Status != "approved"):
				t.Fatalf("round %d: the patch failed (%v), yet the row is %s at %s (approve: %v)", round, patchErr, got.Status, got.Amount, approveErr)
			}
		}
	})

	t.Run("RevisionVsApproval", func(t *testing.T) {
		// 600.00 of 1,000.00 committed; approving 300.00 more and cutting
		// the budget to 700.00 are each fine alone, never both.
		revised := 0
		defer func() { t.Logf("%d rounds: the revision won in %d", raceRounds, revised) }()
		for round := range raceRounds {
			p := newProgram(t, w, "RACE-RA-"+itoa(int64(round)), "1000.00")
			act(t, w, w.Reviewer, act(t, w, w.Officer, draft(t, w, p, "600.00"), "submit"), "approve")
			d := act(t, w, w.Officer, draft(t, w, p, "300.00"), "submit")
			var reviseErr, approveErr error
			race(func() {
				_, reviseErr = w.Store.ReviseBudget(w.Ctx(w.Admin), p.Code, finance.BudgetRevisionInput{Budget: raw("700.00"), Reason: ptr("efisiensi")})
			}, func() {
				_, approveErr = w.Store.ActOnDisbursement(reviewer, d.ID, "approve", finance.ActionInput{})
			})
			if reviseErr == nil {
				revised++
			}
			prog, _ := w.Store.FindProgramByCode(reviewer, p.Code)
			if prog.Committed.Cmp(prog.Budget) > 0 || (reviseErr == nil) == (approveErr == nil) {
				t.Fatalf("round %d: committed %s of %s; revise %v, approve %v", round, prog.Committed, prog.Budget, reviseErr, approveErr)
			}
			if reviseErr != nil && finance.ErrorCode(reviseErr) != finance.EBudgetExceeded ||
				approveErr != nil && finance.ErrorCode(approveErr) != finance.EBudgetExceeded {
				t.Fatalf("round %d: revise %v, approve %v", round, reviseErr, approveErr)
			}
		}
	})

	t.Run("ProgramCloseVsDraft", func(t *testing.T) {
		// Closing a program races recording a draft in it: the draft is
		// refused, or it was recorded while the program was still active.
		for round := range raceRounds {
			p := newProgram(t, w, "RACE-PC-"+itoa(int64(round)), "1000.00")
			rid := newRecipient(t, w).ID
			var closeErr, createErr error
			race(func() {
				_, closeErr = w.Store.UpdateProgram(w.Ctx(w.Admin), p.Code, finance.ProgramInput{Status: ptr("closed")})
			}, func() {
				_, createErr = w.Store.CreateDisbursement(officer, finance.DisbursementInput{
					Program: ptr(p.Code), RecipientID: ptr(rid), Amount: raw("10"), DisbursedOn: ptr("2024-03-01"),
				})
			})
			if closeErr != nil {
				t.Fatalf("round %d: close: %v", round, closeErr)
			}
			if createErr != nil && finance.ErrorCode(createErr) != finance.EConflict {
				t.Fatalf("round %d: create: %v", round, createErr)
			}
			if createErr == nil {
				// The program's audit entry for closing must come after the draft's.
				db, _ := w.Store.DB()
				var closedAt, createdAt int64
				q := func(entity, id string) int64 {
					var n int64
					sql := "SELECT MAX(id) FROM audit_log WHERE entity = ? AND entity_id = ?"
					if w.Store.Driver() == "postgres" {
						sql = "SELECT MAX(id) FROM audit_log WHERE entity = $1 AND entity_id = $2"
					}
					if err := db.QueryRowContext(context.Background(), sql, entity, id).Scan(&n); err != nil {
						t.Fatal(err)
					}
					return n
				}
				closedAt = q("program", p.Code)
				ds, _, _ := w.Store.FindDisbursements(officer, finance.DisbursementFilter{Program: p.Code})
				createdAt = q("disbursement", itoa(ds[0].ID))
				if createdAt > closedAt {
					t.Fatalf("round %d: a draft was recorded after its program was closed", round)
				}
			}
		}
	})
}
