package web

import (
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/logging"
)

// observe is the outermost middleware. It gives the request an id (the
// client's X-Request-Id when sane, else a new one), echoes it in the
// response header, puts a logger carrying it in the request context, lets
// the error handler answer an error at once (so the status is known
// here), then writes one access log line and counts the request by its
// route pattern and status.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		id := logging.RequestID(c.Request().Header.Get(echo.HeaderXRequestID))
		c.Set(requestIDKey, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		log := s.log.With("request_id", id)
		c.SetRequest(c.Request().WithContext(logging.With(c.Request().Context(), log)))
		if err := next(c); err != nil {
			c.Error(err)
		}
		route, status, took := s.routeOf(c), c.Response().Status, time.Since(start)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.Log(c.Request().Context(), level, "request",
			"method", c.Request().Method, "route", route, "path", c.Request().URL.Path,
			"query", safeQuery(c.Request().URL.Query()), "status", status,
			"bytes", c.Response().Size, "duration_ms", float64(took.Microseconds())/1000, "addr", c.RealIP())
		s.Metrics.ObserveRequest(c.Request().Method, route, status, took)
		return nil
	}
}

const requestIDKey = "request_id"

// requestID is the id of the request being answered.
func requestID(c echo.Context) string {
	id, _ := c.Get(requestIDKey).(string)
	return id
}

// reqLog is the logger of the request: every line carries its id.
func (s *Server) reqLog(c echo.Context) *slog.Logger {
	return logging.From(c.Request().Context(), s.log)
}

// safeQuery is the query for the log with secret parameters left out; the
// logger's redactor masks NIKs in the rest.
func safeQuery(q url.Values) string {
	for k := range q {
		switch l := strings.ToLower(k); {
		case strings.Contains(l, "password"), strings.Contains(l, "token"), strings.Contains(l, "csrf"), strings.Contains(l, "secret"):
			q[k] = []string{"[redacted]"}
		}
	}
	return logging.Redact(q.Encode())
}

// routeOf is the route pattern that answered, never the raw path (whose ids
// and probes would each make new series).
func (s *Server) routeOf(c echo.Context) string {
	if p := c.Path(); s.routePaths[p] {
		return p
	}
	return "unmatched"
}

// metricsEndpoint serves the Prometheus exposition to the networks of
// metrics.allow; everyone else gets 403.
func (s *Server) metricsEndpoint(c echo.Context) error {
	addr, err := netip.ParseAddr(c.RealIP())
	allowed := false
	if err == nil {
		addr = addr.Unmap()
		for _, p := range s.metricsAllow {
			if p.Contains(addr) {
				allowed = true
				break
			}
		}
	}
	if !allowed {
		return finance.Errorf(finance.EForbidden, "metrics are only served to the networks in metrics.allow")
	}
	s.Metrics.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
}

// parseAllow reads metrics.allow (validated by config).
func parseAllow(list []string) []netip.Prefix {
	var out []netip.Prefix
	for _, c := range list {
		if p, err := netip.ParsePrefix(c); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}

// reconcile runs a reconciliation and reports it to the metrics
// (metrics.ReconObserver): a finished run with its matched and unmatched
// statement lines, or a run that failed inside; refused input is not a run.
func (s *Server) reconcile(c echo.Context, in finance.ReconcileInput, next finance.ReconciliationSink) (*reconTally, error) {
	t := &reconTally{next: next}
	err := s.statements.ReconcileTo(c.Request().Context(), in, t)
	switch {
	case err == nil:
		s.Metrics.ReconciliationFinished(t.matched+t.unmatched, t.matched, t.unmatched, nil)
	case finance.ErrorCode(err) == finance.EInternal:
		s.Metrics.ReconciliationFinished(0, 0, 0, err)
	}
	return t, err
}
