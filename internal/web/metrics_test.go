package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"pilar/internal/config"
	"pilar/internal/web"
)

// scrape reads /metrics from addr and parses the exposition with the
// Prometheus text parser.
func scrape(t *testing.T, e *env, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = addr
	rec := serve(e, req)
	if rec.Code != 200 {
		t.Fatalf("/metrics from %s: %d %s", addr, rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("the exposition does not parse: %v", err)
	}
	return fams
}

// value is the value of the series of family name whose labels include
// labels (name=value pairs); -1 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.Label {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	t.Run("Access", func(t *testing.T) {
		e := newEnv(t)
		for _, tc := range []struct {
			addr string
			code int
		}{{"127.0.0.1:4000", 200}, {"[::1]:4000", 200}, {"192.0.2.1:4000", 403}, {"10.0.0.7:4000", 403}} {
			req := httptest.NewRequest("GET", "/metrics", nil)
			req.RemoteAddr = tc.addr
			if rec := serve(e, req); rec.Code != tc.code {
				t.Errorf("/metrics from %s: %d, want %d", tc.addr, rec.Code, tc.code)
			}
		}
	})
	t.Run("AllowConfigured", func(t *testing.T) {
		e := newEnv(t)
		cfg := config.Default()
		cfg.Metrics.Allow = []string{"10.0.0.0/8"}
		srv, err := web.New(e.w.Store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		e.srv = srv
		for addr, code := range map[string]int{"10.20.30.40:1": 200, "127.0.0.1:1": 403} {
			req := httptest.NewRequest("GET", "/metrics", nil)
			req.RemoteAddr = addr
			if rec := serve(e, req); rec.Code != code {
				t.Errorf("/metrics from %s with allow 10.0.0.0/8: %d, want %d", addr, rec.Code, code)
			}
		}
	})
	t.Run("Series", func(t *testing.T) {
		e := newEnv(t)
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-MET-2024", "1000.00")), 201)
		d1 := e.draftVia(t, "PEN-MET-2024", "100.00")
		e.draftVia(t, "PEN-MET-2024", "250.50")
		e.expect(t, e.do(t, e.w.Officer, "POST", d1+"/submit", nil), 200)
		e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/disbursements/999999", nil), 404)
		e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/disbursements/999998", nil), 404)
		serve(e, httptestRequest("GET", "/api/v1/agencies", "Bearer pilar_wrong"))
		e.upload(t, "/api/v1/recipients/import", "kind,name,nik\numkm,A,6472014506850001\numkm,B,6472014506850002\numkm,C,12\n")
		b := newBrowser(e, "198.51.100.9:1000")
		b.signIn(t, e.w.Officer.Email, "wrong password!")
		e.srv.Metrics.ReconciliationFinished(10, 8, 2, nil)

		fams := scrape(t, e, "127.0.0.1:9")
		for _, c := range []struct {
			name   string
			labels []string
			want   float64
		}{
			{"pilar_http_requests_total", []string{"method", "GET", "route", "/api/v1/disbursements/:id", "status", "404"}, 2},
			{"pilar_http_requests_total", []string{"method", "POST", "route", "/api/v1/disbursements/:id/:action", "status", "200"}, 1},
			{"pilar_http_requests_total", []string{"route", "/api/v1/agencies", "status", "401"}, 1},
			{"pilar_http_request_duration_seconds", []string{"method", "GET", "route", "/api/v1/disbursements/:id", "status", "404"}, 2},
			{"pilar_disbursements", []string{"program_kind", "training", "status", "submitted"}, 1},
			{"pilar_disbursements", []string{"program_kind", "training", "status", "draft"}, 1},
			{"pilar_disbursements_query_ok", nil, 1},
			{"pilar_imports_total", []string{"kind", "recipients", "outcome", "ok"}, 1},
			{"pilar_import_rows_total", []string{"kind", "recipients", "result", "created"}, 2},
			{"pilar_import_rows_total", []string{"kind", "recipients", "result", "failed"}, 1},
			{"pilar_reconciliations_total", []string{"outcome", "ok"}, 1},
			{"pilar_reconciliation_lines_total", []string{"result", "matched"}, 8},
			{"pilar_sign_in_failures_total", []string{"method", "password"}, 1},
			{"pilar_sign_in_failures_total", []string{"method", "token"}, 1},
			{"pilar_sign_in_throttled_total", []string{"method", "password"}, 0},
		} {
			if got := value(fams, c.name, c.labels...); got != c.want {
				t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
			}
		}
		if value(fams, "go_sql_max_open_connections", "db_name", "pilar") < 0 || value(fams, "go_sql_open_connections", "db_name", "pilar") < 0 {
			t.Errorf("no database pool statistics in the exposition")
		}
		for name, f := range fams {
			for _, m := range f.Metric {
				for _, l := range m.Label {
					if l.GetName() == "route" && strings.Contains(l.GetValue(), "999") {
						t.Errorf("%s has a raw path as its route label: %q", name, l.GetValue())
					}
				}
			}
		}
	})
	t.Run("Throttled", func(t *testing.T) {
		e := newEnv(t)
		b := newBrowser(e, "198.51.100.10:1000")
		for range 6 {
			b.signIn(t, e.w.Reviewer.Email, "wrong password!")
		}
		fams := scrape(t, e, "127.0.0.1:9")
		if f, th := value(fams, "pilar_sign_in_failures_total", "method", "password"), value(fams, "pilar_sign_in_throttled_total", "method", "password"); f != 5 || th != 1 {
			t.Fatalf("after 6 bad sign-ins: %v failures and %v throttled, want 5 and 1", f, th)
		}
	})
	t.Run("UnmatchedRoutes", func(t *testing.T) {
		e := newEnv(t)
		serve(e, httptest.NewRequest("GET", "/wp-admin/setup.php", nil))
		fams := scrape(t, e, "127.0.0.1:9")
		if got := value(fams, "pilar_http_requests_total", "route", "unmatched"); got != 1 {
			t.Fatalf("an unknown path: %v requests under route=unmatched, want 1", got)
		}
		if strings.Contains(fmt.Sprint(fams["pilar_http_requests_total"]), "wp-admin") {
			t.Fatalf("a raw path became a label")
		}
	})
}
