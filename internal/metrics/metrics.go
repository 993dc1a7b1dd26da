// Package metrics is Pilar's Prometheus instrumentation, on a registry of
// its own (not the global one, so that tests and several servers in one
// process never share counters): HTTP requests by route pattern and status,
// the database pool, disbursements by status and program kind (queried at
// scrape time), imports and reconciliations with their row counts, and
// sign-in failures and throttles.
package metrics

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"pilar/internal/finance"
)

// DisbursementCounter counts disbursements by program kind and status; the
// store implements it. It is queried at every scrape.
type DisbursementCounter interface {
	CountDisbursements(ctx context.Context) ([]finance.DisbursementCount, error)
}

// ReconObserver is the hook for reconciliation: call it when a run over
// a bank statement ends, with the statement lines read and how many matched
// a disbursement. err is the run's error (nil when it finished).
type ReconObserver interface {
	ReconciliationFinished(lines, matched, unmatched int, err error)
}

// Metrics holds Pilar's collectors and their registry.
type Metrics struct {
	Registry *prometheus.Registry

	requests   *prometheus.CounterVec
	durations  *prometheus.HistogramVec
	imports    *prometheus.CounterVec
	importRows *prometheus.CounterVec
	recons     *prometheus.CounterVec
	reconLines *prometheus.CounterVec
	signIn     *prometheus.CounterVec
	throttled  *prometheus.CounterVec
}

// New builds the collectors. db (may be nil) gives the pool statistics;
// disb (may be nil) the disbursement counts; log records a failed query.
func New(db *sql.DB, disb DisbursementCounter, log *slog.Logger) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilar_http_requests_total", Help: "HTTP requests answered, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pilar_http_request_duration_seconds", Help: "Time to answer HTTP requests, by method, route pattern and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"method", "route", "status"}),
		imports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilar_imports_total", Help: "Imports run, by kind (recipients, disbursements) and outcome (ok, refused, error).",
		}, []string{"kind", "outcome"}),
		importRows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilar_import_rows_total", Help: "Rows of imports, by kind and result (created, updated, skipped, failed).",
		}, []string{"kind", "result"}),
		recons: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilar_reconciliations_total", Help: "Reconciliation runs over bank statements, by outcome (ok, error).",
		}, []string{"outcome"}),
		reconLines: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilar_reconciliation_lines_total", Help: "Bank statement lines reconciled, by result (matched, unmatched).",
		}, []string{"result"}),
		signIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilar_sign_in_failures_total", Help: "Failed authentications, by method (password, token).",
		}, []string{"method"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pilar_sign_in_throttled_total", Help: "Sign-ins refused with 429 because the account or address failed too often.",
		}, []string{"method"}),
	}
	m.Registry.MustRegister(m.requests, m.durations, m.imports, m.importRows, m.recons, m.reconLines, m.signIn, m.throttled,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Zero series, so that a rate() over them exists before the first event.
	for _, kind := range []string{"recipients", "disbursements"} {
		for _, r := range []string{"created", "updated", "skipped", "failed"} {
			m.importRows.WithLabelValues(kind, r)
		}
	}
	for _, r := range []string{"matched", "unmatched"} {
		m.reconLines.WithLabelValues(r)
	}
	m.signIn.WithLabelValues("password")
	m.signIn.WithLabelValues("token")
	m.throttled.WithLabelValues("password")
	if db != nil {
		m.Registry.MustRegister(collectors.NewDBStatsCollector(db, "pilar"))
	}
	if disb != nil {
		m.Registry.MustRegister(&disbursements{src: disb, log: log})
	}
	return m
}

// Handler serves the exposition of the registry.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// ObserveRequest counts one answered request; route is the route pattern
// (never the raw path, so ids do not make new series).
func (m *Metrics) ObserveRequest(method, route string, status int, took time.Duration) {
	if m == nil {
		return
	}
	st := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, st).Inc()
	m.durations.WithLabelValues(method, route, st).Observe(took.Seconds())
}

// ImportFinished counts an import and its rows (importer.Observer).
func (m *Metrics) ImportFinished(kind string, created, updated, skipped, failed int, outcome string) {
	if m == nil {
		return
	}
	m.imports.WithLabelValues(kind, outcome).Inc()
	m.importRows.WithLabelValues(kind, "created").Add(float64(created))
	m.importRows.WithLabelValues(kind, "updated").Add(float64(updated))
	m.importRows.WithLabelValues(kind, "skipped").Add(float64(skipped))
	m.importRows.WithLabelValues(kind, "failed").Add(float64(failed))
}

// ReconciliationFinished counts a reconciliation run (ReconObserver).
func (m *Metrics) ReconciliationFinished(lines, matched, unmatched int, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.recons.WithLabelValues(outcome).Inc()
	m.reconLines.WithLabelValues("matched").Add(float64(matched))
	m.reconLines.WithLabelValues("unmatched").Add(float64(unmatched))
}

// SignInFailed counts a failed authentication: method is "password" or
// "token"; throttled says it was refused with 429.
func (m *Metrics) SignInFailed(method string, throttled bool) {
	if m == nil {
		return
	}
	if throttled {
		m.throttled.WithLabelValues(method).Inc()
		return
	}
	m.signIn.WithLabelValues(method).Inc()
}

// disbursements collects the disbursement counts at scrape time.
type disbursements struct {
	src DisbursementCounter
	log *slog.Logger
}

var (
	disbCount = prometheus.NewDesc("pilar_disbursements", "Disbursements now, by program kind and status.", []string{"program_kind", "status"}, nil)
	disbUp    = prometheus.NewDesc("pilar_disbursements_query_ok", "1 when the disbursement counts could be read at this scrape, else 0.", nil, nil)
)

func (d *disbursements) Describe(ch chan<- *prometheus.Desc) {
	ch <- disbCount
	ch <- disbUp
}

func (d *disbursements) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := d.src.CountDisbursements(ctx)
	if err != nil {
		if d.log != nil {
			d.log.Error("metrics: count disbursements", "err", err)
		}
		ch <- prometheus.MustNewConstMetric(disbUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(disbUp, prometheus.GaugeValue, 1)
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(disbCount, prometheus.GaugeValue, float64(r.Count), r.ProgramKind, r.Status)
	}
}
