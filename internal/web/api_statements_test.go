package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"pilar/internal/finance"
)

// statementUpload posts a statement file with form fields as u.
func (e *env) statementUpload(t testing.TB, u *finance.User, content string, fields map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "statement")
	io.WriteString(fw, content)
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/statements", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens[u])
	return serve(e, req)
}

func TestStatementsAPI(t *testing.T) {
	t.Parallel()
	csv := "booking_date;amount;reference;counterparty_account\n01/07/2024;-2.400.000,00;BPUM-1;1234567890\n02/07/2024;-999;;\n"
	fields := map[string]string{"format": "csv", "account": "0123456789"}
	t.Run("UploadReconcileResultShape", func(t *testing.T) {
		e := newEnv(t)
		// a paid disbursement of the agency with the line's reference
		p := e.do(t, e.w.Admin, "POST", "/api/v1/programs", map[string]any{"code": "BPUM-API-2024", "name": "BPUM", "kind": "grant",
			"funding_source": "APBN", "agency": e.w.Agency.Code, "fiscal_year": 2024, "budget": "100000000", "starts_on": "2024-01-01", "ends_on": "2024-12-31"})
		if p.Code != 201 {
			t.Fatal(p.Body.String())
		}
		r := e.do(t, e.w.Admin, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Toko Sari", "nik": "6472010101900001", "account_no": "1234567890"})
		var rid struct{ ID int64 }
		json.Unmarshal(r.Body.Bytes(), &rid)
		d := e.do(t, e.w.Officer, "POST", "/api/v1/disbursements", map[string]any{"program": "BPUM-API-2024", "recipient_id": rid.ID, "amount": "2400000", "disbursed_on": "2024-06-01"})
		var did struct{ ID int64 }
		json.Unmarshal(d.Body.Bytes(), &did)
		for _, a := range []struct {
			u    *finance.User
			name string
		}{{e.w.Officer, "submit"}, {e.w.Reviewer, "approve"}, {e.w.Officer, "pay"}} {
			if rec := e.do(t, a.u, "POST", fmt.Sprintf("/api/v1/disbursements/%d/%s", did.ID, a.name), map[string]any{"paid_on": "2024-07-01", "payment_ref": "BPUM-1"}); rec.Code != 200 {
				t.Fatalf("%s: %s", a.name, rec.Body.String())
			}
		}
		rec := e.statementUpload(t, e.w.Officer, csv, fields)
		if rec.Code != 201 {
			t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
		}
		var up struct {
			Statements []map[string]any `json:"statements"`
		}
		json.Unmarshal(rec.Body.Bytes(), &up)
		st := up.Statements[0]
		if st["line_count"] != 2.0 || st["currency"] != "IDR" || st["format"] != "csv" || st["balanced"] != true || st["difference"] != "0.00" {
			t.Errorf("statement %v", st)
		}
		// again: nothing created, 200, the duplicate named
		again := e.statementUpload(t, e.w.Reviewer, csv, fields)
		if again.Code != 200 || !strings.Contains(again.Body.String(), `"statements":[]`) || !strings.Contains(again.Body.String(), "nothing was created") {
			t.Errorf("again: %d %s", again.Code, again.Body.String())
		}
		got := e.do(t, e.w.Reviewer, "GET", fmt.Sprintf("/api/v1/statements/%v", st["id"]), nil)
		if !strings.Contains(got.Body.String(), `"amount":"-2400000.00"`) || !strings.Contains(got.Body.String(), `"counterparty_account":"******7890"`) {
			t.Errorf("statement: %s", got.Body.String())
		}
		rc := e.do(t, e.w.Officer, "POST", "/api/v1/reconciliations", map[string]any{"statement_id": st["id"]})
		if rc.Code != 201 {
			t.Fatalf("reconcile: %d %s", rc.Code, rc.Body.String())
		}
		var res map[string]any
		json.Unmarshal(rc.Body.Bytes(), &res)
		for _, k := range []string{"id", "statement_id", "matched", "unmatched_disbursements", "unmatched_lines", "amount_mismatches", "totals"} {
			if _, ok := res[k]; !ok {
				t.Errorf("result has no %q: %s", k, rc.Body.String())
			}
		}
		m := res["matched"].([]any)[0].(map[string]any)
		if m["disbursement_id"] != float64(did.ID) || m["rule"] != "reference" || m["confirmed"] != true || m["match_id"] == nil || m["line_id"] == nil {
			t.Errorf("match %v", m)
		}
		totals := res["totals"].(map[string]any)
		if totals["paid"] != "2400000.00" || totals["matched"] != "2400000.00" || totals["unmatched"] != "0.00" || totals["unmatched_lines"] != "999.00" {
			t.Errorf("totals %v", totals)
		}
		// The run is counted in the metrics with its lines.
		fams := scrape(t, e, "127.0.0.1:9")
		lines := len(res["matched"].([]any)) + len(res["unmatched_lines"].([]any))
		if value(fams, "pilar_reconciliations_total", "outcome", "ok") != 1 || value(fams, "pilar_reconciliation_lines_total", "result", "matched") != 1 ||
			value(fams, "pilar_reconciliation_lines_total", "result", "matched")+value(fams, "pilar_reconciliation_lines_total", "result", "unmatched") != float64(lines) {
			t.Errorf("reconciliation metrics: runs %v, matched %v, unmatched %v",
				value(fams, "pilar_reconciliations_total", "outcome", "ok"), value(fams, "pilar_reconciliation_lines_total", "result", "matched"), value(fams, "pilar_reconciliation_lines_total", "result", "unmatched"))
		}
		get := e.do(t, e.w.Auditor, "GET", fmt.Sprintf("/api/v1/reconciliations/%v", res["id"]), nil)
		if get.Code != 200 || !strings.Contains(get.Body.String(), `"rule":"reference"`) {
			t.Errorf("GET: %d %s", get.Code, get.Body.String())
		}
		dis := e.do(t, e.w.Officer, "GET", fmt.Sprintf("/api/v1/disbursements/%d", did.ID), nil)
		if !strings.Contains(dis.Body.String(), `"reconciled":true`) {
			t.Errorf("disbursement: %s", dis.Body.String())
		}
		if rec := e.do(t, e.w.OtherOfficer, "GET", fmt.Sprintf("/api/v1/reconciliations/%v", res["id"]), nil); rec.Code != 403 {
			t.Errorf("other agency: %d", rec.Code)
		}
	})
	t.Run("LongStatement", func(t *testing.T) {
		// the API gives every line, streamed; the page a page of them at a time
		e := newEnv(t)
		var b strings.Builder
		b.WriteString("booking_date,amount,reference,counterparty_account\n")
		const n = 1203
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "2024-07-01,-%d,REF-%d,99887766%d\n", i, i, i%10)
		}
		rec := e.statementUpload(t, e.w.Officer, b.String(), fields)
		if rec.Code != 201 {
			t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
		}
		var up struct{ Statements []struct{ ID int64 } }
		json.Unmarshal(rec.Body.Bytes(), &up)
		id := up.Statements[0].ID
		get := e.do(t, e.w.Reviewer, "GET", fmt.Sprintf("/api/v1/statements/%d", id), nil)
		var st struct {
			ID        int64
			LineCount int `json:"line_count"`
			Balanced  *bool
			Lines     []struct {
				Amount              string
				Reference           string
				CounterpartyAccount string `json:"counterparty_account"`
			}
		}
		if err := json.Unmarshal(get.Body.Bytes(), &st); err != nil || get.Code != 200 || get.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("GET: %d %v %.300s", get.Code, err, get.Body.String())
		}
		if st.ID != id || st.LineCount != n || st.Balanced == nil || len(st.Lines) != n || st.Lines[0].Amount != "-1.00" ||
			st.Lines[n-1].Reference != "REF-1203" || st.Lines[n-1].CounterpartyAccount != "*****7663" {
			t.Errorf("statement %d, %d lines of %d, first %+v, last %+v", st.ID, len(st.Lines), st.LineCount, st.Lines[0], st.Lines[len(st.Lines)-1])
		}
		page := e.pageAs(t, e.w.Reviewer, fmt.Sprintf("/statements/%d", id)).Body.String()
		if strings.Count(page, `<tr id="line-`) != 500 || !strings.Contains(page, "Lines 1–500 of 1,203.") ||
			!strings.Contains(page, fmt.Sprintf(`href="/statements/%d?after=500"`, id)) || strings.Contains(page, "REF-501<") {
			t.Errorf("first page: %d rows, %q", strings.Count(page, `<tr id="line-`), page[strings.Index(page, "<h3"):][:300])
		}
		last := e.pageAs(t, e.w.Reviewer, fmt.Sprintf("/statements/%d?after=1000", id)).Body.String()
		if strings.Count(last, `<tr id="line-`) != 203 || !strings.Contains(last, "Lines 1,001–1,203 of 1,203.") || strings.Contains(last, "?after=") ||
			!strings.Contains(last, "REF-1203<") || !strings.Contains(last, fmt.Sprintf(`href="/statements/%d">`, id)) {
			t.Errorf("last page: %d rows", strings.Count(last, `<tr id="line-`))
		}
	})
	t.Run("ErrCurrency", func(t *testing.T) {
		e := newEnv(t)
		rec := e.statementUpload(t, e.w.Officer, "booking_date,amount,currency\n2024-07-01,-1,USD\n", fields)
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), "USD") || !strings.Contains(rec.Body.String(), "IDR") {
			t.Errorf("%d %s", rec.Code, rec.Body.String())
		}
	})
	t.Run("ErrUnreadable", func(t *testing.T) {
		e := newEnv(t)
		rec := e.statementUpload(t, e.w.Officer, ":20:X\n:25:1\n:60F:C240701IDR1,00\n", map[string]string{"format": "mt940"})
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), "line 1") || !strings.Contains(rec.Body.String(), ":62F:") {
			t.Errorf("%d %s", rec.Code, rec.Body.String())
		}
	})
	t.Run("ErrUnknownProfile", func(t *testing.T) {
		e := newEnv(t)
		rec := e.statementUpload(t, e.w.Officer, csv, map[string]string{"format": "csv", "account": "1", "profile": "nobank"})
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `"profile"`) {
			t.Errorf("%d %s", rec.Code, rec.Body.String())
		}
	})
}

func TestReconciliationReportAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, g := range []string{"program", "agency"} {
		rec := e.do(t, e.w.Reviewer, "GET", "/api/v1/reports/reconciliation?year=2024&group_by="+g, nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"group_by":"`+g+`"`) || !strings.Contains(rec.Body.String(), `"open_returns":[]`) {
			t.Errorf("json %s: %d %s", g, rec.Code, rec.Body.String())
		}
	}
	rec := e.do(t, e.w.Auditor, "GET", "/api/v1/reports/reconciliation?year=2024&format=csv", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "key,label,paid,matched,unmatched,mismatched,returned,returned_not_closed") {
		t.Errorf("csv: %d %q", rec.Code, rec.Body.String())
	}
	rec = e.do(t, e.w.Officer, "GET", "/api/v1/reports/reconciliation?year=2024&format=xlsx", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "PK") {
		t.Errorf("xlsx: %d", rec.Code)
	}
	if rec := e.do(t, e.w.Officer, "GET", "/api/v1/reports/reconciliation?year=2024&group_by=region", nil); rec.Code != 400 {
		t.Errorf("group_by=region: %d", rec.Code)
	}
}
