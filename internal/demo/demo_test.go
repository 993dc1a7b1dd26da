package demo_test

import (
	"context"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/demo"
	"pilar/internal/finance"
	"pilar/internal/report"
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
	// The credit programs lend, and their loans are repaid, early, late or not at all.
	for _, code := range []string{"BI-KREDIT-KALTARA-2025", "MODAL-KALTENG-2024"} {
		year := 2025
		if code == "MODAL-KALTENG-2024" {
			year = 2024
		}
		c, err := s.CreditReport(actx, report.Filter{Year: year, GroupBy: "kolektibilitas"})
		if err != nil || c.Totals.Loans == 0 || c.Totals.PrincipalRepaid.IsZero() || c.Rows[0].Loans == 0 || c.Rows[4].Loans == 0 {
			t.Fatalf("%s: %+v, %v", code, c, err)
		}
	}
	entries := auditEntries(t, s)
	n, err = demo.Load(ctx, s)
	if err != nil || n != 0 || auditEntries(t, s) != entries {
		t.Fatalf("second load: %d new, %v, audit %d -> %d", n, err, entries, auditEntries(t, s))
	}
}

// TestLoadRegistry checks the registry statistics the demo reproduces from
// the seed articles: Kalimantan Utara's totals and Kalimantan Tengah's growth.
func TestLoadRegistry(t *testing.T) {
	t.Parallel()
	s := dbtest.Open(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	auditor, err := s.FindUserByEmail(ctx, "auditor@pilar.demo")
	if err != nil {
		t.Fatal(err)
	}
	actx := finance.WithActor(ctx, auditor.Actor())
	get := func(asOf, region, groupBy string) *report.Registry {
		t.Helper()
		rep, err := s.RegistryReport(actx, report.Filter{Year: 2024, AsOf: asOf, Region: region, GroupBy: groupBy})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := get(demo.KaltaraAsOf, "65", "size_class")
	umkm := map[string]int64{}
	for _, row := range get(demo.KaltaraAsOf, "65", "kind").Rows {
		umkm[row.Key] = row.Count
	}
	if umkm["umkm"] != 21013 || umkm["koperasi"] != 713 {
		t.Errorf("Kaltara by kind = %v, want 21013 umkm and 713 koperasi", umkm)
	}
	// By size class the koperasi count too (their capital gives them a class); count the UMKM alone.
	var sizes [3]int64
	for i, size := range finance.SizeClasses {
		sizes[i] = umkmOfClass(t, s, actx, size)
	}
	if sizes != [3]int64{demo.KaltaraMikro, demo.KaltaraKecil, demo.KaltaraMenengah} {
		t.Errorf("Kaltara UMKM by class = %v", sizes)
	}
	want := report.KoperasiHealth{Total: 713, Active: 461, Inactive: 252, Improved: 119}
	got := rep.Koperasi
	if got.Total != want.Total || got.Active != want.Active || got.Inactive != want.Inactive || got.Improved != want.Improved ||
		got.RATHeld+got.RATOverdue != 713 || int(got.RATOverdue) != len(rep.RATOverdue) {
		t.Errorf("Kaltara koperasi = %+v, want %+v", got, want)
	}
	if rep.Totals.NaikKelas == 0 {
		t.Errorf("Kaltara naik kelas in 2023 = 0")
	}
	for _, c := range []struct {
		asOf      string
		count     int64
		pct       report.Pct
		workforce int64
	}{{"2021-12-31", 5873, "17.46", -1}, {"2022-12-31", 9977, "69.88", 112265}} {
		var row report.RegistryRow
		for _, r := range get(c.asOf, "62", "kind").Rows {
			if r.Key == "umkm" {
				row = r
			}
		}
		if row.Count != c.count || row.GrowthPct != c.pct || (c.workforce >= 0 && row.Workforce != c.workforce) {
			t.Errorf("Kalteng UMKM as of %s = %+v, want %d (%s%%)", c.asOf, row, c.count, c.pct)
		}
	}
}

// umkmOfClass counts Kaltara's UMKM of a size class as of demo.KaltaraAsOf
// in the history itself (the report's size_class rows count koperasi too).
func umkmOfClass(t *testing.T, s *store.Store, ctx context.Context, size string) int64 {
	t.Helper()
	db, _ := s.DB()
	var n int64
	q := `SELECT COUNT(*) FROM recipients r WHERE r.kind = 'umkm' AND r.region_code LIKE '65%' AND
  (SELECT h.size_class FROM recipient_history h WHERE h.recipient_id = r.id AND h.valid_from <= ? ORDER BY h.valid_from DESC LIMIT 1) = ?`
	if s.Driver() == "postgres" {
		q = strings.ReplaceAll(strings.Replace(q, "?", "$1", 1), "?", "$2")
	}
	if err := db.QueryRowContext(ctx, q, demo.KaltaraAsOf, size).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
