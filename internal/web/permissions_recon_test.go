package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
)

// Set-up for the statement and reconciliation rows of the permission matrix.

// statementFile is a CSV statement no other cell uploaded.
func (m *matrix) statementFile() upload {
	return upload{"statement.csv", fmt.Sprintf("booking_date,amount,reference\n2020-01-01,-1000,%s\n", m.code("STMT"))}
}

// statement uploads a statement of the cell's agency as its officer, with
// the given line (booking_date,amount) or an unrelated one.
func (m *matrix) statement(c permCell, line string) int64 {
	m.t.Helper()
	up := m.statementFile()
	if line != "" {
		up.content = "booking_date,amount,reference\n" + line + "," + m.code("L") + "\n"
	}
	req := multipartRequest(m.t, "POST", "/api/v1/statements?"+url.Values{"format": {"csv"}, "account": {"0123456789"}}.Encode(), up.name, up.content)
	req.Header.Set("Authorization", "Bearer "+m.e.tokens[c.clerk])
	rec := serve(m.e, req)
	if rec.Code != 201 {
		m.t.Fatalf("set-up statement: %d %s", rec.Code, rec.Body.String())
	}
	var out struct {
		Statements []struct{ ID int64 } `json:"statements"`
	}
	decodeJSON(m.t, rec.Body.Bytes(), &out)
	return out.Statements[0].ID
}

// paid pays a fresh disbursement of the cell's agency with an amount no
// other disbursement has, on 2024-03-05, and returns its id and amount.
func (m *matrix) paid(c permCell) (int64, int) {
	amount := 1000000 + m.n*10 + 7
	m.n++
	body := m.disbursementBody(c)
	body["amount"] = fmt.Sprint(amount)
	id := int64(m.api(c.clerk, "POST", "/api/v1/disbursements", body)["id"].(float64))
	m.api(c.clerk, "POST", fmt.Sprintf("/api/v1/disbursements/%d/submit", id), map[string]any{})
	m.api(m.e.w.Admin, "POST", fmt.Sprintf("/api/v1/disbursements/%d/approve", id), map[string]any{"override_reason": "matrix: shared test account"})
	m.api(m.e.w.Admin, "POST", fmt.Sprintf("/api/v1/disbursements/%d/pay", id), map[string]any{"paid_on": "2024-03-05"})
	return id, amount
}

// reconciliation reconciles a fresh statement of the cell's agency as its
// officer; with probable, the statement holds the only line of a fresh
// disbursement's amount two days after it was paid, so the result has one
// probable match waiting for confirmation, whose id is returned too.
func (m *matrix) reconciliation(c permCell, probable bool) (int64, int64) {
	m.t.Helper()
	line := ""
	if probable {
		_, amount := m.paid(c)
		line = fmt.Sprintf("2024-03-07,-%d", amount)
	}
	out := m.api(c.clerk, "POST", "/api/v1/reconciliations", map[string]any{"statement_id": m.statement(c, line)})
	id := int64(out["id"].(float64))
	if !probable {
		return id, 0
	}
	matched := out["matched"].([]any)
	if len(matched) != 1 {
		m.t.Fatalf("set-up: want one probable match, got %v", out)
	}
	return id, int64(matched[0].(map[string]any)["match_id"].(float64))
}

// manualMatch is a reconciliation with an open line and an open
// disbursement of equal amounts, far apart in time, and the body matching them.
func (m *matrix) manualMatch(c permCell) (int64, map[string]any) {
	m.t.Helper()
	d, amount := m.paid(c)
	st := m.statement(c, fmt.Sprintf("2020-01-01,-%d", amount))
	out := m.api(c.clerk, "POST", "/api/v1/reconciliations", map[string]any{"statement_id": st})
	lines := out["unmatched_lines"].([]any)
	return int64(out["id"].(float64)), map[string]any{"disbursement_id": d, "line_id": int64(lines[0].(float64))}
}

func decodeJSON(t interface{ Fatalf(string, ...any) }, b []byte, v any) {
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}
