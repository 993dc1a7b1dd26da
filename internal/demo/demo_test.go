package demo_test

import (
	"context"
	"encoding/json"
	"strconv"
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
		growth    int64
	}{{"2021-12-31", 75286, "17.46", -1, 11191}, {"2022-12-31", 127896, "69.88", 112265, 52610}} {
		var row report.RegistryRow
		for _, r := range get(c.asOf, "62", "kind").Rows {
			if r.Key == "umkm" {
				row = r
			}
		}
		if row.Count != c.count || row.Growth != c.growth || row.GrowthPct != c.pct || (c.workforce >= 0 && row.Workforce != c.workforce) {
			t.Errorf("Kalteng UMKM as of %s = %+v, want %d (%s%%)", c.asOf, row, c.count, c.pct)
		}
	}
}

// TestLoadRegistry_Audit: the generated registry rows are in the audit
// trail as one entry per batch naming its ids, and the ids are the rows.
func TestLoadRegistry_Audit(t *testing.T) {
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
	entries, _, err := s.FindAuditEntries(finance.WithActor(ctx, auditor.Actor()), finance.AuditFilter{Entity: "recipients", Page: finance.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.BulkBatch{
		{What: "demo: Kalimantan Utara UMKM"},
		{What: "demo: Kalimantan Utara koperasi"},
		{What: "demo: Kalimantan Tengah UMKM"},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d bulk audit entries, want %d: %+v", len(entries), len(want), entries)
	}
	db, _ := s.DB()
	next := int64(0)
	for i, e := range entries {
		var b store.BulkBatch
		if err := json.Unmarshal([]byte(e.After), &b); err != nil {
			t.Fatal(err)
		}
		var n, hist int64
		if err := db.QueryRow("SELECT COUNT(*) FROM recipients WHERE id BETWEEN " + strconv.FormatInt(b.FirstID, 10) + " AND " + strconv.FormatInt(b.LastID, 10)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("SELECT COUNT(*) FROM recipient_history WHERE recipient_id BETWEEN " + strconv.FormatInt(b.FirstID, 10) + " AND " + strconv.FormatInt(b.LastID, 10)).Scan(&hist); err != nil {
			t.Fatal(err)
		}
		if e.Action != "bulk_create" || e.Actor != "admin@pilar.demo" || b.What != want[i].What || e.EntityID != strconv.FormatInt(b.FirstID, 10)+"-"+strconv.FormatInt(b.LastID, 10) ||
			n != int64(b.Recipients) || b.LastID-b.FirstID+1 != n || hist != int64(b.HistoryRows) || (next != 0 && b.FirstID != next) {
			t.Errorf("entry %d = %+v %+v; %d recipients and %d history rows in its range", i, e, b, n, hist)
		}
		next = b.LastID + 1
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
