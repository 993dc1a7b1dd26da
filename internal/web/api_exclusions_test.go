package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
)

// uploadList posts an exclusion list with form fields, as u.
func (e *env) uploadList(t testing.TB, u any, name string, content []byte, fields map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/exclusion-lists", io.NopCloser(&b))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens[e.w.Admin])
	return serve(e, req)
}

func xlsxOf(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAPI_ExclusionLists uploads CSV and XLSX lists, replaces and withdraws
// one, shows them to a reviewer, and checks that the database holds no
// plain NIK or NIB from them.
func TestAPI_ExclusionLists(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	nik1, nik2, nib := m.nik(), m.nik(), fmt.Sprintf("9120%09d", e.seq())
	fields := map[string]string{"kind": "asn_tni_polri", "source": "BKD Provinsi Kaltim", "as_of": "2024-01-31"}
	csv := "NIK;NIB\n" + nik1 + ";" + nib + "\n'" + nik2 + ";\n123;\n"
	got := e.expect(t, e.uploadList(t, e.w.Admin, "asn.csv", []byte(csv), fields), 201)
	l := got["list"].(map[string]any)
	if l["nik_count"] != float64(2) || l["nib_count"] != float64(1) || got["rows"] != float64(3) || got["refused"] != float64(1) ||
		l["kind"] != "asn_tni_polri" || l["file_name"] != "asn.csv" {
		t.Fatalf("CSV upload: %v", got)
	}
	if errs := got["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["row"] != float64(4) || errs[0].(map[string]any)["field"] != "nik" {
		t.Fatalf("refused rows: %v", got["errors"])
	}
	first := fmt.Sprint(l["id"])

	xfields := map[string]string{"kind": "deceased", "source": "Dukcapil", "as_of": "2024-02-29", "replaces": first}
	x := e.expect(t, e.uploadList(t, e.w.Admin, "meninggal.xlsx", xlsxOf(t, [][]any{{"nik"}, {nik1}}), xfields), 201)
	if xl := x["list"].(map[string]any); xl["nik_count"] != float64(1) || fmt.Sprint(xl["replaces_id"]) != first {
		t.Fatalf("XLSX upload replacing %s: %v", first, x)
	}
	lists := e.expect(t, e.do(t, e.w.Reviewer, "GET", "/api/v1/exclusion-lists", nil), 200)["items"].([]any)
	if len(lists) != 2 || lists[1].(map[string]any)["withdrawn_at"] == nil || lists[0].(map[string]any)["withdrawn_at"] != nil {
		t.Fatalf("lists after replace: %v", lists)
	}
	e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/exclusion-lists", nil), 403)
	t.Run("PageShowsCounts", func(t *testing.T) {
		rec := m.send(e.w.Auditor, "GET", "/exclusion-lists", nil)
		rows := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "tr" })
		forms := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "form" && strings.Contains(attr(n, "action"), "exclusion") })
		if rec.Code != 200 || len(rows) != 3 || !strings.Contains(text(rows[1]), "Meninggal dunia") || !strings.Contains(text(rows[2]), "Ditarik") || len(forms) != 0 {
			t.Fatalf("auditor's page: %d, %d rows, %d forms", rec.Code, len(rows), len(forms))
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		if m := e.expect(t, e.uploadList(t, e.w.Admin, "x.csv", []byte("nama\nBudi\n"), fields), 422); errorField(m, "file") == "" {
			t.Fatalf("no nik column: %v", m)
		}
		bad := map[string]string{"kind": "pns", "source": "", "as_of": "31-01-2024"}
		if m := e.expect(t, e.uploadList(t, e.w.Admin, "x.csv", []byte("nik\n"+nik1+"\n"), bad), 422); errorField(m, "kind") == "" || errorField(m, "as_of") == "" || errorField(m, "source") == "" {
			t.Fatalf("bad fields: %v", m)
		}
	})
	second := fmt.Sprint(lists[0].(map[string]any)["id"])
	e.expect(t, e.do(t, e.w.Reviewer, "DELETE", "/api/v1/exclusion-lists/"+second, nil), 403)
	e.expect(t, e.do(t, e.w.Admin, "DELETE", "/api/v1/exclusion-lists/"+second, nil), 204)
	if m := e.expect(t, e.do(t, e.w.Admin, "DELETE", "/api/v1/exclusion-lists/"+second, nil), 409); errorCode(m) != "conflict" {
		t.Fatalf("withdrawing twice: %v", m)
	}
	e.expect(t, e.do(t, e.w.Admin, "DELETE", "/api/v1/exclusion-lists/9999", nil), 404)
	t.Run("NoPlainIdentifierStored", func(t *testing.T) {
		db, _ := e.w.Store.DB()
		for _, table := range []string{"exclusion_lists", "exclusion_entries", "audit_log"} {
			rows, err := db.Query("SELECT * FROM " + table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				rows.Scan(ptrs...)
				line := fmt.Sprint(vals...)
				for _, v := range []string{nik1, nik2, nib} {
					if strings.Contains(line, v) {
						t.Errorf("%s holds the plain identifier %s", table, v)
					}
				}
			}
			rows.Close()
		}
	})
}
