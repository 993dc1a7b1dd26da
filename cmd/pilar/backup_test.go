package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
)

// seeded returns a CLI over a fresh database holding an admin, and the
// store (open) with a context acting as that admin.
func seeded(t *testing.T) (*cli, *store.Store, context.Context) {
	t.Helper()
	c := newCLI(t)
	st, err := store.OpenMigrated(context.Background(), c.get("PILAR_DATABASE_DRIVER"), c.get("PILAR_DATABASE_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.PasswordCost = bcrypt.MinCost
	admin, err := st.CreateUser(finance.WithActor(context.Background(), finance.System), finance.UserInput{Email: "admin@pilar.test", Name: "Admin", Role: finance.RoleAdmin, Password: dbtest.Password})
	if err != nil {
		t.Fatal(err)
	}
	return c, st, finance.WithActor(context.Background(), admin.Actor())
}

var agencySeq atomic.Int64

func addAgency(ctx context.Context, st *store.Store) error {
	code := fmt.Sprintf("AG-%06d", agencySeq.Add(1))
	name, region := "Dinas "+code, "64"
	_, err := st.CreateAgency(ctx, finance.AgencyInput{Code: &code, Name: &name, RegionCode: &region})
	return err
}

// checkCopy opens a backup read-only and asserts it is sound: integrity
// ok, every agency beside its audit entry (one transaction each), and the
// audit chain intact. It returns the number of agencies.
func checkCopy(t *testing.T, file string) int64 {
	t.Helper()
	ctx := context.Background()
	sn, err := store.InspectSQLite(ctx, file)
	if err != nil || sn.Integrity != "ok" {
		t.Fatalf("%s: integrity %q, %v", file, sn.Integrity, err)
	}
	db, err := sql.Open("sqlite3", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var audited int64
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_log WHERE entity = 'agency' AND action = 'create'").Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if agencies := sn.Rows("agencies"); agencies != audited {
		t.Fatalf("%s: %d agencies but %d audit entries creating one", file, agencies, audited)
	}
	cp, err := store.Open("sqlite-readonly", file)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if bad, err := cp.VerifyAudit(ctx); bad != nil || err != nil {
		t.Fatalf("%s: audit chain broken at %v (%v)", file, bad, err)
	}
	return audited
}

// TestCLI_Backup backs up while two writers keep adding agencies (each with
// its audit entry), and checks each copy; then restores.
func TestCLI_Backup(t *testing.T) {
	if dbtest.Engine() == "postgres" {
		t.Skip("SQLite backup; TestCLI_BackupPostgres covers PostgreSQL")
	}
	t.Run("DuringWrites", func(t *testing.T) {
		c, st, ctx := seeded(t)
		dir := t.TempDir()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var written atomic.Int64
		errs := make(chan error, 2)
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := addAgency(ctx, st); err != nil {
						errs <- err
						return
					}
					written.Add(1)
				}
			}()
		}
		// Wait for some writes before the first copy, so it is not empty.
		for written.Load() < 20 && len(errs) == 0 {
			runtime.Gosched()
		}
		var prev int64
		for i := range 3 {
			file := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
			out := c.must("", "backup", file)
			if !strings.Contains(out, "integrity_check: ok") || !strings.Contains(out, "audit trail: intact") || !strings.Contains(out, "agencies") {
				t.Fatalf("backup printed %q", out)
			}
			n := checkCopy(t, file)
			if n < prev || n == 0 {
				t.Fatalf("copy %d holds %d agencies, the one before %d", i, n, prev)
			}
			if !regexp.MustCompile(fmt.Sprintf(`(?m)^ *agencies +%d$`, n)).MatchString(out) {
				t.Fatalf("backup printed counts that are not the copy's (%d agencies):\n%s", n, out)
			}
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("the copy holds NIKs and must be 0600: %v %v", fi.Mode(), err)
			}
			prev = n
		}
		close(stop)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("writer: %v", err)
		}
		if prev > written.Load() {
			t.Fatalf("a copy holds %d agencies, more than the %d written", prev, written.Load())
		}
	})
	t.Run("RefusesAnExistingFile", func(t *testing.T) {
		c, _, _ := seeded(t)
		file := filepath.Join(t.TempDir(), "there.db")
		os.WriteFile(file, []byte("keep me"), 0o600)
		code, _, errOut := c.run("", "backup", file)
		if b, _ := os.ReadFile(file); code != 1 || !strings.Contains(errOut, "already exists") || string(b) != "keep me" {
			t.Fatalf("exit %d %q; file now %q", code, errOut, b)
		}
	})
	t.Run("Restore", func(t *testing.T) {
		c, st, ctx := seeded(t)
		for range 3 {
			if err := addAgency(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		file := filepath.Join(t.TempDir(), "three.db")
		c.must("", "backup", file)
		if err := addAgency(ctx, st); err != nil {
			t.Fatal(err)
		}
		st.Close() // the server is stopped for a restore
		code, _, errOut := c.run("", "restore", file)
		if code != 1 || !strings.Contains(errOut, "1 audit entries the file does not") || !strings.Contains(errOut, "--force") {
			t.Fatalf("restore over a newer database: exit %d %q", code, errOut)
		}
		out := c.must("", "restore", file, "--force")
		if !strings.Contains(out, "kept as") {
			t.Fatalf("restore --force: %q", out)
		}
		dbFile := c.get("PILAR_DATABASE_DSN")
		if n := checkCopy(t, dbFile); n != 3 {
			t.Fatalf("restored database holds %d agencies, want the backup's 3", n)
		}
		if n := checkCopy(t, dbFile+".before-restore"); n != 4 {
			t.Fatalf("the kept database holds %d agencies, want 4", n)
		}
		// Restoring the same file again is allowed: the database is not newer.
		c.must("", "restore", file)
		c.must("", "audit", "verify")
	})
	t.Run("RefusesAFileNewerThanTheBinary", func(t *testing.T) {
		c, st, _ := seeded(t)
		file := filepath.Join(t.TempDir(), "future.db")
		c.must("", "backup", file)
		st.Close()
		db, _ := sql.Open("sqlite3", file)
		if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		code, _, errOut := c.run("", "restore", file)
		if code != 1 || !strings.Contains(errOut, "schema version 99999, newer than this pilar binary knows") {
			t.Fatalf("exit %d %q", code, errOut)
		}
	})
	t.Run("RefusesAnOlderSchema", func(t *testing.T) {
		c, st, _ := seeded(t)
		file := filepath.Join(t.TempDir(), "old.db")
		c.must("", "backup", file)
		st.Close()
		db, _ := sql.Open("sqlite3", file)
		if _, err := db.Exec("DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		code, _, errOut := c.run("", "restore", file)
		if code != 1 || !strings.Contains(errOut, "newer than the file's") {
			t.Fatalf("exit %d %q", code, errOut)
		}
	})
	t.Run("RefusesACorruptFile", func(t *testing.T) {
		c, st, _ := seeded(t)
		st.Close()
		file := filepath.Join(t.TempDir(), "junk.db")
		os.WriteFile(file, []byte(strings.Repeat("not a database ", 1000)), 0o600)
		code, _, errOut := c.run("", "restore", file)
		if code != 1 || !strings.Contains(errOut, "restore") {
			t.Fatalf("exit %d %q", code, errOut)
		}
		c.must("", "audit", "verify") // the database is untouched
	})
}

// TestCLI_BackupPostgres checks that on PostgreSQL backup prints the exact
// pg_dump command for the configured DSN, and that the command works.
func TestCLI_BackupPostgres(t *testing.T) {
	dbtest.RequirePostgres(t)
	c, st, ctx := seeded(t)
	if err := addAgency(ctx, st); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "pilar.dump")
	code, out, errOut := c.run("", "backup", file)
	if code != 1 || !strings.Contains(errOut, "nothing was copied") || strings.Contains(out, "password=") {
		t.Fatalf("exit %d, %q %q", code, out, errOut)
	}
	var dump string
	for _, line := range strings.Split(out, "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "pg_dump --") {
			dump = l
		}
	}
	if !strings.Contains(dump, "--schema=t_") || !strings.Contains(dump, "--file="+file) {
		t.Fatalf("pg_dump command %q lacks the test's schema or file", dump)
	}
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not installed; the command was printed but not run")
	}
	if b, err := exec.Command("sh", "-c", dump).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", dump, err, b)
	}
	list, err := exec.Command("pg_restore", "--list", file).CombinedOutput()
	if err != nil || !strings.Contains(string(list), "TABLE DATA") || !strings.Contains(string(list), "agencies") {
		t.Fatalf("pg_restore --list: %v\n%s", err, list)
	}
}
