package web_test

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestImportPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	send := pageSender(t, e, e.w.Officer, "id")
	file := "kind,name,nik\numkm,Amplang,6472014506850001\numkm,Bad,6.47201E+15\n"
	rec := send(multipartRequest(t, "POST", "/import?kind=recipients", "r.csv", file))
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	doc, err := html.Parse(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "table" && attr(n, "class") == "import-columns" {
			return // the column list, not the result
		}
		if n.Type == html.ElementNode && n.Data == "td" && n.FirstChild != nil {
			cells = append(cells, n.FirstChild.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	// The page speaks Indonesian, row errors included (issue 9).
	want := []string{"1", "0", "0", "1", "3", "nik", "harus 16 digit; tampaknya notasi ilmiah dari lembar kerja (format kolomnya sebagai teks)"}
	if !reflect.DeepEqual(cells, want) {
		t.Fatalf("table cells %q, want %q", cells, want)
	}
	link := regexp.MustCompile(`href="(/import/refused/[^"]+)"`).FindStringSubmatch(rec.Body.String())
	if link == nil {
		t.Fatal("no download link for the refused rows")
	}
	dl := send(httptest.NewRequest("GET", link[1], nil))
	rows, err := csv.NewReader(dl.Body).ReadAll()
	if dl.Code != 200 || err != nil {
		t.Fatalf("%d %v", dl.Code, err)
	}
	if want := [][]string{{"kind", "name", "nik", "error"}, {"umkm", "Bad", "6.47201E+15", "nik: must be 16 digits; it looks like scientific notation from a spreadsheet (format the column as text)"}}; !reflect.DeepEqual(rows, want) {
		t.Fatalf("refused rows %q", rows)
	}
	// Another user cannot fetch it.
	other, _ := e.w.Store.CreateSession(e.w.Ctx(e.w.Reviewer), e.w.Reviewer)
	req := httptest.NewRequest("GET", link[1], nil)
	req.AddCookie(&http.Cookie{Name: "pilar_session", Value: other})
	if rec := serve(e, req); rec.Code != 404 {
		t.Fatalf("another user's download: %d", rec.Code)
	}
	// A file missing columns is shown on the form, 422.
	if rec := send(multipartRequest(t, "POST", "/import?kind=recipients", "r.csv", "name\nx\n")); rec.Code != 422 || !strings.Contains(rec.Body.String(), "tidak memuat kolom wajib kind, nik or legal_number") /* Indonesian page: "lacks the required column(s)" */ {
		t.Fatalf("%d", rec.Code)
	}
}

func TestRecipientPage_DecodedAndFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, nik := range []string{"6472014506850001", "6472010506850002"} {
		e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Usaha " + nik, "nik": nik,
			"nib": "9120000000001", "bank_code": "BPD-KALTIM", "account_no": "1234567890", "region_code": "64.72"}), 201)
	}
	id, _ := e.w.Store.CreateSession(e.w.Ctx(e.w.Admin), e.w.Admin)
	req := httptest.NewRequest("GET", "/recipients/1", nil)
	req.AddCookie(&http.Cookie{Name: "pilar_session", Value: id})
	rec := serve(e, req)
	body := rec.Body.String()
	for _, want := range []string{"Perempuan", "5 Juni 1985", "64.72 Kota Samarinda", "NIB yang sama dipakai penerima lain", "Rekening bank yang sama", `href="/recipients/2"`} {
		if !strings.Contains(body, want) {
			t.Errorf("recipient page lacks %q", want)
		}
	}
}

// The import page offers the yearly figures, and imports them with their
// row errors in Indonesian.
func TestImportPage_Figures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	send := pageSender(t, e, e.w.Officer, "id")
	rec := send(httptest.NewRequest("GET", "/import?kind=figures", nil))
	if rec.Code != 200 || !regexp.MustCompile(`kind=figures" aria-current="page">Angka tahunan penerima`).MatchString(rec.Body.String()) {
		t.Fatalf("import page: %d, no figures kind:\n%.2000s", rec.Code, rec.Body.String())
	}
	rec = send(multipartRequest(t, "POST", "/import?kind=figures", "f.csv", "nik,valid_from,workforce\n6472014506850001,2023-12-31,4\n"))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "tidak ada penerima dengan NIK ini") {
		t.Fatalf("%d %.3000s", rec.Code, rec.Body.String())
	}
}
