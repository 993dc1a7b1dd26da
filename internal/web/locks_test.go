package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pilar/internal/config"
	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/importer"
	"pilar/internal/web"
)

// TestImportKeepsAPIAnswering runs a 100,000-row recipient import through
// a second store on the same database (as `pilar import` in another
// process would) while one client reads (GET /api/v1/programs) and another
// writes (POST /api/v1/recipients) through the server, one request after
// another, until the import ends: every read is a 200 and every write a 201
// or, when the lock could not be had within its budget, a 503 with
// Retry-After in the documented error shape, never a 500 (issue 17, item 9).
// Latencies are logged (p50, p99, max), not asserted. The suite imports
// 20,000 rows to keep CI inside its budget; PILAR_LOCK_ROWS=100000 runs the
// issue's scenario (figures in docs/RELIABILITY.md).
func TestImportKeepsAPIAnswering(t *testing.T) {
	rows := 20_000
	if n, err := strconv.Atoi(os.Getenv("PILAR_LOCK_ROWS")); err == nil && n > 0 {
		rows = n
	}
	driver, dsn := dbtest.Config(t)
	w := dbtest.NewWorldOn(t, dbtest.OpenDSN(t, driver, dsn))
	srv, err := web.New(w.Store, config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{w: w, srv: srv, tokens: map[*finance.User]string{}}
	for _, u := range []*finance.User{w.Admin, w.Officer} {
		secret, _, err := w.Store.CreateToken(finance.WithActor(context.Background(), finance.System), u.Email, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u] = secret
	}
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("BPUM-2024", "24000000")), 201)

	var file strings.Builder
	file.WriteString("kind,name,nik\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&file, "umkm,Usaha %d,6472010101%02d%04d\n", i, 80+i/9999, i%9999+1)
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	other := dbtest.OpenDSN(t, driver, dsn) // the importing "process"

	type result struct {
		status int
		took   time.Duration
		retry  string
		code   string
	}
	var mu sync.Mutex
	got := map[string][]result{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	client := func(kind string, send func(i int) (int, string, string)) {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			start := time.Now()
			st, retry, code := send(i)
			mu.Lock()
			got[kind] = append(got[kind], result{st, time.Since(start), retry, code})
			mu.Unlock()
		}
	}
	wg.Add(2)
	go client("read", func(int) (int, string, string) {
		rec := e.do(t, e.w.Officer, "GET", "/api/v1/programs", nil)
		return rec.Code, rec.Header().Get("Retry-After"), ""
	})
	go client("write", func(i int) (int, string, string) {
		rec := e.do(t, e.w.Officer, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Tulis", "nik": fmt.Sprintf("6472020101%02d%04d", 80+i/9999, i%9999+1)})
		code := ""
		if rec.Code == 503 {
			code = errorCode(e.expect(t, rec, 503))
		}
		return rec.Code, rec.Header().Get("Retry-After"), code
	})
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := importer.Import(w.Ctx(w.Officer), other, f, importer.Options{Kind: importer.Recipients})
	f.Close()
	took := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil || res.Created != rows {
		t.Fatalf("import: %v, %+v", err, res)
	}
	for _, kind := range []string{"read", "write"} {
		rs := got[kind]
		counts := map[int]int{}
		var lat []time.Duration
		for _, r := range rs {
			counts[r.status]++
			lat = append(lat, r.took)
			ok := r.status == 200 && kind == "read" || r.status == 201 && kind == "write" ||
				r.status == 503 && r.retry != "" && r.code == "unavailable"
			if !ok {
				t.Errorf("%s answered %d (Retry-After %q, code %q)", kind, r.status, r.retry, r.code)
			}
		}
		if len(lat) == 0 {
			t.Fatalf("no %s finished during the import", kind)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))].Round(time.Millisecond) }
		t.Logf("%s on %s during a %d-row import (%v): %d requests, statuses %v, p50 %v, p99 %v, max %v",
			kind, driver, rows, took.Round(time.Second), len(lat), counts, q(0.5), q(0.99), lat[len(lat)-1].Round(time.Millisecond))
	}
}
