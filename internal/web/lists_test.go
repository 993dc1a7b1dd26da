package web_test

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// listed is a list page's rows (the text of each row's first cell), its
// total and its previous and next links.
type listed struct {
	rows       []string
	total      string
	prev, next string
}

func listOf(t *testing.T, body string) listed {
	t.Helper()
	var l listed
	for _, tr := range elements(t, body, func(n *xhtml.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" }) {
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode && c.Data == "td" {
				l.rows = append(l.rows, strings.TrimSpace(text(c)))
				break
			}
		}
	}
	if navs := elements(t, body, func(n *xhtml.Node) bool { return n.Data == "nav" && attr(n, "class") == "pager" }); len(navs) > 0 {
		walk(navs[0], func(n *xhtml.Node) {
			switch {
			case n.Data == "span" && attr(n, "class") == "total":
				l.total = text(n)
			case n.Data == "a" && attr(n, "rel") == "prev":
				l.prev = attr(n, "href")
			case n.Data == "a" && attr(n, "rel") == "next":
				l.next = attr(n, "href")
			}
		})
	}
	return l
}

func TestLists_Paging(t *testing.T) {
	t.Parallel()
	t.Run("DisbursementsNewestFirstBothWays", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-LIST-2024", "1000000.00")), 201)
		var ids []string
		for range 5 {
			d := e.draftVia(t, "PEN-LIST-2024", "100.00")
			ids = append(ids, d[strings.LastIndex(d, "/")+1:])
		}
		e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements/"+ids[4]+"/submit", nil), 200)
		first := listOf(t, m.send(e.w.Officer, "GET", "/disbursements?program=PEN-LIST-2024&limit=2", nil).Body.String())
		if fmt.Sprint(first.rows) != fmt.Sprint([]string{ids[4], ids[3]}) || first.total != "5 data cocok" || first.prev != "" ||
			first.next != "/disbursements?cursor="+ids[3]+"&limit=2&program=PEN-LIST-2024" {
			t.Fatalf("first page %+v", first)
		}
		second := listOf(t, m.send(e.w.Officer, "GET", first.next, nil).Body.String())
		if fmt.Sprint(second.rows) != fmt.Sprint([]string{ids[2], ids[1]}) || second.total != "5 data cocok" ||
			second.prev != "/disbursements?before="+ids[2]+"&limit=2&program=PEN-LIST-2024" || second.next == "" {
			t.Fatalf("second page %+v", second)
		}
		third := listOf(t, m.send(e.w.Officer, "GET", second.next, nil).Body.String())
		if fmt.Sprint(third.rows) != fmt.Sprint([]string{ids[0]}) || third.next != "" || third.prev == "" {
			t.Fatalf("third page %+v", third)
		}
		back := listOf(t, m.send(e.w.Officer, "GET", third.prev, nil).Body.String())
		if fmt.Sprint(back.rows) != fmt.Sprint(second.rows) || back.prev == "" {
			t.Fatalf("back to the second page %+v", back)
		}
		start := listOf(t, m.send(e.w.Officer, "GET", back.prev, nil).Body.String())
		if fmt.Sprint(start.rows) != fmt.Sprint(first.rows) || start.prev != "" || start.next == "" {
			t.Fatalf("back to the start %+v", start)
		}
		oldest := listOf(t, m.send(e.w.Officer, "GET", "/disbursements?program=PEN-LIST-2024&limit=2&order=oldest", nil).Body.String())
		if fmt.Sprint(oldest.rows) != fmt.Sprint([]string{ids[0], ids[1]}) {
			t.Fatalf("oldest first %+v", oldest)
		}
	})
	t.Run("DisbursementFiltersMatchTheAPI", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-FILTER-2024", "1000000.00")), 201)
		a := e.draftVia(t, "PEN-FILTER-2024", "100.00")
		e.draftVia(t, "PEN-FILTER-2024", "100.00")
		e.expect(t, e.do(t, e.w.Officer, "POST", a+"/submit", nil), 200)
		d := e.expect(t, e.do(t, e.w.Officer, "GET", a, nil), 200)
		name := d["recipient_name"].(string)
		for _, tt := range []struct {
			query string
			want  int
		}{
			{"program=PEN-FILTER-2024", 2},
			{"program=PEN-FILTER-2024&status=submitted", 1},
			{"program=PEN-FILTER-2024&q=" + url.QueryEscape(strings.ToLower(name)), 1},
			{"program=PEN-FILTER-2024&agency=DKUMKM-KALTIM", 2},
			{"program=PEN-FILTER-2024&region=65", 0},
			{"program=PEN-FILTER-2024&from=2024-03-02", 0},
			{"program=PEN-FILTER-2024&to=2024-03-01", 2},
		} {
			api := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/disbursements?"+tt.query, nil), 200)
			page := listOf(t, m.send(e.w.Admin, "GET", "/disbursements?"+tt.query, nil).Body.String())
			if n := len(api["items"].([]any)); n != tt.want || len(page.rows) != tt.want || page.total != fmt.Sprintf("%d data cocok", tt.want) {
				t.Errorf("%s: API %d, page %d rows (%s), want %d", tt.query, n, len(page.rows), page.total, tt.want)
			}
		}
	})
	t.Run("RecipientsNewestFirstWithTotal", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		var ids []string
		for i := range 3 {
			r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": fmt.Sprintf("Daftar Uji %d", i), "nik": m.nik()}), 201)
			ids = append(ids, fmt.Sprintf("%.0f", r["id"]))
		}
		l := listOf(t, m.send(e.w.Officer, "GET", "/recipients?q=daftar+uji&limit=2", nil).Body.String())
		if fmt.Sprint(l.rows) != fmt.Sprint([]string{ids[2], ids[1]}) || l.total != "3 data cocok" || l.prev != "" || l.next == "" {
			t.Fatalf("%+v", l)
		}
		l = listOf(t, m.send(e.w.Officer, "GET", l.next, nil).Body.String())
		if fmt.Sprint(l.rows) != fmt.Sprint([]string{ids[0]}) || l.prev == "" || l.next != "" {
			t.Fatalf("%+v", l)
		}
	})
	t.Run("ProgramsNewestFirstWithFilters", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		for i, kind := range []string{"training", "grant", "training"} {
			b := programBody(fmt.Sprintf("PEN-PL%d-2024", i), "1000.00")
			b["kind"] = kind
			e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", b), 201)
		}
		l := listOf(t, m.send(e.w.Officer, "GET", "/programs?limit=2", nil).Body.String())
		if fmt.Sprint(l.rows) != "[PEN-PL2-2024 PEN-PL1-2024]" || l.total != "3 data cocok" || l.next == "" || l.prev != "" {
			t.Fatalf("%+v", l)
		}
		l = listOf(t, m.send(e.w.Officer, "GET", l.next, nil).Body.String())
		if fmt.Sprint(l.rows) != "[PEN-PL0-2024]" || l.prev == "" {
			t.Fatalf("%+v", l)
		}
		l = listOf(t, m.send(e.w.Officer, "GET", "/programs?kind=training&year=2024", nil).Body.String())
		if fmt.Sprint(l.rows) != "[PEN-PL2-2024 PEN-PL0-2024]" || l.total != "2 data cocok" {
			t.Fatalf("%+v", l)
		}
	})
	t.Run("LanguageSwitchKeepsPageAndQuery", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		page := "/disbursements?status=draft&cursor=7&limit=2"
		body := m.send(e.w.Officer, "GET", page, nil).Body.String()
		links := elements(t, body, func(n *xhtml.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/lang/en?") })
		if len(links) != 1 {
			t.Fatalf("%d language links", len(links))
		}
		rec := m.send(e.w.Officer, "GET", html.UnescapeString(attr(links[0], "href")), nil)
		if rec.Code != 303 || rec.Header().Get("Location") != page {
			t.Fatalf("%d to %q, want %q", rec.Code, rec.Header().Get("Location"), page)
		}
	})
}
