package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/store"
)

func ptr[T any](v T) *T { return &v }

func raw(s string) *money.Raw { r := money.Raw(s); return &r }

func newProgram(t *testing.T, w *dbtest.World, code, budget string) *finance.Program {
	t.Helper()
	p, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
		Code: ptr(code), Name: ptr("Program " + code), Kind: ptr("grant"), FundingSource: ptr("PEN"),
		Agency: ptr(w.Agency.Code), FiscalYear: ptr(2024), Budget: raw(budget),
		StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"),
	})
	if err != nil {
		t.Fatalf("CreateProgram: %v", err)
	}
	return p
}

var nikSeq atomic.Int64

func newRecipient(t *testing.T, w *dbtest.World) *finance.Recipient {
	t.Helper()
	nik := fmt.Sprintf("647201010190%04d", nikSeq.Add(1))
	r, err := w.Store.CreateRecipient(w.Ctx(w.Admin), finance.RecipientInput{Kind: ptr("umkm"), Name: ptr("Usaha " + nik), NIK: ptr(nik)})
	if err != nil {
		t.Fatalf("CreateRecipient: %v", err)
	}
	return r
}

func TestAmountsAreExact(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "PEN-KALTIM-2021", "1000000000000000")
	amounts := []string{"0.10", "0.20", "1234567.89", "0.01", "999999999999.99"}
	want := money.Zero
	for _, a := range amounts {
		d, err := w.Store.CreateDisbursement(w.Ctx(w.Officer), finance.DisbursementInput{
			Program: ptr(p.Code), RecipientID: ptr(newRecipient(t, w).ID), Amount: raw(a), DisbursedOn: ptr("2024-03-01"),
		})
		if err != nil {
			t.Fatalf("CreateDisbursement(%s): %v", a, err)
		}
		if d.Amount.String() != mustParse(t, a).String() {
			t.Fatalf("stored %s, read back %s", a, d.Amount)
		}
		want = want.Add(mustParse(t, a))
	}
	db, _ := w.Store.DB()
	var sum money.Amount
	if err := db.QueryRow("SELECT SUM(amount) FROM disbursements").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum.String() != "1000001234568.19" || !sum.Equal(want) {
		t.Fatalf("SUM = %s, want 1000001234568.19 (= %s)", sum, want)
	}
}

func mustParse(t *testing.T, s string) money.Amount {
	a, err := money.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestProgramService(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	t.Run("OK", func(t *testing.T) {
		p := newProgram(t, w, "DAK-PK-2024", "2100000000")
		if p.Agency != w.Agency.Code || p.Budget.String() != "2100000000.00" || p.OriginalBudget.String() != "2100000000.00" ||
			p.Remaining.String() != "2100000000.00" || p.Status != "active" {
			t.Fatalf("got %+v", p)
		}
	})
	t.Run("ErrDuplicate", func(t *testing.T) {
		_, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
			Code: ptr("DAK-PK-2024"), Name: ptr("x"), Kind: ptr("grant"), FundingSource: ptr("DAK"),
			Agency: ptr(w.Agency.Code), FiscalYear: ptr(2024), Budget: raw("1"), StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"),
		})
		if code := finance.ErrorCode(err); code != finance.EDuplicate {
			t.Fatalf("code = %s (%v)", code, err)
		}
	})
	t.Run("ErrForbiddenOtherAgency", func(t *testing.T) {
		_, err := w.Store.FindProgramByCode(w.Ctx(w.OtherOfficer), "DAK-PK-2024")
		if code := finance.ErrorCode(err); code != finance.EForbidden {
			t.Fatalf("code = %s (%v)", code, err)
		}
	})
	t.Run("ScopedList", func(t *testing.T) {
		list, _, err := w.Store.FindPrograms(w.Ctx(w.OtherOfficer), finance.ProgramFilter{})
		if err != nil || len(list) != 0 {
			t.Fatalf("other agency sees %d programs (%v)", len(list), err)
		}
		list, _, err = w.Store.FindPrograms(w.Ctx(w.Officer), finance.ProgramFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("own agency sees %d programs (%v)", len(list), err)
		}
	})
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	t.Parallel()
	s := dbtest.Open(t)
	db, _ := s.DB()
	if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)"); err != nil {
		t.Fatal(err)
	}
	err := s.Migrate(context.Background())
	if err == nil || !strings.Contains(err.Error(), "newer than this pilar binary") {
		t.Fatalf("Migrate = %v", err)
	}
}

func TestRecipientService_Create(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	t.Run("ErrDuplicateNamesRecipientInSameTransaction", func(t *testing.T) {
		// The admin sees personal data and is told the recipient's id; an
		// officer is only told that the NIK is taken (TestLookupLimit).
		ctx := w.Ctx(w.Admin)
		in := finance.RecipientInput{Kind: ptr("umkm"), Name: ptr("Kerupuk Ikan Tarakan"), NIK: ptr("6571014107850003")}
		var first *finance.Recipient
		err := w.Store.InTx(ctx, func(ctx context.Context) error {
			var err error
			if first, err = w.Store.CreateRecipient(ctx, in); err != nil {
				return err
			}
			_, err = w.Store.CreateRecipient(ctx, in)
			return err
		})
		want := fmt.Sprintf("an umkm with this NIK is already registered as recipient %d", first.ID)
		if finance.ErrorCode(err) != finance.EDuplicate || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want duplicate naming %d", err, first.ID)
		}
	})
	t.Run("KoperasiMayShareNIK", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			_, err := w.Store.CreateRecipient(w.Ctx(w.Officer), finance.RecipientInput{Kind: ptr("koperasi"), Name: ptr("Koperasi Nelayan"),
				NIK: ptr("6571014107850004"), LegalNumber: ptr(fmt.Sprintf("AHU-%d", i))})
			if err != nil {
				t.Fatalf("koperasi %d: %v", i, err)
			}
		}
	})
}

// TestMigrate_ServersStartingTogether: several processes opening one fresh
// database at once all end up on the latest schema, none failing.
func TestMigrate_ServersStartingTogether(t *testing.T) {
	driver, dsn := dbtest.Config(t)
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() {
			s, err := store.OpenMigrated(context.Background(), driver, dsn)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatalf("a server failed to start beside the others: %v", err)
		}
	}
}
