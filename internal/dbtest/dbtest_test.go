package dbtest

import (
	"context"
	"testing"
)

func TestEngine(t *testing.T) {
	t.Parallel()
	s := Open(t)
	if s.Driver() != Engine() {
		t.Fatalf("opened %s, want %s", s.Driver(), Engine())
	}
	t.Logf("tests run on %s", Engine())
}

func TestPostgresSchemaIsolation(t *testing.T) {
	RequirePostgres(t)
	t.Parallel()
	a, b := Open(t), Open(t)
	db, _ := a.DB()
	if _, err := db.ExecContext(context.Background(), "INSERT INTO agencies (code, name, created_at) VALUES ('ISO', 'x', now())"); err != nil {
		t.Fatal(err)
	}
	var n int
	dbb, _ := b.DB()
	if err := dbb.QueryRow("SELECT COUNT(*) FROM agencies").Scan(&n); err != nil || n != 0 {
		t.Fatalf("second schema sees %d agencies (%v)", n, err)
	}
}
