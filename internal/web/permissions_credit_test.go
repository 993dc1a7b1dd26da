package web_test

import (
	"fmt"
	"net/url"
)

// The credit rows of the permission matrix: loans are read like their
// disbursements; repayments are recorded by admin and the agency's
// officers and reviewers, like payments.
func init() {
	permRows = append(permRows,
		permRow{route: "GET /api/v1/disbursements/:id/schedule", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
			return fmt.Sprintf("/api/v1/disbursements/%d/schedule", m.loan(c)), nil
		}},
		permRow{route: "GET /api/v1/disbursements/:id/repayments", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
			return fmt.Sprintf("/api/v1/disbursements/%d/repayments", m.loan(c)), nil
		}},
		permRow{route: "POST /api/v1/disbursements/:id/repayments", allow: "admin reviewer officer", scoped: true, ok: 201, req: func(m *matrix, c permCell) (string, any) {
			return fmt.Sprintf("/api/v1/disbursements/%d/repayments", m.loan(c)), map[string]any{"paid_on": "2024-04-10", "amount": "500000"}
		}},
		// Another agency's loan is refused row by row (a row error, 200).
		permRow{route: "POST /api/v1/repayments/import", allow: "admin reviewer officer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
			return "/api/v1/repayments/import", upload{"repayments.csv", fmt.Sprintf("loan_id,paid_on,amount\n%d,2024-04-10,500000\n", m.loan(c))}
		}},
		permRow{route: "POST /disbursements/:id/repayments", allow: "admin reviewer officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
			return fmt.Sprintf("/disbursements/%d/repayments", m.loan(c)), url.Values{"paid_on": {"2024-04-10"}, "amount": {"500.000"}}
		}},
		permRow{route: "GET /api/v1/repayments/import/template", allow: everyone, ok: 200, req: staticPath("/api/v1/repayments/import/template?format=csv")},
		permRow{route: "GET /api/v1/reports/credit", allow: everyone, ok: 200, req: staticPath("/api/v1/reports/credit?year=2024&as_of=2024-12-31")},
		permRow{route: "GET /api/v1/reports/subsidy", allow: everyone, ok: 200, req: staticPath("/api/v1/reports/subsidy?year=2024&as_of=2024-12-31")},
		permRow{route: "GET /reports/credit", allow: everyone, ok: 200, req: staticPath("/reports/credit?year=2024&group_by=kolektibilitas")},
		permRow{route: "GET /reports/subsidy", allow: everyone, ok: 200, req: staticPath("/reports/subsidy?year=2024")},
	)
}

// creditProgramBody is a credit program of the cell's agency with a 6 % subsidy.
func (m *matrix) creditProgramBody(c permCell) map[string]any {
	body := m.programBody(c)
	body["kind"], body["funding_source"], body["subsidy_rate"] = "credit", "BI", "6"
	return body
}

// loan pays a fresh loan of Rp2.400.000 over 12 months at 6 % in the
// cell's agency: recorded and submitted by its officer, approved and paid
// by admin on 2024-03-05; first instalment due 2024-04-05.
func (m *matrix) loan(c permCell) int64 {
	m.t.Helper()
	code := m.api(m.e.w.Admin, "POST", "/api/v1/programs", m.creditProgramBody(c))["code"].(string)
	body := map[string]any{"program": code, "recipient_id": m.recipient(), "amount": "2400000", "disbursed_on": "2024-03-01",
		"loan": map[string]any{"tenor_months": 12, "interest_rate": "6", "first_due_on": "2024-04-05"}}
	id := int64(m.api(c.clerk, "POST", "/api/v1/disbursements", body)["id"].(float64))
	m.api(c.clerk, "POST", fmt.Sprintf("/api/v1/disbursements/%d/submit", id), map[string]any{})
	m.api(m.e.w.Admin, "POST", fmt.Sprintf("/api/v1/disbursements/%d/approve", id), map[string]any{"override_reason": "matrix"})
	m.api(m.e.w.Admin, "POST", fmt.Sprintf("/api/v1/disbursements/%d/pay", id), map[string]any{"paid_on": "2024-03-05"})
	return id
}
