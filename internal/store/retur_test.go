package store_test

import (
	"strings"
	"testing"
	"time"

	"pilar/internal/finance"
	"pilar/internal/report"
)

func TestReturService(t *testing.T) {
	t.Parallel()
	returned := func(t *testing.T, w reconWorld, on string) *finance.Disbursement {
		d := paidTo(t, w.World, w.p, "2400000", "BPUM-R", "2024-07-01", "")
		d, err := w.Store.ActOnDisbursement(w.Ctx(w.Officer), d.ID, "return", finance.ActionInput{ReturnedOn: ptr(on)})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	deposit := finance.ReturClosureInput{Kind: ptr("deposit"), Treasury: ptr("kas_negara"), ClosedOn: ptr("2024-08-01"), Reference: ptr("NTPN 0A1B2C"), Amount: raw("2400000")}
	t.Run("OpenWithAgeThenDeposit", func(t *testing.T) {
		w := newReconWorld(t)
		w.Store.Now = func() time.Time { return time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC) }
		d := returned(t, w, "2024-07-02")
		open, err := w.Store.OpenReturns(w.Ctx(w.Reviewer))
		if err != nil || len(open) != 1 || open[0].DisbursementID != d.ID || open[0].AgeDays != 30 || open[0].Amount.String() != "2400000.00" {
			t.Fatalf("open %+v %v", open, err)
		}
		if other, _ := w.Store.OpenReturns(w.Ctx(w.OtherOfficer)); len(other) != 0 {
			t.Errorf("another agency sees %d", len(other))
		}
		ov, err := w.Store.Overlaps(w.Ctx(w.Reviewer), report.Filter{Year: 2024})
		if err != nil || len(ov.ReturnedNotClosed) != 1 || ov.ReturnedNotClosed[0].DisbursementIDs[0] != d.ID || !strings.Contains(ov.ReturnedNotClosed[0].Reason.String(), "30 days") {
			t.Errorf("red flag %+v %v", ov, err)
		}
		c, err := w.Store.CloseReturn(w.Ctx(w.Officer), d.ID, deposit)
		if err != nil || c.Kind != "deposit" || c.Treasury != "kas_negara" || c.Reference != "NTPN 0A1B2C" || c.CreatedBy != w.Officer.Email {
			t.Fatalf("close %+v %v", c, err)
		}
		if open, _ := w.Store.OpenReturns(w.Ctx(w.Reviewer)); len(open) != 0 {
			t.Errorf("still open: %+v", open)
		}
		if _, err := w.Store.CloseReturn(w.Ctx(w.Officer), d.ID, deposit); code(err) != finance.EConflict {
			t.Errorf("twice: %v", err)
		}
		dr, _ := w.Store.DisbursementReconciliation(w.Ctx(w.Auditor), d.ID)
		if dr.Closure == nil || dr.Closure.ID != c.ID {
			t.Errorf("disbursement view %+v", dr)
		}
	})
	t.Run("ErrDeposit", func(t *testing.T) {
		w := newReconWorld(t)
		d := returned(t, w, "2024-07-02")
		for name, in := range map[string]finance.ReturClosureInput{
			"amount":    {Kind: ptr("deposit"), Treasury: ptr("kas_negara"), ClosedOn: ptr("2024-08-01"), Reference: ptr("N"), Amount: raw("2000000")},
			"treasury":  {Kind: ptr("deposit"), Treasury: ptr("bank"), ClosedOn: ptr("2024-08-01"), Reference: ptr("N"), Amount: raw("2400000")},
			"closed_on": {Kind: ptr("deposit"), Treasury: ptr("kas_daerah"), ClosedOn: ptr("2024-07-01"), Reference: ptr("N"), Amount: raw("2400000")},
			"reference": {Kind: ptr("deposit"), Treasury: ptr("kas_daerah"), ClosedOn: ptr("2024-08-01"), Amount: raw("2400000")},
			"kind":      {Kind: ptr("forget")},
		} {
			_, err := w.Store.CloseReturn(w.Ctx(w.Officer), d.ID, in)
			if e, ok := err.(*finance.Error); !ok || e.Code != finance.EValidation || e.Fields[name].Key == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		paid := paidTo(t, w.World, w.p, "2400000", "", "2024-07-01", "")
		if _, err := w.Store.CloseReturn(w.Ctx(w.Officer), paid.ID, deposit); code(err) != finance.EInvalidTransition {
			t.Errorf("not returned: %v", err)
		}
		if _, err := w.Store.CloseReturn(w.Ctx(w.Auditor), d.ID, deposit); code(err) != finance.EForbidden {
			t.Errorf("auditor: %v", err)
		}
		if _, err := w.Store.CloseReturn(w.Ctx(w.OtherOfficer), d.ID, deposit); code(err) != finance.EForbidden {
			t.Errorf("other agency: %v", err)
		}
	})
	t.Run("Repayment", func(t *testing.T) {
		w := newReconWorld(t)
		d := returned(t, w, "2024-07-02")
		// paid again to the same recipient in tranche 2
		again, err := w.Store.CreateDisbursement(w.Ctx(w.Officer), finance.DisbursementInput{Program: ptr(w.p.Code), RecipientID: ptr(d.RecipientID),
			Amount: raw("2400000"), DisbursedOn: ptr("2024-07-10"), Tranche: ptr(2)})
		if err != nil {
			t.Fatal(err)
		}
		in := finance.ReturClosureInput{Kind: ptr("repayment"), RepaymentID: &again.ID}
		if _, err := w.Store.CloseReturn(w.Ctx(w.Officer), d.ID, in); code(err) != finance.EValidation {
			t.Errorf("re-payment not paid yet: %v", err)
		}
		act(t, w.World, w.Officer, again, "submit")
		act(t, w.World, w.Reviewer, again, "approve")
		if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Officer), again.ID, "pay", finance.ActionInput{PaidOn: ptr("2024-07-12"), PaymentRef: ptr("BPUM-R2")}); err != nil {
			t.Fatal(err)
		}
		c, err := w.Store.CloseReturn(w.Ctx(w.Reviewer), d.ID, in)
		if err != nil || c.Kind != "repayment" || *c.RepaymentID != again.ID || c.ClosedOn != "2024-07-12" || c.Reference != "BPUM-R2" {
			t.Fatalf("repayment %+v %v", c, err)
		}
		other := paidTo(t, w.World, w.p, "2400000", "", "2024-07-01", "")
		if _, err := w.Store.CloseReturn(w.Ctx(w.Officer), d.ID, finance.ReturClosureInput{Kind: ptr("repayment"), RepaymentID: &other.ID}); code(err) != finance.EConflict {
			t.Errorf("closed already: %v", err)
		}
	})
}

func TestReconciliationReport(t *testing.T) {
	t.Parallel()
	w := newReconWorld(t)
	w.Store.Now = func() time.Time { return time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC) }
	matched := paidTo(t, w.World, w.p, "2400000", "RPT-1", "2024-07-01", "")
	fee := paidTo(t, w.World, w.p, "1000000", "RPT-2", "2024-07-01", "")
	paidTo(t, w.World, w.p, "500000", "RPT-3", "2024-07-01", "") // no bank line
	ret := paidTo(t, w.World, w.p, "300000", "RPT-4", "2024-07-01", "")
	if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Officer), ret.ID, "return", finance.ActionInput{ReturnedOn: ptr("2024-07-20")}); err != nil {
		t.Fatal(err)
	}
	w.reconcile(t, "booking_date,amount,reference\n2024-07-01,-2400000,RPT-1\n2024-07-01,-1002500,RPT-2\n")
	_ = matched
	_ = fee
	for _, g := range []string{"program", "agency"} {
		r, err := w.Store.ReconciliationReport(w.Ctx(w.Reviewer), report.Filter{Year: 2024, GroupBy: g})
		if err != nil {
			t.Fatal(err)
		}
		tt := r.Totals
		if len(r.Rows) != 1 || tt.Paid.String() != "4200000.00" || tt.Matched.String() != "2400000.00" || tt.Unmatched.String() != "1800000.00" ||
			tt.Mismatched.String() != "1000000.00" || tt.Returned.String() != "300000.00" || tt.ReturnedNotClosed.String() != "300000.00" {
			t.Errorf("%s: %+v", g, r)
		}
		if len(r.OpenReturns) != 1 || r.OpenReturns[0].AgeDays != 43 {
			t.Errorf("%s open returns %+v", g, r.OpenReturns)
		}
	}
	// A second return, deposited: returned counts both, not closed only the first.
	closed := paidTo(t, w.World, w.p, "200000", "RPT-5", "2024-07-01", "")
	if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Officer), closed.ID, "return", finance.ActionInput{ReturnedOn: ptr("2024-07-20")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.CloseReturn(w.Ctx(w.Officer), closed.ID, finance.ReturClosureInput{Kind: ptr("deposit"), Treasury: ptr("kas_negara"),
		ClosedOn: ptr("2024-08-01"), Reference: ptr("NTPN 5"), Amount: raw("200000")}); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"program", "agency"} {
		r, err := w.Store.ReconciliationReport(w.Ctx(w.Reviewer), report.Filter{Year: 2024, GroupBy: g})
		if err != nil {
			t.Fatal(err)
		}
		if tt := r.Totals; len(r.Rows) != 1 || tt.Paid.String() != "4400000.00" || tt.Returned.String() != "500000.00" ||
			tt.ReturnedNotClosed.String() != "300000.00" || tt.Mismatched.String() != "1000000.00" || len(r.OpenReturns) != 1 {
			t.Errorf("%s with a closed return: %+v", g, r)
		}
	}
	if r, _ := w.Store.ReconciliationReport(w.Ctx(w.OtherOfficer), report.Filter{Year: 2024}); len(r.Rows) != 0 {
		t.Errorf("another agency sees %+v", r.Rows)
	}
}
