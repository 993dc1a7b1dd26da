package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/report"
)

// flagWorld is a world with program FLAG-2024 (fixed Rp2.400.000, mikro
// and kecil, region 64, January to June 2024) and a way to add recipients.
type flagWorld struct {
	t *testing.T
	*dbtest.World
	p *finance.Program
}

func newFlagWorld(t *testing.T) *flagWorld {
	t.Helper()
	w := dbtest.NewWorld(t)
	f := &flagWorld{t: t, World: w}
	f.p = f.program("FLAG-2024", false)
	return f
}

func (f *flagWorld) program(code string, strict bool) *finance.Program {
	f.t.Helper()
	sizes := []string{"mikro", "kecil"}
	p, err := f.Store.CreateProgram(f.Ctx(f.Admin), finance.ProgramInput{
		Code: ptr(code), Name: ptr("Program " + code), Kind: ptr("grant"), FundingSource: ptr("PEN"),
		Agency: ptr(f.Agency.Code), FiscalYear: ptr(2024), Budget: raw("100000000"), AmountPerRecipient: raw("2400000"),
		AmountPerRecipientStrict: &strict, EligibleSizeClasses: &sizes, RegionCode: ptr("64"),
		StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-06-30"),
	})
	if err != nil {
		f.t.Fatalf("CreateProgram: %v", err)
	}
	return p
}

// recipient adds an eligible umkm (mikro, Samarinda) changed by edit.
func (f *flagWorld) recipient(edit func(*finance.RecipientInput)) *finance.Recipient {
	f.t.Helper()
	n := nikSeq.Add(1)
	in := finance.RecipientInput{Kind: ptr("umkm"), Name: ptr(fmt.Sprint("Usaha ", n)), NIK: ptr(fmt.Sprintf("647201010190%04d", n)),
		SizeClass: ptr("mikro"), RegionCode: ptr("64.72"), BankCode: ptr("BPD"), AccountNo: ptr(fmt.Sprintf("77%08d", n))}
	if edit != nil {
		edit(&in)
	}
	r, err := f.Store.CreateRecipient(f.Ctx(f.Admin), in)
	if err != nil {
		f.t.Fatalf("CreateRecipient: %v", err)
	}
	return r
}

func (f *flagWorld) draft(p *finance.Program, r *finance.Recipient, amount, on string) *finance.Disbursement {
	f.t.Helper()
	d, err := f.Store.CreateDisbursement(f.Ctx(f.Officer), finance.DisbursementInput{
		Program: ptr(p.Code), RecipientID: ptr(r.ID), Amount: raw(amount), DisbursedOn: ptr(on)})
	if err != nil {
		f.t.Fatalf("CreateDisbursement: %v", err)
	}
	return d
}

func (f *flagWorld) act(u *finance.User, d *finance.Disbursement, action string, in finance.ActionInput) *finance.Disbursement {
	f.t.Helper()
	got, err := f.Store.ActOnDisbursement(f.Ctx(u), d.ID, action, in)
	if err != nil {
		f.t.Fatalf("%s: %v", action, err)
	}
	return got
}

// submitted records and submits a Rp2.400.000 disbursement to r in March.
func (f *flagWorld) submitted(r *finance.Recipient) *finance.Disbursement {
	f.t.Helper()
	return f.act(f.Officer, f.draft(f.p, r, "2400000", "2024-03-01"), "submit", finance.ActionInput{})
}

func kinds(fl finance.Flags) string {
	out := make([]string, len(fl))
	for i, x := range fl {
		out[i] = x.Kind
	}
	return strings.Join(out, ",")
}

// TestDisbursementService_Flags checks every flag at submit and approve, on
// its own recipient, and that approving a flagged disbursement needs a
// reason, which is kept and audited.
func TestDisbursementService_Flags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, kind, says string
		setup            func(f *flagWorld) *finance.Disbursement
	}{
		{"IneligibleSize", finance.FlagIneligibleSize, "size class menengah is not among the program's eligible classes (mikro, kecil)", func(f *flagWorld) *finance.Disbursement {
			return f.submitted(f.recipient(func(in *finance.RecipientInput) { in.SizeClass = ptr("menengah") }))
		}},
		{"OutsideRegion", finance.FlagOutsideRegion, `region "65.71" is outside the program's region 64`, func(f *flagWorld) *finance.Disbursement {
			return f.submitted(f.recipient(func(in *finance.RecipientInput) { in.RegionCode = ptr("65.71") }))
		}},
		{"PaidByOtherProgram", finance.FlagPaidByOtherProgram, "already paid in fiscal year 2024 by OTHER-2024", func(f *flagWorld) *finance.Disbursement {
			r := f.recipient(nil)
			other := f.program("OTHER-2024", false)
			d := f.act(f.Officer, f.draft(other, r, "2400000", "2024-02-01"), "submit", finance.ActionInput{})
			d = f.act(f.Reviewer, d, "approve", finance.ActionInput{})
			f.act(f.Reviewer, d, "pay", finance.ActionInput{PaidOn: ptr("2024-02-02")})
			return f.submitted(r)
		}},
		{"AmountMismatch", finance.FlagAmountMismatch, "amount Rp1.200.000 differs from the program's fixed amount Rp2.400.000", func(f *flagWorld) *finance.Disbursement {
			return f.act(f.Officer, f.draft(f.p, f.recipient(nil), "1200000", "2024-03-01"), "submit", finance.ActionInput{})
		}},
		{"SharedNIK", finance.FlagSharedNIK, "the NIK is also that of recipient(s) ", func(f *flagWorld) *finance.Disbursement {
			r := f.recipient(nil)
			f.recipient(func(in *finance.RecipientInput) { in.Kind, in.NIK = ptr("kelompok"), ptr(r.NIK) })
			return f.submitted(r)
		}},
		{"SharedNIB", finance.FlagSharedNIB, "the NIB is also that of recipient(s) ", func(f *flagWorld) *finance.Disbursement {
			nib := fmt.Sprintf("9120%09d", nikSeq.Add(1))
			r := f.recipient(func(in *finance.RecipientInput) { in.NIB = ptr(nib) })
			f.recipient(func(in *finance.RecipientInput) { in.NIB = ptr(nib) })
			return f.submitted(r)
		}},
		{"SharedAccount", finance.FlagSharedAccount, "the bank account is also that of recipient(s) ", func(f *flagWorld) *finance.Disbursement {
			r := f.recipient(nil)
			f.recipient(func(in *finance.RecipientInput) { in.AccountNo = ptr(r.AccountNo) })
			return f.submitted(r)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFlagWorld(t)
			d := tc.setup(f)
			if kinds(d.Flags) != tc.kind || !strings.Contains(d.Flags[0].Message, tc.says) {
				t.Fatalf("flags at submit %+v; want one %s saying %q", d.Flags, tc.kind, tc.says)
			}
			before := auditCount(t, f.World)
			_, err := f.Store.ActOnDisbursement(f.Ctx(f.Reviewer), d.ID, "approve", finance.ActionInput{OverrideReason: ptr("  ")})
			var fe *finance.Error
			if finance.ErrorCode(err) != finance.EValidation || !errorAs(err, &fe) || !strings.Contains(fe.Fields["override_reason"].String(), tc.kind) {
				t.Fatalf("approve without a reason: %v; want validation_failed on override_reason", err)
			}
			if n := auditCount(t, f.World); n != before {
				t.Fatalf("a refused approval wrote %d audit entries", n-before)
			}
			got := f.act(f.Reviewer, d, "approve", finance.ActionInput{OverrideReason: ptr("checked with the village head")})
			if got.Status != "approved" || got.OverrideReason != "checked with the village head" || kinds(got.Flags) != tc.kind {
				t.Fatalf("approved: %s %q %+v", got.Status, got.OverrideReason, got.Flags)
			}
			entries, _, err := f.Store.FindAuditEntries(f.Ctx(f.Auditor), finance.AuditFilter{Entity: "disbursement", EntityID: fmt.Sprint(d.ID)})
			if err != nil {
				t.Fatal(err)
			}
			last := entries[len(entries)-1]
			if last.Action != "approve" || !strings.Contains(last.After, `"override_reason":"checked with the village head"`) || !strings.Contains(last.After, `"kind":"`+tc.kind+`"`) {
				t.Fatalf("audit of the approval: %s %s", last.Action, last.After)
			}
		})
	}
	t.Run("Clean", func(t *testing.T) {
		t.Parallel()
		f := newFlagWorld(t)
		d := f.submitted(f.recipient(nil))
		if len(d.Flags) != 0 {
			t.Fatalf("flags %+v; want none", d.Flags)
		}
		got := f.act(f.Reviewer, d, "approve", finance.ActionInput{OverrideReason: ptr("not needed")})
		if got.Status != "approved" || got.OverrideReason != "" {
			t.Fatalf("approved %s with reason %q; want no reason kept", got.Status, got.OverrideReason)
		}
	})
	t.Run("ComputedAgainAtApprove", func(t *testing.T) {
		t.Parallel()
		f := newFlagWorld(t)
		r := f.recipient(nil)
		d := f.submitted(r)
		// After submission another recipient appears with the same account.
		f.recipient(func(in *finance.RecipientInput) { in.AccountNo = ptr(r.AccountNo) })
		if _, err := f.Store.ActOnDisbursement(f.Ctx(f.Reviewer), d.ID, "approve", finance.ActionInput{}); finance.ErrorCode(err) != finance.EValidation {
			t.Fatalf("approve: %v; want validation_failed (flagged since submit)", err)
		}
	})
	t.Run("StrictAmountIs422", func(t *testing.T) {
		t.Parallel()
		f := newFlagWorld(t)
		strict := f.program("STRICT-2024", true)
		_, err := f.Store.CreateDisbursement(f.Ctx(f.Officer), finance.DisbursementInput{
			Program: ptr(strict.Code), RecipientID: ptr(f.recipient(nil).ID), Amount: raw("1200000"), DisbursedOn: ptr("2024-03-01")})
		var fe *finance.Error
		if !errorAs(err, &fe) || fe.Fields["amount"].String() != "must be 2400000.00, the program's fixed amount per recipient" {
			t.Fatalf("strict program: %v", err)
		}
	})
	t.Run("DisbursedOutsidePeriodIs422", func(t *testing.T) {
		t.Parallel()
		f := newFlagWorld(t)
		for _, on := range []string{"2023-12-31", "2024-07-01"} {
			_, err := f.Store.CreateDisbursement(f.Ctx(f.Officer), finance.DisbursementInput{
				Program: ptr(f.p.Code), RecipientID: ptr(f.recipient(nil).ID), Amount: raw("2400000"), DisbursedOn: ptr(on)})
			var fe *finance.Error
			if !errorAs(err, &fe) || fe.Fields["disbursed_on"].String() != "must be within the program's period, 1 January 2024 to 30 June 2024" {
				t.Fatalf("disbursed_on %s: %v", on, err)
			}
		}
		for _, on := range []string{"2024-01-01", "2024-06-30"} {
			f.draft(f.p, f.recipient(nil), "2400000", on)
		}
	})
	t.Run("PaidAfterEnd", func(t *testing.T) {
		t.Parallel()
		f := newFlagWorld(t)
		d := f.act(f.Reviewer, f.submitted(f.recipient(nil)), "approve", finance.ActionInput{})
		d = f.act(f.Reviewer, d, "pay", finance.ActionInput{PaidOn: ptr("2024-07-15")})
		if d.Status != "paid" || kinds(d.Flags) != finance.FlagPaidAfterEnd ||
			d.Flags[0].Message != "paid after the program ended (paid 15 July 2024, program ended 30 June 2024)" {
			t.Fatalf("paid after the end: %s %+v", d.Status, d.Flags)
		}
		onTime := f.act(f.Reviewer, f.act(f.Reviewer, f.submitted(f.recipient(nil)), "approve", finance.ActionInput{}), "pay", finance.ActionInput{PaidOn: ptr("2024-06-30")})
		if len(onTime.Flags) != 0 {
			t.Fatalf("paid on the last day: %+v", onTime.Flags)
		}
	})
}

// flaggedPair is the auditor's red-flag report of 2024, which must list
// exactly two entries, in its order.
func (f *flagWorld) flaggedPair(t *testing.T) (report.Flag, report.Flag) {
	t.Helper()
	rep, err := f.Store.Overlaps(f.Ctx(f.Auditor), report.Filter{Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Flagged) != 2 {
		t.Fatalf("flagged %+v; want 2", rep.Flagged)
	}
	return rep.Flagged[0], rep.Flagged[1]
}

// TestReportService_OverlapsFlaggedAlike: rows whose flags read the same
// share them in the red-flag report, and each keeps its own disbursement,
// recipient, status and override.
func TestReportService_OverlapsFlaggedAlike(t *testing.T) {
	t.Parallel()
	f := newFlagWorld(t)
	r1, r2 := f.recipient(nil), f.recipient(nil)
	over := f.act(f.Reviewer, f.act(f.Officer, f.draft(f.p, r1, "1000000", "2024-03-01"), "submit", finance.ActionInput{}),
		"approve", finance.ActionInput{OverrideReason: ptr("BPUM 2024 amount")})
	waiting := f.act(f.Officer, f.draft(f.p, r2, "1000000", "2024-03-01"), "submit", finance.ActionInput{})
	a, b := f.flaggedPair(t)
	const why = "amount Rp1.000.000 differs from the program's fixed amount Rp2.400.000"
	if a.DisbursementIDs[0] != over.ID || a.RecipientIDs[0] != r1.ID || !*a.Overridden || a.OverrideReason != "BPUM 2024 amount" ||
		a.Reason.String() != why+" — approved despite the flags: BPUM 2024 amount" {
		t.Errorf("overridden entry %+v", a)
	}
	if b.DisbursementIDs[0] != waiting.ID || b.RecipientIDs[0] != r2.ID || *b.Overridden || b.OverrideReason != "" ||
		b.Reason.String() != why+" — awaiting approval" {
		t.Errorf("waiting entry %+v", b)
	}
	if kinds(a.Flags) != finance.FlagAmountMismatch || kinds(b.Flags) != finance.FlagAmountMismatch {
		t.Errorf("flags %+v and %+v", a.Flags, b.Flags)
	}
}

func errorAs(err error, target **finance.Error) bool { return errors.As(err, target) }

// TestReportService_OverlapsFlagged: the red-flag report lists every
// flagged disbursement, whether and why it was overridden.
func TestReportService_OverlapsFlagged(t *testing.T) {
	t.Parallel()
	f := newFlagWorld(t)
	over := f.act(f.Reviewer, f.act(f.Officer, f.draft(f.p, f.recipient(nil), "1200000", "2024-03-01"), "submit", finance.ActionInput{}),
		"approve", finance.ActionInput{OverrideReason: ptr("BPUM 2024 amount")})
	waiting := f.act(f.Officer, f.draft(f.p, f.recipient(nil), "1000000", "2024-03-01"), "submit", finance.ActionInput{})
	f.submitted(f.recipient(nil)) // clean: not listed
	a, b := f.flaggedPair(t)
	if a.DisbursementIDs[0] != over.ID || a.Overridden == nil || !*a.Overridden || a.OverrideReason != "BPUM 2024 amount" ||
		a.Reason.String() != "amount Rp1.200.000 differs from the program's fixed amount Rp2.400.000 — approved despite the flags: BPUM 2024 amount" {
		t.Errorf("overridden entry %+v", a)
	}
	if b.DisbursementIDs[0] != waiting.ID || b.Overridden == nil || *b.Overridden || !strings.HasSuffix(b.Reason.String(), "— awaiting approval") {
		t.Errorf("waiting entry %+v", b)
	}
}
