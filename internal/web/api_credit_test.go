package web_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"pilar/internal/finance"
)

var creditSeq atomic.Int64

// paidLoanAPI records through the API a loan of Rp10.000.000 over 3 months
// at 12 % a year (first due 10 February 2024) in a fresh credit program
// with a 6 % subsidy, pays it on 10 January 2024, and returns its id and the
// recipient's NIK.
func paidLoanAPI(t *testing.T, e *env, kind string) (int64, string) {
	t.Helper()
	seq := creditSeq.Add(1)
	code := fmt.Sprintf("KUR-API-%03d", seq)
	p := programBody(code, "100000000")
	p["kind"], p["funding_source"], p["subsidy_rate"], p["schedule_kind"] = "credit", "BI", "6", kind
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", p), 201)
	nik := fmt.Sprintf("647201010190%04d", 5000+seq)
	r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Warung " + code, "nik": nik}), 201)
	d := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", map[string]any{
		"program": code, "recipient_id": r["id"], "amount": "10000000", "disbursed_on": "2024-01-10",
		"loan": map[string]any{"tenor_months": 3, "interest_rate": 12, "first_due_on": "2024-02-10"}}), 201)
	id := int64(d["id"].(float64))
	if loan, _ := d["loan"].(map[string]any); loan["interest_rate"] != "12.00" || loan["tenor_months"] != float64(3) {
		t.Fatalf("loan %v", d["loan"])
	}
	e.expect(t, e.do(t, e.w.Officer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/submit", id), map[string]any{}), 200)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/approve", id), map[string]any{}), 200)
	e.expect(t, e.do(t, e.w.Reviewer, "POST", fmt.Sprintf("/api/v1/disbursements/%d/pay", id), map[string]any{"paid_on": "2024-01-10"}), 200)
	return id, nik
}

func TestAPI_Credit(t *testing.T) {
	e := newEnv(t)

	t.Run("Schedule", func(t *testing.T) {
		id, _ := paidLoanAPI(t, e, "flat")
		v := e.expect(t, e.do(t, e.w.Auditor, "GET", fmt.Sprintf("/api/v1/disbursements/%d/schedule", id), nil), 200)
		s := v["schedule"].([]any)
		last := s[2].(map[string]any)
		if v["schedule_kind"] != "flat" || len(s) != 3 || last["principal"] != "3333333.34" || last["interest"] != "100000.00" || last["due_on"] != "2024-04-10" {
			t.Fatalf("schedule %v", v)
		}
		if pos := v["position"].(map[string]any); pos["outstanding"] != "10000000.00" || pos["kolektibilitas"] != float64(5) {
			t.Fatalf("never repaid, as of today: %v", pos)
		}
	})

	t.Run("RecordRepayment", func(t *testing.T) {
		id, _ := paidLoanAPI(t, e, "annuity")
		path := fmt.Sprintf("/api/v1/disbursements/%d/repayments", id)
		r := e.expect(t, e.do(t, e.w.Officer, "POST", path, map[string]any{"paid_on": "2024-02-10", "amount": "3400221.11", "reference": "TRX-1"}), 201)
		if r["interest"] != "100000.00" || r["principal"] != "3300221.11" || r["excess"] != "0.00" || r["created_by"] != e.w.Officer.Email {
			t.Fatalf("repayment %v", r)
		}
		for _, c := range []struct {
			body   map[string]any
			status int
			code   string
		}{
			{map[string]any{"paid_on": "2024-02-10", "amount": "-5"}, 422, "validation_failed"},
			{map[string]any{"paid_on": "2024-02-30", "amount": "5"}, 422, "validation_failed"},
			{map[string]any{"paid_on": "2024-02-09", "amount": "5"}, 409, "conflict"},
		} {
			got := e.expect(t, e.do(t, e.w.Officer, "POST", path, c.body), c.status)
			if errorCode(got) != c.code {
				t.Fatalf("%v: %v", c.body, got)
			}
		}
		e.expect(t, e.do(t, e.w.Officer, "POST", path, `{"amount": "5", "paid_on": 7}`), 422)
		list := e.expect(t, e.do(t, e.w.Auditor, "GET", path, nil), 200)
		if items := list["items"].([]any); len(items) != 1 {
			t.Fatalf("repayments %v", list)
		}
		// Repayments are in the audit trail.
		audit := e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/audit?entity=repayment&entity_id="+fmt.Sprint(int64(r["id"].(float64))), nil), 200)
		if items := audit["items"].([]any); len(items) != 1 {
			t.Fatalf("audit %v", audit)
		}
		// A disbursement that does not lend has no schedule.
		e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements/999999/schedule", nil), 404)
	})

	t.Run("Import", func(t *testing.T) {
		id, nik := paidLoanAPI(t, e, "annuity")
		csv := "loan_id;recipient_nik;paid_on;amount;reference\n" +
			fmt.Sprintf("%d;;2024-02-10;3400221.11;TRX-1\n", id) + // 2 created
			fmt.Sprintf("%d;;2024-02-10;3400221.11;TRX-1\n", id) + // 3 the same again: skipped
			fmt.Sprintf(";%s;10/03/2024;3.400.221,11;TRX-2\n", nik) + // 4 by NIK, Indonesian amount and date: created
			fmt.Sprintf("%d;;2024-02-01;100;TRX-3\n", id) + // 5 before the latest repayment
			"999999;;2024-03-11;100;\n" + // 6 no such loan
			fmt.Sprintf("%d;;31/02/2024;100;\n", id) + // 7 no such day
			fmt.Sprintf("%d;;2024-03-11;abc;\n", id) + // 8 not an amount
			";;2024-03-11;100;\n" // 9 no loan named
		rec := serve(e, authed(e, multipartRequest(t, "POST", "/api/v1/repayments/import", "repayments.csv", csv), e.w.Officer))
		got := e.expect(t, rec, 200)
		if got["created"] != float64(2) || got["skipped"] != float64(1) || got["failed"] != float64(5) || fmt.Sprint(got["skipped_rows"]) != "[3]" {
			t.Fatalf("import %v", got)
		}
		var rows []float64
		for _, x := range got["errors"].([]any) {
			rows = append(rows, x.(map[string]any)["row"].(float64))
		}
		if fmt.Sprint(rows) != "[5 6 7 8 9]" {
			t.Fatalf("error rows %v: %v", rows, got["errors"])
		}
		list := e.expect(t, e.do(t, e.w.Officer, "GET", fmt.Sprintf("/api/v1/disbursements/%d/repayments", id), nil), 200)
		if items := list["items"].([]any); len(items) != 2 || items[1].(map[string]any)["principal"] != "3333223.32" {
			t.Fatalf("repayments %v", list)
		}
		// A missing column refuses the file whole.
		rec = serve(e, authed(e, multipartRequest(t, "POST", "/api/v1/repayments/import", "r.csv", "loan_id,amount\n1,100\n"), e.w.Officer))
		if got := e.expect(t, rec, http.StatusUnprocessableEntity); errorField(got, "columns") != "paid_on" {
			t.Fatalf("missing column: %v", got)
		}
		// Atomic with a bad row writes nothing.
		id2, _ := paidLoanAPI(t, e, "annuity")
		bad := fmt.Sprintf("loan_id,paid_on,amount\n%d,2024-02-10,100\n%d,2024-02-10,x\n", id2, id2)
		rec = serve(e, authed(e, multipartRequest(t, "POST", "/api/v1/repayments/import?atomic=true", "r.csv", bad), e.w.Officer))
		e.expect(t, rec, http.StatusUnprocessableEntity)
		list = e.expect(t, e.do(t, e.w.Officer, "GET", fmt.Sprintf("/api/v1/disbursements/%d/repayments", id2), nil), 200)
		if items := list["items"].([]any); len(items) != 0 {
			t.Fatalf("atomic import wrote %v", items)
		}
	})

	t.Run("DisbursementImportWithLoanTerms", func(t *testing.T) {
		p := programBody("KUR-IMPOR-2024", "100000000")
		p["kind"], p["funding_source"] = "credit", "BI"
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", p), 201)
		for i, nik := range []string{"6472010101909101", "6472010101909102"} {
			e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": fmt.Sprint("Impor ", i), "nik": nik}), 201)
		}
		csv := "program_code,recipient_nik,amount,disbursed_on,tenor_months,interest_rate,first_due_on\n" +
			"KUR-IMPOR-2024,6472010101909101,5.000.000,2024-03-01,12,\"6,5\",01/04/2024\n" +
			"KUR-IMPOR-2024,6472010101909102,5000000,2024-03-01,0,6,2024-04-01\n"
		got := e.expect(t, serve(e, authed(e, multipartRequest(t, "POST", "/api/v1/disbursements/import", "d.csv", csv), e.w.Officer)), 200)
		errs, _ := got["errors"].([]any)
		if got["created"] != float64(1) || got["failed"] != float64(1) || len(errs) != 1 || errs[0].(map[string]any)["field"] != "loan.tenor_months" {
			t.Fatalf("import %v", got)
		}
		list := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/disbursements?program=KUR-IMPOR-2024", nil), 200)
		items := list["items"].([]any)
		loan, _ := items[0].(map[string]any)["loan"].(map[string]any)
		if len(items) != 1 || loan["interest_rate"] != "6.50" || loan["first_due_on"] != "2024-04-01" {
			t.Fatalf("imported %v", items)
		}
	})

	t.Run("RevolvingAvailable", func(t *testing.T) {
		p := programBody("DANA-BERGULIR-API", "1000.00")
		p["kind"], p["revolving"] = "credit", true
		got := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", p), 201)
		if got["revolving"] != true || got["schedule_kind"] != "annuity" || got["available"] != "1000.00" {
			t.Fatalf("program %v", got)
		}
		g := programBody("GRANT-REVOLVING-API", "1000.00")
		g["revolving"] = true
		if got := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", g), 422); errorField(got, "revolving") == "" {
			t.Fatalf("a revolving grant: %v", got)
		}
	})
}

// authed gives req u's bearer token.
func authed(e *env, req *http.Request, u *finance.User) *http.Request {
	req.Header.Set("Authorization", "Bearer "+e.tokens[u])
	return req
}

// TestOpenAPI_Credit checks the credit routes' real responses against /openapi.json.
func TestOpenAPI_Credit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	router := openAPIRouter(t, e)
	id, _ := paidLoanAPI(t, e, "annuity")
	loan := fmt.Sprintf("/api/v1/disbursements/%d", id)
	for _, c := range []struct {
		name, method, path string
		body               any
		status             int
	}{
		{"Repayment", "POST", loan + "/repayments", map[string]any{"paid_on": "2024-02-10", "amount": "3400221.11"}, 201},
		{"Repayments", "GET", loan + "/repayments", nil, 200},
		{"Schedule", "GET", loan + "/schedule", nil, 200},
		{"Disbursement", "GET", loan, nil, 200},
		{"Credit", "GET", "/api/v1/reports/credit?year=2024&as_of=2024-06-30&group_by=kolektibilitas", nil, 200},
		{"Subsidy", "GET", "/api/v1/reports/subsidy?year=2024&as_of=2024-06-30", nil, 200},
		{"BadAsOf", "GET", "/api/v1/reports/credit?as_of=2024-13-01", nil, 400},
		{"BeforeTheLoan", "POST", loan + "/repayments", map[string]any{"paid_on": "2024-01-09", "amount": "1"}, 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := e.do(t, e.w.Admin, c.method, c.path, c.body)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body.String())
			}
			validateResponse(t, router, c.method, c.path, c.body != nil, rec)
		})
	}
}
