package web

import (
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// observe is the outermost middleware: it lets the error handler answer
// an error at once (so the status is known here), then counts the request
// by its route pattern and status.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		s.Metrics.ObserveRequest(c.Request().Method, s.routeOf(c), c.Response().Status, time.Since(start))
		return nil
	}
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
