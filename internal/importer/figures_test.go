package importer_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/importer"
	"pilar/internal/money"
	"pilar/internal/store"
)

// figWorld is a registry of three recipients with history from 2022-06-30:
// an umkm A (mikro, 2 workers), an umkm B (NIB only besides its NIK) and a
// koperasi with its RAT of 2021.
type figWorld struct {
	*dbtest.World
	a, b, kop *finance.Recipient
}

const (
	nikA = "6472014506850001"
	nikB = "6472014506850002"
	nibB = "9120000000002"
)

func newFigWorld(t *testing.T) *figWorld {
	t.Helper()
	w := &figWorld{World: dbtest.NewWorld(t)}
	ctx := w.Ctx(w.Officer)
	mk := func(in finance.RecipientInput) *finance.Recipient {
		t.Helper()
		in.ValidFrom = ptr("2022-06-30")
		r, err := w.Store.CreateRecipient(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	w.a = mk(finance.RecipientInput{Kind: ptr("umkm"), Name: ptr("Amplang"), NIK: ptr(nikA), SizeClass: ptr("mikro"), RegionCode: ptr("64.72"), Workforce: ptr(2)})
	w.b = mk(finance.RecipientInput{Kind: ptr("umkm"), Name: ptr("Kerupuk"), NIK: ptr(nikB), NIB: ptr(nibB), SizeClass: ptr("mikro"), RegionCode: ptr("64.72"), Workforce: ptr(1)})
	w.kop = mk(finance.RecipientInput{Kind: ptr("koperasi"), Name: ptr("Koperasi Nelayan"), LegalNumber: ptr("AHU-0001"), RegionCode: ptr("65.71"),
		Members: ptr(100), LastRATYear: ptr(2021), BusinessVolume: ptr(money.Raw("1000000000")), Assets: ptr(money.Raw("500000000"))})
	return w
}

func (w *figWorld) history(t *testing.T, id int64) []store.HistoryRow {
	t.Helper()
	h, err := w.Store.RecipientHistory(w.Ctx(w.Auditor), id)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (w *figWorld) figureAudits(t *testing.T) int {
	t.Helper()
	n := 0
	for _, id := range []int64{w.a.ID, w.b.ID, w.kop.ID} {
		es, _, err := w.Store.FindAuditEntries(w.Ctx(w.Auditor), finance.AuditFilter{Entity: "recipient", EntityID: strconv.FormatInt(id, 10), Page: finance.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Action == "import_figures" {
				n++
			}
		}
	}
	return n
}

const figuresHead = "NIK;nib;Legal_Number;recipient_id;valid_from;size_class;active;members;business_volume;assets;workforce;last_rat_year\n"

// figuresFile is the office's spreadsheet: good rows 2 to 4, refused rows 5 to 11.
func (w *figWorld) figuresFile() string {
	return figuresHead +
		nikA + ";;;;2023-12-31;Kecil;;;;;5;\n" +
		";;AHU-0001;;31/12/2023;;ya;130;1.200.000.000;600.000.000;;2023\n" +
		";" + nibB + ";;;2021-12-31;;;;;;3;\n" +
		"6472014506850009;;;;2023-12-31;;;;;;4;\n" +
		nikA + ";;;;30/02/2023;;;;;;4;\n" +
		nikA + ";;;;2023-12-31;besar;;;;;;\n" +
		nikA + ";;AHU-0001;;2023-12-31;;;;;;4;\n" +
		nikA + ";;;;2024-01-01;;;;;;;\n" +
		nikA + ";;;;2024-01-01;;;;;;-1;\n" +
		";;AHU-0001;;2024-01-01;;;banyak;;;;\n"
}

func TestImport_Figures(t *testing.T) {
	t.Parallel()
	t.Run("ExactRows", func(t *testing.T) {
		t.Parallel()
		w := newFigWorld(t)
		var refused bytes.Buffer
		res, err := importFile(t, w.World, w.Officer, w.figuresFile(), importer.Options{Kind: importer.Figures, Refused: &refused})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 3, 0, 0, 7)
		want := []importer.RowError{
			{Row: 5, Field: "nik", Message: "no recipient has this NIK; import or register the recipient first"},
			{Row: 6, Field: "valid_from", Message: "must be a date as YYYY-MM-DD (or DD/MM/YYYY)"},
			{Row: 7, Field: "size_class", Message: "must be one of mikro, kecil, menengah"},
			{Row: 8, Field: "nik", Message: "names another recipient than the legal_number does"},
			{Row: 9, Field: "size_class", Message: "the row gives no figures: fill at least one of size_class, active, members, business_volume, assets, workforce or last_rat_year"},
			{Row: 10, Field: "workforce", Message: "must not be negative"},
			{Row: 11, Field: "members", Message: "must be a whole number"},
		}
		if got := plainErrors(res.Errors); !reflect.DeepEqual(got, want) {
			t.Errorf("errors\n%+v\nwant\n%+v", got, want)
		}
		// A: a second row from 2023-12-31, its latest, which the recipient takes too.
		h := w.history(t, w.a.ID)
		if len(h) != 2 || h[1].ValidFrom != "2023-12-31" || h[1].SizeClass != "kecil" || *h[1].Workforce != 5 || h[0].SizeClass != "mikro" {
			t.Errorf("history of A = %+v", h)
		}
		a, err := w.Store.FindRecipientByID(w.Ctx(w.Admin), w.a.ID)
		if err != nil || a.SizeClass != "kecil" || *a.Workforce != 5 {
			t.Errorf("A = %+v, %v", a, err)
		}
		// B: a row before its first, the rest carried back from that one; B itself unchanged.
		h = w.history(t, w.b.ID)
		if len(h) != 2 || h[0].ValidFrom != "2021-12-31" || h[0].SizeClass != "mikro" || *h[0].Workforce != 3 || *h[1].Workforce != 1 {
			t.Errorf("history of B = %+v", h)
		}
		if b, err := w.Store.FindRecipientByID(w.Ctx(w.Admin), w.b.ID); err != nil || *b.Workforce != 1 {
			t.Errorf("B = %+v, %v", b, err)
		}
		h = w.history(t, w.kop.ID)
		if len(h) != 2 || h[1].ValidFrom != "2023-12-31" || *h[1].Members != 130 || *h[1].LastRATYear != 2023 ||
			h[1].BusinessVolume.String() != "1200000000.00" || h[1].Assets.String() != "600000000.00" || !*h[1].Active {
			t.Errorf("history of the koperasi = %+v", h)
		}
		if n := w.figureAudits(t); n != 3 {
			t.Errorf("%d import_figures audit entries, want 3", n)
		}
		r := csv.NewReader(&refused)
		r.Comma = ';' // the refused rows come back in the upload's delimiter
		got, err := r.ReadAll()
		if err != nil || len(got) != 8 || got[0][len(got[0])-1] != "error" || got[1][0] != "6472014506850009" ||
			got[7][len(got[7])-1] != "members: must be a whole number" {
			t.Errorf("refused rows = %q, %v", got, err)
		}
	})
	t.Run("Reimport", func(t *testing.T) {
		t.Parallel()
		w := newFigWorld(t)
		if _, err := importFile(t, w.World, w.Officer, w.figuresFile(), importer.Options{Kind: importer.Figures}); err != nil {
			t.Fatal(err)
		}
		res, err := importFile(t, w.World, w.Officer, w.figuresFile(), importer.Options{Kind: importer.Figures})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 0, 0, 3, 7)
		if !reflect.DeepEqual(res.SkippedRows, []int{2, 3, 4}) || w.figureAudits(t) != 3 || len(w.history(t, w.a.ID)) != 2 {
			t.Errorf("skipped rows %v, audits %d, history %d", res.SkippedRows, w.figureAudits(t), len(w.history(t, w.a.ID)))
		}
		// A corrected figure on the same date replaces that date's row.
		res, err = importFile(t, w.World, w.Officer, figuresHead+nikA+";;;;2023-12-31;kecil;;;;;6;\n", importer.Options{Kind: importer.Figures})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 0, 1, 0, 0)
		if h := w.history(t, w.a.ID); len(h) != 2 || *h[1].Workforce != 6 || w.figureAudits(t) != 4 {
			t.Errorf("after the correction: history %+v, audits %d", h, w.figureAudits(t))
		}
	})
	t.Run("AsOfChanges", func(t *testing.T) {
		t.Parallel()
		w := newFigWorld(t)
		ctx := w.Ctx(w.Officer)
		before, err := w.Store.RegistryReport(ctx, registryFilter("2023-12-31", "size_class"))
		if err != nil {
			t.Fatal(err)
		}
		early, err := w.Store.RegistryReport(ctx, registryFilter("2021-12-31", "kind"))
		if err != nil {
			t.Fatal(err)
		}
		if before.Totals.NaikKelas != 0 || before.Totals.Workforce != 3 || before.Koperasi.RATHeld != 0 || before.Koperasi.Improved != 0 || early.Totals.Count != 0 {
			t.Fatalf("before: %+v %+v; 2021: %+v", before.Totals, before.Koperasi, early.Totals)
		}
		if _, err := importFile(t, w.World, w.Officer, w.figuresFile(), importer.Options{Kind: importer.Figures}); err != nil {
			t.Fatal(err)
		}
		after, err := w.Store.RegistryReport(ctx, registryFilter("2023-12-31", "size_class"))
		if err != nil {
			t.Fatal(err)
		}
		if after.Totals.NaikKelas != 1 || after.Totals.Workforce != 6 || after.Koperasi.RATHeld != 1 || after.Koperasi.Improved != 1 ||
			after.Koperasi.RATOverdue != 0 || after.Totals.Count != 3 || after.Totals.CountPrev != 3 {
			t.Errorf("after: %+v %+v", after.Totals, after.Koperasi)
		}
		// B now counts from 2021-12-31, and the day before nothing changed.
		for asOf, want := range map[string]int64{"2021-12-30": 0, "2021-12-31": 1} {
			rep, err := w.Store.RegistryReport(ctx, registryFilter(asOf, "kind"))
			if err != nil || rep.Totals.Count != want || rep.Totals.Workforce != 3*want {
				t.Errorf("as of %s: %+v, %v; want %d", asOf, rep.Totals, err, want)
			}
		}
		// The day before the 2023 figures hold, A is still mikro.
		if rep, err := w.Store.RegistryReport(ctx, registryFilter("2023-12-30", "size_class")); err != nil || rep.Totals.NaikKelas != 0 {
			t.Errorf("as of 2023-12-30: %+v, %v", rep.Totals, err)
		}
	})
	t.Run("AtomicAndRoles", func(t *testing.T) {
		t.Parallel()
		w := newFigWorld(t)
		res, err := importFile(t, w.World, w.Officer, w.figuresFile(), importer.Options{Kind: importer.Figures, Atomic: true})
		if finance.ErrorCode(err) != finance.EValidation || res.Failed != 7 || len(w.history(t, w.a.ID)) != 1 || w.figureAudits(t) != 0 {
			t.Errorf("atomic: %v, %+v", err, res)
		}
		if _, err := importFile(t, w.World, w.Auditor, w.figuresFile(), importer.Options{Kind: importer.Figures}); finance.ErrorCode(err) != finance.EForbidden {
			t.Errorf("auditor: %v, want forbidden", err)
		}
		if _, err := importFile(t, w.World, w.Officer, "nik;size_class\n"+nikA+";kecil\n", importer.Options{Kind: importer.Figures}); finance.ErrorCode(err) != finance.EValidation ||
			!strings.Contains(err.Error(), "valid_from") {
			t.Errorf("no valid_from column: %v", err)
		}
		if len(w.history(t, w.a.ID)) != 1 {
			t.Errorf("a refused import wrote history")
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		t.Parallel()
		w := newFigWorld(t)
		f := excelize.NewFile()
		sheet := f.GetSheetName(0)
		rows := [][]any{
			{"recipient_id", "valid_from", "size_class", "workforce"},
			{w.a.ID, 45291, "menengah", 12}, // a date cell read raw: 2023-12-31
			{w.b.ID, "2023-12-31", "kecil", 4},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(t.TempDir(), "figures.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		res, err := importPath(t, w.World, w.Officer, path, importer.Options{Kind: importer.Figures})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 2, 0, 0, 0)
		if h := w.history(t, w.a.ID); len(h) != 2 || h[1].ValidFrom != "2023-12-31" || h[1].SizeClass != "menengah" {
			t.Errorf("history of A = %+v", h)
		}
	})
}
