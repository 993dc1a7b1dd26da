package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// TestReconciliationStreamed holds the streamed result of POST and GET
// /reconciliations to the very bytes c.JSON writes for the whole result:
// a probable match and open disbursements.
func TestReconciliationStreamed(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	e := m.e
	own := permCell{role: "officer", user: e.w.Officer, side: e.w.Agency, clerk: e.w.Officer}
	_, amount := m.paid(own)
	m.paid(own)
	m.statement(own, "") // another statement of the agency, not reconciled
	st := m.statement(own, fmt.Sprintf("2024-03-06,-%d", amount))
	whole := func(id int64) string {
		rc, err := e.w.Store.FindReconciliationByID(e.w.Ctx(e.w.Auditor), id, 3)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		json.NewEncoder(&b).Encode(rc)
		return b.String()
	}
	post := e.do(t, e.w.Officer, "POST", "/api/v1/reconciliations", map[string]any{"statement_id": st})
	if post.Code != 201 || post.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("POST: %d %s %s", post.Code, post.Header().Get("Content-Type"), post.Body)
	}
	var res struct {
		ID                     int64
		Matched                []any `json:"matched"`
		UnmatchedDisbursements []any `json:"unmatched_disbursements"`
	}
	json.Unmarshal(post.Body.Bytes(), &res)
	if len(res.Matched) != 1 || len(res.UnmatchedDisbursements) == 0 {
		t.Errorf("result: %s", post.Body)
	}
	if want := whole(res.ID); post.Body.String() != want {
		t.Errorf("POST streamed\n%s\nwhole\n%s", post.Body, want)
	}
	get := e.do(t, e.w.Auditor, "GET", fmt.Sprintf("/api/v1/reconciliations/%d", res.ID), nil)
	if want := whole(res.ID); get.Code != 200 || get.Body.String() != want {
		t.Errorf("GET %d streamed\n%s\nwhole\n%s", get.Code, get.Body, want)
	}
	if rec := e.do(t, e.w.OtherOfficer, "GET", fmt.Sprintf("/api/v1/reconciliations/%d", res.ID), nil); rec.Code != 403 {
		t.Errorf("other agency: %d %s", rec.Code, rec.Body)
	}
}
