package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"pilar/internal/finance"
)

// TestImportHistoricalSet_RowsInteract enters past payments whose rows
// see each other (the same recipient paid by two programs of a year, the
// same tranche again with the same and another amount) beside a shared
// NIK, an excluded recipient and refused rows, as one set, and pins what
// each row got: the same as the rows entered one by one (sets of one,
// each seeing only what the rows before it wrote).
func TestImportHistoricalSet_RowsInteract(t *testing.T) {
	t.Parallel()
	f := newFlagWorld(t)
	a, b, c := f.program("HIST-A-2024", false), f.program("HIST-B-2024", false), f.program("HIST-C-2024", false)
	r1, r2, ex := f.recipient(nil), f.recipient(nil), f.recipient(nil)
	// A kelompok registered first holds the NIK of the umkm registered after it.
	group := f.recipient(func(in *finance.RecipientInput) { in.Kind = ptr("kelompok") })
	shared := f.recipient(func(in *finance.RecipientInput) { in.NIK = ptr(group.NIK) })
	l, err := f.Store.CreateExclusionList(f.Ctx(f.Admin), exclusionInput("deceased"), idents(finance.IdentNIK, ex.NIK))
	if err != nil {
		t.Fatal(err)
	}
	row := func(p *finance.Program, r *finance.Recipient, tranche int, amount, paid string) finance.DisbursementRow {
		out := finance.DisbursementRow{RecipientNIK: r.NIK, Input: finance.DisbursementInput{Program: ptr(p.Code), Amount: raw(amount),
			Tranche: ptr(tranche), DisbursedOn: ptr("2024-03-01")}}
		if paid != "" {
			out.PaidOn = ptr(paid)
		}
		return out
	}
	admin := f.Ctx(f.Admin)
	// r2 was paid by B before the import.
	if outs, err := f.Store.ImportHistoricalSet(admin, []finance.DisbursementRow{row(b, r2, 1, "2400000", "2024-03-02")}); err != nil || outs[0].Err != nil {
		t.Fatalf("r2 paid by B: %+v %v", outs, err)
	}
	unknown := row(a, r1, 1, "2400000", "2024-03-05")
	unknown.RecipientNIK = "6472010101909999"
	rows := []finance.DisbursementRow{
		row(a, r1, 1, "2400000", "2024-03-05"),     // 0: created, nothing to flag
		row(b, r1, 1, "2400000", "2024-03-05"),     // 1: A paid r1 this year (row 0)
		row(a, r1, 1, "2400000", "2024-03-05"),     // 2: row 0 again: skipped
		row(a, r1, 1, "2000000", "2024-03-05"),     // 3: row 0's tranche, another amount: duplicate
		row(a, r1, 2, "2400000", "2024-07-10"),     // 4: B paid r1 (row 1); paid after A ended
		row(c, r1, 1, "2400000", "2024-03-05"),     // 5: A and B paid r1 (rows 0, 1, 4)
		row(a, r2, 1, "2400000", "2024-03-05"),     // 6: B paid r2 before the import
		row(a, shared, 1, "2400000", "2024-03-05"), // 7: its NIK is the kelompok's
		row(a, ex, 1, "2400000", "2024-03-05"),     // 8: on the exclusion list
		row(a, r2, 2, "2400000", ""),               // 9: no paid_on
		{RecipientNIK: r2.NIK, PaidOn: ptr("2024-03-05"), // 10: no such program
			Input: finance.DisbursementInput{Program: ptr("HIST-X-2024"), Amount: raw("2400000"), DisbursedOn: ptr("2024-03-01")}},
		unknown, // 11: no such recipient
	}
	want := []struct {
		outcome finance.ImportOutcome
		kinds   string
		err     string
	}{
		{finance.ImportCreated, "", ""},
		{finance.ImportCreated, finance.FlagPaidByOtherProgram, ""},
		{finance.ImportSkipped, "", ""},
		{0, "", "duplicate"},
		{finance.ImportCreated, finance.FlagPaidByOtherProgram + "," + finance.FlagPaidAfterEnd, ""},
		{finance.ImportCreated, finance.FlagPaidByOtherProgram, ""},
		{finance.ImportCreated, finance.FlagPaidByOtherProgram, ""},
		{finance.ImportCreated, finance.FlagSharedNIK, ""},
		{finance.ImportCreated, finance.FlagExcluded, ""},
		{0, "", "validation_failed"},
		{0, "", "validation_failed"},
		{0, "", "validation_failed"},
	}
	// run enters the rows in sets of n, in a transaction rolled back after.
	run := func(n int) (outs []finance.RowOutcome, first int64) {
		t.Helper()
		rollback := errors.New("rollback")
		err := f.Store.InTx(admin, func(ctx context.Context) error {
			for lo := 0; lo < len(rows); lo += n {
				got, err := f.Store.ImportHistoricalSet(ctx, rows[lo:min(lo+n, len(rows))])
				if err != nil {
					return err
				}
				outs = append(outs, got...)
			}
			ds, _, err := f.Store.FindDisbursements(ctx, finance.DisbursementFilter{Program: a.Code, RecipientID: r1.ID})
			if err != nil || len(ds) != 2 {
				return fmt.Errorf("r1's payments by A: %+v %v", ds, err)
			}
			first = ds[0].ID
			for i, d := range ds {
				if d.Status != finance.StatusPaid || d.OverrideReason == "" && i == 1 || d.OverrideReason != "" && i == 0 {
					return fmt.Errorf("r1's payment %d by A: %+v", i, d)
				}
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		return outs, first
	}
	set, first := run(len(rows))
	for i, w := range want {
		o := set[i]
		if o.Outcome != w.outcome || kinds(o.Flags) != w.kinds || finance.ErrorCode(o.Err) != w.err && w.err != "" || w.err == "" && o.Err != nil {
			t.Errorf("row %d: %v %q %v; want %v %q %s", i, o.Outcome, kinds(o.Flags), o.Err, w.outcome, w.kinds, w.err)
		}
	}
	for i, msg := range map[int]string{
		1: "already paid in fiscal year 2024 by HIST-A-2024",
		4: "already paid in fiscal year 2024 by HIST-B-2024",
		5: "already paid in fiscal year 2024 by HIST-A-2024, HIST-B-2024",
		6: "already paid in fiscal year 2024 by HIST-B-2024",
		7: fmt.Sprintf("the NIK is also that of recipient(s) %d", group.ID),
		8: fmt.Sprintf("the NIK is on exclusion list %d (deceased, Dukcapil Kota Samarinda, as of 1 February 2024)", l.ID),
	} {
		if len(set[i].Flags) == 0 || set[i].Flags[0].Message != msg {
			t.Errorf("row %d: flags %+v; want %q", i, set[i].Flags, msg)
		}
	}
	if got, want := fmt.Sprint(set[3].Err), fmt.Sprintf("duplicate: %s already has disbursement #%d in program Program HIST-A-2024, tranche 1, with another amount or date", r1.Name, first); got != want {
		t.Errorf("row 3: %s; want %s", got, want)
	}
	// One row at a time: the same outcomes, flags and refusals (the
	// disbursement ids aside, which the rolled-back first run used up on
	// PostgreSQL).
	ids := regexp.MustCompile(`disbursement #\d+`)
	byRow, _ := run(1)
	for i := range rows {
		s, r := set[i], byRow[i]
		if s.Outcome != r.Outcome || !reflect.DeepEqual(s.Flags, r.Flags) || (s.Err == nil) != (r.Err == nil) ||
			s.Err != nil && ids.ReplaceAllString(s.Err.Error(), "") != ids.ReplaceAllString(r.Err.Error(), "") {
			t.Errorf("row %d: as a set %+v, one by one %+v", i, s, r)
		}
	}
}
