package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/money"
)

// pageIn gets a page as u through a session cookie, in lang.
func (e *env) pageIn(t *testing.T, u *finance.User, lang, path string) string {
	t.Helper()
	rec := pageSender(t, e, u, lang)(httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%s as %s: %d %.800s", path, u.Email, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

// texts are the trimmed texts of the elements keep picks.
func texts(t *testing.T, body string, keep func(*html.Node) bool) []string {
	t.Helper()
	var out []string
	for _, n := range elements(t, body, keep) {
		var words []string // each text node's words, so cells stay apart
		walk(n, func(n *html.Node) {
			if n.Type == html.TextNode {
				words = append(words, strings.Fields(n.Data)...)
			}
		})
		out = append(out, strings.Join(words, " "))
	}
	return out
}

func tag(name string) func(*html.Node) bool { return func(n *html.Node) bool { return n.Data == name } }

// TestPages_AgencyByName: an agency is shown by its name, not its code, in
// the signed-in user's line, the program list and page, the users page and
// the reports' agency filter.
func TestPages_AgencyByName(t *testing.T) {
	t.Parallel()
	e := withProgram(t)
	name := e.w.Agency.Name // "Dinas Koperasi dan UKM DKUMKM-KALTIM"
	t.Run("Header", func(t *testing.T) {
		got := texts(t, e.pageIn(t, e.w.Officer, "id", "/"), func(n *html.Node) bool {
			return n.Data == "span" && n.Parent != nil && attr(n.Parent, "class") == "who"
		})
		if len(got) != 1 || got[0] != "officer · Petugas program · "+name {
			t.Fatalf("who: %q", got)
		}
	})
	t.Run("ProgramList", func(t *testing.T) {
		rows := texts(t, e.pageIn(t, e.w.Admin, "id", "/programs"), tag("td"))
		if len(rows) < 3 || rows[2] != name {
			t.Fatalf("row: %q", rows)
		}
	})
	t.Run("ProgramPage", func(t *testing.T) {
		dds := texts(t, e.pageIn(t, e.w.Officer, "en", "/programs/DAK-PK-2024"), tag("dd"))
		if len(dds) < 1 || dds[0] != name {
			t.Fatalf("facts: %q", dds)
		}
	})
	t.Run("Users", func(t *testing.T) {
		body := e.pageIn(t, e.w.Admin, "id", "/admin/users")
		var officer []string
		for _, row := range texts(t, body, tag("tr")) {
			if strings.HasPrefix(row, e.w.Officer.Email) {
				officer = append(officer, row)
			}
		}
		if len(officer) != 1 || officer[0] != e.w.Officer.Email+" officer Petugas program "+name+" Aktif Nonaktifkan" {
			t.Fatalf("officer's row: %q", officer)
		}
	})
	t.Run("ReportFilter", func(t *testing.T) {
		opts := texts(t, e.pageIn(t, e.w.Auditor, "id", "/reports/realization?year=2024"), func(n *html.Node) bool {
			return n.Data == "option" && n.Parent != nil && attr(n.Parent, "name") == "agency"
		})
		if len(opts) != 3 || opts[1] != e.w.OtherAgency.Name || opts[2] != name {
			t.Fatalf("agency options: %q", opts)
		}
	})
}

// TestPages_ProgramChoicesUncapped: the disbursement forms and the list's
// filter offer every program, grouped by agency and fiscal year, also past
// 1,000 of them (a page of the store).
func TestPages_ProgramChoicesUncapped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := e.w.Ctx(e.w.Admin)
	budget := money.Raw("1000.00")
	add := func(ctx context.Context, code, agency string, year int, status string) error {
		name, kind, source, from, to := "Program "+code, "grant", "APBD_PROV", fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)
		_, err := e.w.Store.CreateProgram(ctx, finance.ProgramInput{Code: &code, Name: &name, Kind: &kind, FundingSource: &source,
			Agency: &agency, FiscalYear: &year, Budget: &budget, StartsOn: &from, EndsOn: &to, Status: &status})
		return err
	}
	err := e.w.Store.InTx(ctx, func(ctx context.Context) error {
		for i := range 1001 {
			if err := add(ctx, fmt.Sprintf("P-%04d", i), e.w.Agency.Code, 2024, "active"); err != nil {
				return err
			}
		}
		if err := add(ctx, "P-OLD", e.w.Agency.Code, 2023, "active"); err != nil {
			return err
		}
		if err := add(ctx, "P-DRAFT", e.w.Agency.Code, 2024, "draft"); err != nil {
			return err
		}
		return add(ctx, "P-OTHER", e.w.OtherAgency.Code, 2024, "active")
	})
	if err != nil {
		t.Fatal(err)
	}
	groups := func(t *testing.T, body string) map[string]int {
		t.Helper()
		out := map[string]int{}
		for _, g := range elements(t, body, tag("optgroup")) {
			for c := g.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.Data == "option" {
					out[attr(g, "label")]++
				}
			}
		}
		return out
	}
	kaltim, kaltara := e.w.Agency.Name+" · Tahun anggaran ", e.w.OtherAgency.Name+" · Tahun anggaran "
	for _, path := range []string{"/disbursements/new", "/disbursements/batch"} {
		t.Run("Officer"+path, func(t *testing.T) {
			got := groups(t, e.pageIn(t, e.w.Officer, "id", path))
			if len(got) != 2 || got[kaltim+"2024"] != 1001 || got[kaltim+"2023"] != 1 {
				t.Fatalf("groups: %v", got)
			}
		})
	}
	t.Run("AdminSeesEveryAgency", func(t *testing.T) {
		got := groups(t, e.pageIn(t, e.w.Admin, "id", "/disbursements/new?program=P-1000"))
		if len(got) != 3 || got[kaltim+"2024"] != 1001 || got[kaltara+"2024"] != 1 {
			t.Fatalf("groups: %v", got)
		}
	})
	t.Run("ProgramPastTheFirstThousandIsChosen", func(t *testing.T) {
		body := e.pageIn(t, e.w.Officer, "id", "/disbursements/new?program=P-1000")
		sel := texts(t, body, func(n *html.Node) bool {
			return n.Data == "option" && hasAttr(n, "selected") && n.Parent.Data == "optgroup"
		})
		if len(sel) != 1 || sel[0] != "P-1000 — Program P-1000" {
			t.Fatalf("selected: %q", sel)
		}
	})
	t.Run("ListFilterHasDraftsToo", func(t *testing.T) {
		got := groups(t, e.pageIn(t, e.w.Officer, "en", "/disbursements"))
		if len(got) != 2 || got[e.w.Agency.Name+" · Fiscal year 2024"] != 1002 {
			t.Fatalf("groups: %v", got)
		}
	})
}

// TestPages_TitlesNameTheRecord: a record's page is titled by the record.
func TestPages_TitlesNameTheRecord(t *testing.T) {
	t.Parallel()
	e := withProgram(t)
	d := e.draftVia(t, "DAK-PK-2024", "100.00")
	dm := e.expect(t, e.do(t, e.w.Officer, "GET", d, nil), 200)
	rid := fmt.Sprintf("%.0f", dm["recipient_id"])
	rm := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients/"+rid, nil), 200)
	for _, c := range []struct{ lang, path, want string }{
		{"id", "/programs/DAK-PK-2024", "Program DAK-PK-2024 — Pelatihan DAK-PK-2024 · Pilar"},
		{"id", "/recipients/" + rid, "Penerima — " + rm["name"].(string) + " · Pilar"},
		{"en", "/recipients/" + rid, "Recipient — " + rm["name"].(string) + " · Pilar"},
		{"en", strings.TrimPrefix(d, "/api/v1"), fmt.Sprintf("Disbursement #%.0f — %s · Pilar", dm["id"], rm["name"])},
		{"id", strings.TrimPrefix(d, "/api/v1"), fmt.Sprintf("Penyaluran #%.0f — %s · Pilar", dm["id"], rm["name"])},
	} {
		if got := texts(t, e.pageIn(t, e.w.Officer, c.lang, c.path), tag("title")); len(got) != 1 || got[0] != c.want {
			t.Errorf("%s (%s): title %q, want %q", c.path, c.lang, got, c.want)
		}
	}
}

// TestPages_LedgerInWords: the audit trail names every action, record and
// field in words and every code by its name, in both languages; a token's
// owner is shown by name with local times.
func TestPages_LedgerInWords(t *testing.T) {
	t.Parallel()
	e := withProgram(t)
	// A sign-in writes "sign_in" with its address.
	if _, err := e.w.Store.Authenticate(context.Background(), e.w.Officer.Email, dbtest.Password, "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang  string
		wants []string
	}{
		{"id", []string{"Masuk · Pengguna officer · officer", "Alamat IP – 192.0.2.7", "Dibuat · Program DAK-PK-2024", "Jenis – Pelatihan",
			"Sumber dana – Dana Alokasi Khusus (DAK)", "Instansi – " + e.w.Agency.Name, "Tanggal mulai – 1 Januari 2024", "Target penerima – 659", "Pagu murni – Rp2.100.000.000,50", "Sisa pagu – Rp0", "Keterangan – test"}},
		{"en", []string{"Signed in · User officer · officer", "IP address – 192.0.2.7", "Created · Program DAK-PK-2024", "Kind – Training",
			"Funding source – Special allocation fund (DAK)", "Agency – " + e.w.Agency.Name, "Starts on – 1 January 2024"}},
	} {
		body := e.pageIn(t, e.w.Auditor, c.lang, "/audit")
		rows := strings.Join(texts(t, body, func(n *html.Node) bool { return n.Data == "tr" || n.Data == "p" }), "\n")
		for _, w := range c.wants {
			if !strings.Contains(rows, w) {
				t.Errorf("%s ledger lacks %q:\n%.3000s", c.lang, w, rows)
			}
		}
		if strings.Contains(rows, "audit.") || strings.Contains(rows, "failures_before") || strings.Contains(rows, "label –") {
			t.Errorf("%s ledger shows a key or a code:\n%.3000s", c.lang, rows)
		}
	}
	t.Run("TokenOwnerByName", func(t *testing.T) {
		rows := texts(t, e.pageIn(t, e.w.Admin, "id", "/admin/tokens"), tag("tr"))
		var found bool
		for _, r := range rows {
			if strings.Contains(r, e.w.Officer.Email) {
				t.Errorf("a token row shows the email: %q", r)
			}
			if strings.Contains(r, " test officer ") && strings.Contains(r, " WITA") {
				found = true
			}
		}
		if !found {
			t.Errorf("no token row of the officer by name with a WITA time: %q", rows)
		}
	})
}

// TestPages_FormFromRecipient: a recipient's page opens the disbursement
// form with that recipient chosen; with a program of a fixed amount too,
// the amount is that amount.
func TestPages_FormFromRecipient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := programBody("BPUM-2024", "24000000.00")
	body["amount_per_recipient"] = "2400000.00"
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", body), 201)
	r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Warung Bu Sari", "nik": "6472014107900001", "region_code": "64.72"}), 201)
	id := fmt.Sprintf("%.0f", r["id"])
	links := elements(t, e.pageIn(t, e.w.Officer, "id", "/recipients/"+id), func(n *html.Node) bool {
		return n.Data == "a" && attr(n, "href") == "/disbursements/new?recipient_id="+id
	})
	if len(links) != 1 {
		t.Fatalf("the recipient page has %d links to the form", len(links))
	}
	form := e.pageIn(t, e.w.Officer, "id", "/disbursements/new?recipient_id="+id+"&program=BPUM-2024")
	chosen := texts(t, form, func(n *html.Node) bool {
		return n.Data == "label" && n.FirstChild != nil && n.FirstChild.Data == "input" && attr(n.FirstChild, "value") == id && hasAttr(n.FirstChild, "checked")
	})
	if len(chosen) != 1 || chosen[0] != "Warung Bu Sari · 6472********0001 · 64.72 Kota Samarinda" {
		t.Fatalf("chosen: %q", chosen)
	}
	if v := inputValue(t, form, "amount"); v != "2.400.000" {
		t.Errorf("amount %q, want the program's 2.400.000", v)
	}
}

// TestPages_SizeClassesByName: the program form's eligible size classes
// are named in the page's language.
func TestPages_SizeClassesByName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for lang, want := range map[string]string{"id": "Mikro|Kecil|Menengah", "en": "Micro|Small|Medium"} {
		got := texts(t, e.pageIn(t, e.w.Admin, lang, "/programs/new"), func(n *html.Node) bool {
			return n.Data == "label" && n.FirstChild != nil && attr(n.FirstChild, "name") == "eligible_size_classes"
		})
		if strings.Join(got, "|") != want {
			t.Errorf("%s: %q, want %s", lang, got, want)
		}
	}
}

// TestPages_ProgramSaved: a program saved on its form opens its page with a
// confirmation, titled by the program.
func TestPages_ProgramSaved(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	rec := m.send(m.e.w.Admin, "POST", "/programs/new", url.Values{"code": {"DAK-PK-2025"}, "name": {"Pelatihan Kewirausahaan"},
		"kind": {"training"}, "funding_source": {"DAK"}, "agency": {m.e.w.Agency.Code}, "fiscal_year": {"2025"}, "budget": {"2.100.000.000"},
		"target_recipients": {"659"}, "starts_on": {"2025-01-01"}, "ends_on": {"2025-12-31"}, "status": {"active"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/programs/DAK-PK-2025?saved=program" {
		t.Fatalf("%d %s %.800s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	body := m.send(m.e.w.Admin, "GET", "/programs/DAK-PK-2025?saved=program", nil).Body.String()
	notice := texts(t, body, func(n *html.Node) bool { return n.Data == "p" && attr(n, "class") == "notice" })
	title := texts(t, body, tag("title"))
	if len(notice) != 1 || notice[0] != "Program tersimpan." || len(title) != 1 || title[0] != "Program DAK-PK-2025 — Pelatihan Kewirausahaan · Pilar" {
		t.Fatalf("notice %q, title %q", notice, title)
	}
}

// TestPages_RefusalNamesTheRole: a refused page says so in the reader's
// language with the role by name.
func TestPages_RefusalNamesTheRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []struct {
		lang string
		u    *finance.User
		path string
		want string
	}{
		{"id", e.w.Auditor, "/disbursements/new", "peran Anda (Auditor) tidak boleh melakukan ini"},
		{"en", e.w.Reviewer, "/audit", "your role (Finance reviewer) may not do this"},
	} {
		id, err := e.w.Store.CreateSession(e.w.Ctx(c.u), c.u)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		req.AddCookie(&http.Cookie{Name: "pilar_session", Value: id})
		req.AddCookie(&http.Cookie{Name: "lang", Value: c.lang})
		rec := serve(e, req)
		if rec.Code != http.StatusForbidden || !strings.Contains(strings.Join(texts(t, rec.Body.String(), tag("main")), ""), c.want) {
			t.Errorf("%s as %s: %d %.1000s", c.path, c.u.Role, rec.Code, rec.Body.String())
		}
	}
}
