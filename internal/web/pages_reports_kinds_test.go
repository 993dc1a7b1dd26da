package web_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"pilar/internal/finance"
)

// textOf is the text under n, its tags left out.
func textOf(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// byID is the text of the element with the id, and whether there is one.
func byID(t *testing.T, body, id string) (string, bool) {
	t.Helper()
	var out string
	found := false
	walk(parseHTML(t, body), func(n *html.Node) {
		if !found && n.Type == html.ElementNode && attr(n, "id") == id {
			out, found = textOf(n), true
		}
	})
	return out, found
}

// TestReportPages_Year: a report page without ?year= opens on the latest
// fiscal year with programs, not the calendar year; a year without any
// says so and links the latest one; with no program at all it says that.
func TestReportPages_Year(t *testing.T) {
	t.Parallel()
	t.Run("LatestYear", func(t *testing.T) {
		e, _ := lifeCycle(t, "submit", "approve", "pay") // fiscal year 2024
		rec := e.pageAs(t, e.w.Officer, "/reports/realization")
		if rec.Code != 200 || inputValue(t, rec.Body.String(), "year") != "2024" {
			t.Fatalf("%d year %q", rec.Code, inputValue(t, rec.Body.String(), "year"))
		}
		if _, empty := byID(t, rec.Body.String(), "report-empty"); empty || !strings.Contains(rec.Body.String(), "PEN-ACT-2024") {
			t.Fatal("the 2024 report is not shown")
		}
	})
	t.Run("APIKeepsItsDefault", func(t *testing.T) {
		// The API's default year is unchanged: this year (API.md).
		e, _ := lifeCycle(t)
		m := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/reports/realization", nil), 200)
		if m["year"] == float64(2024) {
			t.Fatalf("the API opened on the latest fiscal year: %v", m["year"])
		}
	})
	t.Run("EmptyYear", func(t *testing.T) {
		e, _ := lifeCycle(t)
		rec := e.pageAs(t, e.w.Officer, "/reports/coverage?year=2023&group_by=sex")
		msg, ok := byID(t, rec.Body.String(), "report-empty")
		if rec.Code != 200 || !ok || strings.Join(strings.Fields(msg), " ") != "There is no data for fiscal year 2023 yet. Open fiscal year 2024, the latest with data." {
			t.Fatalf("%d %q", rec.Code, msg)
		}
		if !strings.Contains(rec.Body.String(), `href="/reports/coverage?group_by=sex&amp;year=2024"`) || strings.Contains(rec.Body.String(), "<table") {
			t.Fatal("no link to 2024, or a table of zeros")
		}
	})
	t.Run("OtherAgencysYearsUnseen", func(t *testing.T) {
		e, _ := lifeCycle(t) // a 2024 program of DKUMKM-KALTIM only
		m := programBody("KALTARA-2022", "1000.00")
		m["agency"], m["fiscal_year"], m["starts_on"], m["ends_on"] = "DKUMKM-KALTARA", 2022, "2022-01-01", "2022-12-31"
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", m), 201)
		for who, want := range map[string]string{"officer": "2024", "other": "2022", "auditor": "2024"} {
			u := map[string]*finance.User{"officer": e.w.Officer, "other": e.w.OtherOfficer, "auditor": e.w.Auditor}[who]
			if got := inputValue(t, e.pageAs(t, u, "/reports/coverage").Body.String(), "year"); got != want {
				t.Errorf("%s opens on %s, want %s", who, got, want)
			}
		}
	})
	t.Run("NoRedFlagsIsNotEmpty", func(t *testing.T) {
		e, _ := lifeCycle(t)
		body := e.pageAs(t, e.w.Officer, "/reports/overlaps?year=2024").Body.String()
		if _, empty := byID(t, body, "report-empty"); empty || !strings.Contains(body, "<h2>") {
			t.Fatal("a year without red flags shows as empty")
		}
	})
	t.Run("NoPrograms", func(t *testing.T) {
		e := newEnv(t)
		rec := e.pageAs(t, e.w.Officer, "/reports/realization?group_by=month")
		msg, ok := byID(t, rec.Body.String(), "report-empty")
		if rec.Code != 200 || !ok || !strings.Contains(msg, "There are no programs you can see yet") || strings.Contains(rec.Body.String(), "<svg") {
			t.Fatalf("%d %q", rec.Code, msg)
		}
	})
}

// TestReportPages_Reading: charts carry a visible title and legend, monthly
// rows say which figures are cumulative, English pages name months in
// English, Indonesian pages write percentages with a decimal comma and
// counts with thousands separators.
func TestReportPages_Reading(t *testing.T) {
	t.Parallel()
	t.Run("ChartTitleAndLegend", func(t *testing.T) {
		e, _ := lifeCycle(t, "submit", "approve", "pay")
		body := e.pageAs(t, e.w.Officer, "/reports/realization?year=2024").Body.String()
		for _, want := range []string{
			`<text class="chart-title" x="0" y="16" font-size="15" font-weight="bold">Realization per program against budget</text>`,
			`font-size="12">Realized</text>`, `font-size="12">Budget</text>`, `>60.00%</text>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("no %q", want)
			}
		}
	})
	t.Run("MonthlyCumulative", func(t *testing.T) {
		e, _ := lifeCycle(t, "submit", "approve", "pay")
		body := e.pageAs(t, e.w.Officer, "/reports/realization?year=2024&group_by=month").Body.String()
		note, ok := byID(t, body, "periodic-note")
		if !ok || !strings.Contains(note, "realized % and remaining are cumulative to the period's end") {
			t.Fatalf("note %q", note)
		}
		for _, want := range []string{"April 2024", "<small>(cumulative)</small>", "<small>(this period)</small>", "<small>(annual)</small>"} {
			if !strings.Contains(body, want) {
				t.Errorf("no %q", want)
			}
		}
		if strings.Contains(body, "Juli") || strings.Contains(body, "Realisasi") {
			t.Error("Indonesian words on the English page")
		}
	})
	t.Run("IndonesianNumbers", func(t *testing.T) {
		e, _ := lifeCycle(t, "submit", "approve", "pay")
		body := pageSender(t, e, e.w.Officer, "id")(httptest.NewRequest("GET", "/reports/realization?year=2024", nil)).Body.String()
		for _, want := range []string{`<td class="num">60,00</td>`, `>60,00%</text>`} {
			if !strings.Contains(body, want) {
				t.Errorf("no %q", want)
			}
		}
		m := programBody("BESAR-2024", "1000.00")
		m["target_recipients"] = 21013
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", m), 201)
		for lang, want := range map[string]string{"id": "<dd>21.013</dd>", "en": "<dd>21,013</dd>"} {
			if body := pageSender(t, e, e.w.Officer, lang)(httptest.NewRequest("GET", "/programs/BESAR-2024", nil)).Body.String(); !strings.Contains(body, want) {
				t.Errorf("%s: no %q", lang, want)
			}
		}
	})
}

// TestReportCSVDialect: ?dialect=excel-id writes ";" and decimal commas,
// byte for byte; the plain file is unchanged; an unknown dialect is a 400.
func TestReportCSVDialect(t *testing.T) {
	t.Parallel()
	e, _ := lifeCycle(t, "submit", "approve", "pay")
	rec := e.do(t, e.w.Reviewer, "GET", "/api/v1/reports/realization?year=2024&format=csv&dialect=excel-id", nil)
	want := "\uFEFFkey;label;original_budget;budget;realized;over_under;realized_pct;committed;remaining;principal_repaid;available\n" +
		"PEN-ACT-2024;Pelatihan PEN-ACT-2024;1000,00;1000,00;600,00;-400,00;60,00;600,00;400,00;0,00;400,00\n" +
		";Jumlah;1000,00;1000,00;600,00;-400,00;60,00;600,00;400,00;0,00;400,00\n"
	if rec.Code != 200 || rec.Body.String() != want {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
	rec = e.do(t, e.w.Reviewer, "GET", "/api/v1/reports/realization?year=2024&format=csv", nil)
	if want := "\uFEFFkey,label,original_budget,budget,realized,over_under,realized_pct,committed,remaining,principal_repaid,available\n" +
		"PEN-ACT-2024,Pelatihan PEN-ACT-2024,1000.00,1000.00,600.00,-400.00,60.00,600.00,400.00,0.00,400.00\n" +
		",Jumlah,1000.00,1000.00,600.00,-400.00,60.00,600.00,400.00,0.00,400.00\n"; rec.Code != 200 || rec.Body.String() != want {
		t.Fatalf("plain: %d %q", rec.Code, rec.Body.String())
	}
	if m := e.expect(t, e.do(t, e.w.Reviewer, "GET", "/api/v1/reports/coverage?year=2024&format=csv&dialect=excel", nil), 400); errorCode(m) != "bad_request" {
		t.Fatalf("%v", m)
	}
	// The OpenAPI document names the parameter on every report written as CSV.
	doc := e.expect(t, e.do(t, nil, "GET", "/openapi.json", nil), 200)
	for _, path := range []string{"/api/v1/reports/realization", "/api/v1/reports/coverage", "/api/v1/reports/overlaps", "/api/v1/reports/registry"} {
		op, _ := doc["paths"].(map[string]any)[path].(map[string]any)["get"].(map[string]any)
		found := false
		for _, p := range op["parameters"].([]any) {
			found = found || p.(map[string]any)["name"] == "dialect"
		}
		if !found {
			t.Errorf("%s: no dialect parameter", path)
		}
	}
	// The page links both.
	body := e.pageAs(t, e.w.Reviewer, "/reports/realization?year=2024").Body.String()
	for _, want := range []string{`href="/reports/realization?format=csv&amp;year=2024"`, `href="/reports/realization?dialect=excel-id&amp;format=csv&amp;year=2024"`} {
		if !strings.Contains(body, want) {
			t.Errorf("no link %q", want)
		}
	}
}

// TestReportPages_English: every report page in English shows no
// Indonesian word of Pilar's own (data such as names aside): titles,
// columns, month names, legends, notes.
func TestReportPages_English(t *testing.T) {
	t.Parallel()
	e, _ := lifeCycle(t, "submit", "approve", "pay")
	indonesian := regexp.MustCompile(`\b(Januari|Februari|Maret|Mei|Juni|Juli|Agustus|Oktober|Desember|Triwulan|Jumlah|Anggaran|Realisasi|Penerima|Tahun|Unduh|Tampilkan|Semua|kumulatif|setahun|Menurut|Sisa|Terikat|Belum|Wilayah|Laporan)\b`)
	for _, path := range []string{
		"/reports/realization?year=2024", "/reports/realization?year=2024&group_by=month", "/reports/realization?year=2024&group_by=quarter",
		"/reports/realization?year=2024&group_by=funding_source", "/reports/coverage?year=2024", "/reports/coverage?year=2024&group_by=region",
		"/reports/coverage?year=2024&group_by=sex", "/reports/overlaps?year=2024", "/reports/reconciliation?year=2024",
		"/reports/registry", "/reports/realization?year=2023",
	} {
		rec := e.pageAs(t, e.w.Auditor, path)
		var text strings.Builder
		walk(parseHTML(t, rec.Body.String()), func(n *html.Node) {
			if n.Type == html.TextNode && (n.Parent == nil || n.Parent.Data != "script") {
				text.WriteString(n.Data + " ")
			}
			if n.Type == html.ElementNode {
				for _, a := range n.Attr {
					if a.Key == "title" || a.Key == "aria-label" || a.Key == "placeholder" {
						text.WriteString(a.Val + " ")
					}
				}
			}
		})
		if rec.Code != 200 {
			t.Errorf("%s: %d", path, rec.Code)
		}
		if w := indonesian.FindAllString(text.String(), -1); w != nil {
			t.Errorf("%s: Indonesian words %q", path, w)
		}
	}
}
