package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/store"
)

// TestCLI_HistoricalImport enters 100,000 past payments as one admin: they
// are paid and approved by that admin, the whole import is one audit entry
// naming the file's SHA-256, the budget is not enforced but its overrun is
// listed, and so are the flagged and refused rows.
func TestCLI_HistoricalImport(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.must("", "migrate")
	c.must("correct-horse-battery\n", "user", "add", "--email", "admin@pilar.test", "--name", "Admin", "--role", "admin")
	st, err := store.OpenMigrated(context.Background(), c.get("PILAR_DATABASE_DRIVER"), c.get("PILAR_DATABASE_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin, err := st.FindUserByEmail(context.Background(), "admin@pilar.test")
	if err != nil {
		t.Fatal(err)
	}
	ctx := finance.WithActor(context.Background(), admin.Actor())
	code, name, region := "DKUMKM-KALTIM", "Dinas Koperasi dan UKM Kaltim", "64"
	if _, err := st.CreateAgency(ctx, finance.AgencyInput{Code: &code, Name: &name, RegionCode: &region}); err != nil {
		t.Fatal(err)
	}
	// 2,000 recipients x 5 tranches = 10,000 rows in the suite;
	// PILAR_HISTORICAL_TRANCHES=50 runs the 100,000 (docs/RELIABILITY.md).
	const recipients = 2000
	tranches := 5
	if n, err := strconv.Atoi(os.Getenv("PILAR_HISTORICAL_TRANCHES")); err == nil && n > 0 {
		tranches = n
	}
	rows := int64(recipients * tranches)
	// The budget covers Rp2.000.000 a row, so paying Rp2.400.000 overruns it.
	budgetRp := rows * 2_000_000
	pc, pn, kind, src, budget, fixed := "BPUM-2020", "BPUM 2020", "grant", "APBN", money.Raw(strconv.FormatInt(budgetRp, 10)), money.Raw("2400000")
	year, start, end, status := 2020, "2020-01-01", "2020-12-31", "closed"
	if _, err := st.CreateProgram(ctx, finance.ProgramInput{Code: &pc, Name: &pn, Kind: &kind, FundingSource: &src, Agency: &code,
		FiscalYear: &year, Budget: &budget, AmountPerRecipient: &fixed, StartsOn: &start, EndsOn: &end, Status: &status}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var rb strings.Builder
	rb.WriteString("kind,name,nik\n")
	nik := func(i int) string { return fmt.Sprintf("647201%02d%02d90%04d", i%28+1, i/28%12+1, i+1) }
	for i := 0; i < recipients; i++ {
		fmt.Fprintf(&rb, "umkm,Usaha %d,%s\n", i, nik(i))
	}
	rfile := filepath.Join(dir, "recipients.csv")
	os.WriteFile(rfile, []byte(rb.String()), 0o600)
	c.must("", "import", "recipients", rfile)

	var hb strings.Builder
	hb.WriteString("program_code,recipient_nik,amount,tranche,disbursed_on,paid_on,payment_ref\n")
	for tr := 1; tr <= tranches; tr++ {
		for i := 0; i < recipients; i++ {
			amount := "2400000"
			if tr == 1 && i == 0 {
				amount = "1200000" // differs from the fixed amount: flagged
			}
			fmt.Fprintf(&hb, "BPUM-2020,%s,%s,%d,2020-08-01,2020-08-%02d,TRX-%d-%d\n", nik(i), amount, tr, i%28+1, tr, i)
		}
	}
	hb.WriteString("BPUM-2020," + nik(0) + ",2400000,99,2020-08-01,,TRX-NOPAID\n") // refused: no paid_on
	hfile := filepath.Join(dir, "bpum-2020.csv")
	content := []byte(hb.String())
	os.WriteFile(hfile, content, 0o600)
	sum := sha256.Sum256(content)
	sha := hex.EncodeToString(sum[:])

	t.Run("NeedsAsAdmin", func(t *testing.T) {
		if code, _, errOut := c.run("", "import", "disbursements", hfile, "--historical"); code != 2 || !strings.Contains(errOut, "--as ADMIN") {
			t.Fatalf("without --as: exit %d %q", code, errOut)
		}
	})
	before := auditEntries(t, st, ctx)
	code2, out, errOut := c.run("", "import", "disbursements", hfile, "--historical", "--as", "admin@pilar.test")
	if code2 != 1 || !strings.HasPrefix(out, fmt.Sprintf("created %d, updated 0, skipped 0, failed 1 (of %d rows)\n", rows, rows+1)) {
		t.Fatalf("historical import: exit %d\n%.500s\n%s", code2, out, errOut)
	}
	for _, want := range []string{
		fmt.Sprintf("row %d: paid_on: is required in a historical import", rows+2),
		fmt.Sprintf("overrun: program BPUM-2020: committed %d.00 exceeds its budget of %d.00 by %d.00", rows*2_400_000-1_200_000, budgetRp, rows*400_000-1_200_000),
		"row 2 flagged: amount_mismatch (amount Rp1.200.000 differs from the program's fixed amount Rp2.400.000)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%.800s", want, out)
		}
	}
	if n := auditEntries(t, st, ctx) - before; n != 1 {
		t.Fatalf("the historical import wrote %d audit entries; want exactly 1", n)
	}
	entries, _, err := st.FindAuditEntries(ctx, finance.AuditFilter{Entity: "import", EntityID: sha})
	if err != nil || len(entries) != 1 || entries[0].Action != "historical_import" || entries[0].Actor != "admin@pilar.test" ||
		!strings.Contains(entries[0].After, `"file":"bpum-2020.csv"`) || !strings.Contains(entries[0].After, fmt.Sprintf(`"created":%d`, rows)) {
		t.Fatalf("audit entry for %s: %+v, %v", sha, entries, err)
	}
	ds, _, err := st.FindDisbursements(ctx, finance.DisbursementFilter{Program: "BPUM-2020", Page: finance.Page{Limit: 3}})
	if err != nil || len(ds) != 3 {
		t.Fatal(err)
	}
	d := ds[0]
	if d.Status != finance.StatusPaid || *d.PaidOn != "2020-08-01" || *d.ApprovedOn != "2020-08-01" || *d.ApprovedBy != "admin@pilar.test" ||
		d.CreatedBy != "admin@pilar.test" || d.PaymentRef != "TRX-1-0" || len(d.Flags) != 1 || d.OverrideReason == "" {
		t.Fatalf("first past payment: %+v", d)
	}
	t.Run("AgainSkips", func(t *testing.T) {
		// The file's first rows once more: the same payments are skipped.
		again := filepath.Join(t.TempDir(), "again.csv")
		lines := strings.SplitAfterN(hb.String(), "\n", 4)
		os.WriteFile(again, []byte(strings.Join(lines[:3], "")), 0o600)
		if out := c.must("", "import", "disbursements", again, "--historical", "--as", "admin@pilar.test"); !strings.HasPrefix(out, "created 0, updated 0, skipped 2, failed 0 (of 2 rows)") {
			t.Fatalf("again: %.300s", out)
		}
	})
	t.Run("OfficerRefused", func(t *testing.T) {
		c.must("correct-horse-battery\n", "user", "add", "--email", "o@pilar.test", "--name", "O", "--role", "officer", "--agency", "DKUMKM-KALTIM")
		if code, out, errOut := c.run("", "import", "disbursements", hfile, "--historical", "--as", "o@pilar.test"); code != 1 || !strings.Contains(out+errOut, "forbidden") {
			t.Fatalf("officer: exit %d %q %q", code, out, errOut)
		}
	})
}

func auditEntries(t *testing.T, st *store.Store, ctx context.Context) int {
	t.Helper()
	db, _ := st.DB()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
