package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/report"
	"pilar/internal/store"
)

// regWorld records recipients with history through the real services.
type regWorld struct {
	t *testing.T
	w *dbtest.World
	n int
}

func newRegWorld(t *testing.T) *regWorld { return &regWorld{t: t, w: dbtest.NewWorld(t)} }

// umkm registers an umkm of a size class from a date.
func (g *regWorld) umkm(size, from string, workforce int) *finance.Recipient {
	g.t.Helper()
	g.n++
	nik := "6471" + "01" + "450190" + pad4(g.n)
	r, err := g.w.Store.CreateRecipient(g.w.Ctx(g.w.Admin), finance.RecipientInput{Kind: ptr("umkm"), Name: ptr("Usaha " + nik),
		NIK: ptr(nik), SizeClass: ptr(size), Sector: ptr("kuliner"), RegionCode: ptr("64.72"), Workforce: ptr(workforce), ValidFrom: ptr(from)})
	if err != nil {
		g.t.Fatalf("CreateRecipient: %v", err)
	}
	return r
}

// koperasi registers a koperasi from a date with its last RAT, business volume and assets.
func (g *regWorld) koperasi(from string, active bool, rat int, volume, assets string) *finance.Recipient {
	g.t.Helper()
	g.n++
	r, err := g.w.Store.CreateRecipient(g.w.Ctx(g.w.Admin), finance.RecipientInput{Kind: ptr("koperasi"), Name: ptr("Koperasi " + pad4(g.n)),
		LegalNumber: ptr("AHU-" + pad4(g.n)), RegionCode: ptr("65"), Active: ptr(active), LastRATYear: ptr(rat),
		BusinessVolume: raw(volume), Assets: raw(assets), ValidFrom: ptr(from)})
	if err != nil {
		g.t.Fatalf("CreateRecipient koperasi: %v", err)
	}
	return r
}

func (g *regWorld) update(id int64, in finance.RecipientInput) {
	g.t.Helper()
	if _, err := g.w.Store.UpdateRecipient(g.w.Ctx(g.w.Admin), id, in); err != nil {
		g.t.Fatalf("UpdateRecipient: %v", err)
	}
}

func (g *regWorld) report(asOf, groupBy string) *report.Registry {
	g.t.Helper()
	rep, err := g.w.Store.RegistryReport(g.w.Ctx(g.w.Officer), report.Filter{Year: 2024, AsOf: asOf, GroupBy: groupBy})
	if err != nil {
		g.t.Fatalf("RegistryReport %s: %v", asOf, err)
	}
	return rep
}

func pad4(n int) string {
	return string([]byte{byte('0' + n/1000%10), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

func regRow(rep *report.Registry, key string) report.RegistryFigures {
	for _, r := range rep.Rows {
		if r.Key == key {
			return r.RegistryFigures
		}
	}
	return report.RegistryFigures{}
}

func TestRegistry(t *testing.T) {
	t.Run("AsOfBoundaries", func(t *testing.T) {
		g := newRegWorld(t)
		g.umkm("mikro", "2023-03-01", 2)
		for _, c := range []struct {
			asOf        string
			count, prev int64
		}{
			{"2023-02-28", 0, 0}, {"2023-03-01", 1, 0}, {"2024-02-29", 1, 0}, // a year before 29 February is 28 February
			{"2024-03-01", 1, 1}, {"2025-03-01", 1, 1},
		} {
			rep := g.report(c.asOf, "kind")
			if rep.Totals.Count != c.count || rep.Totals.CountPrev != c.prev {
				t.Errorf("as of %s: count %d prev %d, want %d %d", c.asOf, rep.Totals.Count, rep.Totals.CountPrev, c.count, c.prev)
			}
		}
		if rep := g.report("2024-02-29", "kind"); rep.PrevAsOf != "2023-02-28" {
			t.Errorf("prev_as_of = %s", rep.PrevAsOf)
		}
	})
	t.Run("GrowthExact", func(t *testing.T) {
		g := newRegWorld(t)
		for i := 0; i < 7; i++ {
			g.umkm("mikro", "2023-06-30", 3)
		}
		g.umkm("kecil", "2024-06-30", 5)
		g.umkm("kecil", "2024-07-01", 5) // the day after as_of: not yet
		g.umkm("mikro", "2024-01-15", 1)
		rep := g.report("2024-06-30", "size_class")
		want := report.RegistryFigures{Count: 9, CountPrev: 7, Growth: 2, GrowthPct: "28.57", Workforce: 27}
		if rep.Totals != want {
			t.Errorf("totals = %+v, want %+v", rep.Totals, want)
		}
		if got := regRow(rep, "kecil"); got.Count != 1 || got.CountPrev != 0 || got.GrowthPct != "0.00" {
			t.Errorf("kecil = %+v", got)
		}
		if got := regRow(rep, "mikro"); got.Count != 8 || got.Growth != 1 || got.GrowthPct != "14.29" {
			t.Errorf("mikro = %+v", got)
		}
		for _, c := range []struct {
			part, whole int64
			want        report.Pct
		}{{1, 32, "3.13"}, {-1, 32, "-3.13"}, {873, 5000, "17.46"}, {4104, 5873, "69.88"}, {11191, 64095, "17.46"}, {52610, 75286, "69.88"}, {121458, 75286, "161.33"}, {0, 0, "0.00"}} {
			if got := report.CountPercent(c.part, c.whole); got != c.want {
				t.Errorf("CountPercent(%d, %d) = %s, want %s", c.part, c.whole, got, c.want)
			}
		}
	})
	t.Run("NaikKelas", func(t *testing.T) {
		g := newRegWorld(t)
		a := g.umkm("mikro", "2022-01-01", 1)
		g.update(a.ID, finance.RecipientInput{SizeClass: ptr("kecil"), ValidFrom: ptr("2023-09-01")})
		g.update(a.ID, finance.RecipientInput{SizeClass: ptr("menengah"), ValidFrom: ptr("2024-02-01")})
		b := g.umkm("kecil", "2022-01-01", 1)
		g.update(b.ID, finance.RecipientInput{SizeClass: ptr("mikro"), ValidFrom: ptr("2024-01-01")}) // down: not naik kelas
		c := g.umkm("mikro", "2022-01-01", 1)
		g.update(c.ID, finance.RecipientInput{Workforce: ptr(4), ValidFrom: ptr("2024-01-01")}) // same class
		rep := g.report("2024-06-30", "size_class")
		if rep.Totals.NaikKelas != 2 || regRow(rep, "menengah").NaikKelas != 2 || regRow(rep, "mikro").NaikKelas != 0 {
			t.Errorf("naik kelas: totals %d, rows %+v", rep.Totals.NaikKelas, rep.Rows)
		}
		if got := regRow(rep, "menengah"); got.Count != 1 || got.CountPrev != 0 {
			t.Errorf("menengah = %+v", got)
		}
		if got := regRow(rep, "mikro"); got.Count != 2 || got.CountPrev != 2 || got.Workforce != 5 {
			t.Errorf("mikro = %+v", got)
		}
		if rep := g.report("2024-01-31", "kind"); rep.Totals.NaikKelas != 1 { // 2023-09-01 only
			t.Errorf("naik kelas to 2024-01-31 = %d, want 1", rep.Totals.NaikKelas)
		}
		if rep := g.report("2023-08-31", "kind"); rep.Totals.NaikKelas != 0 {
			t.Errorf("naik kelas to 2023-08-31 = %d, want 0", rep.Totals.NaikKelas)
		}
		h, err := g.w.Store.RecipientHistory(g.w.Ctx(g.w.Auditor), a.ID)
		if err != nil || len(h) != 3 || h[2].SizeClass != "menengah" || h[2].ValidFrom != "2024-02-01" {
			t.Errorf("history = %+v, %v", h, err)
		}
	})
	t.Run("KoperasiHealth", func(t *testing.T) {
		g := newRegWorld(t)
		up := g.koperasi("2023-03-31", true, 2022, "100000000", "50000000")
		g.update(up.ID, finance.RecipientInput{LastRATYear: ptr(2023), BusinessVolume: raw("120000000"), Assets: raw("50000001"), ValidFrom: ptr("2024-03-31")})
		flat := g.koperasi("2023-03-31", true, 2022, "100000000", "50000000")
		g.update(flat.ID, finance.RecipientInput{LastRATYear: ptr(2023), BusinessVolume: raw("120000000"), ValidFrom: ptr("2024-03-31")}) // assets did not grow
		late := g.koperasi("2023-03-31", true, 2022, "100000000", "50000000")                                                             // no RAT for 2023
		g.update(late.ID, finance.RecipientInput{BusinessVolume: raw("130000000"), Assets: raw("60000000"), ValidFrom: ptr("2024-03-31")})
		g.koperasi("2023-03-31", false, 2019, "", "")
		g.koperasi("2024-02-01", true, 2023, "10000000", "10000000") // new: nothing to grow from
		rep := g.report("2024-03-31", "kind")
		want := report.KoperasiHealth{Total: 5, Active: 4, Inactive: 1, RATHeld: 3, RATOverdue: 2, Improved: 1}
		if rep.Koperasi != want {
			t.Errorf("koperasi = %+v, want %+v", rep.Koperasi, want)
		}
		if len(rep.RATOverdue) != 2 || rep.RATOverdue[0].ID != late.ID || *rep.RATOverdue[0].LastRATYear != 2022 || rep.RATOverdue[1].Active {
			t.Errorf("rat_overdue = %+v", rep.RATOverdue)
		}
		// The day before the 2024 figures hold, the koperasi are as in 2023: RAT 2022 is overdue in 2024.
		want = report.KoperasiHealth{Total: 5, Active: 4, Inactive: 1, RATHeld: 1, RATOverdue: 4, Improved: 0}
		if rep := g.report("2024-03-30", "kind"); rep.Koperasi != want {
			t.Errorf("koperasi 2024-03-30 = %+v, want %+v", rep.Koperasi, want)
		}
		if got := regRow(rep, "koperasi"); got.Count != 5 || got.CountPrev != 4 || got.GrowthPct != "25.00" {
			t.Errorf("koperasi row = %+v", got)
		}
	})
	t.Run("NaikKelasBoundaries", func(t *testing.T) {
		// Naik kelas counts in (as_of - 1 year, as_of]: a move on the day a
		// year before is last year's, one on as_of itself is this year's.
		g := newRegWorld(t)
		onPrev := g.umkm("mikro", "2022-01-01", 1)
		g.update(onPrev.ID, finance.RecipientInput{SizeClass: ptr("kecil"), ValidFrom: ptr("2023-06-30")})
		dayAfter := g.umkm("mikro", "2022-01-01", 1)
		g.update(dayAfter.ID, finance.RecipientInput{SizeClass: ptr("kecil"), ValidFrom: ptr("2023-07-01")})
		onAsOf := g.umkm("mikro", "2022-01-01", 1)
		g.update(onAsOf.ID, finance.RecipientInput{SizeClass: ptr("menengah"), ValidFrom: ptr("2024-06-30")})
		rep := g.report("2024-06-30", "size_class")
		if rep.Totals.NaikKelas != 2 || regRow(rep, "kecil").NaikKelas != 1 || regRow(rep, "menengah").NaikKelas != 1 {
			t.Errorf("naik kelas as of 2024-06-30: totals %d, rows %+v", rep.Totals.NaikKelas, rep.Rows)
		}
		// A year earlier each was in its class of that day: one kecil (moved on 2023-06-30), two mikro.
		if k, m := regRow(rep, "kecil"), regRow(rep, "mikro"); k.Count != 2 || k.CountPrev != 1 || m.Count != 0 || m.CountPrev != 2 {
			t.Errorf("kecil %+v, mikro %+v", k, m)
		}
		// A day later, the move of 2023-07-01 falls on the day a year before: only 2024-06-30's counts.
		if rep := g.report("2024-07-01", "kind"); rep.Totals.NaikKelas != 1 {
			t.Errorf("naik kelas as of 2024-07-01 = %d, want 1 (2024-06-30)", rep.Totals.NaikKelas)
		}
	})
	t.Run("RATBoundaries", func(t *testing.T) {
		// As of a day in 2024 the last fiscal year is 2023: a RAT for 2023
		// is held, one for 2022 is overdue, and on 1 January 2025 the 2023
		// RAT is overdue in turn.
		g := newRegWorld(t)
		g.koperasi("2023-01-01", true, 2023, "100", "100")
		g.koperasi("2023-01-01", true, 2022, "100", "100")
		for _, c := range []struct {
			asOf          string
			held, overdue int64
		}{{"2024-01-01", 1, 1}, {"2024-12-31", 1, 1}, {"2025-01-01", 0, 2}, {"2023-12-31", 2, 0}} {
			if k := g.report(c.asOf, "kind").Koperasi; k.RATHeld != c.held || k.RATOverdue != c.overdue || k.Improved != 0 {
				t.Errorf("as of %s: %+v, want held %d overdue %d", c.asOf, k, c.held, c.overdue)
			}
		}
	})
	t.Run("BadAsOf", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		for _, f := range []report.Filter{{Year: 2024, AsOf: "2024-02-30"}, {Year: 2024, AsOf: "31-12-2024"}, {Year: 2024, GroupBy: "program"}} {
			if _, err := w.Store.RegistryReport(w.Ctx(w.Officer), f); finance.ErrorCode(err) != finance.EBadRequest {
				t.Errorf("%+v: %v, want bad_request", f, err)
			}
		}
	})
}

// TestRegistry_Ranges: a registry of more recipients than two ranges
// hold, which on SQLite is read by ranges of recipients on two
// connections, counts every recipient once with all its history rows
// (those at the ranges' edges included), lists the overdue koperasi in
// id order, and is the same report as the one-cursor read inside a
// transaction and as a region's.
func TestRegistry_Ranges(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	ctx := w.Ctx(w.Admin)
	n := 2*store.RangeSpan + 10
	rs := make([]store.BulkRecipient, n)
	var edges, overdue int
	for i := range rs {
		r := &finance.Recipient{Kind: "umkm", Name: fmt.Sprintf("Usaha %d", i), NIK: fmt.Sprintf("647201450190%04d", i+1), Sector: "kuliner",
			SizeClass: "mikro", RegionCode: "64.72", Workforce: ptr(2)}
		hist := []store.HistoryRow{{ValidFrom: "2023-01-01", SizeClass: "mikro", Workforce: ptr(2)}}
		// The recipients on either side of each range's end grew twice,
		// once in the year to as_of.
		if k := i % store.RangeSpan; k == 0 || k == store.RangeSpan-1 {
			edges++
			r.SizeClass = "menengah"
			hist = append(hist, store.HistoryRow{ValidFrom: "2024-01-01", SizeClass: "kecil", Workforce: ptr(2)},
				store.HistoryRow{ValidFrom: "2025-01-01", SizeClass: "menengah", Workforce: ptr(2)})
		}
		if i%300 == 7 {
			overdue++
			r = &finance.Recipient{Kind: "koperasi", Name: fmt.Sprintf("Koperasi %d", i), LegalNumber: fmt.Sprintf("AHU-%04d", i),
				RegionCode: "65", Active: ptr(true), LastRATYear: ptr(2020)}
			hist = []store.HistoryRow{{ValidFrom: "2023-01-01", Active: ptr(true), LastRATYear: ptr(2020)}}
		}
		rs[i] = store.BulkRecipient{Recipient: r, History: hist}
	}
	if err := w.Store.BulkRecipients(ctx, "test registry", rs); err != nil {
		t.Fatalf("BulkRecipients: %v", err)
	}
	f := report.Filter{Year: 2025, AsOf: "2025-06-30", GroupBy: "size_class"}
	got, err := w.Store.RegistryReport(w.Ctx(w.Officer), f)
	if err != nil {
		t.Fatalf("RegistryReport: %v", err)
	}
	umkm := n - overdue
	if got.Totals.Count != int64(n) || got.Totals.NaikKelas != int64(edges) || got.Totals.Workforce != int64(2*umkm) ||
		regRow(got, "menengah").Count != int64(edges) || regRow(got, "mikro").Count != int64(umkm-edges) {
		t.Fatalf("totals %+v, menengah %+v, mikro %+v; want %d recipients, %d naik kelas, workforce %d, %d menengah",
			got.Totals, regRow(got, "menengah"), regRow(got, "mikro"), n, edges, 2*umkm, edges)
	}
	if got.Koperasi.Total != int64(overdue) || got.Koperasi.RATOverdue != int64(overdue) || len(got.RATOverdue) != overdue {
		t.Fatalf("koperasi %+v with %d overdue listed; want %d, all overdue", got.Koperasi, len(got.RATOverdue), overdue)
	}
	for k, o := range got.RATOverdue {
		if want := rs[7+300*k].Recipient.ID; o.ID != want {
			t.Fatalf("overdue koperasi %d is recipient %d, want %d (in id order)", k, o.ID, want)
		}
	}
	var inTx *report.Registry
	if err := w.Store.InTx(w.Ctx(w.Officer), func(ctx context.Context) (err error) {
		inTx, err = w.Store.RegistryReport(ctx, f)
		return err
	}); err != nil {
		t.Fatalf("RegistryReport in a transaction: %v", err)
	}
	if !reflect.DeepEqual(got, inTx) {
		t.Fatalf("ranged report\n%+v\ndiffers from the one-cursor report\n%+v", got, inTx)
	}
	f.Region = "64"
	region, err := w.Store.RegistryReport(w.Ctx(w.Officer), f)
	if err != nil {
		t.Fatalf("RegistryReport of region 64: %v", err)
	}
	if region.Totals.Count != int64(umkm) || region.Totals.NaikKelas != int64(edges) || region.Koperasi.Total != 0 {
		t.Fatalf("region 64: totals %+v, koperasi %+v; want %d umkm, %d naik kelas, no koperasi", region.Totals, region.Koperasi, umkm, edges)
	}
}
