package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pilar/internal/finance"
)

// exportWorld is a fresh environment with two disbursements in
// DKUMKM-KALTIM's PEN-EXP-2024 (one paid on 2024-04-02 as TRX-1, one
// draft) and one draft in DKUMKM-KALTARA's PEN-OTH-2024; it returns the
// ids in that order and the day of the approval (today).
func exportWorld(t *testing.T) (*env, [3]int64, string) {
	t.Helper()
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-EXP-2024", "10000000.00")), 201)
	other := programBody("PEN-OTH-2024", "10000000.00")
	other["agency"] = e.w.OtherAgency.Code
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", other), 201)
	var ids [3]int64
	for i, c := range []struct {
		clerk      *finance.User
		program    string
		nik, phone string
		account    string
		amount     string
		on         string
	}{
		{e.w.Officer, "PEN-EXP-2024", "6472014506800001", "0812-3456-7890", "0123456789", "2400000.00", "2024-03-01"},
		{e.w.Officer, "PEN-EXP-2024", "6472010101900002", "", "", "1234567.89", "2024-05-10"},
		{e.w.OtherOfficer, "PEN-OTH-2024", "6501010101900003", "0811-1111-2222", "9876543210", "500000.00", "2024-06-01"},
	} {
		r := e.expect(t, e.do(t, c.clerk, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": fmt.Sprintf("Usaha %d", i+1),
			"nik": c.nik, "phone": c.phone, "account_no": c.account, "bank_code": "BPD-KALTIM"}), 201)
		d := e.expect(t, e.do(t, c.clerk, "POST", "/api/v1/disbursements", map[string]any{
			"program": c.program, "recipient_id": r["id"], "amount": c.amount, "disbursed_on": c.on, "note": "=cmd"}), 201)
		ids[i] = int64(d["id"].(float64))
	}
	path := fmt.Sprintf("/api/v1/disbursements/%d", ids[0])
	e.expect(t, e.do(t, e.w.Officer, "POST", path+"/submit", nil), 200)
	approved := e.expect(t, e.do(t, e.w.Reviewer, "POST", path+"/approve", nil), 200)["approved_on"].(string)
	e.expect(t, e.do(t, e.w.Officer, "POST", path+"/pay", map[string]any{"paid_on": "2024-04-02", "payment_ref": "TRX-1"}), 200)
	return e, ids, approved
}

// exportCSV fetches an export as u and returns its records, header first.
func exportCSV(t *testing.T, e *env, u *finance.User, query string) [][]string {
	t.Helper()
	rec := e.do(t, u, "GET", "/api/v1/disbursements/export"+query, nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="disbursements.csv"` {
		t.Fatalf("export%s: %d %v %s", query, rec.Code, rec.Header(), rec.Body)
	}
	body, ok := strings.CutPrefix(rec.Body.String(), "\uFEFF")
	if !ok {
		t.Fatalf("no BOM: %q", rec.Body.String())
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

const exportHeader = "id,program,recipient_id,recipient_name,recipient_nik,recipient_phone,bank_code,account_no,amount,tranche,form,status," +
	"disbursed_on,approved_on,paid_on,returned_on,payment_ref,note,created_by,approved_by,reconciled"

func TestAPI_DisbursementExport(t *testing.T) {
	t.Parallel()
	t.Run("CSVAdminSeesAllUnmasked", func(t *testing.T) {
		e, ids, on := exportWorld(t)
		recs := exportCSV(t, e, e.w.Admin, "")
		r := recs[1][2]
		want := []string{
			exportHeader,
			fmt.Sprintf("%d,PEN-EXP-2024,%s,Usaha 1,6472014506800001,'+6281234567890,BPD-KALTIM,0123456789,2400000.00,1,transfer,paid,2024-03-01,%s,2024-04-02,,TRX-1,'=cmd,officer@pilar.test,reviewer@pilar.test,false", ids[0], r, on),
			fmt.Sprintf("%d,PEN-EXP-2024,%s,Usaha 2,6472010101900002,,BPD-KALTIM,,1234567.89,1,transfer,draft,2024-05-10,,,,,'=cmd,officer@pilar.test,,false", ids[1], recs[2][2]),
			fmt.Sprintf("%d,PEN-OTH-2024,%s,Usaha 3,6501010101900003,'+6281111112222,BPD-KALTIM,9876543210,500000.00,1,transfer,draft,2024-06-01,,,,,'=cmd,officer2@pilar.test,,false", ids[2], recs[3][2]),
		}
		checkRecords(t, recs, want)
	})
	t.Run("OfficerSeesOwnAgencyMasked", func(t *testing.T) {
		e, ids, on := exportWorld(t)
		for _, u := range []*finance.User{e.w.Officer, e.w.Reviewer} {
			recs := exportCSV(t, e, u, "")
			checkRecords(t, recs, []string{
				exportHeader,
				fmt.Sprintf("%d,PEN-EXP-2024,%s,Usaha 1,6472********0001,**********7890,BPD-KALTIM,******6789,2400000.00,1,transfer,paid,2024-03-01,%s,2024-04-02,,TRX-1,'=cmd,officer@pilar.test,reviewer@pilar.test,false", ids[0], recs[1][2], on),
				fmt.Sprintf("%d,PEN-EXP-2024,%s,Usaha 2,6472********0002,,BPD-KALTIM,,1234567.89,1,transfer,draft,2024-05-10,,,,,'=cmd,officer@pilar.test,,false", ids[1], recs[2][2]),
			})
		}
		recs := exportCSV(t, e, e.w.Auditor, "")
		if len(recs) != 4 || recs[1][4] != "6472014506800001" {
			t.Fatalf("auditor: %v", recs)
		}
	})
	t.Run("Filters", func(t *testing.T) {
		e, ids, _ := exportWorld(t)
		for q, want := range map[string][]int64{
			"?program=PEN-EXP-2024":                {ids[0], ids[1]},
			"?status=paid":                         {ids[0]},
			"?status=draft&from=2024-05-10":        {ids[1], ids[2]},
			"?to=2024-05-09":                       {ids[0]},
			"?from=2024-05-11&to=2024-06-01":       {ids[2]},
			"?program=NO-SUCH":                     nil,
			"?format=csv&program=PEN-OTH-2024":     {ids[2]},
			fmt.Sprintf("?recipient_id=%d", 1<<40): nil,
		} {
			recs := exportCSV(t, e, e.w.Admin, q)
			var got []int64
			for _, r := range recs[1:] {
				var id int64
				fmt.Sscan(r[0], &id)
				got = append(got, id)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || recs[0][0] != "id" {
				t.Errorf("%s: got %v, want %v", q, got, want)
			}
		}
		// recipient_id of the second row's recipient.
		all := exportCSV(t, e, e.w.Admin, "")
		if recs := exportCSV(t, e, e.w.Admin, "?recipient_id="+all[2][2]); len(recs) != 2 || recs[1][0] != all[2][0] {
			t.Errorf("recipient_id: %v", recs)
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		e, ids, _ := exportWorld(t)
		rec := e.do(t, e.w.Officer, "GET", "/api/v1/disbursements/export?format=xlsx", nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("%d %v", rec.Code, rec.Header())
		}
		f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Penyaluran")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0][0] != "Nomor" || rows[1][0] != fmt.Sprint(ids[0]) || rows[1][4] != "6472********0001" ||
			rows[1][7] != "******6789" || rows[2][0] != fmt.Sprint(ids[1]) || rows[1][17] != "'=cmd" {
			t.Fatalf("rows: %q", rows)
		}
		if v, _ := f.GetCellValue("Penyaluran", "I2", excelize.Options{RawCellValue: true}); v != "2400000" {
			t.Fatalf("amount cell %q, want the number 2400000", v)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		e, _, _ := exportWorld(t)
		for q, code := range map[string]string{"?format=pdf": "bad_request", "?format=json": "bad_request", "?recipient_id=x": "bad_request"} {
			rec := e.do(t, e.w.Admin, "GET", "/api/v1/disbursements/export"+q, nil)
			if m := e.expect(t, rec, 400); errorCode(m) != code || rec.Header().Get("Content-Disposition") != "" {
				t.Errorf("%s: %v %v", q, m, rec.Header())
			}
		}
		e.expect(t, e.do(t, nil, "GET", "/api/v1/disbursements/export", nil), 401)
	})
}

// checkRecords compares CSV records with want, one comma-joined line each.
func checkRecords(t *testing.T, recs [][]string, want []string) {
	t.Helper()
	var got []string
	for _, r := range recs {
		got = append(got, strings.Join(r, ","))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPages_DisbursementExport: the list page links the export of what its
// filters select, in both CSV dialects and XLSX, and the page route writes
// the Indonesian Excel dialect (";" and a decimal comma) for a signed-in user.
func TestPages_DisbursementExport(t *testing.T) {
	t.Parallel()
	t.Run("Links", func(t *testing.T) {
		e, _, _ := exportWorld(t)
		body := e.pageAs(t, e.w.Officer, "/disbursements?status=paid&program=PEN-EXP-2024&cursor=9").Body.String()
		for _, want := range []string{
			`href="/disbursements/export?format=csv&amp;program=PEN-EXP-2024&amp;status=paid"`,
			`href="/disbursements/export?dialect=excel-id&amp;format=csv&amp;program=PEN-EXP-2024&amp;status=paid"`,
			`href="/disbursements/export?format=xlsx&amp;program=PEN-EXP-2024&amp;status=paid"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("no link %s", want)
			}
		}
	})
	t.Run("ExcelDialect", func(t *testing.T) {
		e, ids, on := exportWorld(t)
		rec := e.pageAs(t, e.w.Officer, "/disbursements/export?format=csv&dialect=excel-id&status=paid")
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\uFEFF")))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[1][8] != "2400000,00" {
			t.Fatalf("amount cell: %q", recs)
		}
		checkRecords(t, recs, []string{
			exportHeader, // cells joined by checkRecords with ","
			fmt.Sprintf("%d,PEN-EXP-2024,%s,Usaha 1,6472********0001,**********7890,BPD-KALTIM,******6789,2400000,00,1,transfer,paid,2024-03-01,%s,2024-04-02,,TRX-1,'=cmd,officer@pilar.test,reviewer@pilar.test,false", ids[0], recs[1][2], on),
		})
	})
	t.Run("BadDialect", func(t *testing.T) {
		e, _, _ := exportWorld(t)
		e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements/export?dialect=semicolon", nil), 400)
	})
}
