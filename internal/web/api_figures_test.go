package web_test

import (
	"fmt"
	"testing"
)

// The yearly figures import through the API: counts and refused rows as
// FORMATS.md writes them, a re-import that skips, and the registry report
// as of the figures' date moving with them.
func TestAPI_ImportFigures(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*env, string) {
		e := newEnv(t)
		r := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Amplang",
			"nik": "6472014506850001", "size_class": "mikro", "workforce": 2, "valid_from": "2022-06-30"}), 201)
		file := fmt.Sprintf("recipient_id,valid_from,size_class,workforce\n%.0f,2023-12-31,kecil,5\n%.0f,2023-12-31,besar,\n", r["id"], r["id"])
		return e, file
	}
	t.Run("OK", func(t *testing.T) {
		e, file := setup(t)
		m := e.expect(t, e.upload(t, "/api/v1/recipients/figures/import", file), 200)
		errs, _ := m["errors"].([]any)
		if m["created"] != 1.0 || m["failed"] != 1.0 || len(errs) != 1 || errs[0].(map[string]any)["row"] != 3.0 ||
			errs[0].(map[string]any)["field"] != "size_class" {
			t.Fatalf("%v", m)
		}
		m = e.expect(t, e.upload(t, "/api/v1/recipients/figures/import", file), 200)
		if m["created"] != 0.0 || m["skipped"] != 1.0 || m["skipped_rows"].([]any)[0] != 2.0 {
			t.Fatalf("re-import: %v", m)
		}
		rep := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/reports/registry?as_of=2023-12-31&group_by=size_class", nil), 200)
		totals := rep["totals"].(map[string]any)
		if totals["naik_kelas"] != 1.0 || totals["workforce"] != 5.0 || totals["count"] != 1.0 {
			t.Fatalf("registry after the import: %v", totals)
		}
	})
	t.Run("Atomic", func(t *testing.T) {
		e, file := setup(t)
		m := e.expect(t, e.upload(t, "/api/v1/recipients/figures/import?atomic=true", file), 422)
		if errorCode(m) != "validation_failed" || m["failed"] != 1.0 {
			t.Fatalf("%v", m)
		}
		rep := e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/reports/registry?as_of=2023-12-31&group_by=size_class", nil), 200)
		if totals := rep["totals"].(map[string]any); totals["naik_kelas"] != 0.0 || totals["workforce"] != 2.0 {
			t.Fatalf("an atomic import with a refused row wrote: %v", totals)
		}
	})
	t.Run("MissingColumns", func(t *testing.T) {
		e, _ := setup(t)
		m := e.expect(t, e.upload(t, "/api/v1/recipients/figures/import", "name,workforce\nx,1\n"), 422)
		if errorField(m, "columns") != "recipient_id or nik or nib or legal_number, valid_from" {
			t.Fatalf("%v", m)
		}
	})
}
