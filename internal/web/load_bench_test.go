package web_test

import (
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"pilar/internal/finance"
)

// loadClients is how many clients BenchmarkCreateDisbursementsHTTP runs at once.
const loadClients = 32

// BenchmarkCreateDisbursementsHTTP creates b.N drafts through the API's
// router, from loadClients clients at once, each its own recipients, and
// reports requests/s, the p50 and p99 of one request and the CPU time of
// the process (server and clients, which share the machine) per request,
// which other work on the machine moves less than the rates. No request may
// be answered 500 (SQLite's "database is locked" must never surface); a
// 503 under overload is counted (unavailable).
//
//	go test ./internal/web -run '^$' -bench BenchmarkCreateDisbursementsHTTP -benchtime 3200x
func BenchmarkCreateDisbursementsHTTP(b *testing.B) {
	e := newEnv(b)
	e.expect(b, e.do(b, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-LOAD-2024", "1000000000000")), 201)
	admin := e.w.Ctx(e.w.Admin)
	ids := make([]int64, b.N)
	for i := range ids {
		// a birth day and serial each: up to 279,972 recipients
		nik, umkm := fmt.Sprintf("647201%02d0190%04d", 1+i/9999, 1+i%9999), "umkm"
		name := "Usaha " + nik
		r, err := e.w.Store.CreateRecipient(admin, finance.RecipientInput{Kind: &umkm, Name: &name, NIK: &nik})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = r.ID
	}
	took := make([]time.Duration, b.N)
	status := make([]int, b.N)
	var wg sync.WaitGroup
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for c := range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < b.N; i += loadClients {
				t0 := time.Now()
				rec := e.do(b, e.w.Officer, "POST", "/api/v1/disbursements", map[string]any{
					"program": "PEN-LOAD-2024", "recipient_id": ids[i], "amount": "2400000.00", "disbursed_on": "2024-03-01"})
				took[i], status[i] = time.Since(t0), rec.Code
				if rec.Code == 500 {
					b.Errorf("request %d: 500 %s", i, rec.Body.String())
				}
			}
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	unavailable := 0
	for i, code := range status {
		switch code {
		case 201:
		case 503:
			unavailable++
		default:
			b.Fatalf("request %d: status %d", i, code)
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(took[b.N/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[b.N*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/req")
	b.ReportMetric(float64(unavailable), "unavailable")
}

// cpuTime is the CPU time (user and system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
