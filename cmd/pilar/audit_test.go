package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
)

// TestAuditVerify checks the chain through the command, on both engines:
// intact, then with a row changed and a row removed behind the
// application's back (the append-only triggers must be dropped or
// disabled first, and they are checked to refuse the change before).
func TestAuditVerify(t *testing.T) {
	for _, tamper := range []struct {
		name, sql string
		broken    int64
	}{
		{"ChangedRow", "UPDATE audit_log SET after = REPLACE(after, '64', '65') WHERE id = 2", 2},
		{"RemovedRow", "DELETE FROM audit_log WHERE id = 2", 3},
	} {
		t.Run(tamper.name, func(t *testing.T) {
			driver, dsn := dbtest.Config(t)
			st, err := store.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := finance.WithActor(context.Background(), finance.System)
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for _, code := range []string{"A1", "A2", "A3"} {
				name, region := "Dinas "+code, "64"
				if _, err := st.CreateAgency(ctx, finance.AgencyInput{Code: &code, Name: &name, RegionCode: &region}); err != nil {
					t.Fatal(err)
				}
			}
			m := &Main{Env: []string{"PILAR_DATABASE_DRIVER=" + driver, "PILAR_DATABASE_DSN=" + dsn}}
			run := func() (int, string) {
				var out, errOut bytes.Buffer
				m.Stdout, m.Stderr = &out, &errOut
				code := m.Run(ctx, []string{"audit", "verify"})
				return code, out.String() + errOut.String()
			}
			if code, out := run(); code != 0 || !strings.Contains(out, "intact") {
				t.Fatalf("intact chain: exit %d, %s", code, out)
			}
			db, err := st.DB()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(tamper.sql); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("the trigger let the change through: %v", err)
			}
			unguard(t, db, driver)
			if _, err := db.Exec(tamper.sql); err != nil {
				t.Fatal(err)
			}
			code, out := run()
			if code != 1 || !strings.Contains(out, fmt.Sprintf("first broken entry: id %d", tamper.broken)) {
				t.Fatalf("tampered chain: exit %d, %s", code, out)
			}
		})
	}
}

// unguard removes the append-only triggers as only a database owner could:
// on SQLite by dropping them, on PostgreSQL by disabling the trigger.
func unguard(t *testing.T, db *sql.DB, driver string) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	if driver == "postgres" {
		stmts = []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"}
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestAuditCheckpoint: TRUNCATE is refused on PostgreSQL (a statement-level
// trigger), and verify --checkpoint from `audit checkpoint` fails (exit 1,
// saying why) when the last entries, or all of them, were removed behind
// the application's back, or the checkpoint entry was rewritten; the chain
// alone still checks out in each case (issue 17, item 8). Both engines.
func TestAuditCheckpoint(t *testing.T) {
	for _, tc := range []struct {
		name string
		sql  func(driver string) string
		want string
	}{
		{"LastEntriesDeleted", func(string) string { return "DELETE FROM audit_log WHERE id >= 2" }, "checkpoint entry 3 is gone (the last entry is 1)"},
		{"Emptied", func(d string) string {
			if d == "postgres" {
				return "TRUNCATE audit_log"
			}
			return "DELETE FROM audit_log"
		}, "checkpoint entry 3 is gone (the trail is empty)"},
		// The last entry rewritten with its hash recomputed: the chain holds.
		{"Rewritten", nil, "checkpoint entry 3 has hash "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			driver, dsn := dbtest.Config(t)
			st, err := store.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := finance.WithActor(context.Background(), finance.System)
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for _, code := range []string{"A1", "A2", "A3"} {
				name, region := "Dinas "+code, "64"
				if _, err := st.CreateAgency(ctx, finance.AgencyInput{Code: &code, Name: &name, RegionCode: &region}); err != nil {
					t.Fatal(err)
				}
			}
			m := &Main{Env: []string{"PILAR_DATABASE_DRIVER=" + driver, "PILAR_DATABASE_DSN=" + dsn}}
			run := func(args ...string) (int, string, string) {
				var out, errOut bytes.Buffer
				m.Stdout, m.Stderr = &out, &errOut
				code := m.Run(ctx, args)
				return code, out.String(), errOut.String()
			}
			code, cp, _ := run("audit", "checkpoint")
			cp = strings.TrimSpace(cp)
			if code != 0 || !strings.HasPrefix(cp, "3:") || len(cp) != 2+64 {
				t.Fatalf("checkpoint: exit %d, %q", code, cp)
			}
			if code, out, _ := run("audit", "verify", "--checkpoint", cp); code != 0 || !strings.Contains(out, "checkpoint 3 matches") {
				t.Fatalf("verify with the checkpoint: exit %d, %s", code, out)
			}
			if code, _, errOut := run("audit", "verify", "--checkpoint", "3"); code != 2 || !strings.Contains(errOut, "ID:HASH") {
				t.Fatalf("a malformed checkpoint: exit %d, %s", code, errOut)
			}
			db, err := st.DB()
			if err != nil {
				t.Fatal(err)
			}
			var tamper string
			if tc.sql != nil {
				tamper = tc.sql(driver)
			} else {
				e, err := st.AuditEntryByID(ctx, 3)
				if err != nil || e == nil {
					t.Fatalf("entry 3: %v", err)
				}
				e.After = strings.ReplaceAll(e.After, "A3", "ZZ")
				tamper = fmt.Sprintf("UPDATE audit_log SET after = '%s', hash = '%s' WHERE id = 3", e.After, e.ComputeHash())
			}
			if _, err := db.Exec(tamper); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s: the trigger let it through: %v", tamper, err)
			}
			unguard(t, db, driver)
			if driver == "postgres" {
				if _, err := db.Exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Exec(tamper); err != nil {
				t.Fatal(err)
			}
			{
				// What the chain alone cannot see.
				if code, out, _ := run("audit", "verify"); code != 0 {
					t.Fatalf("verify without the checkpoint: exit %d, %s", code, out)
				}
			}
			code, out, errOut := run("audit", "verify", "--checkpoint", cp)
			if code != 1 || !strings.Contains(out+errOut, tc.want) {
				t.Fatalf("verify after %s: exit %d, %s%s; want %q", tamper, code, out, errOut, tc.want)
			}
		})
	}
}
