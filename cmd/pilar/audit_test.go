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
