package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/importer"
	"pilar/internal/money"
)

func ptr[T any](v T) *T { return &v }

// importFile writes content to a real file in t.TempDir() and imports it.
func importFile(t *testing.T, w *dbtest.World, u *finance.User, content string, opt importer.Options) (*importer.Result, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upload.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return importPath(t, w, u, path, opt)
}

func importPath(t *testing.T, w *dbtest.World, u *finance.User, path string, opt importer.Options) (*importer.Result, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := importer.Open(f)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return importer.Run(w.Ctx(u), w.Store, rows, opt)
}

func countRecipients(t *testing.T, w *dbtest.World) int {
	t.Helper()
	items, _, err := w.Store.FindRecipients(w.Ctx(w.Admin), finance.RecipientFilter{Page: finance.Page{Limit: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

func wantCounts(t *testing.T, res *importer.Result, created, updated, skipped, failed int) {
	t.Helper()
	if res.Created != created || res.Updated != updated || res.Skipped != skipped || res.Failed != failed {
		t.Fatalf("counts created %d updated %d skipped %d failed %d, want %d %d %d %d; errors %+v",
			res.Created, res.Updated, res.Skipped, res.Failed, created, updated, skipped, failed, res.Errors)
	}
}

const recipientsCSV = "\ufeffKind;Name;Owner_Name;NIK;NIB;NPWP;Region_Code;Phone;Capital;Colour\n" +
	"umkm;Amplang Bu Siti;Siti Rahman;6472014506850001;9120000000001;01.000.013.1-093.000;64.72;0812-3456-7890;250.000.000;merah\n" +
	"umkm;Kerupuk Pak Agus;Agus Saputra;6.47201E+15;;;64.72;;;biru\n" +
	"umkm;Tenun Doyo;Dewi Kusuma;6402034508900002;;01.234.567.8-901.000;64.02;;;\n" +
	"umkm;Rotan Kutai;Hendra Pratama;6403051203880003;;;64.99;;;\n" +
	"umkm;Three columns;x\n" +
	"koperasi;Koperasi Nelayan Tarakan;;;;;65.71;;1.500.000.000;\n" +
	"umkm;Amplang Bu Siti (again);Siti Rahman;6472014506850001;;;64.72;;;\n"

func TestImport_Recipients(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	res, err := importFile(t, w, w.Officer, recipientsCSV, importer.Options{Kind: importer.Recipients})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, res, 1, 0, 1, 5)
	if !reflect.DeepEqual(res.SkippedRows, []int{8}) {
		t.Errorf("skipped_rows %v, want [8]", res.SkippedRows)
	}
	want := []importer.RowError{
		{3, "nik", "must be 16 digits; it looks like scientific notation from a spreadsheet (format the column as text)", finance.Msg{}},
		{4, "npwp", "check digit (9th digit) must be 4 for 01.234.567, not 8; look for a typing error", finance.Msg{}},
		{5, "region_code", "64.99 is not a regency or city of Kalimantan Timur in the Kemendagri table", finance.Msg{}},
		{6, "", "has 3 columns, the header has 10", finance.Msg{}},
		{7, "legal_number", "is required for a koperasi", finance.Msg{}},
	}
	if !reflect.DeepEqual(plainErrors(res.Errors), want) {
		t.Errorf("errors\n%+v\nwant\n%+v", res.Errors, want)
	}
	got, _, _ := w.Store.FindRecipients(w.Ctx(w.Admin), finance.RecipientFilter{NIK: "6472014506850001", Page: finance.Page{Limit: 5}})
	if len(got) != 1 || got[0].Phone != "+6281234567890" || got[0].Capital.String() != "250000000.00" || got[0].SizeClass != "mikro" || got[0].NPWP != "010000131093000" {
		t.Fatalf("imported recipient %+v", got)
	}

	t.Run("ReimportCreatesNothing", func(t *testing.T) {
		res, err := importFile(t, w, w.Officer, recipientsCSV, importer.Options{Kind: importer.Recipients})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 0, 0, 2, 5)
		if !reflect.DeepEqual(res.SkippedRows, []int{2, 8}) {
			t.Errorf("skipped_rows %v", res.SkippedRows)
		}
	})
	t.Run("Update", func(t *testing.T) {
		csvText := "kind,name,nik,address\numkm,Amplang Bu Siti,6472014506850001,Jl. Pahlawan 3\numkm,Amplang Bu Siti,6472014506850001,Jl. Pahlawan 3\n"
		res, err := importFile(t, w, w.Officer, csvText, importer.Options{Kind: importer.Recipients, Update: true})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 0, 1, 1, 0)
	})
	t.Run("AuditorForbidden", func(t *testing.T) {
		res, err := importFile(t, w, w.Auditor, "kind,name,nik\numkm,X,6472014506850009\n", importer.Options{Kind: importer.Recipients})
		if finance.ErrorCode(err) != finance.EForbidden || res != nil {
			t.Fatalf("%v %+v", err, res)
		}
	})
}

func TestImport_Atomic(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	res, err := importFile(t, w, w.Officer, recipientsCSV, importer.Options{Kind: importer.Recipients, Atomic: true})
	if finance.ErrorCode(err) != finance.EValidation || res == nil || res.Failed != 5 || res.Created != 1 {
		t.Fatalf("atomic: %v %+v", err, res)
	}
	if n := countRecipients(t, w); n != 0 {
		t.Fatalf("atomic import with refused rows wrote %d recipients", n)
	}
	good := "kind,name,nik\numkm,A,6472014506850001\numkm,B,6472014506850002\n"
	if res, err := importFile(t, w, w.Officer, good, importer.Options{Kind: importer.Recipients, Atomic: true, BatchSize: 1}); err != nil || res.Created != 2 {
		t.Fatalf("atomic good file: %v %+v", err, res)
	}
	if n := countRecipients(t, w); n != 2 {
		t.Fatalf("%d recipients, want 2", n)
	}
}

func TestImport_BadFiles(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	for _, tc := range []struct {
		name, content, want string
	}{
		{"Empty", "", "the file is empty"},
		{"OnlyBOM", "\ufeff\n\n", "the file is empty"},
		{"Binary", "\x00\x01\x02\x03garbage\xff\xfe", "not a CSV text file"},
		{"NoHeader", "umkm,Amplang,6472014506850001\n", "lacks the required column(s) kind, name, nik or legal_number"},
		{"MissingColumns", "kind,owner_name\numkm,x\n", "lacks the required column(s) name, nik or legal_number"},
		{"BrokenXLSX", "PK\x03\x04 not really a zip", "cannot be opened"},
		{"LongLine", strings.Repeat("a", 2<<20), "longer than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := importFile(t, w, w.Officer, tc.content, importer.Options{Kind: importer.Recipients})
			if finance.ErrorCode(err) != finance.EValidation || res != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v res %+v, want validation_failed with %q", err, res, tc.want)
			}
		})
	}
	t.Run("UnclosedQuote", func(t *testing.T) {
		content := "kind,name,nik\numkm,Good,6472014506850001\numkm,\"Bad,6472014506850002\numkm,Lost,6472014506850003\n"
		res, err := importFile(t, w, w.Officer, content, importer.Options{Kind: importer.Recipients})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 1, 0, 0, 1)
		if e := res.Errors[0]; e.Row != 3 || e.Message != "a quote opened on line 3 is never closed; the rest of the file could not be read" {
			t.Fatalf("%+v", e)
		}
	})
	t.Run("BareQuoteAndWideRow", func(t *testing.T) {
		content := "kind,name,nik\numkm,Ba\"d,6472014506850004\n" + "umkm,Wide,6472014506850005" + strings.Repeat(",x", 297) + "\numkm,Good,6472014506850006,,,\n"
		res, err := importFile(t, w, w.Officer, content, importer.Options{Kind: importer.Recipients})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 1, 0, 0, 2)
		if res.Errors[0].Row != 2 || !strings.Contains(res.Errors[0].Message, `a " inside an unquoted cell on line 2`) ||
			res.Errors[1].Row != 3 || res.Errors[1].Field != "" || res.Errors[1].Message != "has 300 columns, the header has 3" {
			t.Fatalf("%+v", res.Errors)
		}
	})
}

func TestImport_RefusedCSV(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	var out bytes.Buffer
	content := "kind,name,nik,phone\numkm,Good,6472014506850001,\numkm,\"=HYPERLINK(\"\"x\"\")\",123,+62812\n"
	if _, err := importFile(t, w, w.Officer, content, importer.Options{Kind: importer.Recipients, Refused: &out}); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"kind", "name", "nik", "phone", "error"}, {"umkm", `'=HYPERLINK("x")`, "123", "'+62812", "nik: must be 16 digits; phone: must be an Indonesian phone number such as 0812-3456-7890"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("refused CSV\n%q\nwant\n%q", got, want)
	}
}

// TestImport_RefusedCSVDrafts: a drafts import (its rows read a set at a
// time) gives back each refused row with its own cells, not those of a
// row read after it.
func TestImport_RefusedCSVDrafts(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	newProgram(t, w, "PEN-2024")
	if _, err := importFile(t, w, w.Officer, "kind,name,nik\numkm,A,6472014506850001\n", importer.Options{Kind: importer.Recipients}); err != nil {
		t.Fatal(err)
	}
	content := "program_code,recipient_nik,amount,disbursed_on\n" +
		"PEN-2024,6472014506850009,1000000,2024-07-01\n" + // no such recipient: refused by the store
		"PEN-2024,6472014506850001,lots,2024-07-01\n" + // refused before the store
		"PEN-2024,6472014506850001,1000000,2024-07-01\n"
	var out bytes.Buffer
	res, err := importFile(t, w, w.Officer, content, importer.Options{Kind: importer.Disbursements, Refused: &out})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, res, 1, 0, 0, 2)
	got, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"program_code", "recipient_nik", "amount", "disbursed_on", "error"},
		{"PEN-2024", "6472014506850009", "1000000", "2024-07-01", "recipient_nik: " + res.Errors[0].Message},
		{"PEN-2024", "6472014506850001", "lots", "2024-07-01", "amount: " + res.Errors[1].Message}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("refused CSV\n%q\nwant\n%q", got, want)
	}
}

func newProgram(t *testing.T, w *dbtest.World, code string) {
	t.Helper()
	_, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
		Code: ptr(code), Name: ptr("Program " + code), Kind: ptr("grant"), FundingSource: ptr("PEN"),
		Agency: ptr(w.Agency.Code), FiscalYear: ptr(2024), Budget: ptr(money.Raw("1000000000")),
		StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"), RegionCode: ptr("64.72"),
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestImport_Disbursements(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	newProgram(t, w, "PEN-2024")
	if _, err := importFile(t, w, w.Officer, "kind,name,nik,nib\numkm,A,6472014506850001,9120000000001\numkm,B,6472014506850002,\n", importer.Options{Kind: importer.Recipients}); err != nil {
		t.Fatal(err)
	}
	content := "program_code,recipient_nik,recipient_nib,amount,disbursed_on,tranche,payment_ref\n" +
		"PEN-2024,6472014506850001,,2.400.000,12/07/2024,1,TRX-1\n" +
		"PEN-2024,,9120000000001,\"1.234.567,89\",2024-07-13,2,TRX-2\n" +
		"PEN-2024,6472014506850002,,2400000.00,2024-07-12,,\n" +
		"PEN-2024,6.47201E+15,,2400000,2024-07-12,,\n" +
		"PEN-2024,6472014506850009,,2400000,2024-07-12,,\n" +
		"NOPE,6472014506850002,,2400000,2024-07-12,,\n" +
		"PEN-2024,6472014506850002,,-5,31/02/2024,,\n" +
		"PEN-2024,6472014506850002,,2500000,2024-07-12,1,\n"
	res, err := importFile(t, w, w.Officer, content, importer.Options{Kind: importer.Disbursements})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, res, 3, 0, 0, 5)
	want := []importer.RowError{
		{5, "recipient_nik", "must be 16 digits; it looks like scientific notation from a spreadsheet (format the column as text)", finance.Msg{}},
		{6, "recipient_nik", "no recipient has this NIK; import or register the recipient first", finance.Msg{}},
		{7, "program", "no program has this code", finance.Msg{}},
		{8, "amount", "must be greater than zero; disbursed_on: must be a date as YYYY-MM-DD (or DD/MM/YYYY)", finance.Msg{}},
		{9, "", "B already has disbursement #3 in program Program PEN-2024, tranche 1, with another amount or date", finance.Msg{}},
	}
	if !reflect.DeepEqual(plainErrors(res.Errors), want) {
		t.Errorf("errors\n%+v\nwant\n%+v", res.Errors, want)
	}
	ds, _, err := w.Store.FindDisbursements(w.Ctx(w.Admin), finance.DisbursementFilter{Program: "PEN-2024", Page: finance.Page{Limit: 10}})
	if err != nil || len(ds) != 3 {
		t.Fatalf("%v %d disbursements", err, len(ds))
	}
	if ds[0].Amount.String() != "2400000.00" || ds[0].DisbursedOn != "2024-07-12" || ds[1].Amount.String() != "1234567.89" || ds[1].Tranche != 2 || ds[0].Status != finance.StatusDraft {
		t.Fatalf("%+v %+v", ds[0], ds[1])
	}
	t.Run("ReimportCreatesNothing", func(t *testing.T) {
		res, err := importFile(t, w, w.Officer, content, importer.Options{Kind: importer.Disbursements})
		if err != nil {
			t.Fatal(err)
		}
		wantCounts(t, res, 0, 0, 3, 5)
	})
	t.Run("OtherAgency", func(t *testing.T) {
		res, _ := importFile(t, w, w.OtherOfficer, "program_code,recipient_nik,amount,disbursed_on,tranche\nPEN-2024,6472014506850001,2400000,2024-07-12,7\n", importer.Options{Kind: importer.Disbursements})
		if res.Failed != 1 || res.Errors[0].Message != "this belongs to another agency" {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("SpreadsheetDayNumber", func(t *testing.T) {
		// An XLSX date cell read raw is a day number: 45485 is 12 July 2024.
		res, err := importFile(t, w, w.Officer, "program_code,recipient_nik,amount,disbursed_on,tranche\nPEN-2024,6472014506850001,2400000,45485,4\n", importer.Options{Kind: importer.Disbursements})
		if err != nil || res.Created != 1 {
			t.Fatalf("%v %+v", err, res)
		}
		ds, _, _ := w.Store.FindDisbursements(w.Ctx(w.Admin), finance.DisbursementFilter{Program: "PEN-2024", From: "2024-07-12", To: "2024-07-12", Page: finance.Page{Limit: 10}})
		found := false
		for _, d := range ds {
			found = found || d.Tranche == 4
		}
		if !found {
			t.Fatalf("no tranche 4 on 2024-07-12: %+v", ds)
		}
	})
	t.Run("Submit", func(t *testing.T) {
		res, err := importFile(t, w, w.Officer, "program_code,recipient_nik,amount,disbursed_on,tranche\nPEN-2024,6472014506850001,2400000,2024-07-12,5\n", importer.Options{Kind: importer.Disbursements, Submit: true})
		if err != nil || res.Created != 1 {
			t.Fatalf("%v %+v", err, res)
		}
		ds, _, _ := w.Store.FindDisbursements(w.Ctx(w.Admin), finance.DisbursementFilter{Program: "PEN-2024", Status: finance.StatusSubmitted, Page: finance.Page{Limit: 10}})
		if len(ds) != 1 || ds[0].Tranche != 5 {
			t.Fatalf("submitted: %+v", ds)
		}
	})
}

func TestImport_XLSX(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	newProgram(t, w, "PEN-2024")
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"kind", "name", "nik", "region_code"},
		{"umkm", "Amplang", "6472014506850001", "64.72"},
		{},
		{"umkm", "Kerupuk", 6.47201e15, "64.72"},
		{"koperasi", "Koperasi", nil, "65.71"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "recipients.csv") // named .csv: the content decides
	if err := f.SaveAs(path + ".xlsx"); err != nil {
		t.Fatal(err)
	}
	os.Rename(path+".xlsx", path)
	res, err := importPath(t, w, w.Officer, path, importer.Options{Kind: importer.Recipients})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, res, 1, 0, 0, 2)
	if res.Errors[0].Row != 4 || res.Errors[0].Field != "nik" || res.Errors[1].Row != 5 || res.Errors[1].Field != "legal_number" {
		t.Fatalf("%+v", res.Errors)
	}
}

// FuzzOpenCSV feeds arbitrary bytes to the CSV reader: it must never panic,
// every row it yields has a row number past the header's, and a row
// without an error has exactly the header's number of cells (or more,
// empty ones).
func FuzzOpenCSV(f *testing.F) {
	for _, s := range []string{recipientsCSV, "a;b\n1;2\n", "a,b\n\"1,2\n", "\ufeffa\n1\n\x00", "a,b\n1,2,3\n\"", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := importer.Open(bytes.NewReader(b))
		if err != nil {
			if finance.ErrorCode(err) != finance.EValidation {
				t.Fatalf("error %v is not validation_failed", err)
			}
			return
		}
		defer rows.Close()
		last := 1
		for rows.Next() {
			r := rows.Row()
			if r.N <= last {
				t.Fatalf("row %d after row %d", r.N, last)
			}
			last = r.N
			if r.Err == "" && len(r.Values) < len(rows.Header()) {
				t.Fatalf("row %d has %d cells, header %d", r.N, len(r.Values), len(rows.Header()))
			}
		}
	})
}

// cancelling cancels the import's context when the set holding the row
// numbered at is imported, as a server shutting down or Ctrl-C would.
type cancelling struct {
	finance.ImportService
	at, n  int
	cancel context.CancelFunc
}

func (c *cancelling) ImportRecipients(ctx context.Context, rows []finance.RecipientRow, update bool) ([]finance.RowOutcome, error) {
	if c.n < c.at && c.n+len(rows) >= c.at {
		c.cancel()
	}
	c.n += len(rows)
	return c.ImportService.ImportRecipients(ctx, rows, update)
}

// TestImport_StopsBetweenBatches: when the context ends in the middle of a
// batch, that batch still commits whole and the import stops before the next.
func TestImport_StopsBetweenBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("kind,name,nik\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, "umkm,Usaha %d,64720145068500%02d\n", i, i)
	}
	for _, tc := range []struct {
		name    string
		atomic  bool
		created int
		stored  int
	}{
		{"Batches", false, 8, 8}, // rows 1-4 and 5-8: the cancel came at row 6
		{"Atomic", true, -1, 0},  // one transaction: it stops at once and rolls back
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := dbtest.NewWorld(t)
			ctx, cancel := context.WithCancel(w.Ctx(w.Officer))
			defer cancel()
			svc := &cancelling{ImportService: w.Store, at: 6, cancel: cancel}
			rows, err := importer.Open(strings.NewReader(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			res, err := importer.Run(ctx, svc, rows, importer.Options{Kind: importer.Recipients, BatchSize: 4, Atomic: tc.atomic})
			if !errors.Is(err, context.Canceled) || res == nil || (tc.created >= 0 && res.Created != tc.created) {
				t.Fatalf("err %v, result %+v; want context.Canceled after %d created", err, res, tc.created)
			}
			if n := countRecipients(t, w); n != tc.stored {
				t.Fatalf("%d recipients stored, want %d", n, tc.stored)
			}
			if bad, err := w.Store.VerifyAudit(context.Background()); bad != nil || err != nil {
				t.Fatalf("audit: %v %v", bad, err)
			}
		})
	}
}

// plainErrors are the row errors without their message keys, to compare
// with a list of rows, fields and English messages.
func plainErrors(errs []importer.RowError) []importer.RowError {
	out := make([]importer.RowError, len(errs))
	for i, e := range errs {
		out[i] = importer.RowError{Row: e.Row, Field: e.Field, Message: e.Message}
	}
	return out
}
