package store_test

import (
	"sync"
	"testing"
	"time"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// draft records a draft of amount in program p, by the world's officer.
func draft(t *testing.T, w *dbtest.World, p *finance.Program, amount string) *finance.Disbursement {
	t.Helper()
	d, err := w.Store.CreateDisbursement(w.Ctx(w.Officer), finance.DisbursementInput{
		Program: ptr(p.Code), RecipientID: ptr(newRecipient(t, w).ID), Amount: raw(amount), DisbursedOn: ptr("2024-03-01"),
	})
	if err != nil {
		t.Fatalf("CreateDisbursement: %v", err)
	}
	return d
}

// act takes action on d as u and fails the test on an error.
func act(t *testing.T, w *dbtest.World, u *finance.User, d *finance.Disbursement, action string) *finance.Disbursement {
	t.Helper()
	got, err := w.Store.ActOnDisbursement(w.Ctx(u), d.ID, action, inputFor(action))
	if err != nil {
		t.Fatalf("%s as %s: %v", action, u.Email, err)
	}
	return got
}

// inputFor is the least an action needs: nothing, or for a rejection its reason.
func inputFor(action string) finance.ActionInput {
	if action == finance.ActionReject {
		return finance.ActionInput{Reason: ptr("dokumen tidak lengkap")}
	}
	return finance.ActionInput{}
}

func auditCount(t *testing.T, w *dbtest.World) int {
	t.Helper()
	db, _ := w.Store.DB()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDisbursementService_Transitions tries every action from every state:
// the allowed ones move the disbursement, the others are invalid_transition
// and change nothing, not even the audit trail.
func TestDisbursementService_Transitions(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "PEN-LC-2024", "1000000")
	reach := map[string][]string{
		"draft": nil, "submitted": {"submit"}, "approved": {"submit", "approve"}, "paid": {"submit", "approve", "pay"},
		"returned": {"submit", "approve", "pay", "return"}, "rejected": {"submit", "reject"}, "cancelled": {"cancel"},
	}
	allowed := map[string]map[string]string{
		"draft":     {"submit": "submitted", "cancel": "cancelled"},
		"submitted": {"approve": "approved", "reject": "rejected", "cancel": "cancelled"},
		"approved":  {"pay": "paid", "cancel": "cancelled"},
		"paid":      {"return": "returned"},
	}
	// Each action is tried by someone whose role and person may take it.
	by := map[string]*finance.User{"submit": w.Officer, "approve": w.Reviewer, "reject": w.Reviewer,
		"cancel": w.Reviewer, "pay": w.Officer, "return": w.Officer}
	for from, path := range reach {
		for _, action := range finance.Actions {
			t.Run(from+"/"+action, func(t *testing.T) {
				d := draft(t, w, p, "100")
				for _, step := range path {
					d = act(t, w, by[step], d, step)
				}
				if string(d.Status) != from {
					t.Fatalf("set-up reached %s, want %s", d.Status, from)
				}
				entries := auditCount(t, w)
				got, err := w.Store.ActOnDisbursement(w.Ctx(by[action]), d.ID, action, inputFor(action))
				want, ok := allowed[from][action]
				if ok {
					if err != nil || string(got.Status) != want {
						t.Fatalf("got %v, %v; want %s", got, err, want)
					}
					if auditCount(t, w) != entries+1 {
						t.Fatalf("audit entries %d, want %d", auditCount(t, w), entries+1)
					}
					return
				}
				if finance.ErrorCode(err) != finance.EInvalidTransition {
					t.Fatalf("got %v, want invalid_transition", err)
				}
				again, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), d.ID)
				if string(again.Status) != from || !again.UpdatedAt.Equal(d.UpdatedAt) || auditCount(t, w) != entries {
					t.Fatalf("a refused action changed something: %+v", again)
				}
			})
		}
	}
}

func TestDisbursementService_Act(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	w.Store.Now = func() time.Time { return time.Date(2024, 7, 12, 3, 0, 0, 0, time.UTC) }
	p := newProgram(t, w, "PEN-ACT-2024", "1000")
	t.Run("PayAndReturnRecordPeopleAndDays", func(t *testing.T) {
		d := act(t, w, w.Reviewer, act(t, w, w.Officer, draft(t, w, p, "250.50"), "submit"), "approve")
		if d.ApprovedBy == nil || *d.ApprovedBy != w.Reviewer.Email || *d.SubmittedByID != w.Officer.ID || d.ApprovedOn == nil || *d.ApprovedOn != "2024-07-12" {
			t.Fatalf("approved: %+v", d)
		}
		d, err := w.Store.ActOnDisbursement(w.Ctx(w.Officer), d.ID, "pay", finance.ActionInput{PaymentRef: ptr("TRX-77"), Note: ptr("BPD Kaltimtara")})
		if err != nil || *d.PaidOn != "2024-07-12" || d.PaymentRef != "TRX-77" || d.Note != "pay: BPD Kaltimtara" {
			t.Fatalf("pay: %+v, %v", d, err)
		}
		got, _ := w.Store.FindProgramByCode(w.Ctx(w.Admin), p.Code)
		if got.Committed.String() != "250.50" || got.Realized.String() != "250.50" {
			t.Fatalf("program after pay: committed %s realized %s", got.Committed, got.Realized)
		}
		d, err = w.Store.ActOnDisbursement(w.Ctx(w.Officer), d.ID, "return", finance.ActionInput{ReturnedOn: ptr("2024-07-15")})
		if err != nil || *d.ReturnedOn != "2024-07-15" || d.Status != "returned" {
			t.Fatalf("return: %+v, %v", d, err)
		}
		got, _ = w.Store.FindProgramByCode(w.Ctx(w.Admin), p.Code)
		if got.Committed.String() != "0.00" || got.Realized.String() != "0.00" {
			t.Fatalf("program after return: committed %s realized %s", got.Committed, got.Realized)
		}
	})
	t.Run("ErrForbiddenFourEyes", func(t *testing.T) {
		d, err := w.Store.CreateDisbursement(w.Ctx(w.Admin), finance.DisbursementInput{
			Program: ptr(p.Code), RecipientID: ptr(newRecipient(t, w).ID), Amount: raw("1"), DisbursedOn: ptr("2024-03-01"),
		})
		if err != nil {
			t.Fatal(err)
		}
		act(t, w, w.Officer, d, "submit")
		for _, action := range []string{"approve", "reject"} {
			if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Admin), d.ID, action, finance.ActionInput{}); finance.ErrorCode(err) != finance.EForbidden {
				t.Fatalf("creator %s: %v", action, err)
			}
		}
		act(t, w, w.Reviewer, d, "approve")
	})
	t.Run("ErrForbiddenOtherAgency", func(t *testing.T) {
		d := act(t, w, w.Officer, draft(t, w, p, "1"), "submit")
		if _, err := w.Store.ActOnDisbursement(w.Ctx(w.OtherReviewer), d.ID, "approve", finance.ActionInput{}); finance.ErrorCode(err) != finance.EForbidden {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrForbiddenRoles", func(t *testing.T) {
		d := act(t, w, w.Officer, draft(t, w, p, "1"), "submit")
		for _, tt := range []struct {
			u      *finance.User
			action string
		}{{w.Officer, "approve"}, {w.Auditor, "cancel"}, {w.Reviewer, "submit"}} {
			if _, err := w.Store.ActOnDisbursement(w.Ctx(tt.u), d.ID, tt.action, finance.ActionInput{}); finance.ErrorCode(err) != finance.EForbidden {
				t.Fatalf("%s %s: %v", tt.u.Email, tt.action, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Admin), 999999, "submit", finance.ActionInput{}); finance.ErrorCode(err) != finance.ENotFound {
			t.Fatalf("no such disbursement: %v", err)
		}
		if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Admin), 1, "archive", finance.ActionInput{}); finance.ErrorCode(err) != finance.ENotFound {
			t.Fatalf("no such action: %v", err)
		}
	})
	t.Run("ErrBudgetExceeded", func(t *testing.T) {
		q := newProgram(t, w, "PEN-BUDGET-2024", "1000.00")
		act(t, w, w.Reviewer, act(t, w, w.Officer, draft(t, w, q, "600.00"), "submit"), "approve")
		d := act(t, w, w.Officer, draft(t, w, q, "400.01"), "submit")
		if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Reviewer), d.ID, "approve", finance.ActionInput{}); finance.ErrorCode(err) != finance.EBudgetExceeded {
			t.Fatalf("got %v", err)
		}
		again, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), d.ID)
		if again.Status != "submitted" {
			t.Fatalf("status %s", again.Status)
		}
	})
	t.Run("PaidIsNeverEditedOrDeleted", func(t *testing.T) {
		d := act(t, w, w.Officer, act(t, w, w.Reviewer, act(t, w, w.Officer, draft(t, w, p, "5"), "submit"), "approve"), "pay")
		if _, err := w.Store.UpdateDisbursement(w.Ctx(w.Officer), d.ID, finance.DisbursementInput{Amount: raw("6")}); finance.ErrorCode(err) != finance.EInvalidTransition {
			t.Fatalf("update: %v", err)
		}
		if err := w.Store.DeleteDisbursement(w.Ctx(w.Admin), d.ID); finance.ErrorCode(err) != finance.EInvalidTransition {
			t.Fatalf("delete: %v", err)
		}
		again, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), d.ID)
		if again.Status != "paid" || again.Amount.String() != "5.00" {
			t.Fatalf("got %+v", again)
		}
	})
	t.Run("Bulk", func(t *testing.T) {
		q := newProgram(t, w, "PEN-BULK-2024", "150")
		a := act(t, w, w.Officer, draft(t, w, q, "100"), "submit")
		b := act(t, w, w.Officer, draft(t, w, q, "100"), "submit")
		res, err := w.Store.ActOnDisbursements(w.Ctx(w.Reviewer), []int64{a.ID, b.ID}, "approve", finance.ActionInput{})
		if err != nil || len(res) != 2 || res[0].Err != nil || res[0].Disbursement.Status != "approved" ||
			finance.ErrorCode(res[1].Err) != finance.EBudgetExceeded || res[1].ID != b.ID {
			t.Fatalf("got %+v, %v", res, err)
		}
	})
}

// TestDisbursementService_ConcurrentApprovals fires 50 approvals of 100.00
// at once against a budget of 1000.00: exactly 10 may pass, on both engines.
func TestDisbursementService_ConcurrentApprovals(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "PEN-RACE-2024", "1000.00")
	ids := make([]int64, 50)
	for i := range ids {
		ids[i] = act(t, w, w.Officer, draft(t, w, p, "100.00"), "submit").ID
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	ctx := w.Ctx(w.Reviewer)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = w.Store.ActOnDisbursement(ctx, id, "approve", finance.ActionInput{})
		}()
	}
	wg.Wait()
	approved, refused := 0, 0
	for _, err := range errs {
		switch finance.ErrorCode(err) {
		case "":
			approved++
		case finance.EBudgetExceeded:
			refused++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	got, _ := w.Store.FindProgramByCode(w.Ctx(w.Admin), p.Code)
	if approved != 10 || refused != 40 || got.Committed.String() != "1000.00" || got.Remaining.String() != "0.00" {
		t.Fatalf("approved %d, refused %d, committed %s", approved, refused, got.Committed)
	}
}

func TestBudgetRevisionService(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "APBD-REV-2024", "1000.00")
	act(t, w, w.Reviewer, act(t, w, w.Officer, draft(t, w, p, "700.00"), "submit"), "approve")
	t.Run("OK", func(t *testing.T) {
		r, err := w.Store.ReviseBudget(w.Ctx(w.Reviewer), p.Code, finance.BudgetRevisionInput{Budget: raw("1500.00"), Reason: ptr("APBD-Perubahan 2024")})
		if err != nil || r.PreviousBudget.String() != "1000.00" || r.Budget.String() != "1500.00" || r.ApprovedBy != w.Reviewer.Email || r.Program != p.Code {
			t.Fatalf("got %+v, %v", r, err)
		}
		got, _ := w.Store.FindProgramByCode(w.Ctx(w.Admin), p.Code)
		if got.Budget.String() != "1500.00" || got.OriginalBudget.String() != "1000.00" || got.Remaining.String() != "800.00" {
			t.Fatalf("program %+v", got)
		}
	})
	t.Run("ErrBudgetExceeded", func(t *testing.T) {
		_, err := w.Store.ReviseBudget(w.Ctx(w.Admin), p.Code, finance.BudgetRevisionInput{Budget: raw("699.99"), Reason: ptr("cut")})
		if finance.ErrorCode(err) != finance.EBudgetExceeded {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		for _, u := range []*finance.User{w.Officer, w.Auditor, w.OtherReviewer} {
			_, err := w.Store.ReviseBudget(w.Ctx(u), p.Code, finance.BudgetRevisionInput{Budget: raw("2000"), Reason: ptr("x")})
			if finance.ErrorCode(err) != finance.EForbidden {
				t.Fatalf("%s: %v", u.Email, err)
			}
		}
	})
	t.Run("History", func(t *testing.T) {
		if _, err := w.Store.ReviseBudget(w.Ctx(w.Admin), p.Code, finance.BudgetRevisionInput{Budget: raw("700.00"), Reason: ptr("efisiensi")}); err != nil {
			t.Fatal(err)
		}
		rs, err := w.Store.FindBudgetRevisions(w.Ctx(w.Auditor), p.Code)
		if err != nil || len(rs) != 2 || rs[0].Budget.String() != "1500.00" || rs[1].PreviousBudget.String() != "1500.00" ||
			rs[1].Budget.String() != "700.00" || rs[1].ApprovedBy != w.Admin.Email {
			t.Fatalf("got %v, %v", rs, err)
		}
		if _, err := w.Store.FindBudgetRevisions(w.Ctx(w.OtherOfficer), p.Code); finance.ErrorCode(err) != finance.EForbidden {
			t.Fatalf("other agency: %v", err)
		}
	})
}

func TestIdempotencyService(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	now := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
	w.Store.Now = func() time.Time { return now }
	ctx := w.Ctx(w.Officer)
	first, err := w.Store.BeginIdempotent(ctx, "k1", "h1")
	if err != nil || first != nil {
		t.Fatalf("new key: %v, %v", first, err)
	}
	if _, err := w.Store.BeginIdempotent(ctx, "k1", "h1"); finance.ErrorCode(err) != finance.EConflict {
		t.Fatalf("still running: %v", err)
	}
	if err := w.Store.FinishIdempotent(ctx, "k1", finance.IdempotentResponse{Status: 201, ContentType: "application/json", Body: []byte(`{"id":7}`)}); err != nil {
		t.Fatal(err)
	}
	got, err := w.Store.BeginIdempotent(ctx, "k1", "h1")
	if err != nil || got == nil || got.Status != 201 || string(got.Body) != `{"id":7}` || got.ContentType != "application/json" {
		t.Fatalf("replay: %+v, %v", got, err)
	}
	if _, err := w.Store.BeginIdempotent(ctx, "k1", "h2"); finance.ErrorCode(err) != finance.EConflict {
		t.Fatalf("other body: %v", err)
	}
	if got, err := w.Store.BeginIdempotent(w.Ctx(w.Reviewer), "k1", "h2"); err != nil || got != nil {
		t.Fatalf("keys are per user: %v, %v", got, err)
	}
	now = now.Add(23 * time.Hour)
	if got, _ := w.Store.BeginIdempotent(ctx, "k1", "h1"); got == nil {
		t.Fatal("a key must be kept 24 hours")
	}
	now = now.Add(2 * time.Hour)
	if got, err := w.Store.BeginIdempotent(ctx, "k1", "h2"); err != nil || got != nil {
		t.Fatalf("after 25 hours the key is new again: %v, %v", got, err)
	}
	if err := w.Store.AbandonIdempotent(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if got, err := w.Store.BeginIdempotent(ctx, "k1", "h3"); err != nil || got != nil {
		t.Fatalf("after abandon: %v, %v", got, err)
	}
}
