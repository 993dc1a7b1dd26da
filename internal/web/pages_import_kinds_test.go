package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"pilar/internal/finance"
)

// pageSender signs u in (a session in lang) and sends page requests with
// its cookie and CSRF token.
func pageSender(t testing.TB, e *env, u *finance.User, lang string) func(*http.Request) *httptest.ResponseRecorder {
	t.Helper()
	id, err := e.w.Store.CreateSession(e.w.Ctx(u), u)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := e.w.Store.SessionByID(e.w.Ctx(u), id, 1<<62, 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	return func(req *http.Request) *httptest.ResponseRecorder {
		req.AddCookie(&http.Cookie{Name: "pilar_session", Value: id})
		req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
		req.Header.Set("X-CSRF-Token", sess.CSRF)
		return serve(e, req)
	}
}

// importCounts are the four counts of an import result page.
func importCounts(t *testing.T, body string) []string {
	t.Helper()
	var cells []string
	walk(parseHTML(t, body), func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "table" && attr(n, "class") == "counts" {
			walk(n, func(td *html.Node) {
				if td.Type == html.ElementNode && td.Data == "td" && td.FirstChild != nil {
					cells = append(cells, td.FirstChild.Data)
				}
			})
		}
	})
	return cells
}

const (
	recipientsHeader = "kind,name,owner_name,nik,nib,npwp,sector,size_class,region_code,address,phone,bank_code,account_no,account_holder,legal_number,members,last_rat_year,active,capital,annual_sales,business_volume,assets,workforce,valid_from"
	// FORMATS.md's columns, then a credit program's loan terms (issue 15).
	disbursementsHeader = "program_code,recipient_nik,recipient_nib,amount,disbursed_on,tranche,form,payment_ref,note,paid_on,tenor_months,interest_rate,first_due_on"
)

// TestImportTemplates: each kind's template, as CSV (plain or for an
// Indonesian Excel) and XLSX, holds FORMATS.md's columns and one example
// row, and the example imports as it is.
func TestImportTemplates(t *testing.T) {
	t.Parallel()
	get := func(t *testing.T, e *env, path string) *httptest.ResponseRecorder {
		return pageSender(t, e, e.w.Officer, "id")(httptest.NewRequest("GET", path, nil))
	}
	t.Run("CSV", func(t *testing.T) {
		e := newEnv(t)
		rec := get(t, e, "/import/template/disbursements?format=csv")
		want := "\uFEFF" + disbursementsHeader + "\nDAK-PK-2024,6472014506850001,,2400000,2024-07-12,1,transfer,TRF-2024-000123,Tahap 1,,,,\n"
		if rec.Code != 200 || rec.Body.String() != want || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
			rec.Header().Get("Content-Disposition") != `attachment; filename="disbursements-template.csv"` {
			t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
		}
		rec = get(t, e, "/import/template/recipients")
		if first, _, _ := strings.Cut(rec.Body.String(), "\n"); rec.Code != 200 || first != "\uFEFF"+recipientsHeader {
			t.Fatalf("%d %q", rec.Code, first)
		}
	})
	t.Run("CSVExcelID", func(t *testing.T) {
		e := newEnv(t)
		rec := get(t, e, "/import/template/disbursements?format=csv&dialect=excel-id")
		want := "\uFEFF" + strings.ReplaceAll(disbursementsHeader, ",", ";") + "\nDAK-PK-2024;6472014506850001;;2400000;2024-07-12;1;transfer;TRF-2024-000123;Tahap 1;;;;\n"
		if rec.Code != 200 || rec.Body.String() != want {
			t.Fatalf("%d %q", rec.Code, rec.Body.String())
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		e := newEnv(t)
		rec := pageSender(t, e, e.w.Officer, "en")(httptest.NewRequest("GET", "/import/template/recipients?format=xlsx", nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("%d %v", rec.Code, rec.Header())
		}
		f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		rows, err := f.GetRows(sheet)
		if err != nil || sheet != "Recipients" || len(rows) != 2 || strings.Join(rows[0], ",") != recipientsHeader || rows[1][3] != "6472014506850001" {
			t.Fatalf("%s %q %v", sheet, rows, err)
		}
		// The second sheet says what each column holds; the importer reads the first only.
		guide, err := f.GetRows("Guide")
		if err != nil || len(guide) != 25 || strings.Join(guide[4], "|") != "nik|nik_pemilik|yes, or legal_number|Owner's NIK, 16 digits (required for an umkm)|6472014506850001" {
			t.Fatalf("guide %q %v", guide, err)
		}
		// The NIK column is text, so that typed NIKs stay 16 digits.
		id, _ := f.GetCellStyle(sheet, "D3")
		if st, err := f.GetStyle(id); err != nil || st.NumFmt != 49 {
			t.Fatalf("D3 style %+v %v", st, err)
		}
	})
	t.Run("API", func(t *testing.T) {
		e := newEnv(t)
		rec := e.do(t, e.w.Auditor, "GET", "/api/v1/recipients/import/template?format=csv&dialect=excel-id", nil)
		if first, _, _ := strings.Cut(rec.Body.String(), "\n"); rec.Code != 200 || first != "\uFEFF"+strings.ReplaceAll(recipientsHeader, ",", ";") {
			t.Fatalf("%d %q", rec.Code, first)
		}
		if m := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements/import/template?format=ods", nil), 400); errorCode(m) != "bad_request" {
			t.Fatalf("%v", m)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		e := newEnv(t)
		if rec := get(t, e, "/import/template/programs?format=csv"); rec.Code != 404 {
			t.Fatalf("%d", rec.Code)
		}
	})
	t.Run("ErrBadRequest", func(t *testing.T) {
		e := newEnv(t)
		for _, q := range []string{"format=pdf", "format=csv&dialect=excel"} {
			if rec := get(t, e, "/import/template/recipients?"+q); rec.Code != 400 {
				t.Fatalf("%s: %d", q, rec.Code)
			}
		}
	})
	t.Run("ExamplesImport", func(t *testing.T) {
		e := withProgram(t)
		send := pageSender(t, e, e.w.Officer, "id")
		for _, kind := range []string{"recipients", "disbursements"} {
			for _, format := range []string{"csv", "xlsx"} {
				tpl := get(t, e, "/import/template/"+kind+"?format="+format)
				rec := send(multipartRequest(t, "POST", "/import?kind="+kind, "t."+format, tpl.Body.String()))
				want := []string{"1", "0", "0", "0"} // created
				if format == "xlsx" {
					want = []string{"0", "0", "1", "0"} // the same row again: skipped
				}
				if got := importCounts(t, rec.Body.String()); rec.Code != 200 || strings.Join(got, " ") != strings.Join(want, " ") {
					t.Fatalf("%s %s: %d %q", kind, format, rec.Code, got)
				}
			}
		}
		m := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements?program=DAK-PK-2024", nil), 200)
		items := m["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["amount"] != "2400000.00" || items[0].(map[string]any)["payment_ref"] != "TRF-2024-000123" {
			t.Fatalf("%v", items)
		}
	})
}

// TestImportAliases: a file with Indonesian headers, however written,
// imports exactly the rows it holds.
func TestImportAliases(t *testing.T) {
	t.Parallel()
	t.Run("Recipients", func(t *testing.T) {
		e := newEnv(t)
		file := "Jenis;Nama;NIK Pemilik;NIB;Kode-Wilayah;Nama_Pemilik;Modal\n" +
			"umkm;Amplang Bu Sari;6472014506850001;9120001234567;64.72;Sari Wulandari;50.000.000\n"
		rec := pageSender(t, e, e.w.Officer, "id")(multipartRequest(t, "POST", "/import?kind=recipients", "r.csv", file))
		if got := importCounts(t, rec.Body.String()); rec.Code != 200 || strings.Join(got, " ") != "1 0 0 0" {
			t.Fatalf("%d %q", rec.Code, got)
		}
		m := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients?nik=6472014506850001", nil), 200)
		items := m["items"].([]any)
		r := items[0].(map[string]any)
		if len(items) != 1 || r["kind"] != "umkm" || r["name"] != "Amplang Bu Sari" || r["nib"] != "9120001234567" ||
			r["region_code"] != "64.72" || r["owner_name"] != "Sari Wulandari" || r["capital"] != "50000000.00" || r["size_class"] != "mikro" {
			t.Fatalf("%v", r)
		}
	})
	t.Run("Disbursements", func(t *testing.T) {
		e := withProgram(t)
		e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Amplang", "nik": "6472014506850001"}), 201)
		e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "koperasi", "name": "Kopsyah", "legal_number": "AHU-1", "nib": "9120001234567"}), 201)
		file := "kode_program,nik_penerima,nib,jumlah,tanggal,tahap,referensi,keterangan\n" +
			"DAK-PK-2024,6472014506850001,,2.400.000,12/07/2024,2,TRF-1,Tahap dua\n" +
			"DAK-PK-2024,,9120001234567,\"1.500.000,50\",2024-08-01,1,TRF-2,\n"
		req := multipartRequest(t, "POST", "/api/v1/disbursements/import", "d.csv", file)
		req.Header.Set("Authorization", "Bearer "+e.tokens[e.w.Officer])
		rec := serve(e, req)
		if m := e.expect(t, rec, 200); m["created"] != float64(2) || m["failed"] != float64(0) {
			t.Fatalf("%v", m)
		}
		m := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements?program=DAK-PK-2024", nil), 200)
		var got []string
		for _, it := range m["items"].([]any) {
			d := it.(map[string]any)
			got = append(got, d["amount"].(string)+" "+d["disbursed_on"].(string)+" "+d["payment_ref"].(string)+" "+d["note"].(string)+" "+jsonText(d["tranche"]))
		}
		sort.Strings(got) // whatever order the list has
		want := []string{"1500000.50 2024-08-01 TRF-2  1", "2400000.00 2024-07-12 TRF-1 Tahap dua 2"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("rows %q, want %q", got, want)
		}
	})
}

func jsonText(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestImportRefusedDelimiter: the refused rows come back separated as the
// upload was, ";" or ",".
func TestImportRefusedDelimiter(t *testing.T) {
	t.Parallel()
	for sep, name := range map[string]string{";": "Semicolon", ",": "Comma"} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			send := pageSender(t, e, e.w.Officer, "en")
			file := strings.ReplaceAll("jenis,nama,nik\numkm,Amplang,6472014506850001\numkm,Salah,123\n", ",", sep)
			rec := send(multipartRequest(t, "POST", "/import?kind=recipients", "r.csv", file))
			link := regexp.MustCompile(`href="(/import/refused/[^"]+)"`).FindStringSubmatch(rec.Body.String())
			if rec.Code != 200 || link == nil {
				t.Fatalf("%d: no download link", rec.Code)
			}
			dl := send(httptest.NewRequest("GET", link[1], nil))
			want := strings.ReplaceAll("jenis,nama,nik,error\numkm,Salah,123,nik: must be 16 digits\n", ",", sep)
			if dl.Code != 200 || dl.Body.String() != want {
				t.Fatalf("%d %q, want %q", dl.Code, dl.Body.String(), want)
			}
		})
	}
}

// TestImportPage_Kinds: the page asks for the kind first, then shows that
// kind's options only; a role that may not import the kind gets its
// columns but no form.
func TestImportPage_Kinds(t *testing.T) {
	t.Parallel()
	inputs := func(t *testing.T, body string) []string {
		var names []string
		walk(parseHTML(t, body), func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "input" && attr(n, "type") != "hidden" {
				names = append(names, attr(n, "name"))
			}
		})
		return names
	}
	for _, c := range []struct {
		name, path string
		user       func(e *env) *finance.User
		want       string
	}{
		{"Choose", "/import", func(e *env) *finance.User { return e.w.Officer }, ""},
		{"Recipients", "/import?kind=recipients", func(e *env) *finance.User { return e.w.Officer }, "atomic update file"},
		{"Disbursements", "/import?kind=disbursements", func(e *env) *finance.User { return e.w.Officer }, "atomic submit file"},
		{"ReviewerNoDisbursements", "/import?kind=disbursements", func(e *env) *finance.User { return e.w.Reviewer }, ""},
		{"AuditorNoForm", "/import?kind=recipients", func(e *env) *finance.User { return e.w.Auditor }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			rec := pageSender(t, e, c.user(e), "id")(httptest.NewRequest("GET", c.path, nil))
			if got := strings.Join(inputs(t, rec.Body.String()), " "); rec.Code != 200 || got != c.want {
				t.Fatalf("%d inputs %q, want %q", rec.Code, got, c.want)
			}
			if c.path != "/import" && !strings.Contains(rec.Body.String(), `class="import-columns"`) {
				t.Fatal("no column list")
			}
		})
	}
}

// TestImportPage_Progress: asked by import.js, the import answers with
// its progress as lines, then the result page with its status.
func TestImportPage_Progress(t *testing.T) {
	t.Parallel()
	progress := func(t *testing.T, e *env, file string) ([]float64, map[string]any) {
		req := multipartRequest(t, "POST", "/import?kind=recipients", "r.csv", file)
		req.Header.Set("X-Import-Progress", "ndjson")
		rec := pageSender(t, e, e.w.Officer, "id")(req)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-ndjson; charset=utf-8" {
			t.Fatalf("%d %v", rec.Code, rec.Header())
		}
		var percents []float64
		var last map[string]any
		sc := bufio.NewScanner(rec.Body)
		sc.Buffer(nil, 1<<22)
		for sc.Scan() {
			if last != nil {
				t.Fatalf("a line after the page: %q", sc.Text())
			}
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%q: %v", sc.Text(), err)
			}
			if p, ok := m["percent"].(float64); ok {
				percents = append(percents, p)
			} else {
				last = m
			}
		}
		if last == nil {
			t.Fatal("no page at the end")
		}
		return percents, last
	}
	t.Run("OneBatch", func(t *testing.T) {
		e := newEnv(t)
		percents, last := progress(t, e, "kind,name,nik\numkm,Amplang,6472014506850001\n")
		if len(percents) != 1 || percents[0] != 100 || last["status"] != float64(200) {
			t.Fatalf("percents %v, last %v", percents, last["status"])
		}
		if got := importCounts(t, last["html"].(string)); strings.Join(got, " ") != "1 0 0 0" {
			t.Fatalf("result %q", got)
		}
	})
	t.Run("ManyBatches", func(t *testing.T) {
		// 1,500 rows of one length are at least three batches (500 rows at
		// most each): a third, two thirds, all of the file.
		e := newEnv(t)
		var file strings.Builder
		file.WriteString("kind,name,nik\n")
		for i := 1; i <= 1500; i++ {
			fmt.Fprintf(&file, "umkm,Usaha %04d,647201150390%04d\n", i, i)
		}
		percents, last := progress(t, e, file.String())
		if len(percents) < 3 || percents[len(percents)-1] != 100 || last["status"] != float64(200) {
			t.Fatalf("percents %v, last %v", percents, last["status"])
		}
		for i := 1; i < len(percents); i++ {
			if percents[i] <= percents[i-1] {
				t.Fatalf("percents %v do not grow", percents)
			}
		}
		if got := importCounts(t, last["html"].(string)); strings.Join(got, " ") != "1.500 0 0 0" {
			t.Fatalf("result %q", got)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		e := newEnv(t)
		percents, last := progress(t, e, "name\nx\n")
		if len(percents) != 0 || last["status"] != float64(422) || !strings.Contains(last["html"].(string), "kind, nik or legal_number") {
			t.Fatalf("percents %v, last %v", percents, last)
		}
	})
}
