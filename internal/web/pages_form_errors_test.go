package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"pilar/internal/finance"
)

// periodInWords is the refusal of a date outside the program's period, its
// days written as people read them ("1 Januari 2024"), not as ISO days.
var periodInWords = regexp.MustCompile(`^harus dalam masa program, \d{1,2} \pL+ \d{4} sampai \d{1,2} \pL+ \d{4}$`)

// sendIn is m.send for a page in lang (the lang cookie the language
// switch sets).
func (m *matrix) sendIn(lang string, u *finance.User, method, path string, form url.Values) *httptest.ResponseRecorder {
	m.t.Helper()
	cookie, csrf := m.session(u)
	var req *http.Request
	if method == http.MethodGet {
		req = httptest.NewRequest(method, path, nil)
	} else {
		form.Set("_csrf", csrf)
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: "pilar_session", Value: cookie})
	req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
	return serve(m.e, req)
}

// formErrors is what a refused form shows: the alert about the whole form,
// the hint to check the marked fields, and each field's message.
type formErrors struct {
	alert  string
	hint   bool
	fields map[string]string
}

func formErrorsOf(t *testing.T, body, hint string) formErrors {
	t.Helper()
	out := formErrors{fields: map[string]string{}}
	for _, n := range elements(t, body, func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "error") }) {
		switch {
		case attr(n, "role") == "alert":
			out.alert = strings.TrimSpace(text(n))
		case attr(n, "class") == "field-error":
			out.fields[strings.TrimPrefix(attr(n, "id"), "err-")] = strings.TrimSpace(text(n))
		case strings.TrimSpace(text(n)) == hint:
			out.hint = true
		}
	}
	return out
}

// TestPages_DisbursementFormErrors: the disbursement form says what is wrong
// as people read it, in both languages: a taken tranche names the recipient
// and the program (not their ids) and marks no field, so no "check the
// marked fields"; malformed fields are all refused in one submit, each
// keeping what was typed; an unreadable amount's example is one the form
// takes (2.400.000), while the JSON API keeps its own (2400000.00).
func TestPages_DisbursementFormErrors(t *testing.T) {
	m := newMatrix(t)
	e := m.e
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-FORM-2024", "1000000000")), 201)
	r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Warung Bu Sari",
		"nik": "6472014107900001", "phone": "081234567890", "account_no": "1234567890"}), 201)
	held := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", map[string]any{
		"program": "PEN-FORM-2024", "recipient_id": r["id"], "amount": "2400000", "disbursed_on": "2024-03-01"}), 201)
	hints := map[string]string{"id": "Periksa kembali isian yang ditandai.", "en": "Please check the marked fields."}
	form := func() url.Values {
		return url.Values{"program": {"PEN-FORM-2024"}, "recipient_id": {jsonID(r)}, "amount": {"2.400.000"}, "tranche": {"1"},
			"form": {"transfer"}, "disbursed_on": {"2024-03-02"}, "payment_ref": {"TRX-9"}}
	}

	t.Run("TrancheTakenNamesRecipientAndProgram", func(t *testing.T) {
		for lang, want := range map[string]string{
			"id": "Warung Bu Sari sudah memiliki penyaluran #" + jsonID(held) + " di program Pelatihan PEN-FORM-2024, tahap 1",
			"en": "Warung Bu Sari already has disbursement #" + jsonID(held) + " in program Pelatihan PEN-FORM-2024, tranche 1",
		} {
			rec := m.sendIn(lang, e.w.Officer, "POST", "/disbursements/new", form())
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %d", lang, rec.Code)
			}
			got := formErrorsOf(t, rec.Body.String(), hints[lang])
			if got.alert != want || got.hint || len(got.fields) != 0 {
				t.Errorf("%s: alert %q, hint %v, fields %v; want %q alone", lang, got.alert, got.hint, got.fields, want)
			}
			for _, personal := range []string{"6472014107900001", "1234567890", "81234567890"} {
				if strings.Contains(got.alert, personal) {
					t.Errorf("%s: the message shows personal data %s", lang, personal)
				}
			}
		}
	})

	t.Run("APIKeepsItsCode", func(t *testing.T) {
		in := map[string]any{"program": "PEN-FORM-2024", "recipient_id": r["id"], "amount": "2400000", "disbursed_on": "2024-03-02"}
		got := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", in), http.StatusConflict)
		body := got["error"].(map[string]any)
		want := "Warung Bu Sari already has disbursement #" + jsonID(held) + " in program Pelatihan PEN-FORM-2024, tranche 1"
		if body["code"] != "duplicate" || body["message"] != want || body["fields"] != nil {
			t.Errorf("API error %v; want duplicate, %q, no fields", body, want)
		}
		in["amount"] = "abc"
		got = e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", in), http.StatusUnprocessableEntity)
		if msg := errorField(got, "amount"); msg != "must be a plain decimal number such as 2400000.00" {
			t.Errorf("API amount message %q", msg)
		}
	})

	t.Run("AmountExampleIsWhatTheFormTakes", func(t *testing.T) {
		for lang, want := range map[string]string{
			"id": "harus bilangan desimal biasa seperti 2.400.000",
			"en": "must be a plain decimal number such as 2.400.000",
		} {
			f := form()
			f.Set("tranche", "2")
			f.Set("amount", "Rp 2,4 juta")
			rec := m.sendIn(lang, e.w.Officer, "POST", "/disbursements/new", f)
			if got := formErrorsOf(t, rec.Body.String(), hints[lang]); rec.Code != http.StatusUnprocessableEntity || got.fields["amount"] != want {
				t.Errorf("%s: %d, amount %q; want %q", lang, rec.Code, got.fields["amount"], want)
			}
		}
		f := form()
		f.Set("tranche", "2")
		if rec := m.sendIn("id", e.w.Officer, "POST", "/disbursements/new", f); rec.Code != http.StatusSeeOther {
			t.Fatalf("the example's notation: %d", rec.Code)
		}
	})

	t.Run("EveryFieldRefusedAtOnce", func(t *testing.T) {
		for lang, want := range map[string]map[string]string{
			"id": {"tranche": "harus bilangan bulat", "amount": "harus bilangan desimal biasa seperti 2.400.000",
				"disbursed_on": "harus tanggal berbentuk YYYY-MM-DD"},
			"en": {"tranche": "must be a whole number", "amount": "must be a plain decimal number such as 2.400.000",
				"disbursed_on": "must be a date as YYYY-MM-DD"},
		} {
			f := form()
			f.Set("tranche", "satu")
			f.Set("amount", "2.400.000 rupiah")
			f.Set("disbursed_on", "2 Maret")
			rec := m.sendIn(lang, e.w.Officer, "POST", "/disbursements/new", f)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %d", lang, rec.Code)
			}
			body := rec.Body.String()
			got := formErrorsOf(t, body, hints[lang])
			if !got.hint || got.alert != "" || len(got.fields) != len(want) {
				t.Errorf("%s: hint %v, alert %q, fields %v; want the hint and %v", lang, got.hint, got.alert, got.fields, want)
			}
			for k, msg := range want {
				if !strings.HasPrefix(got.fields[k], msg) {
					t.Errorf("%s: %s: %q, want %q", lang, k, got.fields[k], msg)
				}
			}
			for _, k := range []string{"tranche", "amount", "disbursed_on", "payment_ref"} {
				if v := inputValue(t, body, k); v != f.Get(k) {
					t.Errorf("%s: %s shows %q, typed %q", lang, k, v, f.Get(k))
				}
			}
		}
		if n := len(listDisbursements(t, m)); n != 2 {
			t.Errorf("%d disbursements after the refusals, want 2", n)
		}
	})

	t.Run("EditRefusesEveryFieldAtOnce", func(t *testing.T) {
		page := "/disbursements/" + jsonID(held) + "/edit"
		f := formValues(t, m.send(e.w.Officer, "GET", page, nil).Body.String(), page)
		f.Del("_csrf")
		f.Set("tranche", "2x")
		f.Set("disbursed_on", "2025-01-01") // after the program's end: a rule of the program
		rec := m.sendIn("id", e.w.Officer, "POST", page, f)
		got := formErrorsOf(t, rec.Body.String(), hints["id"])
		if rec.Code != http.StatusUnprocessableEntity || len(got.fields) != 2 || got.fields["tranche"] != "harus bilangan bulat" ||
			!periodInWords.MatchString(got.fields["disbursed_on"]) {
			t.Errorf("%d: fields %v", rec.Code, got.fields)
		}
		f.Set("amount", "dua juta")
		f.Set("disbursed_on", "kemarin")
		got = formErrorsOf(t, m.sendIn("id", e.w.Officer, "POST", page, f).Body.String(), hints["id"])
		if len(got.fields) != 3 || got.fields["amount"] != "harus bilangan desimal biasa seperti 2.400.000" ||
			got.fields["disbursed_on"] != "harus tanggal berbentuk YYYY-MM-DD" {
			t.Errorf("fields %v", got.fields)
		}
		if d := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements/"+jsonID(held), nil), 200); d["amount"] != "2400000.00" || d["tranche"] != 1.0 {
			t.Errorf("the refused edits changed the draft: %v", d)
		}
	})
}

// TestPages_NewFormsRefuseEveryFieldAtOnce: the new-program and
// new-recipient forms, like the disbursement forms, say in one submit what
// is wrong with every field, an unreadable whole number included, and
// write nothing.
func TestPages_NewFormsRefuseEveryFieldAtOnce(t *testing.T) {
	m := newMatrix(t)
	e := m.e
	t.Run("Program", func(t *testing.T) {
		f := url.Values{"code": {"PEN-ALL-2024"}, "name": {""}, "kind": {"training"}, "funding_source": {"DAK"}, "agency": {"DKUMKM-KALTIM"},
			"fiscal_year": {"dua ribu"}, "budget": {"1.000.000"}, "starts_on": {"2024-01-01"}, "ends_on": {"kemarin"}, "status": {"active"}}
		rec := m.sendIn("id", e.w.Admin, "POST", "/programs/new", f)
		got := formErrorsOf(t, rec.Body.String(), "Periksa kembali isian yang ditandai.")
		if rec.Code != http.StatusUnprocessableEntity || got.fields["fiscal_year"] != "harus bilangan bulat" ||
			got.fields["name"] == "" || got.fields["ends_on"] == "" {
			t.Fatalf("%d: fields %v", rec.Code, got.fields)
		}
		e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs/PEN-ALL-2024", nil), 404)
	})
	t.Run("Recipient", func(t *testing.T) {
		f := url.Values{"kind": {"koperasi"}, "name": {"Koperasi Maju"}, "legal_number": {""}, "members": {"banyak"}, "phone": {"telepon"}}
		rec := m.sendIn("id", e.w.Officer, "POST", "/recipients/new", f)
		got := formErrorsOf(t, rec.Body.String(), "Periksa kembali isian yang ditandai.")
		if rec.Code != http.StatusUnprocessableEntity || got.fields["members"] != "harus bilangan bulat" || got.fields["legal_number"] == "" || got.fields["phone"] == "" {
			t.Fatalf("%d: fields %v", rec.Code, got.fields)
		}
		list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients", nil), 200)
		if n := len(list["items"].([]any)); n != 0 {
			t.Fatalf("%d recipients written by refused forms", n)
		}
	})
}

func listDisbursements(t *testing.T, m *matrix) []any {
	t.Helper()
	got := m.e.expect(t, m.e.do(t, m.e.w.Admin, "GET", "/api/v1/disbursements?program=PEN-FORM-2024", nil), 200)
	items, _ := got["items"].([]any)
	return items
}

// TestPages_ErrorTitles: a refused or missing page is titled for what it
// is, not "something went wrong".
func TestPages_ErrorTitles(t *testing.T) {
	m := newMatrix(t)
	for _, c := range []struct {
		path, lang, title string
		status            int
	}{
		{"/admin/users", "id", "Akses ditolak", http.StatusForbidden},
		{"/admin/users", "en", "Access denied", http.StatusForbidden},
		{"/disbursements/999999", "id", "Tidak ditemukan", http.StatusNotFound},
		{"/disbursements/999999", "en", "Not found", http.StatusNotFound},
		{"/no-such-page", "id", "Tidak ditemukan", http.StatusNotFound},
	} {
		rec := m.sendIn(c.lang, m.e.w.Officer, "GET", c.path, nil)
		h1 := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "h1" })
		title := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "title" })
		if rec.Code != c.status || len(h1) != 1 || text(h1[0]) != c.title || len(title) != 1 || !strings.HasPrefix(text(title[0]), c.title+" ") {
			t.Errorf("%s (%s): %d, title %q; want %d %q", c.path, c.lang, rec.Code, text(title[0]), c.status, c.title)
		}
	}
}
