// Package app wires Pilar together: config, store, web server. The pilar
// command and the end-to-end tests both boot the application through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"pilar/internal/config"
	"pilar/internal/store"
	"pilar/internal/web"
)

// App is a running Pilar: its store and HTTP server.
type App struct {
	Config config.Config
	Store  *store.Store
	Web    *web.Server
	Log    *slog.Logger
	srv    *http.Server
	ln     net.Listener
	// base is the context of every request; cancelled when the shutdown
	// timeout ends, so that handlers still running stop (an import after
	// the batch in progress).
	base     context.Context
	cancel   context.CancelFunc
	inflight inflight
}

// inflight counts the handlers running, so that the database is closed only
// after the last one has returned, even one cut off by the timeout.
type inflight struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n falls to 0 while waited for
}

func (f *inflight) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.n++
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			if f.n--; f.n == 0 && f.idle != nil {
				close(f.idle)
				f.idle = nil
			}
			f.mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

// wait returns when no handler runs, or false when ctx ends first.
func (f *inflight) wait(ctx context.Context) bool {
	f.mu.Lock()
	if f.n == 0 {
		f.mu.Unlock()
		return true
	}
	if f.idle == nil {
		f.idle = make(chan struct{})
	}
	idle := f.idle
	f.mu.Unlock()
	select {
	case <-idle:
		return true
	case <-ctx.Done():
		return false
	}
}

// New opens and migrates the database and builds the web server.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	st, err := store.OpenMigrated(ctx, cfg.Database.Driver, cfg.Database.DSN)
	if err != nil {
		return nil, err
	}
	st.ExclusionKey = []byte(cfg.Exclusion.Key)
	st.LookupLimit = int(cfg.Privacy.LookupLimit)
	st.RefusedTTL = cfg.Uploads.RefusedTTL
	st.Loc = cfg.Location()
	w, err := web.New(st, cfg, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &App{Config: cfg, Store: st, Web: w, Log: log}, nil
}

// Listen opens the configured address (":0" picks a free port).
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", a.Config.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Server.Addr, err)
	}
	a.ln = ln
	a.base, a.cancel = context.WithCancel(context.Background())
	a.srv = &http.Server{
		Handler:           a.inflight.wrap(a.Web.Echo),
		BaseContext:       func(net.Listener) context.Context { return a.base },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       a.Config.Server.ReadTimeout,
		WriteTimeout:      a.Config.Server.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	return nil
}

// Addr is the address the app listens on, after Listen.
func (a *App) Addr() string { return a.ln.Addr().String() }

// Run serves until ctx ends (SIGTERM or SIGINT in pilar serve), then shuts
// down gracefully: it stops accepting, lets the requests in flight finish
// within server.shutdown_timeout, then cancels those still running (an
// import stops after the batch in progress, which commits) and waits for
// their handlers to return, so that Close finds the database idle.
func (a *App) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- a.srv.Serve(a.ln) }()
	a.Log.Info("pilar is serving", "addr", "http://"+a.Addr(), "database", a.Config.Database.Driver)
	select {
	case err := <-errc:
		a.cancel()
		return err
	case <-ctx.Done():
	}
	timeout := a.Config.Server.ShutdownTimeout
	a.Log.Info("shutting down: finishing the requests in flight", "timeout", timeout.String())
	shut, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := a.srv.Shutdown(shut)
	if errors.Is(err, context.DeadlineExceeded) {
		a.Log.Warn("shutdown timeout reached: cutting off the requests still running", "timeout", timeout.String())
		a.cancel()
		a.srv.Close()
		// The handlers see their context end; an import finishes its batch.
		grace, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if !a.inflight.wait(grace) {
			a.Log.Error("handlers still running after the shutdown timeout twice over; closing the database under them")
		}
		err = nil
	}
	a.cancel()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.Log.Info("stopped")
	return nil
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }
