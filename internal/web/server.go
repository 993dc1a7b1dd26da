// Package web is Pilar's HTTP face: the JSON API under /api/v1, the
// server-rendered pages, authentication (bearer tokens for the API, sessions
// for pages), and the one error handler that maps domain errors to statuses.
// Handlers read input, call one service method and render the result.
package web

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"

	"pilar/internal/config"
	"pilar/internal/finance"
	"pilar/internal/metrics"
	"pilar/internal/report"
)

// Services is what the web layer needs from the store: New takes the one
// value implementing them all and gives each to its narrow Server field.
type Services interface {
	finance.AgencyService
	finance.ProgramService
	finance.RecipientService
	finance.DisbursementService
	finance.ImportService
	finance.RecipientFlagService
	finance.UserService
	finance.SessionService
	finance.AuditService
	finance.LifecycleService
	finance.BudgetRevisionService
	finance.IdempotencyService
	finance.ExclusionService
	finance.LookupService
	finance.RefusedRowsService
	finance.StatementService
	finance.ReturService
	finance.CreditService
	finance.RepaymentImportService
	report.Service
	Ping(ctx context.Context) error
	// DB is the connection pool, for its metrics.
	DB() (*sql.DB, error)
	// CountDisbursements counts disbursements by program kind and status
	// for the metrics (no actor: an aggregate without names).
	CountDisbursements(ctx context.Context) ([]finance.DisbursementCount, error)
}

// Server holds the Echo instance and what its handlers need.
type Server struct {
	Echo *echo.Echo
	// One narrow field per service, so that a handler shows what it
	// needs; New fills them all from the one store.
	agencies      finance.AgencyService
	programs      finance.ProgramService
	recipients    finance.RecipientService
	disbursements finance.DisbursementService
	lifecycle     finance.LifecycleService
	revisions     finance.BudgetRevisionService
	imports       finance.ImportService
	refused       finance.RefusedRowsService
	flags         finance.RecipientFlagService
	users         finance.UserService
	sessions      finance.SessionService
	audit         finance.AuditService
	idempotency   finance.IdempotencyService
	exclusions    finance.ExclusionService
	lookups       finance.LookupService
	statements    finance.StatementService
	returs        finance.ReturService
	credit        finance.CreditService
	reports       report.Service // the value is the store, which also builds the reconciliation report (report.ReconService)
	health        interface {
		Ping(ctx context.Context) error
	}
	cfg    config.Config
	loc    *time.Location   // config timezone
	now    func() time.Time // the clock of "this year" and print dates
	log    *slog.Logger
	pages  *renderer
	routes []apiRoute
	// Metrics are the Prometheus collectors served at /metrics; other
	// parts (the importer, reconciliation) report into them.
	Metrics      *metrics.Metrics
	metricsAllow []netip.Prefix
	routePaths   map[string]bool // registered route patterns, the metrics' route label
}

// MaxJSONBytes is the largest JSON body the API reads.
const MaxJSONBytes = 1 << 20

// New builds the server and its routes; templates are parsed here, so a
// broken or missing template fails at start.
func New(svc Services, cfg config.Config, log *slog.Logger) (*Server, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	ip, err := clientAddress(cfg.Server)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = ip
	s := &Server{Echo: e,
		agencies: svc, programs: svc, recipients: svc, disbursements: svc, lifecycle: svc, revisions: svc,
		imports: svc, refused: svc, flags: svc, users: svc, sessions: svc, audit: svc, idempotency: svc,
		exclusions: svc, lookups: svc, statements: svc, returs: svc, credit: svc, reports: svc, health: svc,
		cfg: cfg, log: log, metricsAllow: parseAllow(cfg.Metrics.Allow), loc: cfg.Location(), now: time.Now}
	db, err := svc.DB()
	if err != nil {
		return nil, err
	}
	s.Metrics = metrics.New(db, svc, log)
	pages, err := newRenderer()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	e.HTTPErrorHandler = s.handleError
	e.Use(s.observe, s.recoverPanics, s.securityHeaders, s.limitBodies, s.refuseHostileInput)
	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metricsEndpoint)
	e.GET("/openapi.json", s.openAPI)
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", pages.staticHandler())))
	// Browsers ask for these at the site's root on their own; they are plain
	// files, answered without a session, so that they never pass through
	// the sign-in redirect (which once cost the sign-in form its token).
	e.GET("/favicon.ico", echo.WrapHandler(pages.rootFile("favicon.ico")))
	e.GET("/robots.txt", echo.WrapHandler(pages.rootFile("robots.txt")))
	s.registerAPI()
	s.registerPages()
	s.routePaths = map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method != "echo_route_not_found" {
			s.routePaths[r.Path] = true
		}
	}
	return s, nil
}

// clientAddress is how a request's client address is found: the peer
// address, or, for a request from one of server.trusted_proxies, the
// rightmost X-Forwarded-For hop that is not itself a trusted proxy. Echo's
// own extractor walks the hops; its defaults (trust loopback, link-local and
// private networks) are turned off, so that only the configured CIDRs are
// trusted and a client cannot forge the header to escape sign-in throttling.
func clientAddress(cfg config.Server) (echo.IPExtractor, error) {
	nets, err := cfg.TrustedProxyNets()
	if err != nil || len(nets) == 0 {
		return echo.ExtractIPDirect(), err
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range nets {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), nil
}

func (s *Server) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.health.Ping(ctx); err != nil {
		s.reqLog(c).Error("health check", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.reqLog(c).Error("panic", "path", c.Path(), "panic", fmt.Sprint(r))
				err = errInternal
			}
		}()
		return next(c)
	}
}

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		return next(c)
	}
}

// limitBodies refuses a declared body over the limit before reading it;
// decode and the upload handlers also cap what they read.
func (s *Server) limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit := int64(MaxJSONBytes)
		if isMultipart(c.Request()) {
			limit = s.cfg.Uploads.MaxBytes
		}
		if c.Request().ContentLength > limit {
			return finance.Errorf(finance.ETooLarge, "the request body is larger than %d bytes", limit)
		}
		c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, limit)
		return next(c)
	}
}

func isMultipart(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 19 && ct[:19] == "multipart/form-data"
}
