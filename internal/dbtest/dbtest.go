// Package dbtest gives tests a fresh, migrated database: a SQLite file in
// t.TempDir(), or, when PILAR_TEST_POSTGRES_DSN is set, a schema of its own
// in that PostgreSQL database, dropped at the end of the test.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver for the schema set-up connection

	"pilar/internal/finance"
	"pilar/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL DSN for tests.
const EnvPostgres = "PILAR_TEST_POSTGRES_DSN"

// Engine is the engine the tests run on: "postgres" when EnvPostgres is set.
func Engine() string {
	if os.Getenv(EnvPostgres) != "" {
		return "postgres"
	}
	return "sqlite"
}

// Config returns the driver and DSN of a fresh, empty database for t.
func Config(t testing.TB) (driver, dsn string) {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return "sqlite", filepath.Join(t.TempDir(), "pilar.db")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("dbtest: PostgreSQL at %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		}
	})
	return "postgres", withSearchPath(base, schema)
}

func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}

// ExclusionKey is the exclusion-list key of test stores.
const ExclusionKey = "test-exclusion-key-0123456789abcdef"

// Open returns a fresh, migrated store, closed when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	driver, dsn := Config(t)
	return OpenDSN(t, driver, dsn)
}

// OpenDSN opens and migrates the database at dsn (from Config), closed
// when the test ends: for tests that hand the database to another process.
func OpenDSN(t testing.TB, driver, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(driver, dsn)
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	s.PasswordCost = bcrypt.MinCost
	s.ExclusionKey = []byte(ExclusionKey)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("dbtest: migrate: %v", err)
	}
	return s
}

// World is a small fixture: two agencies and a user of each role; the
// officer and reviewer (and Other*) belong to agency KALTIM and OTHER.
type World struct {
	Store                                                          *store.Store
	Agency, OtherAgency                                            *finance.Agency
	Admin, Auditor, Reviewer, Officer, OtherReviewer, OtherOfficer *finance.User
}

// Password is the password of every fixture user.
const Password = "correct-horse-battery"

// NewWorld opens a fresh store and adds the fixture.
func NewWorld(t testing.TB) *World {
	t.Helper()
	return NewWorldOn(t, Open(t))
}

// NewWorldOn adds the fixture to an open, migrated store.
func NewWorldOn(t testing.TB, s *store.Store) *World {
	t.Helper()
	w := &World{Store: s}
	w.Admin = mustUser(t, s, "admin@pilar.test", finance.RoleAdmin, "")
	actx := w.Ctx(w.Admin)
	w.Agency = mustAgency(t, s, actx, "DKUMKM-KALTIM", "64")
	w.OtherAgency = mustAgency(t, s, actx, "DKUMKM-KALTARA", "65")
	w.Auditor = mustUser(t, s, "auditor@pilar.test", finance.RoleAuditor, "")
	w.Reviewer = mustUser(t, s, "reviewer@pilar.test", finance.RoleReviewer, w.Agency.Code)
	w.Officer = mustUser(t, s, "officer@pilar.test", finance.RoleOfficer, w.Agency.Code)
	w.OtherReviewer = mustUser(t, s, "reviewer2@pilar.test", finance.RoleReviewer, w.OtherAgency.Code)
	w.OtherOfficer = mustUser(t, s, "officer2@pilar.test", finance.RoleOfficer, w.OtherAgency.Code)
	return w
}

// Ctx returns a context acting as u.
func (w *World) Ctx(u *finance.User) context.Context {
	return finance.WithActor(context.Background(), u.Actor())
}

func mustAgency(t testing.TB, s *store.Store, ctx context.Context, code, region string) *finance.Agency {
	t.Helper()
	name := "Dinas Koperasi dan UKM " + code
	a, err := s.CreateAgency(ctx, finance.AgencyInput{Code: &code, Name: &name, RegionCode: &region})
	if err != nil {
		t.Fatalf("dbtest: agency %s: %v", code, err)
	}
	return a
}

func mustUser(t testing.TB, s *store.Store, email, role, agency string) *finance.User {
	t.Helper()
	u, err := s.CreateUser(finance.WithActor(context.Background(), finance.System), finance.UserInput{Email: email, Name: role, Role: role, Agency: agency, Password: Password})
	if err != nil {
		t.Fatalf("dbtest: user %s: %v", email, err)
	}
	return u
}

// RequirePostgres skips a PostgreSQL-only test, saying so, when
// EnvPostgres is not set.
func RequirePostgres(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvPostgres) == "" {
		t.Skipf("PostgreSQL test skipped: set %s (CI sets it) to run it", EnvPostgres)
	}
}
