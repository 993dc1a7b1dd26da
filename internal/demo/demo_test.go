package demo_test

import (
	"context"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/demo"
	"pilar/internal/finance"
	"pilar/internal/store"
)

func auditEntries(t *testing.T, s *store.Store) int {
	t.Helper()
	db, _ := s.DB()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoad loads the demo twice: the first run leaves disbursements in every
// state of the life cycle, the second adds and changes nothing.
func TestLoad(t *testing.T) {
	t.Parallel()
	s := dbtest.Open(t)
	ctx := context.Background()
	n, err := demo.Load(ctx, s)
	if err != nil || n == 0 {
		t.Fatalf("first load: %d, %v", n, err)
	}
	auditor, err := s.FindUserByEmail(ctx, "auditor@pilar.demo")
	if err != nil {
		t.Fatal(err)
	}
	actx := finance.WithActor(ctx, auditor.Actor())
	for _, status := range []string{"draft", "submitted", "approved", "paid", "returned", "rejected", "cancelled"} {
		ds, _, err := s.FindDisbursements(actx, finance.DisbursementFilter{Status: finance.Status(status), Page: finance.Page{Limit: 1000}})
		if err != nil || len(ds) == 0 {
			t.Fatalf("no %s disbursements: %v", status, err)
		}
		if status == "paid" && (ds[0].ApprovedBy == nil || *ds[0].ApprovedBy == ds[0].CreatedBy || ds[0].PaidOn == nil) {
			t.Fatalf("a paid demo disbursement without four eyes: %+v", ds[0])
		}
	}
	if bad, err := s.VerifyAudit(ctx); err != nil || bad != nil {
		t.Fatalf("audit chain: %+v, %v", bad, err)
	}
	entries := auditEntries(t, s)
	n, err = demo.Load(ctx, s)
	if err != nil || n != 0 || auditEntries(t, s) != entries {
		t.Fatalf("second load: %d new, %v, audit %d -> %d", n, err, entries, auditEntries(t, s))
	}
}
