package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"pilar/internal/config"
	"pilar/internal/dbtest"
)

// boot starts the whole application on 127.0.0.1:0 over a fresh database.
func boot(t *testing.T) *App {
	t.Helper()
	cfg := config.Default()
	cfg.Database.Driver, cfg.Database.DSN = dbtest.Config(t)
	cfg.Server.Addr = "127.0.0.1:0"
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		a.Close()
	})
	return a
}

// TestApp_Limits checks, through a real listener, that the server bounds
// header size and has timeouts against slow clients.
func TestApp_Limits(t *testing.T) {
	a := boot(t)
	t.Run("Timeouts", func(t *testing.T) {
		s := a.srv
		if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 {
			t.Fatalf("a slow client could hold a connection: %+v", s)
		}
	})
	t.Run("OK", func(t *testing.T) {
		res, err := http.Get("http://" + a.Addr() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("healthz: %d %v", res.StatusCode, res.Header)
		}
	})
	t.Run("ErrHeaderTooLarge", func(t *testing.T) {
		conn, err := net.Dial("tcp", a.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 100<<10))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("100 KiB of headers: %d, want 431", res.StatusCode)
		}
	})
}
