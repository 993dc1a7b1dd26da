package web_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	m := e.expect(t, e.do(t, nil, "GET", "/healthz", nil), 200)
	if m["status"] != "ok" {
		t.Fatalf("got %v", m)
	}
}

func TestAPI_Authentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for name, header := range map[string]string{"none": "", "bad": "Bearer pilar_nope", "basic": "Basic YWxhZGRpbjpvcGVu"} {
		t.Run(name, func(t *testing.T) {
			req := httptestRequest("GET", "/api/v1/programs", header)
			rec := serve(e, req)
			m := e.expect(t, rec, 401)
			if errorCode(m) != "unauthorized" {
				t.Fatalf("code %v", m)
			}
		})
	}
	t.Run("UnknownPath", func(t *testing.T) {
		m := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/nothing-here", nil), 404)
		if errorCode(m) != "not_found" {
			t.Fatalf("got %v", m)
		}
	})
}

// withProgram is a fresh environment holding program DAK-PK-2024 of the
// fixture's agency with a budget of 2100000000.50.
func withProgram(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("DAK-PK-2024", 2100000000.5)), 201)
	return e
}

func TestAPI_Programs(t *testing.T) {
	t.Parallel()
	t.Run("CreateWithNumberBudget", func(t *testing.T) {
		e := newEnv(t)
		m := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("DAK-PK-2024", 2100000000.5)), 201)
		if m["budget"] != "2100000000.50" || m["original_budget"] != "2100000000.50" || m["committed"] != "0.00" ||
			m["remaining"] != "2100000000.50" || m["agency"] != "DKUMKM-KALTIM" || m["fiscal_year"] != float64(2024) {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("Get", func(t *testing.T) {
		e := withProgram(t)
		m := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/programs/DAK-PK-2024", nil), 200)
		if m["code"] != "DAK-PK-2024" || m["target_recipients"] != float64(659) {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("OtherAgencyForbidden", func(t *testing.T) {
		e := withProgram(t)
		m := e.expect(t, e.do(t, e.w.OtherOfficer, "GET", "/api/v1/programs/DAK-PK-2024", nil), 403)
		if errorCode(m) != "forbidden" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		e := newEnv(t)
		e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs/NOPE", nil), 404)
	})
	t.Run("Duplicate", func(t *testing.T) {
		e := withProgram(t)
		m := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("DAK-PK-2024", "1")), 409)
		if errorCode(m) != "duplicate" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("OfficerMayNotCreate", func(t *testing.T) {
		e := newEnv(t)
		e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/programs", programBody("X-OFF", "1")), 403)
	})
	t.Run("ReviewerOtherAgencyForbidden", func(t *testing.T) {
		e := newEnv(t)
		e.expect(t, e.do(t, e.w.OtherReviewer, "POST", "/api/v1/programs", programBody("X-REV", "1")), 403)
	})
	t.Run("PatchBudgetRefused", func(t *testing.T) {
		e := withProgram(t)
		m := e.expect(t, e.do(t, e.w.Admin, "PATCH", "/api/v1/programs/DAK-PK-2024", map[string]any{"budget": "5"}), 422)
		if errorField(m, "budget") == "" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("Patch", func(t *testing.T) {
		e := withProgram(t)
		m := e.expect(t, e.do(t, e.w.Reviewer, "PATCH", "/api/v1/programs/DAK-PK-2024", map[string]any{"name": "Pelatihan Kewirausahaan", "target_recipients": 700}), 200)
		if m["name"] != "Pelatihan Kewirausahaan" || m["target_recipients"] != float64(700) || m["budget"] != "2100000000.50" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("ListFiltersAndPages", func(t *testing.T) {
		e := withProgram(t)
		for i := 0; i < 3; i++ {
			e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody(fmt.Sprintf("PEN-%d", i), "1000")), 201)
		}
		m := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs?limit=2&year=2024", nil), 200)
		items := m["items"].([]any)
		if len(items) != 2 || m["next_cursor"] == "" {
			t.Fatalf("page 1: %v", m)
		}
		m = e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs?limit=2&year=2024&cursor="+m["next_cursor"].(string), nil), 200)
		if len(m["items"].([]any)) != 2 || m["next_cursor"] != "" {
			t.Fatalf("page 2: %v", m)
		}
		m = e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs?year=2031", nil), 200)
		if len(m["items"].([]any)) != 0 {
			t.Fatalf("year filter: %v", m)
		}
	})
}

func TestAPI_BadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name   string
		body   any
		status int
		code   string
		field  string
	}{
		{"MalformedJSON", `{"code": "X",`, 400, "bad_request", ""},
		{"NotAnObject", `[1,2]`, 400, "bad_request", ""},
		{"Empty", ``, 400, "bad_request", ""},
		{"YearAsString", `{"fiscal_year": "2024"}`, 422, "validation_failed", "fiscal_year"},
		{"Scientific", programBody("SCI", "1e3"), 422, "validation_failed", "budget"},
		{"ScientificNumber", `{"code":"SCI","budget":1e3}`, 422, "validation_failed", "budget"},
		{"ThreeDecimals", programBody("DEC", "1.234"), 422, "validation_failed", "budget"},
		{"Zero", programBody("ZERO", "0"), 422, "validation_failed", "budget"},
		{"Negative", programBody("NEG", -5), 422, "validation_failed", "budget"},
		{"TooLarge", programBody("BIG", "1000000000000000.01"), 422, "validation_failed", "budget"},
		{"UnknownAgency", func() any { b := programBody("AG", "1"); b["agency"] = "NOPE"; return b }(), 422, "validation_failed", "agency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", c.body), c.status)
			if errorCode(m) != c.code || (c.field != "" && errorField(m, c.field) == "") {
				t.Fatalf("got %v", m)
			}
		})
	}
	t.Run("LimitIsTheMaximum", func(t *testing.T) {
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("MAX", "1000000000000000")), 201)
	})
	t.Run("OversizedBody", func(t *testing.T) {
		big := `{"name":"` + strings.Repeat("a", 2<<20) + `"}`
		m := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", big), http.StatusRequestEntityTooLarge)
		if errorCode(m) != "payload_too_large" {
			t.Fatalf("got %v", m)
		}
	})
	t.Run("WrongContentType", func(t *testing.T) {
		req := httptestRequest("POST", "/api/v1/programs", "Bearer "+e.tokens[e.w.Admin])
		req.Header.Set("Content-Type", "text/plain")
		e.expect(t, serve(e, req), 400)
	})
	t.Run("NothingWritten", func(t *testing.T) {
		e := newEnv(t) // of its own, so that it stands alone
		for _, c := range cases {
			e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", c.body), c.status)
		}
		m := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/programs", nil), 200)
		if n := len(m["items"].([]any)); n != 0 {
			t.Fatalf("%d programs exist after refused input, want none", n)
		}
	})
}

func TestAPI_RecipientsAndDisbursements(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", func() map[string]any {
		b := programBody("BPUM-2024", "24000000")
		b["amount_per_recipient"] = "2400000"
		return b
	}()), 201)
	r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{
		"kind": "umkm", "name": "Amplang Bu Siti", "nik": "6472014506800001", "phone": "0812-3456-7890",
		"account_no": "1234567890", "capital": "250000000",
	}), 201)
	if r["size_class"] != "mikro" || r["nik"] != "6472********0001" || r["phone"] != "**********7890" || r["capital"] != "250000000.00" {
		t.Fatalf("recipient as officer: %v", r)
	}
	id := r["id"].(float64)
	full := e.expect(t, e.do(t, e.w.Auditor, "GET", fmt.Sprintf("/api/v1/recipients/%.0f", id), nil), 200)
	if full["nik"] != "6472014506800001" || full["phone"] != "+6281234567890" {
		t.Fatalf("recipient as auditor: %v", full)
	}
	dup := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Lagi", "nik": "6472014506800001"}), 409)
	// The officer learns that the NIK is taken, not by whom: with the
	// masked NIK shown, the id would confirm the full one (issue 17, item 4).
	if msg := dup["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "already registered") || strings.Contains(msg, fmt.Sprintf("%.0f", id)) {
		t.Fatalf("duplicate must say the NIK is taken, without the existing id: %v", dup)
	}
	e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "X", "nik": "123"}), 422)
	e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients/999", nil), 404)
	e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients/abc", nil), 404)

	body := map[string]any{"program": "BPUM-2024", "recipient_id": id, "amount": 2400000, "disbursed_on": "2024-03-01"}
	d := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", body), 201)
	if d["status"] != "draft" || d["amount"] != "2400000.00" || d["created_by"] != e.w.Officer.Email || d["tranche"] != float64(1) || d["program"] != "BPUM-2024" {
		t.Fatalf("disbursement: %v", d)
	}
	did := d["id"].(float64)
	if m := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", body), 409); errorCode(m) != "duplicate" {
		t.Fatalf("second at the same tranche: %v", m)
	}
	wrong := map[string]any{"program": "BPUM-2024", "recipient_id": id, "amount": "2500000", "disbursed_on": "2024-03-01", "tranche": 2}
	// A program strict about its fixed amount refuses another (otherwise it is flagged; see TestAPI_Flags).
	e.expect(t, e.do(t, e.w.Admin, "PATCH", "/api/v1/programs/BPUM-2024", map[string]any{"amount_per_recipient_strict": true}), 200)
	if m := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", wrong), 422); errorField(m, "amount") == "" {
		t.Fatalf("fixed amount: %v", m)
	}
	e.expect(t, e.do(t, e.w.Admin, "PATCH", "/api/v1/programs/BPUM-2024", map[string]any{"amount_per_recipient_strict": false}), 200)
	for field, b := range map[string]map[string]any{
		"program":      {"program": "NOPE", "recipient_id": id, "amount": "1", "disbursed_on": "2024-03-01"},
		"recipient_id": {"program": "BPUM-2024", "recipient_id": 9999, "amount": "2400000", "disbursed_on": "2024-03-01", "tranche": 3},
	} {
		if m := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", b), 422); errorField(m, field) == "" {
			t.Fatalf("unknown %s: %v", field, m)
		}
	}
	e.expect(t, e.do(t, e.w.OtherOfficer, "GET", fmt.Sprintf("/api/v1/disbursements/%.0f", did), nil), 403)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", "/api/v1/disbursements", body), 403)
	m := e.expect(t, e.do(t, e.w.Officer, "PATCH", fmt.Sprintf("/api/v1/disbursements/%.0f", did), map[string]any{"note": "tahap 1", "payment_ref": "TRX1"}), 200)
	if m["note"] != "tahap 1" || m["payment_ref"] != "TRX1" || m["amount"] != "2400000.00" {
		t.Fatalf("patch: %v", m)
	}
	list := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements?program=BPUM-2024&status=draft", nil), 200)
	if len(list["items"].([]any)) != 1 {
		t.Fatalf("list: %v", list)
	}
	if other := e.expect(t, e.do(t, e.w.OtherOfficer, "GET", "/api/v1/disbursements", nil), 200); len(other["items"].([]any)) != 0 {
		t.Fatalf("other agency sees: %v", other)
	}
	e.expect(t, e.do(t, e.w.Officer, "DELETE", fmt.Sprintf("/api/v1/disbursements/%.0f", did), nil), 204)
	e.expect(t, e.do(t, e.w.Officer, "GET", fmt.Sprintf("/api/v1/disbursements/%.0f", did), nil), 404)
}

// TestAPI_ErrorLanguage: JSON errors are English unless Accept-Language
// asks for Indonesian; field messages too.
func TestAPI_ErrorLanguage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ accept, message, field string }{
		{"", "some fields are invalid", "is required"},
		{"en-US,en;q=0.9", "some fields are invalid", "is required"},
		{"id-ID,id;q=0.9,en;q=0.8", "beberapa isian tidak sah", "wajib diisi"},
	} {
		t.Run("Accept="+c.accept, func(t *testing.T) {
			e := newEnv(t)
			req := httptestRequest("POST", "/api/v1/recipients", "Bearer "+e.tokens[e.w.Officer])
			req.Body = io.NopCloser(strings.NewReader(`{"kind":"umkm","nik":"6472014506800001"}`))
			req.Header.Set("Content-Type", "application/json")
			if c.accept != "" {
				req.Header.Set("Accept-Language", c.accept)
			}
			m := e.expect(t, serve(e, req), 422)
			if msg := m["error"].(map[string]any)["message"]; msg != c.message || errorField(m, "name") != c.field {
				t.Fatalf("message %q, name %q; want %q, %q", msg, errorField(m, "name"), c.message, c.field)
			}
		})
	}
}
