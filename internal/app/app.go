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
}

// New opens and migrates the database and builds the web server.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	st, err := store.OpenMigrated(ctx, cfg.Database.Driver, cfg.Database.DSN)
	if err != nil {
		return nil, err
	}
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
	a.srv = &http.Server{
		Handler:           a.Web.Echo,
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

// Run serves until ctx ends, then shuts down gracefully.
func (a *App) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- a.srv.Serve(a.ln) }()
	a.Log.Info("pilar is serving", "addr", "http://"+a.Addr(), "database", a.Config.Database.Driver)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }
