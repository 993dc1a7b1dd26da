package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
)

// cli runs pilar in-process against one fresh database (SQLite, or
// PostgreSQL when PILAR_TEST_POSTGRES_DSN is set).
type cli struct {
	t   *testing.T
	env []string
}

func newCLI(t *testing.T) *cli {
	driver, dsn := dbtest.Config(t)
	return &cli{t: t, env: []string{"PILAR_DATABASE_DRIVER=" + driver, "PILAR_DATABASE_DSN=" + dsn}}
}

// run runs the command with stdin and returns the exit code, stdout and stderr.
func (c *cli) run(stdin string, args ...string) (int, string, string) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Env: c.env}
	code := m.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

func (c *cli) must(stdin string, args ...string) string {
	c.t.Helper()
	code, out, errOut := c.run(stdin, args...)
	if code != 0 {
		c.t.Fatalf("pilar %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestCLI_UsersAndTokens(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if out := c.must("", "migrate"); out != "database is up to date\n" {
		t.Fatalf("migrate: %q", out)
	}
	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		says        string
	}{
		{"ShortPassword", "short\n", []string{"user", "add", "--email", "a@pilar.test", "--name", "A", "--role", "admin"}, 1, "password must be at least 10 characters"},
		{"CommonPassword", "1234567890\n", []string{"user", "add", "--email", "a@pilar.test", "--name", "A", "--role", "admin"}, 1, "most common passwords"},
		{"OfficerNeedsAgency", "correct-horse-battery\n", []string{"user", "add", "--email", "o@pilar.test", "--name", "O", "--role", "officer"}, 1, "agency is required"},
		{"UnknownRole", "correct-horse-battery\n", []string{"user", "add", "--email", "o@pilar.test", "--name", "O", "--role", "boss"}, 1, "role must be one of"},
		{"Admin", "correct-horse-battery\n", []string{"user", "add", "--email", "Admin@Pilar.test", "--name", "Admin", "--role", "admin"}, 0, "user admin@pilar.test added (admin)"},
		{"SameEmailAgain", "correct-horse-battery\n", []string{"user", "add", "--email", "admin@pilar.test", "--name", "Admin", "--role", "admin"}, 1, "already exists"},
		{"TokenForUnknownUser", "", []string{"token", "create", "--email", "nobody@pilar.test"}, 1, "not found"},
		{"UnknownCommand", "", []string{"frobnicate"}, 2, "unknown command"},
		{"BadFlag", "", []string{"migrate", "--nope"}, 2, "flag provided but not defined"},
	} {
		code, out, errOut := c.run(tc.stdin, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.says) {
			t.Errorf("%s: exit %d, %q%q; want exit %d saying %q", tc.name, code, out, errOut, tc.code, tc.says)
		}
	}
	out := c.must("", "token", "create", "--email", "admin@pilar.test", "--label", "sipd")
	token := strings.TrimSuffix(out, "\n")
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, "pilar_") || strings.ContainsAny(token, " \t") {
		t.Fatalf("token create printed %q; want only the token on one line", out)
	}
	st, err := store.OpenMigrated(context.Background(), c.get("PILAR_DATABASE_DRIVER"), c.get("PILAR_DATABASE_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByToken(context.Background(), token)
	if err != nil || u.Email != "admin@pilar.test" {
		t.Fatalf("the printed token does not authenticate: %v, %v", u, err)
	}
}

func (c *cli) get(key string) string {
	for _, kv := range c.env {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v
		}
	}
	return ""
}

func TestCLI_BadConfigNamesTheKey(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env[0] = "PILAR_DATABASE_DRIVER=mysql"
	code, _, errOut := c.run("", "migrate")
	if code != 1 || !strings.Contains(errOut, "database.driver") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
}

// TestCLI_DemoImportReport loads the demo twice (the second adds nothing),
// imports a recipients file, and writes reports in every format.
func TestCLI_DemoImportReport(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if out := c.must("", "demo"); !strings.Contains(out, "Sign in as admin@pilar.demo") || strings.Contains(out, "(0 new records)") {
		t.Fatalf("first demo: %q", out)
	}
	if out := c.must("", "demo"); !strings.Contains(out, "(0 new records)") {
		t.Fatalf("second demo must add nothing: %q", out)
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "recipients.csv")
	os.WriteFile(csv, []byte("\ufeffKind;Name;NIK;Capital\numkm;Amplang Samarinda;6472014107900011;250.000.000\numkm;Rusak;123;1\n"), 0o600)
	code, out, _ := c.run("", "import", "recipients", csv, "--as", "admin@pilar.demo")
	if code != 1 || !strings.Contains(out, "created 1, updated 0, skipped 0, failed 1") || !strings.Contains(out, "row 3: nik") {
		t.Fatalf("import: exit %d, %q", code, out)
	}
	if _, out, _ := c.run("", "import", "recipients", csv, "--as", "admin@pilar.demo"); !strings.Contains(out, "created 0, updated 0, skipped 1, failed 1") {
		t.Fatalf("re-import must create nothing: %q", out)
	}
	for _, f := range []struct{ format, starts string }{{"csv", "\ufeff"}, {"xlsx", "PK"}, {"pdf", "%PDF"}, {"json", "{"}} {
		file := filepath.Join(dir, "lra."+f.format)
		c.must("", "report", "realization", "--year", "2024", "--format", f.format, "-o", file)
		b, err := os.ReadFile(file)
		if err != nil || !strings.HasPrefix(string(b), f.starts) {
			t.Errorf("report as %s: starts %q (%v)", f.format, b[:min(len(b), 8)], err)
		}
	}
	out = c.must("", "report", "realization", "--year", "2024", "--format", "csv", "--group-by", "program")
	if !strings.Contains(out, "DAK-PK-2024") || !strings.Contains(out, "2100000000.00") {
		t.Fatalf("realization CSV lacks DAK-PK-2024 with its Rp2,1 miliar budget:\n%s", out)
	}
	if code, _, errOut := c.run("", "report", "coverage", "--year", "2024", "--format", "pdf"); code != 2 || errOut == "" {
		t.Fatalf("coverage as pdf: exit %d %q", code, errOut)
	}
}

// TestCLI_ImportWithoutAs imports as the system user, which a migration
// created: every row is written and counted, the audit trail names the
// system user's row, and nobody can sign in or get a token as it.
func TestCLI_ImportWithoutAs(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.must("", "migrate")
	csv := filepath.Join(t.TempDir(), "recipients.csv")
	os.WriteFile(csv, []byte("kind,name,nik,capital\numkm,Amplang Samarinda,6472014107900011,250000000\numkm,Kopi Tepian,6472014107900012,150000000\n"), 0o600)
	if out := c.must("", "import", "recipients", csv); out != "created 2, updated 0, skipped 0, failed 0 (of 2 rows)\n" {
		t.Fatalf("import without --as: %q", out)
	}
	if code, out, errOut := c.run("", "token", "create", "--email", "system"); code != 1 || !strings.Contains(out+errOut, "deactivated") {
		t.Fatalf("token for the system user: exit %d %q %q; want refused", code, out, errOut)
	}
	st, err := store.OpenMigrated(context.Background(), c.get("PILAR_DATABASE_DRIVER"), c.get("PILAR_DATABASE_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	sys, err := st.SystemActor(ctx)
	if err != nil || sys.UserID == 0 || sys.Email != "system" {
		t.Fatalf("system actor %+v, %v", sys, err)
	}
	u, err := st.FindUserByEmail(ctx, "system")
	if err != nil || u.Name != "Sistem" || u.Active {
		t.Fatalf("system user %+v, %v; want inactive user named Sistem", u, err)
	}
	if _, err := st.Authenticate(ctx, "system", "!", "127.0.0.1"); finance.ErrorCode(err) != finance.EUnauthorized {
		t.Fatalf("sign in as system: %v; want unauthorized", err)
	}
	entries, _, err := st.FindAuditEntries(finance.WithActor(ctx, sys), finance.AuditFilter{Entity: "recipient"})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit entries %d, %v; want 2", len(entries), err)
	}
	for _, e := range entries {
		if e.Actor != "system" || e.ActorID == nil || *e.ActorID != sys.UserID {
			t.Errorf("audit entry %d by %q (%v); want the system user %d", e.ID, e.Actor, e.ActorID, sys.UserID)
		}
	}
}

// TestCLI_ReportDialect: --dialect excel-id writes the CSV an Indonesian
// Excel opens as columns; an unknown dialect is a usage error.
func TestCLI_ReportDialect(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.must("", "migrate")
	want := "\ufeffkey;label;original_budget;budget;realized;over_under;realized_pct;committed;remaining;principal_repaid;available\n;Jumlah;0,00;0,00;0,00;0,00;0,00;0,00;0,00;0,00;0,00\n"
	if out := c.must("", "report", "realization", "--year", "2024", "--format", "csv", "--dialect", "excel-id"); out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	if code, _, errOut := c.run("", "report", "realization", "--year", "2024", "--dialect", "excel"); code != 2 || !strings.Contains(errOut, "dialect must be one of plain, excel-id") {
		t.Fatalf("exit %d %q", code, errOut)
	}
}
