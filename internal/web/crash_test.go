package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"pilar/internal/config"
	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
	"pilar/internal/web"
)

// crashRounds is how many times each stage is killed per engine.
const crashRounds = 3

// TestIdempotencyCrash kills (SIGKILL) a server process in the middle of
// a POST sent with an Idempotency-Key, after the key was reserved and the
// recipient written but before the commit, and after the commit but before
// the answer went out, then retries the same request against a fresh
// server on the same database: the first retry runs the request anew
// (before_commit) or replays the committed answer (after_commit), never a
// 409 "still running", and there is exactly one recipient (issue 17, item 3).
func TestIdempotencyCrash(t *testing.T) {
	t.Parallel()
	for _, stage := range []string{"before_commit", "after_commit"} {
		t.Run(stage, func(t *testing.T) {
			driver, dsn := dbtest.Config(t)
			w := dbtest.NewWorldOn(t, dbtest.OpenDSN(t, driver, dsn))
			token, _, err := w.Store.CreateToken(finance.WithActor(context.Background(), finance.System), w.Officer.Email, "crash")
			if err != nil {
				t.Fatal(err)
			}
			srv, err := web.New(w.Store, config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			for round := 1; round <= crashRounds; round++ {
				nik := fmt.Sprintf("647201010190%04d", round)
				body := `{"kind":"umkm","name":"Amplang","nik":"` + nik + `"}`
				key := fmt.Sprintf("crash-%s-%d", stage, round)
				post := func(base string) (*http.Response, error) {
					req, _ := http.NewRequest("POST", base+"/api/v1/recipients", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Idempotency-Key", key)
					return http.DefaultClient.Do(req)
				}
				killAt(t, driver, dsn, stage, func(base string) {
					if resp, err := post(base); err == nil {
						resp.Body.Close()
						t.Errorf("round %d: the killed server answered %d", round, resp.StatusCode)
					}
				})
				retry := func() *httptest.ResponseRecorder {
					req := httptest.NewRequest("POST", "/api/v1/recipients", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Idempotency-Key", key)
					rec := httptest.NewRecorder()
					srv.Echo.ServeHTTP(rec, req)
					return rec
				}
				first := retry()
				wantReplay := stage == "after_commit"
				if first.Code != 201 || (first.Header().Get("Idempotent-Replayed") == "true") != wantReplay {
					t.Fatalf("round %d: first retry %d (replayed %q), want 201 replayed=%v: %s",
						round, first.Code, first.Header().Get("Idempotent-Replayed"), wantReplay, first.Body)
				}
				again := retry()
				if again.Code != 201 || again.Header().Get("Idempotent-Replayed") != "true" || again.Body.String() != first.Body.String() {
					t.Fatalf("round %d: second retry %d %q: %s", round, again.Code, again.Header().Get("Idempotent-Replayed"), again.Body)
				}
				db, _ := w.Store.DB()
				var n int
				if err := db.QueryRow("SELECT COUNT(*) FROM recipients WHERE nik = $1", nik).Scan(&n); err != nil || n != 1 {
					t.Fatalf("round %d: %d recipients with the NIK (err %v), want 1", round, n, err)
				}
			}
			t.Logf("%s on %s: %d kills, each followed by 2 retries", stage, driver, crashRounds)
		})
	}
}

// killAt starts a server process on the database that stops at stage,
// sends it the request (send, given the server's base URL) and SIGKILLs
// the process once it has reached the stage.
func killAt(t *testing.T, driver, dsn, stage string, send func(base string)) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdempotencyCrashChild$")
	cmd.Env = append(os.Environ(), "PILAR_CRASH_CHILD=1", "PILAR_CRASH_DRIVER="+driver, "PILAR_CRASH_DSN="+dsn, "PILAR_CRASH_STAGE="+stage)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	next := func(prefix string) string {
		for lines.Scan() {
			if v, ok := strings.CutPrefix(lines.Text(), prefix); ok {
				return v
			}
		}
		t.Fatalf("the server process ended before printing %q", prefix)
		return ""
	}
	base := "http://" + next("ADDR ")
	done := make(chan struct{})
	go func() { defer close(done); send(base) }()
	next("STAGE " + stage)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the request did not end after the kill")
	}
}

// TestIdempotencyCrashChild is the server process TestIdempotencyCrash
// kills; it does nothing unless started by it.
func TestIdempotencyCrashChild(t *testing.T) {
	if os.Getenv("PILAR_CRASH_CHILD") == "" {
		t.Skip("the server process of TestIdempotencyCrash")
	}
	st, err := store.Open(os.Getenv("PILAR_CRASH_DRIVER"), os.Getenv("PILAR_CRASH_DSN"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(st, config.Default(), slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		t.Fatal(err)
	}
	stage := os.Getenv("PILAR_CRASH_STAGE")
	web.SetIdempotencyHook(func(s string) {
		if s == stage {
			fmt.Printf("STAGE %s\n", s)
			select {} // wait for the kill
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("ADDR %s\n", ln.Addr())
	http.Serve(ln, srv.Echo)
}

// TestIdempotencyPanic: a request that panics after its writes, before the
// commit, answers 500 in the error shape and leaves nothing: the retry under
// the same key runs anew. Not parallel: it sets the package's hook.
func TestIdempotencyPanic(t *testing.T) {
	e := newEnv(t)
	web.SetIdempotencyHook(func(stage string) {
		if stage == "before_commit" {
			panic("test: died before the commit")
		}
	})
	defer web.SetIdempotencyHook(nil)
	send := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/recipients", strings.NewReader(`{"kind":"umkm","name":"Amplang","nik":"6472010101900001"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.tokens[e.w.Officer])
		req.Header.Set("Idempotency-Key", "panic-1")
		return serve(e, req)
	}
	if m := e.expect(t, send(), 500); errorCode(m) != "internal" {
		t.Fatalf("%v", m)
	}
	web.SetIdempotencyHook(nil)
	rec := send()
	if rec.Code != 201 || rec.Header().Get("Idempotent-Replayed") != "" {
		t.Fatalf("retry after the panic: %d %q %s", rec.Code, rec.Header().Get("Idempotent-Replayed"), rec.Body)
	}
	list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients?nik=6472010101900001", nil), 200)
	if n := len(list["items"].([]any)); n != 1 {
		t.Fatalf("%d recipients, want 1", n)
	}
}
