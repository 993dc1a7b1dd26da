package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pilar/internal/finance"
)

// auditRows counts the audit trail; every change writes to it in the same
// transaction, so an unchanged count means nothing was written.
func (e *env) auditRows(t testing.TB) int {
	t.Helper()
	db, _ := e.w.Store.DB()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// hostileWorld adds a program, a recipient and a draft, and returns their keys.
func hostileWorld(t testing.TB, e *env) (program string, recipient, draft int64) {
	t.Helper()
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("HOSTILE-2024", "100000000")), 201)
	r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Amplang Bu Siti", "nik": "6472014506800001"}), 201)
	recipient = int64(r["id"].(float64))
	d := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", map[string]any{
		"program": "HOSTILE-2024", "recipient_id": recipient, "amount": "1000", "disbursed_on": "2024-03-01"}), 201)
	return "HOSTILE-2024", recipient, int64(d["id"].(float64))
}

// hostileBodies are the JSON bodies of every write of the API with the text
// fields each carries (beyond those of base); each field is sent with a NUL,
// and with one character more than its limit.
type hostileBody struct {
	name, method, path string
	user               func(e *env) *finance.User
	base               map[string]any
	fields             []string
}

func hostileBodies(program string, recipient, draft int64) []hostileBody {
	officer := func(e *env) *finance.User { return e.w.Officer }
	admin := func(e *env) *finance.User { return e.w.Admin }
	reviewer := func(e *env) *finance.User { return e.w.Reviewer }
	return []hostileBody{
		{"CreateAgency", "POST", "/api/v1/agencies", admin, map[string]any{"code": "DKUMKM-X", "name": "Dinas X", "region_code": "64"},
			[]string{"code", "name", "region_code"}},
		{"CreateProgram", "POST", "/api/v1/programs", admin, programBody("HOSTILE-NEW", "1000"),
			[]string{"code", "name", "kind", "funding_source", "agency", "budget", "amount_per_recipient", "region_code", "starts_on", "ends_on", "status", "eligible_size_classes"}},
		{"PatchProgram", "PATCH", "/api/v1/programs/" + program, admin, map[string]any{},
			[]string{"name", "kind", "funding_source", "amount_per_recipient", "region_code", "starts_on", "ends_on", "status", "eligible_size_classes"}},
		{"CreateRecipient", "POST", "/api/v1/recipients", officer, map[string]any{"kind": "umkm", "name": "Usaha Baru", "nik": "6472014506800002"},
			[]string{"kind", "name", "owner_name", "nik", "nib", "npwp", "sector", "size_class", "region_code", "address", "phone", "bank_code",
				"account_no", "account_holder", "capital", "annual_sales", "legal_number"}},
		{"PatchRecipient", "PATCH", fmt.Sprintf("/api/v1/recipients/%d", recipient), officer, map[string]any{},
			[]string{"kind", "name", "owner_name", "nik", "nib", "npwp", "sector", "size_class", "region_code", "address", "phone", "bank_code",
				"account_no", "account_holder", "capital", "annual_sales", "legal_number"}},
		{"CreateDisbursement", "POST", "/api/v1/disbursements", officer,
			map[string]any{"program": program, "recipient_id": recipient, "amount": "1000", "disbursed_on": "2024-03-01", "tranche": 2},
			[]string{"program", "amount", "form", "disbursed_on", "payment_ref", "note"}},
		{"PatchDisbursement", "PATCH", fmt.Sprintf("/api/v1/disbursements/%d", draft), officer, map[string]any{},
			[]string{"amount", "form", "disbursed_on", "payment_ref", "note"}},
		{"Action", "POST", fmt.Sprintf("/api/v1/disbursements/%d/submit", draft), officer, map[string]any{},
			[]string{"note", "paid_on", "payment_ref", "returned_on"}},
		{"BulkAction", "POST", "/api/v1/disbursements/bulk", officer, map[string]any{"action": "submit", "ids": []int64{draft}},
			[]string{"action", "note", "paid_on", "payment_ref", "returned_on"}},
		{"BudgetRevision", "POST", "/api/v1/programs/" + program + "/budget-revisions", reviewer, map[string]any{"budget": "200000000", "reason": "APBD-P"},
			[]string{"budget", "reason"}},
	}
}

// TestHostileInput sends, to every text field of every JSON write, a NUL
// character and text one character over the field's limit, and to every
// body bytes that are not UTF-8: each is refused (422 naming the field;
// 400 for the body) and nothing is written, on both engines.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	for _, b := range hostileBodies("", 0, 0) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			program, recipient, draft := hostileWorld(t, e)
			for _, hb := range hostileBodies(program, recipient, draft) {
				if hb.name == b.name {
					b = hb
				}
			}
			before := e.auditRows(t)
			sent := 0
			for _, field := range b.fields {
				long := strings.Repeat("a", finance.TextLimit(field)+1)
				for _, v := range []string{"ok\x00", long} {
					body := map[string]any{}
					for k, x := range b.base {
						body[k] = x
					}
					body[field] = v
					if field == "eligible_size_classes" {
						body[field] = []string{v}
					}
					m := e.expect(t, e.do(t, b.user(e), b.method, b.path, body), http.StatusUnprocessableEntity)
					msg := errorField(m, field)
					if errorCode(m) != "validation_failed" || msg == "" || (v == long && !strings.Contains(msg, "at most")) || (v != long && !strings.Contains(msg, "NUL")) {
						t.Fatalf("%s = %.20q: %v; want validation_failed naming %s", field, v, m, field)
					}
					sent++
				}
			}
			req := httptest.NewRequest(b.method, b.path, bytes.NewBufferString(`{"note": "Rp`+"\xff\xfe"+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+e.tokens[b.user(e)])
			if m := e.expect(t, serve(e, req), http.StatusBadRequest); errorCode(m) != "bad_request" {
				t.Fatalf("a body that is not UTF-8: %v", m)
			}
			if after := e.auditRows(t); after != before {
				t.Fatalf("%d requests refused, yet the audit trail grew from %d to %d entries", sent+1, before, after)
			}
		})
	}
	t.Run("IntegersOutOfRange", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		program, recipient, _ := hostileWorld(t, e)
		before := e.auditRows(t)
		for _, tc := range []struct {
			path, field string
			body        map[string]any
		}{
			{"/api/v1/programs", "fiscal_year", func() map[string]any { b := programBody("INT-1", "1"); b["fiscal_year"] = 99999999999; return b }()},
			{"/api/v1/programs", "target_recipients", func() map[string]any { b := programBody("INT-2", "1"); b["target_recipients"] = 1 << 40; return b }()},
			{"/api/v1/disbursements", "tranche", map[string]any{"program": program, "recipient_id": recipient, "amount": "1", "disbursed_on": "2024-03-01", "tranche": 1 << 33}},
			{"/api/v1/recipients", "members", map[string]any{"kind": "koperasi", "name": "Kop", "members": 1 << 35}},
			{"/api/v1/recipients", "last_rat_year", map[string]any{"kind": "koperasi", "name": "Kop", "last_rat_year": -1 << 40}},
		} {
			m := e.expect(t, e.do(t, e.w.Admin, "POST", tc.path, tc.body), http.StatusUnprocessableEntity)
			if errorField(m, tc.field) == "" {
				t.Fatalf("%s %s: %v", tc.path, tc.field, m)
			}
		}
		if after := e.auditRows(t); after != before {
			t.Fatalf("the audit trail grew from %d to %d", before, after)
		}
	})
	t.Run("QueryParameters", func(t *testing.T) {
		// Every query parameter of every list, with a NUL, with bytes that
		// are not UTF-8 and too long; and integers out of range: 400.
		t.Parallel()
		e := newEnv(t)
		lists := map[string][]string{
			"/api/v1/programs":             {"year", "agency", "funding_source", "kind", "status", "limit", "cursor"},
			"/api/v1/recipients":           {"q", "nik", "nib", "region", "size_class", "kind", "limit", "cursor"},
			"/api/v1/disbursements":        {"program", "recipient_id", "status", "from", "to", "limit", "cursor"},
			"/api/v1/audit":                {"entity", "entity_id", "limit", "cursor"},
			"/api/v1/reports/realization":  {"year", "agency", "funding_source", "group_by", "format"},
			"/api/v1/reports/coverage":     {"year", "agency", "funding_source", "group_by", "format"},
			"/api/v1/reports/overlaps":     {"year", "agency", "funding_source", "format"},
			"/lang/en":                     {"back"},
			"/programs":                    {"year", "funding_source", "kind"},
			"/recipients":                  {"q", "region", "size_class", "kind"},
			"/disbursements":               {"program", "status", "from", "to"},
			"/reports/realization":         {"year", "agency", "funding_source", "group_by"},
			"/api/v1/programs/HOSTILE-000": {"x"},
		}
		n := 0
		for path, params := range lists {
			for _, p := range params {
				for _, v := range []string{"%00", "a%00b", "%FF", "%C3%28", strings.Repeat("a", 2001)} {
					rec := serve(e, httptestRequest("GET", path+"?"+p+"="+v, "Bearer "+e.tokens[e.w.Admin]))
					if rec.Code != http.StatusBadRequest {
						t.Fatalf("GET %s?%s=%.20s: %d %s", path, p, v, rec.Code, rec.Body.String())
					}
					n++
				}
			}
		}
		for _, q := range []string{"/api/v1/programs?year=99999999999", "/api/v1/programs?year=-1", "/api/v1/reports/realization?year=2147483648",
			"/api/v1/disbursements?recipient_id=99999999999999999999", "/api/v1/programs?limit=99999999999999", "/api/v1/programs?cursor=-5",
			"/api/v1/programs/%00", "/api/v1/recipients/%FF", "/api/v1/programs/a%00b/budget-revisions"} {
			rec := serve(e, httptestRequest("GET", q, "Bearer "+e.tokens[e.w.Admin]))
			if rec.Code != http.StatusBadRequest && rec.Code != http.StatusNotFound {
				t.Fatalf("GET %s: %d %s", q, rec.Code, rec.Body.String())
			}
			n++
		}
		t.Logf("%d requests with hostile query parameters or paths refused", n)
	})
	t.Run("IdempotencyKey", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		before := e.auditRows(t)
		for _, key := range []string{"\xff\xfe", "key\x00", "k\u00e9y", "two words", strings.Repeat("k", 256)} {
			rec := e.keyed(e.w.Admin, "/api/v1/programs", key, `{"code":"IDEM-X"}`)
			if m := e.expect(t, rec, http.StatusBadRequest); errorCode(m) != "bad_request" {
				t.Fatalf("key %q: %v", key, m)
			}
		}
		if after := e.auditRows(t); after != before {
			t.Fatalf("the audit trail grew from %d to %d", before, after)
		}
	})
	t.Run("Forms", func(t *testing.T) {
		// The sign-in form and a page form with a NUL or bad UTF-8: 422 naming
		// the field, nothing written (not even a failed sign-in).
		t.Parallel()
		e := newEnv(t)
		before := e.auditRows(t)
		for _, tc := range []struct{ path, field, value string }{
			{"/login", "email", "officer@pilar.test\x00"},
			{"/login", "password", "\xff"},
			{"/recipients", "name", "Usaha\x00"},
			{"/recipients", "address", strings.Repeat("a", 501)},
		} {
			form := url.Values{"email": {"officer@pilar.test"}, "password": {"x"}, "kind": {"umkm"}, "name": {"U"}}
			form.Set(tc.field, tc.value)
			req := httptest.NewRequest("POST", tc.path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := serve(e, req)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("POST %s with %s = %.20q: %d", tc.path, tc.field, tc.value, rec.Code)
			}
		}
		if after := e.auditRows(t); after != before {
			t.Fatalf("the audit trail grew from %d to %d", before, after)
		}
	})
	t.Run("ImportCells", func(t *testing.T) {
		// A CSV holding a NUL or bytes that are not UTF-8 is refused as a
		// whole (422 naming the file); an over-long cell refuses its row,
		// naming the field, and the good rows are imported.
		t.Parallel()
		e := newEnv(t)
		head := "kind,name,nik,address\numkm,Amplang,6472014506850001,Samarinda\n"
		for _, bad := range []string{"umkm,Bad\x00Name,6472014506850002,x\n", "umkm,Rp\xff,6472014506850003,x\n"} {
			if m := e.expect(t, e.upload(t, "/api/v1/recipients/import", head+bad), 422); errorField(m, "file") == "" {
				t.Fatalf("%q: %v", bad, m)
			}
		}
		m := e.expect(t, e.upload(t, "/api/v1/recipients/import", head+"umkm,Long,6472014506850004,"+strings.Repeat("a", 501)+"\n"+
			"umkm,"+strings.Repeat("N", 201)+",6472014506850005,x\n"), 200)
		if m["created"] != 1.0 || m["failed"] != 2.0 {
			t.Fatalf("%v", m)
		}
		fields := map[string]bool{}
		for _, x := range m["errors"].([]any) {
			fields[fmt.Sprint(x.(map[string]any)["row"], " ", x.(map[string]any)["field"])] = true
		}
		if !fields["3 address"] || !fields["4 name"] {
			t.Fatalf("errors %v", m["errors"])
		}
		dm := e.expect(t, e.upload(t, "/api/v1/disbursements/import", "program_code,recipient_nik,amount,disbursed_on,note\nX,6472014506850001,1,2024-03-01,"+strings.Repeat("n", 2001)+"\n"), 200)
		if dm["failed"] != 1.0 {
			t.Fatalf("disbursement import: %v", dm)
		}
	})
}

// TestAmountNotation: every amount of the JSON API is read in plain
// notation with at most two decimals as written, in every field alike:
// "10.000" (ten thousand to an Indonesian writer) is refused, not taken
// as Rp10 in one field and Rp10.000 in another; nothing is written.
func TestAmountNotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	program, recipient, draft := hostileWorld(t, e)
	before := e.auditRows(t)
	for _, tc := range []struct {
		method, path, field string
		body                map[string]any
	}{
		{"PATCH", fmt.Sprintf("/api/v1/disbursements/%d", draft), "amount", map[string]any{}},
		{"POST", "/api/v1/disbursements", "amount", map[string]any{"program": program, "recipient_id": recipient, "disbursed_on": "2024-03-01", "tranche": 2}},
		{"POST", "/api/v1/programs/" + program + "/budget-revisions", "budget", map[string]any{"reason": "APBD-P"}},
		{"PATCH", fmt.Sprintf("/api/v1/recipients/%d", recipient), "capital", map[string]any{}},
		{"PATCH", fmt.Sprintf("/api/v1/recipients/%d", recipient), "annual_sales", map[string]any{}},
		{"POST", "/api/v1/recipients", "capital", map[string]any{"kind": "umkm", "name": "Usaha Baru", "nik": "6472014506800002"}},
	} {
		for _, v := range []any{"10.000", "2.400.000", "2400000.000", json.Number("10.000")} {
			body := map[string]any{tc.field: v}
			for k, x := range tc.body {
				body[k] = x
			}
			m := e.expect(t, e.do(t, e.w.Admin, tc.method, tc.path, body), http.StatusUnprocessableEntity)
			if errorCode(m) != "validation_failed" || errorField(m, tc.field) == "" {
				t.Fatalf("%s %s %s=%v: %v", tc.method, tc.path, tc.field, v, m)
			}
		}
	}
	if after := e.auditRows(t); after != before {
		t.Fatalf("refused amounts grew the audit trail from %d to %d", before, after)
	}
	// Pages take the Indonesian forms and hand on the plain one.
	m := newMatrix(t)
	rec := m.send(m.e.w.Officer, "POST", "/recipients/new", url.Values{"kind": {"umkm"}, "name": {"Usaha Halaman"}, "nik": {"6472014506800003"}, "capital": {"10.000"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("page with capital 10.000: %d %.500s", rec.Code, rec.Body.String())
	}
	loc, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
	if r := m.e.expect(t, m.e.do(t, m.e.w.Admin, "GET", "/api/v1"+loc, nil), 200); r["capital"] != "10000.00" {
		t.Fatalf("capital 10.000 typed on the page is %v, want 10000.00", r["capital"])
	}
}
