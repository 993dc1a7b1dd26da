package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRegistryReportAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, r := range []map[string]any{
		{"kind": "umkm", "name": "Warung A", "nik": "6471014501900001", "size_class": "mikro", "region_code": "65.01", "sector": "kuliner", "workforce": 3, "valid_from": "2023-01-10"},
		{"kind": "umkm", "name": "Warung B", "nik": "6471014501900002", "size_class": "kecil", "region_code": "65.01", "sector": "kuliner", "workforce": 8, "valid_from": "2024-05-01"},
		{"kind": "koperasi", "name": "Koperasi C", "legal_number": "AHU-1", "region_code": "65", "active": true, "last_rat_year": 2023, "business_volume": "100000000", "assets": "50000000", "valid_from": "2024-04-01"},
	} {
		e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", r), http.StatusCreated)
	}
	t.Run("JSON", func(t *testing.T) {
		rec := e.do(t, e.w.Reviewer, "GET", "/api/v1/reports/registry?as_of=2024-12-31&group_by=region", nil)
		body := rec.Body.String()
		for _, want := range []string{
			`"as_of":"2024-12-31"`, `"prev_as_of":"2023-12-31"`,
			`{"key":"65","label":"65 Kalimantan Utara","count":1,"count_prev":0,"growth":1,"growth_pct":"0.00","workforce":0,"naik_kelas":0}`,
			`{"key":"65.01","label":"65.01 Kabupaten Malinau","count":2,"count_prev":1,"growth":1,"growth_pct":"100.00","workforce":11,"naik_kelas":0}`,
			`"totals":{"count":3,"count_prev":1,"growth":2,"growth_pct":"200.00","workforce":11,"naik_kelas":0}`,
			`"koperasi":{"total":1,"active":1,"inactive":0,"rat_held":1,"rat_overdue":0,"improved":0}`,
			`"rat_overdue":[]`,
		} {
			if rec.Code != 200 || !strings.Contains(body, want) {
				t.Errorf("want %s in %d %s", want, rec.Code, body)
			}
		}
	})
	t.Run("Region", func(t *testing.T) {
		m := e.expect(t, e.do(t, e.w.Auditor, "GET", "/api/v1/reports/registry?as_of=2024-12-31&region=65.01", nil), http.StatusOK)
		if tot := m["totals"].(map[string]any); tot["count"] != float64(2) || m["region"] != "65.01" {
			t.Errorf("region 65.01: %v", m)
		}
	})
	t.Run("CSV", func(t *testing.T) {
		rec := e.do(t, e.w.Auditor, "GET", "/api/v1/reports/registry?as_of=2024-04-30&group_by=kind&format=csv", nil)
		want := "\uFEFFkey,label,count,count_prev,growth,growth_pct,workforce,naik_kelas\nkoperasi,Koperasi,1,0,1,0.00,0,0\numkm,UMKM,1,1,0,0.00,3,0\n,Jumlah,2,1,1,100.00,3,0\n"
		if rec.Code != 200 || rec.Body.String() != want {
			t.Errorf("csv: %d %q", rec.Code, rec.Body.String())
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		rec := e.do(t, e.w.Officer, "GET", "/api/v1/reports/registry?format=xlsx&group_by=size_class", nil)
		if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "PK") {
			t.Errorf("xlsx: %d", rec.Code)
		}
	})
	t.Run("Page", func(t *testing.T) {
		session, err := e.w.Store.CreateSession(context.Background(), e.w.Officer)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/reports/registry?as_of=2024-12-31&group_by=sector", nil)
		req.AddCookie(&http.Cookie{Name: "pilar_session", Value: session})
		rec := httptest.NewRecorder()
		e.srv.Echo.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `name="as_of" value="2024-12-31"`) || !strings.Contains(rec.Body.String(), "chart-registry") {
			t.Errorf("page: %d %s", rec.Code, rec.Body.String())
		}
	})
	t.Run("Errors", func(t *testing.T) {
		for _, q := range []string{"as_of=2024-13-01", "as_of=tomorrow", "group_by=program", "format=pdf", "region=65x"} {
			if rec := e.do(t, e.w.Officer, "GET", "/api/v1/reports/registry?"+q, nil); rec.Code != 400 {
				t.Errorf("%s: %d %s", q, rec.Code, rec.Body.String())
			}
		}
	})
}
