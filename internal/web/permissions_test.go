package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"pilar/internal/finance"
)

// The permission matrix: every route the router has, for every role, on
// records of the actor's own agency and of another agency. A route that is
// registered but has no row here fails TestPermissionMatrix, so a new route
// cannot escape it. Rows for routes not registered (yet) are unused.
//
// To add a route: add a row with the route exactly as Echo registers it
// ("METHOD /path/:param"), who may use it (allow), whether officers and
// reviewers are limited to their own agency's records (scoped), the status
// on success, and req, which builds a fresh request for one cell.

// everyone is every role.
const everyone = "admin auditor reviewer officer"

// permRow is one line of the matrix.
type permRow struct {
	route  string // as registered: "POST /api/v1/disbursements/:id/:action"
	name   string // tells apart several rows of one route (an action)
	allow  string // the roles that succeed on their own agency's records
	scoped bool   // officers and reviewers are refused another agency's records
	ok     int    // the status on success
	deny   int    // the status when refused; 0 means 403
	req    func(m *matrix, c permCell) (path string, body any)
}

// permCell is one actor acting on the records of one agency.
type permCell struct {
	role  string
	user  *finance.User
	other bool            // the records belong to the other agency
	side  *finance.Agency // the agency whose records the request touches
	clerk *finance.User   // the officer of that agency, who records its disbursements
}

func (r permRow) want(c permCell) int {
	deny := r.deny
	if deny == 0 {
		deny = http.StatusForbidden
	}
	if !strings.Contains(" "+r.allow+" ", " "+c.role+" ") {
		return deny
	}
	agencyBound := c.role == finance.RoleOfficer || c.role == finance.RoleReviewer
	if r.scoped && c.other && agencyBound {
		return deny
	}
	return r.ok
}

func staticPath(p string) func(*matrix, permCell) (string, any) {
	return func(*matrix, permCell) (string, any) { return p, nil }
}

// action is a row for one life-cycle action on a disbursement that setup
// brings to the state the action starts from, through the API or a page.
func action(name, allow string, setup ...string) permRow {
	return permRow{route: "POST /api/v1/disbursements/:id/:action", name: name, allow: allow, scoped: true, ok: 200,
		req: func(m *matrix, c permCell) (string, any) {
			id := m.disbursement(c, setup...)
			return fmt.Sprintf("/api/v1/disbursements/%d/%s", id, name), map[string]any{"note": "matrix", "override_reason": "matrix"}
		}}
}

func pageAction(name, allow string, setup ...string) permRow {
	return permRow{route: "POST /disbursements/:id/:action", name: name, allow: allow, scoped: true, ok: 303,
		req: func(m *matrix, c permCell) (string, any) {
			id := m.disbursement(c, setup...)
			return fmt.Sprintf("/disbursements/%d/%s", id, name), url.Values{"note": {"matrix"}, "payment_ref": {"TRX-2"}, "override_reason": {"matrix"}}
		}}
}

var permRows = []permRow{
	// Public routes: every role (and nobody) gets them.
	{route: "GET /healthz", allow: everyone, ok: 200, req: staticPath("/healthz")},
	{route: "GET /openapi.json", allow: everyone, ok: 200, req: staticPath("/openapi.json")},
	// Not by role but by network: the test's address is outside metrics.allow.
	{route: "GET /metrics", allow: everyone, ok: 403, req: staticPath("/metrics")},
	{route: "GET /static/*", allow: everyone, ok: 200, req: staticPath("/static/pilar.css")},
	{route: "GET /favicon.ico", allow: everyone, ok: 200, req: staticPath("/favicon.ico")},
	{route: "GET /robots.txt", allow: everyone, ok: 200, req: staticPath("/robots.txt")},
	{route: "GET /login", allow: everyone, ok: 303, req: staticPath("/login")},  // signed in: on to the dashboard
	{route: "POST /login", allow: everyone, ok: 403, req: staticPath("/login")}, // no login CSRF cookie
	{route: "GET /lang/:lang", allow: everyone, ok: 303, req: staticPath("/lang/en?back=/programs")},

	// JSON API: agencies.
	{route: "GET /api/v1/agencies", allow: everyone, ok: 200, req: staticPath("/api/v1/agencies")},
	{route: "POST /api/v1/agencies", allow: "admin", ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/agencies", map[string]any{"code": m.code("AG"), "name": "Dinas Matrix", "region_code": "64"}
	}},

	// Programs.
	{route: "GET /api/v1/programs", allow: everyone, ok: 200, req: staticPath("/api/v1/programs?year=2024")},
	{route: "POST /api/v1/programs", allow: "admin reviewer", scoped: true, ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/programs", m.programBody(c)
	}},
	{route: "GET /api/v1/programs/:code", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/programs/" + m.program(c), nil
	}},
	{route: "PATCH /api/v1/programs/:code", allow: "admin reviewer", scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/programs/" + m.program(c), map[string]any{"name": "Nama baru"}
	}},
	{route: "GET /api/v1/programs/:code/budget-revisions", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/programs/" + m.program(c) + "/budget-revisions", nil
	}},
	{route: "POST /api/v1/programs/:code/budget-revisions", allow: "admin reviewer", scoped: true, ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/programs/" + m.program(c) + "/budget-revisions", map[string]any{"budget": "600000000", "reason": "APBD-P"}
	}},

	// Recipients: a registry shared by all agencies.
	{route: "GET /api/v1/recipients", allow: everyone, ok: 200, req: staticPath("/api/v1/recipients?q=x")},
	{route: "POST /api/v1/recipients", allow: "admin reviewer officer", ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/recipients", m.recipientBody()
	}},
	{route: "GET /api/v1/recipients/:id", allow: everyone, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/recipients/%d", m.recipient()), nil
	}},
	{route: "PATCH /api/v1/recipients/:id", allow: "admin reviewer officer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/recipients/%d", m.recipient()), map[string]any{"sector": "kuliner"}
	}},
	{route: "GET /api/v1/recipients/:id/flags", allow: everyone, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/recipients/%d/flags", m.recipient()), nil
	}},
	{route: "GET /api/v1/recipients/import/template", allow: everyone, ok: 200, req: staticPath("/api/v1/recipients/import/template?format=csv")},
	{route: "GET /api/v1/disbursements/import/template", allow: everyone, ok: 200, req: staticPath("/api/v1/disbursements/import/template?format=xlsx")},
	{route: "GET /api/v1/recipients/figures/import/template", allow: everyone, ok: 200, req: staticPath("/api/v1/recipients/figures/import/template?format=csv")},
	{route: "POST /api/v1/recipients/import", allow: "admin reviewer officer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/recipients/import", upload{"recipients.csv", "kind,name,nik\numkm,Impor Matrix," + m.nik() + "\n"}
	}},
	{route: "POST /api/v1/recipients/figures/import", allow: "admin reviewer officer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/recipients/figures/import", upload{"figures.csv", fmt.Sprintf("recipient_id,valid_from,workforce\n%d,2023-12-31,4\n", m.recipient())}
	}},

	// Disbursements.
	{route: "GET /api/v1/disbursements", allow: everyone, ok: 200, req: staticPath("/api/v1/disbursements")},
	{route: "GET /api/v1/disbursements/export", allow: everyone, ok: 200, req: staticPath("/api/v1/disbursements/export")},
	{route: "POST /api/v1/disbursements", allow: "admin officer", scoped: true, ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/disbursements", m.disbursementBody(c)
	}},
	{route: "GET /api/v1/disbursements/:id", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/disbursements/%d", m.disbursement(c)), nil
	}},
	{route: "PATCH /api/v1/disbursements/:id", allow: "admin officer", scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/disbursements/%d", m.disbursement(c)), map[string]any{"note": "diubah"}
	}},
	{route: "DELETE /api/v1/disbursements/:id", allow: "admin officer", scoped: true, ok: 204, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/disbursements/%d", m.disbursement(c)), nil
	}},
	action("submit", "admin officer"),
	action("approve", "admin reviewer", "submit"),
	action("reject", "admin reviewer", "submit"),
	action("cancel", "admin reviewer officer"),
	action("pay", "admin reviewer officer", "submit", "approve"),
	action("return", "admin reviewer officer", "submit", "approve", "pay"),
	{route: "POST /api/v1/disbursements/import", allow: "admin officer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/disbursements/import", upload{"disbursements.csv", "program_code,recipient_nik,amount,disbursed_on\n" + m.program(c) + "," + m.nik() + ",1000000,2024-03-01\n"}
	}},
	// Like POST /review: another agency's are refused row by row.
	{route: "POST /api/v1/disbursements/bulk", allow: "admin officer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/disbursements/bulk", map[string]any{"action": "submit", "ids": []int64{m.disbursement(c)}}
	}},

	// Bank statements and reconciliation: officers and reviewers of the agency, admin; auditors read.
	{route: "GET /api/v1/statements", allow: everyone, ok: 200, req: staticPath("/api/v1/statements")},
	{route: "POST /api/v1/statements", allow: "admin reviewer officer", scoped: true, ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/statements?format=csv&account=0123456789&agency=" + c.side.Code, m.statementFile()
	}},
	{route: "GET /api/v1/statements/:id", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/statements/%d", m.statement(c, "")), nil
	}},
	{route: "POST /api/v1/reconciliations", allow: "admin reviewer officer", scoped: true, ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/reconciliations", map[string]any{"statement_id": m.statement(c, "")}
	}},
	{route: "GET /api/v1/reconciliations/:id", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		id, _ := m.reconciliation(c, false)
		return fmt.Sprintf("/api/v1/reconciliations/%d", id), nil
	}},
	{route: "POST /api/v1/reconciliations/:id/matches", allow: "admin reviewer officer", scoped: true, ok: 201, req: func(m *matrix, c permCell) (string, any) {
		id, body := m.manualMatch(c)
		return fmt.Sprintf("/api/v1/reconciliations/%d/matches", id), body
	}},
	{route: "POST /api/v1/reconciliations/:id/matches/:match_id/confirm", allow: "admin reviewer officer", scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		id, match := m.reconciliation(c, true)
		return fmt.Sprintf("/api/v1/reconciliations/%d/matches/%d/confirm", id, match), nil
	}},
	{route: "DELETE /api/v1/reconciliations/:id/matches/:match_id", allow: "admin reviewer officer", scoped: true, ok: 204, req: func(m *matrix, c permCell) (string, any) {
		id, match := m.reconciliation(c, true)
		return fmt.Sprintf("/api/v1/reconciliations/%d/matches/%d", id, match), nil
	}},
	{route: "POST /api/v1/disbursements/:id/return-closure", allow: "admin reviewer officer", scoped: true, ok: 201, req: func(m *matrix, c permCell) (string, any) {
		id := m.disbursement(c, "submit", "approve", "pay", "return")
		return fmt.Sprintf("/api/v1/disbursements/%d/return-closure", id), map[string]any{"kind": "deposit", "treasury": "kas_daerah",
			"closed_on": "2099-01-01", "reference": "NTPN-1", "amount": "2400000"}
	}},
	{route: "GET /api/v1/returns/open", allow: everyone, ok: 200, req: staticPath("/api/v1/returns/open")},
	{route: "GET /api/v1/disbursements/:id/reconciliation", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/disbursements/%d/reconciliation", m.disbursement(c)), nil
	}},

	// Reports and the audit trail.
	{route: "GET /api/v1/reports/realization", allow: everyone, ok: 200, req: staticPath("/api/v1/reports/realization?year=2024")},
	{route: "GET /api/v1/reports/coverage", allow: everyone, ok: 200, req: staticPath("/api/v1/reports/coverage?year=2024")},
	{route: "GET /api/v1/reports/overlaps", allow: everyone, ok: 200, req: staticPath("/api/v1/reports/overlaps?year=2024")},
	{route: "GET /api/v1/reports/reconciliation", allow: everyone, ok: 200, req: staticPath("/api/v1/reports/reconciliation?year=2024")},
	{route: "GET /api/v1/reports/registry", allow: everyone, ok: 200, req: staticPath("/api/v1/reports/registry?as_of=2024-12-31")},
	{route: "GET /api/v1/audit", allow: "admin auditor", ok: 200, req: staticPath("/api/v1/audit")},

	// Pages.
	{route: "GET /", allow: everyone, ok: 200, req: staticPath("/")},
	{route: "POST /logout", allow: everyone, ok: 303, req: staticPath("/logout")},
	{route: "POST /logout/everywhere", allow: everyone, ok: 303, req: staticPath("/logout/everywhere")},
	{route: "GET /programs", allow: everyone, ok: 200, req: staticPath("/programs")},
	{route: "GET /programs/new", allow: "admin reviewer", ok: 200, req: staticPath("/programs/new")},
	{route: "POST /programs/new", allow: "admin reviewer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return "/programs/new", formOf(m.programBody(c))
	}},
	{route: "GET /programs/:code", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/programs/" + m.program(c), nil
	}},
	{route: "POST /programs/:code/budget-revisions", allow: "admin reviewer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return "/programs/" + m.program(c) + "/budget-revisions", formOf(map[string]any{"budget": "600000000", "reason": "APBD-P"})
	}},
	{route: "GET /recipients", allow: everyone, ok: 200, req: staticPath("/recipients?q=%27+OR+1%3D1+--")},
	{route: "GET /recipients/new", allow: "admin reviewer officer", ok: 200, req: staticPath("/recipients/new")},
	{route: "POST /recipients/new", allow: "admin reviewer officer", ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return "/recipients/new", formOf(m.recipientBody())
	}},
	{route: "GET /recipients/:id", allow: everyone, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/recipients/%d", m.recipient()), nil
	}},
	{route: "GET /import", allow: everyone, ok: 200, req: staticPath("/import")},
	{route: "POST /import", allow: "admin reviewer officer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/import?kind=recipients", upload{"recipients.csv", "kind,name,nik\numkm,Impor Halaman," + m.nik() + "\n"}
	}},
	{route: "GET /import/refused/:token", allow: everyone, ok: 404, req: staticPath("/import/refused/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")},
	{route: "GET /import/template/:kind", allow: everyone, ok: 200, req: staticPath("/import/template/disbursements?format=xlsx")},
	{route: "GET /disbursements", allow: everyone, ok: 200, req: staticPath("/disbursements")},
	{route: "GET /disbursements/export", allow: everyone, ok: 200, req: staticPath("/disbursements/export?format=csv&dialect=excel-id")},
	{route: "GET /disbursements/new", allow: "admin officer", ok: 200, req: staticPath("/disbursements/new")},
	{route: "POST /disbursements/new", allow: "admin officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return "/disbursements/new", formOf(m.disbursementBody(c))
	}},
	{route: "GET /disbursements/batch", allow: "admin officer", ok: 200, req: staticPath("/disbursements/batch")},
	{route: "POST /disbursements/batch", allow: "admin officer", scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		b := m.disbursementBody(c)
		return "/disbursements/batch", url.Values{"op": {"save"}, "program": {b["program"].(string)}, "who": {fmt.Sprint("#", b["recipient_id"])},
			"amount": {"2400000"}, "tranche": {"1"}, "disbursed_on": {"2024-03-01"}}
	}},
	{route: "GET /reports/realization", allow: everyone, ok: 200, req: staticPath("/reports/realization?year=2024")},
	{route: "GET /reports/coverage", allow: everyone, ok: 200, req: staticPath("/reports/coverage?year=2024")},
	{route: "GET /reports/overlaps", allow: everyone, ok: 200, req: staticPath("/reports/overlaps?year=2024")},
	{route: "GET /reports/reconciliation", allow: everyone, ok: 200, req: staticPath("/reports/reconciliation?year=2024")},
	{route: "GET /reports/registry", allow: everyone, ok: 200, req: staticPath("/reports/registry?as_of=2024-12-31")},
	{route: "GET /disbursements/:id", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/disbursements/%d", m.disbursement(c)), nil
	}},
	{route: "GET /disbursements/:id/edit", allow: "admin officer", scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/disbursements/%d/edit", m.disbursement(c)), nil
	}},
	{route: "POST /disbursements/:id/edit", allow: "admin officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/disbursements/%d/edit", m.disbursement(c)), url.Values{"amount": {"150.000"}}
	}},
	{route: "POST /disbursements/:id/delete", allow: "admin officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/disbursements/%d/delete", m.disbursement(c)), url.Values{}
	}},
	{route: "GET /recipients/:id/edit", allow: "admin reviewer officer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/recipients/%d/edit", m.recipient()), nil
	}},
	{route: "POST /recipients/:id/edit", allow: "admin reviewer officer", ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/recipients/%d/edit", m.recipient()), url.Values{"sector": {"kuliner"}}
	}},
	pageAction("submit", "admin officer"),
	pageAction("approve", "admin reviewer", "submit"),
	pageAction("reject", "admin reviewer", "submit"),
	pageAction("cancel", "admin reviewer officer"),
	pageAction("pay", "admin reviewer officer", "submit", "approve"),
	pageAction("return", "admin reviewer officer", "submit", "approve", "pay"),
	{route: "GET /disbursements/:id/audit", allow: "admin auditor", scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/disbursements/%d/audit", m.disbursement(c)), nil
	}},
	{route: "GET /programs/:code/audit", allow: "admin auditor", scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/programs/" + m.program(c) + "/audit", nil
	}},
	{route: "GET /audit", allow: "admin auditor", ok: 200, req: staticPath("/audit?action=create&from=2020-01-01")},
	{route: "GET /audit/verify", allow: "admin auditor", ok: 200, req: staticPath("/audit/verify")},
	{route: "GET /review", allow: everyone, ok: 200, req: staticPath("/review")},
	// A bulk decision answers 200 with a result per disbursement, so another
	// agency's are refused row by row; a role that may never approve is a 403.
	{route: "POST /review", allow: "admin reviewer", ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return "/review", url.Values{"action": {"approve"}, "override_reason": {"matrix"}, "id": {fmt.Sprint(m.disbursement(c, "submit"))}}
	}},
	// Exclusion lists: admins manage them; reviewers and auditors see them.
	{route: "GET /api/v1/exclusion-lists", allow: "admin reviewer auditor", ok: 200, req: staticPath("/api/v1/exclusion-lists")},
	{route: "POST /api/v1/exclusion-lists", allow: "admin", ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/api/v1/exclusion-lists?kind=deceased&source=Dukcapil&as_of=2024-02-01", upload{"meninggal.csv", "nik\n" + m.nik() + "\n"}
	}},
	{route: "DELETE /api/v1/exclusion-lists/:id", allow: "admin", ok: 204, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/api/v1/exclusion-lists/%d", m.exclusionList()), nil
	}},
	{route: "GET /exclusion-lists", allow: "admin reviewer auditor", ok: 200, req: staticPath("/exclusion-lists")},
	{route: "POST /exclusion-lists", allow: "admin", ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/exclusion-lists?kind=blacklist&source=Inspektorat&as_of=2024-02-01", upload{"hitam.csv", "nik\n" + m.nik() + "\n"}
	}},
	{route: "POST /exclusion-lists/:id/withdraw", allow: "admin", ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/exclusion-lists/%d/withdraw", m.exclusionList()), url.Values{}
	}},

	{route: "GET /statements", allow: everyone, ok: 200, req: staticPath("/statements")},
	{route: "POST /statements", allow: "admin reviewer officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return "/statements?format=csv&account=0123456789&agency=" + c.side.Code, m.statementFile()
	}},
	{route: "GET /statements/:id", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/statements/%d", m.statement(c, "")), nil
	}},
	{route: "POST /statements/:id/reconcile", allow: "admin reviewer officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/statements/%d/reconcile", m.statement(c, "")), url.Values{}
	}},
	{route: "GET /reconciliations/:id", allow: everyone, scoped: true, ok: 200, req: func(m *matrix, c permCell) (string, any) {
		id, _ := m.reconciliation(c, true)
		return fmt.Sprintf("/reconciliations/%d", id), nil
	}},
	{route: "POST /reconciliations/:id/matches", allow: "admin reviewer officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		id, body := m.manualMatch(c)
		return fmt.Sprintf("/reconciliations/%d/matches", id), formOf(body)
	}},
	{route: "POST /reconciliations/:id/matches/:match_id/confirm", allow: "admin reviewer officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		id, match := m.reconciliation(c, true)
		return fmt.Sprintf("/reconciliations/%d/matches/%d/confirm", id, match), url.Values{}
	}},
	{route: "POST /reconciliations/:id/matches/:match_id/delete", allow: "admin reviewer officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		id, match := m.reconciliation(c, true)
		return fmt.Sprintf("/reconciliations/%d/matches/%d/delete", id, match), url.Values{}
	}},
	{route: "GET /returns", allow: everyone, ok: 200, req: staticPath("/returns")},
	{route: "POST /disbursements/:id/return-closure", allow: "admin reviewer officer", scoped: true, ok: 303, req: func(m *matrix, c permCell) (string, any) {
		id := m.disbursement(c, "submit", "approve", "pay", "return")
		return fmt.Sprintf("/disbursements/%d/return-closure", id), url.Values{"kind": {"deposit"}, "treasury": {"kas_negara"},
			"closed_on": {"2099-01-01"}, "reference": {"NTPN-2"}, "amount": {"2.400.000"}}
	}},
	{route: "GET /admin/users", allow: "admin auditor", ok: 200, req: staticPath("/admin/users")},
	{route: "POST /admin/users", allow: "admin", ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return "/admin/users", url.Values{"email": {strings.ToLower(m.code("u")) + "@pilar.test"}, "name": {"Baru"}, "role": {"auditor"}, "password": {"kata-sandi-panjang"}}
	}},
	{route: "POST /admin/users/:id/deactivate", allow: "admin", ok: 303, req: func(m *matrix, c permCell) (string, any) {
		u := m.user()
		return fmt.Sprintf("/admin/users/%d/deactivate", u.ID), url.Values{}
	}},
	{route: "GET /admin/agencies", allow: "admin auditor", ok: 200, req: staticPath("/admin/agencies")},
	{route: "POST /admin/agencies", allow: "admin", ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return "/admin/agencies", url.Values{"code": {m.code("AG")}, "name": {"Dinas Matrix"}, "region_code": {"64"}}
	}},
	{route: "GET /admin/tokens", allow: "admin auditor", ok: 200, req: staticPath("/admin/tokens")},
	{route: "POST /admin/tokens", allow: "admin", ok: 201, req: func(m *matrix, c permCell) (string, any) {
		return "/admin/tokens", url.Values{"email": {m.e.w.Officer.Email}, "label": {"matrix"}}
	}},
	{route: "POST /admin/tokens/:id/revoke", allow: "admin", ok: 303, req: func(m *matrix, c permCell) (string, any) {
		return fmt.Sprintf("/admin/tokens/%d/revoke", m.token()), url.Values{}
	}},
}

// TestPermissionMatrix runs every row for every role on its own and on the
// other agency's records, and fails for any registered route without a row.
func TestPermissionMatrix(t *testing.T) {
	m := newMatrix(t)
	rows := map[string][]permRow{}
	for _, r := range permRows {
		rows[r.route] = append(rows[r.route], r)
	}
	var registered []string
	for _, r := range m.e.srv.Echo.Routes() {
		if r.Method == "echo_route_not_found" {
			continue
		}
		registered = append(registered, r.Method+" "+r.Path)
	}
	sort.Strings(registered)
	var missing []string
	for _, route := range registered {
		if len(rows[route]) == 0 {
			missing = append(missing, route)
		}
	}
	if len(missing) > 0 {
		t.Errorf("routes without a row in permRows (add one per route, saying who may use it):\n  %s", strings.Join(missing, "\n  "))
	}
	w := m.e.w
	actors := []struct {
		role       string
		user       *finance.User
		own, other *finance.User // the officers of the agency the role acts on
	}{
		{finance.RoleAdmin, w.Admin, w.Officer, w.OtherOfficer},
		{finance.RoleAuditor, w.Auditor, w.Officer, w.OtherOfficer},
		{finance.RoleReviewer, w.Reviewer, w.Officer, w.OtherOfficer},
		{finance.RoleOfficer, w.Officer, w.Officer, w.OtherOfficer},
	}
	for _, route := range registered {
		for _, row := range rows[route] {
			for _, a := range actors {
				for _, other := range []bool{false, true} {
					c := permCell{role: a.role, user: a.user, other: other, side: w.Agency, clerk: a.own}
					if other {
						c.side, c.clerk = w.OtherAgency, a.other
					}
					name := fmt.Sprintf("%s %s/%s/other=%v", route, row.name, a.role, other)
					path, body := row.req(m, c)
					rec := m.send(c.user, strings.Fields(route)[0], path, body)
					if want := row.want(c); rec.Code != want {
						t.Errorf("%s: %s %s answered %d, want %d: %.300s", name, strings.Fields(route)[0], path, rec.Code, want, rec.Body.String())
					}
				}
			}
		}
	}
}

// TestPermissionMatrix_NoCredentials: every API route answers 401 without a
// token and every page behind the session redirects to /login.
func TestPermissionMatrix_NoCredentials(t *testing.T) {
	e := newEnv(t)
	for _, r := range e.srv.Echo.Routes() {
		path := strings.NewReplacer(":code", "X", ":id", "1", ":action", "submit", ":lang", "en", "*", "x").Replace(r.Path)
		req := httptest.NewRequest(r.Method, path, nil)
		rec := serve(e, req)
		switch {
		case r.Method == "echo_route_not_found":
		case strings.HasPrefix(r.Path, "/api/v1/"):
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%s %s without a token: %d, want 401", r.Method, path, rec.Code)
			}
		case r.Path == "/login" || r.Path == "/healthz" || r.Path == "/metrics" || r.Path == "/openapi.json" || r.Path == "/static/*" || r.Path == "/lang/:lang" ||
			r.Path == "/favicon.ico" || r.Path == "/robots.txt":
		default:
			if !toLogin(rec) {
				t.Errorf("%s %s without a session: %d to %q, want 303 to /login", r.Method, path, rec.Code, rec.Header().Get("Location"))
			}
		}
	}
}

// toLogin reports whether rec sends the browser to the sign-in page, which
// may carry the page asked for (/login?next=/programs).
func toLogin(rec *httptest.ResponseRecorder) bool {
	loc := rec.Header().Get("Location")
	return rec.Code == http.StatusSeeOther && (loc == "/login" || strings.HasPrefix(loc, "/login?next=%2F"))
}

// matrix holds the environment, a session per user and counters for
// unique codes.
type matrix struct {
	t        *testing.T
	e        *env
	sessions map[*finance.User][2]string // cookie, CSRF token
	n        int
}

func newMatrix(t *testing.T) *matrix {
	e := newEnv(t)
	return &matrix{t: t, e: e, sessions: map[*finance.User][2]string{}}
}

func (m *matrix) code(prefix string) string {
	m.n++
	return fmt.Sprintf("%s-M%04d", prefix, m.n)
}

// nik is a new valid NIK of Samarinda.
func (m *matrix) nik() string {
	m.n++
	return fmt.Sprintf("6472010101%02d%04d", 80+m.n/10000, m.n%10000+1)
}

// session signs u in (once) and returns the cookie and CSRF token.
func (m *matrix) session(u *finance.User) (string, string) {
	if s, ok := m.sessions[u]; ok {
		if _, err := m.e.w.Store.SessionByID(m.e.w.Ctx(u), s[0], 1<<62, 1<<62); err == nil {
			return s[0], s[1]
		}
	}
	id, err := m.e.w.Store.CreateSession(m.e.w.Ctx(u), u)
	if err != nil {
		m.t.Fatal(err)
	}
	sess, err := m.e.w.Store.SessionByID(m.e.w.Ctx(u), id, 1<<62, 1<<62)
	if err != nil {
		m.t.Fatal(err)
	}
	m.sessions[u] = [2]string{id, sess.CSRF}
	return id, sess.CSRF
}

// upload is a multipart file for the import routes.
type upload struct{ name, content string }

// send makes the request as u: a bearer token for the API, a session with
// its CSRF token for pages.
func (m *matrix) send(u *finance.User, method, path string, body any) *httptest.ResponseRecorder {
	m.t.Helper()
	if strings.HasPrefix(path, "/api/") {
		if up, ok := body.(upload); ok {
			req := multipartRequest(m.t, method, path, up.name, up.content)
			req.Header.Set("Authorization", "Bearer "+m.e.tokens[u])
			return serve(m.e, req)
		}
		if body == nil && method != http.MethodGet && method != http.MethodDelete {
			body = map[string]any{}
		}
		return m.e.do(m.t, u, method, path, body)
	}
	cookie, csrf := m.session(u)
	form, _ := body.(url.Values)
	var req *http.Request
	if up, ok := body.(upload); ok {
		req = multipartRequest(m.t, method, path, up.name, up.content)
		req.Header.Set("X-CSRF-Token", csrf)
	} else if method == http.MethodGet {
		req = httptest.NewRequest(method, path, nil)
	} else {
		if form == nil {
			form = url.Values{}
		}
		form.Set("_csrf", csrf)
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: "pilar_session", Value: cookie})
	return serve(m.e, req)
}

// api makes a set-up request that must succeed and returns its JSON body.
func (m *matrix) api(u *finance.User, method, path string, body any) map[string]any {
	m.t.Helper()
	rec := m.e.do(m.t, u, method, path, body)
	if rec.Code >= 300 {
		m.t.Fatalf("set-up %s %s as %s: %d %s", method, path, u.Email, rec.Code, rec.Body.String())
	}
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return out
}

func (m *matrix) programBody(c permCell) map[string]any {
	return map[string]any{
		"code": m.code("PRG"), "name": "Program Matrix", "kind": "grant", "funding_source": "APBD_PROV",
		"agency": c.side.Code, "fiscal_year": 2024, "budget": "500000000", "starts_on": "2024-01-01",
		"ends_on": "2024-12-31", "target_recipients": 100, "status": "active",
	}
}

// program creates a fresh active program of the cell's agency.
func (m *matrix) program(c permCell) string {
	return m.api(m.e.w.Admin, "POST", "/api/v1/programs", m.programBody(c))["code"].(string)
}

func (m *matrix) recipientBody() map[string]any {
	return map[string]any{"kind": "umkm", "name": "Usaha Matrix", "nik": m.nik(), "phone": "081234567890", "account_no": "1234567890"}
}

// recipient registers a fresh recipient.
func (m *matrix) recipient() int64 {
	return int64(m.api(m.e.w.Admin, "POST", "/api/v1/recipients", m.recipientBody())["id"].(float64))
}

func (m *matrix) disbursementBody(c permCell) map[string]any {
	return map[string]any{"program": m.program(c), "recipient_id": m.recipient(), "amount": "2400000", "disbursed_on": "2024-03-01"}
}

// disbursement records a draft in the cell's agency by its officer and
// takes the given actions on it: submit by that officer, the rest by admin.
func (m *matrix) disbursement(c permCell, actions ...string) int64 {
	id := int64(m.api(c.clerk, "POST", "/api/v1/disbursements", m.disbursementBody(c))["id"].(float64))
	for _, a := range actions {
		by := m.e.w.Admin
		if a == "submit" {
			by = c.clerk
		}
		m.api(by, "POST", fmt.Sprintf("/api/v1/disbursements/%d/%s", id, a), map[string]any{"payment_ref": "TRX-1", "override_reason": "matrix"})
	}
	return id
}

// user adds a fresh auditor to deactivate.
func (m *matrix) user() *finance.User {
	u, err := m.e.w.Store.CreateUser(m.e.w.Ctx(m.e.w.Admin), finance.UserInput{
		Email: strings.ToLower(m.code("x")) + "@pilar.test", Name: "X", Role: finance.RoleAuditor, Password: "kata-sandi-panjang"})
	if err != nil {
		m.t.Fatal(err)
	}
	return u
}

// token creates a fresh token to revoke.
// exclusionList uploads a small list as admin and returns its id.
func (m *matrix) exclusionList() int64 {
	nik := m.nik()
	l, err := m.e.w.Store.CreateExclusionList(m.e.w.Ctx(m.e.w.Admin), finance.ExclusionListInput{Kind: "other", Source: "Matrix", AsOf: "2024-01-01"},
		func() (string, string, bool, error) {
			if nik == "" {
				return "", "", false, nil
			}
			v := nik
			nik = ""
			return finance.IdentNIK, v, true, nil
		})
	if err != nil {
		m.t.Fatal(err)
	}
	return l.ID
}

func (m *matrix) token() int64 {
	_, tk, err := m.e.w.Store.CreateToken(m.e.w.Ctx(m.e.w.Admin), m.e.w.Officer.Email, "revoke me")
	if err != nil {
		m.t.Fatal(err)
	}
	return tk.ID
}

func formOf(body map[string]any) url.Values {
	f := url.Values{}
	for k, v := range body {
		f.Set(k, fmt.Sprint(v))
	}
	return f
}
