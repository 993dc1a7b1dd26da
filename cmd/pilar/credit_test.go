package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/store"
)

// TestCLI_ImportRepayments imports a repayments file: the good row is
// split into interest and principal, the bad ones are counted and named.
func TestCLI_ImportRepayments(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.must("", "migrate")
	for _, e := range []string{"admin@pilar.test", "admin2@pilar.test"} {
		c.must("correct-horse-battery\n", "user", "add", "--email", e, "--name", "Admin", "--role", "admin")
	}
	st, err := store.OpenMigrated(context.Background(), c.get("PILAR_DATABASE_DRIVER"), c.get("PILAR_DATABASE_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	as := func(email string) context.Context {
		u, err := st.FindUserByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		return finance.WithActor(context.Background(), u.Actor())
	}
	ctx, ctx2 := as("admin@pilar.test"), as("admin2@pilar.test")
	p := func(s string) *string { return &s }
	r := func(s string) *money.Raw { x := money.Raw(s); return &x }
	if _, err := st.CreateAgency(ctx, finance.AgencyInput{Code: p("DISPERINDAGKOP-KALTARA"), Name: p("Disperindagkop-UMKM Kaltara"), RegionCode: p("65")}); err != nil {
		t.Fatal(err)
	}
	year, tenor := 2024, 3
	if _, err := st.CreateProgram(ctx, finance.ProgramInput{Code: p("BI-KREDIT-2024"), Name: p("Kredit BI"), Kind: p("credit"), FundingSource: p("BI"),
		Agency: p("DISPERINDAGKOP-KALTARA"), FiscalYear: &year, Budget: r("100000000"), StartsOn: p("2024-01-01"), EndsOn: p("2024-12-31"), SubsidyRate: r("6")}); err != nil {
		t.Fatal(err)
	}
	rec, err := st.CreateRecipient(ctx, finance.RecipientInput{Kind: p("umkm"), Name: p("Kios Tarakan"), NIK: p("6571014101900001")})
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.CreateDisbursement(ctx, finance.DisbursementInput{Program: p("BI-KREDIT-2024"), RecipientID: &rec.ID, Amount: r("10000000"),
		DisbursedOn: p("2024-01-10"), Loan: &finance.LoanInput{TenorMonths: &tenor, InterestRate: r("12"), FirstDueOn: p("2024-02-10")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		ctx    context.Context
		action string
	}{{ctx, "submit"}, {ctx2, "approve"}, {ctx2, "pay"}} {
		if _, err := st.ActOnDisbursement(a.ctx, d.ID, a.action, finance.ActionInput{PaidOn: p("2024-01-10")}); err != nil {
			t.Fatalf("%s: %v", a.action, err)
		}
	}
	file := filepath.Join(t.TempDir(), "angsuran.csv")
	csv := "recipient_nik,paid_on,amount,reference\n6571014101900001,2024-02-10,3400221.11,TRX-1\n6571014101900002,2024-02-10,100,TRX-2\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := c.run("", "import", "repayments", file, "--as", "admin@pilar.test")
	if code != 1 || !strings.HasPrefix(out, "created 1, updated 0, skipped 0, failed 1 (of 2 rows)") || !strings.Contains(out, "row 3: recipient_nik") {
		t.Fatalf("import: exit %d %q", code, out)
	}
	reps, err := st.FindRepayments(ctx, d.ID)
	if err != nil || len(reps) != 1 || reps[0].Interest.String() != "100000.00" || reps[0].Principal.String() != "3300221.11" {
		t.Fatalf("repayments %+v %v", reps, err)
	}
	if code, _, errOut := c.run("", "import", "loans", file); code != 2 || !strings.Contains(errOut, "repayments") {
		t.Fatalf("unknown kind: exit %d %q", code, errOut)
	}
}
