package finance_test

import (
	"testing"

	"pilar/internal/finance"
	"pilar/internal/money"
)

// allowed is the life cycle of PRODUCT.md written out in full, so that the
// table in lifecycle.go is checked against the spec, not against itself.
var allowed = map[finance.Status]map[string]finance.Status{
	finance.StatusDraft:     {"submit": "submitted", "cancel": "cancelled"},
	finance.StatusSubmitted: {"approve": "approved", "reject": "rejected", "cancel": "cancelled"},
	finance.StatusApproved:  {"pay": "paid", "cancel": "cancelled"},
	finance.StatusPaid:      {"return": "returned"},
	finance.StatusReturned:  {},
	finance.StatusRejected:  {},
	finance.StatusCancelled: {},
}

func TestNextStatus(t *testing.T) {
	t.Parallel()
	for from, ok := range allowed {
		for _, action := range finance.Actions {
			t.Run(string(from)+"/"+action, func(t *testing.T) {
				got, err := finance.NextStatus(from, action)
				want, isAllowed := ok[action]
				if isAllowed && (err != nil || got != want) {
					t.Fatalf("NextStatus = %q, %v; want %q", got, err, want)
				}
				if !isAllowed && finance.ErrorCode(err) != finance.EInvalidTransition {
					t.Fatalf("NextStatus = %q, %v; want invalid_transition", got, err)
				}
			})
		}
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := finance.NextStatus(finance.StatusDraft, "delete"); finance.ErrorCode(err) != finance.ENotFound {
			t.Fatalf("got %v", err)
		}
	})
}

func agencyActor(id int64, role string) *finance.Actor {
	agency := int64(1)
	return &finance.Actor{UserID: id, Email: role, Role: role, AgencyID: &agency}
}

func TestDisbursement_Act(t *testing.T) {
	t.Parallel()
	const officer, officer2, reviewer = 1, 2, 3
	sub := func(id int64) *int64 { return &id }
	admin := &finance.Actor{UserID: 9, Role: finance.RoleAdmin}
	tests := []struct {
		name   string
		d      finance.Disbursement
		actor  *finance.Actor
		action string
		in     finance.ActionInput
		code   string
	}{
		{"SubmitByOfficer", finance.Disbursement{Status: "draft", CreatedByID: officer}, agencyActor(officer, "officer"), "submit", finance.ActionInput{}, ""},
		{"ApproveByReviewer", finance.Disbursement{Status: "submitted", CreatedByID: officer, SubmittedByID: sub(officer)}, agencyActor(reviewer, "reviewer"), "approve", finance.ActionInput{}, ""},
		{"ErrForbiddenOfficerApproves", finance.Disbursement{Status: "submitted", CreatedByID: officer, SubmittedByID: sub(officer)}, agencyActor(officer2, "officer"), "approve", finance.ActionInput{}, "forbidden"},
		{"ErrForbiddenRoleBeforeState", finance.Disbursement{Status: "paid", CreatedByID: officer}, agencyActor(officer2, "officer"), "approve", finance.ActionInput{}, "forbidden"},
		{"ErrForbiddenCreatorApproves", finance.Disbursement{Status: "submitted", CreatedByID: admin.UserID, SubmittedByID: sub(officer)}, admin, "approve", finance.ActionInput{}, "forbidden"},
		{"ErrForbiddenSubmitterRejects", finance.Disbursement{Status: "submitted", CreatedByID: officer, SubmittedByID: sub(admin.UserID)}, admin, "reject", finance.ActionInput{}, "forbidden"},
		{"ErrForbiddenOtherAgency", finance.Disbursement{Status: "submitted", AgencyID: 2, CreatedByID: officer, SubmittedByID: sub(officer)}, agencyActor(reviewer, "reviewer"), "approve", finance.ActionInput{}, "forbidden"},
		{"OfficerCancelsDraft", finance.Disbursement{Status: "draft", CreatedByID: officer2}, agencyActor(officer, "officer"), "cancel", finance.ActionInput{}, ""},
		{"OfficerCancelsOwnSubmission", finance.Disbursement{Status: "submitted", CreatedByID: officer2, SubmittedByID: sub(officer)}, agencyActor(officer, "officer"), "cancel", finance.ActionInput{}, ""},
		{"ErrForbiddenOfficerCancelsOthersSubmission", finance.Disbursement{Status: "submitted", CreatedByID: officer, SubmittedByID: sub(officer2)}, agencyActor(officer, "officer"), "cancel", finance.ActionInput{}, "forbidden"},
		{"ErrForbiddenOfficerCancelsApproved", finance.Disbursement{Status: "approved", CreatedByID: officer, SubmittedByID: sub(officer)}, agencyActor(officer, "officer"), "cancel", finance.ActionInput{}, "forbidden"},
		{"ReviewerCancelsApproved", finance.Disbursement{Status: "approved", CreatedByID: officer}, agencyActor(reviewer, "reviewer"), "cancel", finance.ActionInput{}, ""},
		{"ErrForbiddenAuditor", finance.Disbursement{Status: "draft"}, &finance.Actor{UserID: 8, Role: finance.RoleAuditor}, "submit", finance.ActionInput{}, "forbidden"},
		{"ErrInvalidTransition", finance.Disbursement{Status: "paid"}, agencyActor(reviewer, "reviewer"), "cancel", finance.ActionInput{}, "invalid_transition"},
		{"ErrPaidOn", finance.Disbursement{Status: "approved"}, agencyActor(officer, "officer"), "pay", finance.ActionInput{PaidOn: ptr("2024-02-30")}, "validation_failed"},
		{"ErrReturnedBeforePaid", finance.Disbursement{Status: "paid", PaidOn: ptr("2024-05-02")}, agencyActor(officer, "officer"), "return", finance.ActionInput{ReturnedOn: ptr("2024-05-01")}, "validation_failed"},
		{"ErrNotFound", finance.Disbursement{Status: "draft"}, agencyActor(officer, "officer"), "archive", finance.ActionInput{}, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			if d.AgencyID == 0 {
				d.AgencyID = 1
			}
			before := d.Status
			err := d.Act(tt.actor, tt.action, tt.in, "2024-06-01")
			if got := finance.ErrorCode(err); got != tt.code {
				t.Fatalf("Act = %v, want code %q", err, tt.code)
			}
			if err != nil && d.Status != before {
				t.Fatalf("status changed to %s on a refused action", d.Status)
			}
		})
	}
	t.Run("PayDefaultsToToday", func(t *testing.T) {
		d := finance.Disbursement{Status: "approved", AgencyID: 1, PaymentRef: "OLD", Note: "first"}
		if err := d.Act(agencyActor(officer, "officer"), "pay", finance.ActionInput{PaymentRef: ptr(" TRX1 "), Note: ptr("via BPD")}, "2024-06-01"); err != nil {
			t.Fatal(err)
		}
		if d.Status != "paid" || *d.PaidOn != "2024-06-01" || d.PaymentRef != "TRX1" || d.Note != "first\npay: via BPD" {
			t.Fatalf("got %+v", d)
		}
	})
	t.Run("AllowedActions", func(t *testing.T) {
		d := finance.Disbursement{Status: "submitted", AgencyID: 1, CreatedByID: officer, SubmittedByID: sub(officer)}
		got := d.AllowedActions(agencyActor(reviewer, "reviewer"))
		if len(got) != 3 || got[0] != "approve" || got[1] != "reject" || got[2] != "cancel" {
			t.Fatalf("reviewer: %v", got)
		}
		if got := d.AllowedActions(agencyActor(officer, "officer")); len(got) != 1 || got[0] != "cancel" {
			t.Fatalf("officer who submitted: %v", got)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestCheckBudget(t *testing.T) {
	t.Parallel()
	p := &finance.Program{Code: "P", Budget: amount(t, "1000.00"), Committed: amount(t, "900.00")}
	if err := finance.CheckBudget(p, amount(t, "100.00")); err != nil {
		t.Fatalf("exactly the budget: %v", err)
	}
	if err := finance.CheckBudget(p, amount(t, "100.01")); finance.ErrorCode(err) != finance.EBudgetExceeded {
		t.Fatalf("over by a sen: %v", err)
	}
}

func TestNewBudgetRevision(t *testing.T) {
	t.Parallel()
	p := &finance.Program{Code: "P", Budget: amount(t, "1000.00"), Committed: amount(t, "400.00")}
	raw := func(s string) *money.Raw { r := money.Raw(s); return &r }
	for _, tt := range []struct {
		name, budget, reason, code string
	}{
		{"OK", "400.00", "APBD-P", ""},
		{"ErrBelowCommitted", "399.99", "APBD-P", "budget_exceeded"},
		{"ErrNoReason", "2000", " ", "validation_failed"},
		{"ErrBadAmount", "1e3", "APBD-P", "validation_failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := finance.NewBudgetRevision(p, finance.BudgetRevisionInput{Budget: raw(tt.budget), Reason: &tt.reason})
			if finance.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %q", err, tt.code)
			}
			if err == nil && (r.PreviousBudget.String() != "1000.00" || r.Budget.String() != "400.00") {
				t.Fatalf("got %+v", r)
			}
		})
	}
}

func amount(t *testing.T, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
